"""The admission webhook server (HTTPS on loopback) and its registration with the apiserver.

The apiserver calls it for VM Operator's kinds in the release's storage version, as it would call VM
Operator's own webhook server: mutating for VirtualMachine, validating for VirtualMachine,
VirtualMachineService, VirtualMachinePublishRequest, VirtualMachineWebConsoleRequest and
VirtualMachineSetResourcePolicy. `failurePolicy: Fail`, so writes are refused while the emulator is down.
"""

from __future__ import annotations

import base64
import json
import logging
import ssl
import tempfile
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from vmservice_sim.admission import Verdict
from vmservice_sim.admission_other import (
    validate_publish,
    validate_resource_policy,
    validate_service,
    validate_webconsole,
)
from vmservice_sim.admission_vm import VirtualMachineAdmission
from vmservice_sim.context import VMOP_SERVICE_ACCOUNT, EmulatorContext
from vmservice_sim.kube import MUTATING_WEBHOOKS, VALIDATING_WEBHOOKS, Obj
from vmservice_sim.release import GROUP

log = logging.getLogger("vmservice-sim")
CONFIG_NAME = "vmservice-sim-vm-operator"
PRIVILEGED_GROUPS = {"system:masters"}

Handler = Callable[[str, Obj, Obj | None, bool], Verdict]


class AdmissionServer:
    """Serves AdmissionReview v1 requests on https://127.0.0.1:<port>/<VM Operator's webhook paths>."""

    def __init__(self, ctx: EmulatorContext, cert_pem: bytes, key_pem: bytes) -> None:
        self.ctx = ctx
        self.vm = VirtualMachineAdmission(ctx)
        release = ctx.release
        self.routes: dict[str, tuple[str, Handler]] = {}

        def add(kind_lower: str, mutating: bool, handler: Handler) -> None:
            self.routes[release.webhook_path(kind_lower, mutating)] = (
                release.webhook_name(kind_lower, mutating),
                handler,
            )

        add("virtualmachine", True, lambda op, obj, old, priv: self.vm.mutate(op, obj, old))
        add("virtualmachine", False, self.vm.validate)
        add("virtualmachineservice", False, lambda op, obj, old, priv: validate_service(op, obj, old))
        add(
            "virtualmachinepublishrequest",
            False,
            lambda op, obj, old, priv: validate_publish(op, obj, old, release.storage_version),
        )
        add(
            "virtualmachinewebconsolerequest",
            False,
            lambda op, obj, old, priv: validate_webconsole(op, obj, old),
        )
        add(
            "virtualmachinesetresourcepolicy",
            False,
            lambda op, obj, old, priv: validate_resource_policy(op, obj, old),
        )

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        with tempfile.TemporaryDirectory(prefix="vmservice-sim-webhook-") as scratch:
            cert_file, key_file = Path(scratch) / "tls.crt", Path(scratch) / "tls.key"
            cert_file.write_bytes(cert_pem)
            key_file.write_bytes(key_pem)
            key_file.chmod(0o600)
            context.load_cert_chain(str(cert_file), str(key_file))
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("webhook: " + format, *args)

            def do_GET(self) -> None:
                self._reply(
                    200, {"status": "ok"} if self.path in ("/healthz", "/readyz") else {"error": "not found"}
                )

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    review = json.loads(self.rfile.read(length) or b"{}")
                    self._reply(200, server.review(self.path, review))
                except Exception as error:  # a broken webhook must answer, not hang the apiserver
                    log.exception("webhook %s failed", self.path)
                    self._reply(500, {"error": str(error)})

            def _reply(self, code: int, body: Obj) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self._httpd.daemon_threads = True
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.port = int(self._httpd.server_address[1])
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="webhook-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # ---------------------------------------------------------------------------------------- dispatch

    def review(self, url_path: str, review: Obj) -> Obj:
        request = review.get("request") or {}
        uid = str(request.get("uid") or "")
        route = self.routes.get(url_path.split("?")[0])
        if route is None:
            verdict = Verdict.errored(404, f"no webhook at {url_path}")
        else:
            _, handler = route
            operation = str(request.get("operation") or "")
            obj = request.get("object") or {}
            old = request.get("oldObject")
            user = request.get("userInfo") or {}
            privileged = user.get("username") == VMOP_SERVICE_ACCOUNT or bool(
                PRIVILEGED_GROUPS & set(user.get("groups") or [])
            )
            if operation == "DELETE":
                verdict = Verdict()
            else:
                verdict = handler(operation, obj, old if isinstance(old, dict) else None, privileged)
        return {
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "response": verdict.response(uid),
        }

    # ---------------------------------------------------------------------------------------- registration

    def register(self, ca_pem: bytes) -> None:
        """Create or replace the Mutating/ValidatingWebhookConfigurations pointing at this server."""
        release = self.ctx.release
        ca_bundle = base64.b64encode(ca_pem).decode()

        def webhook(kind_lower: str, plural: str, mutating: bool) -> Obj:
            hook: Obj = {
                "name": release.webhook_name(kind_lower, mutating),
                "clientConfig": {
                    "url": self.url + release.webhook_path(kind_lower, mutating),
                    "caBundle": ca_bundle,
                },
                "rules": [
                    {
                        "apiGroups": [GROUP],
                        "apiVersions": [release.storage_version],
                        "operations": ["CREATE", "UPDATE"],
                        "resources": [plural],
                        "scope": "Namespaced",
                    }
                ],
                "failurePolicy": "Fail",
                "matchPolicy": "Equivalent",
                "sideEffects": "None",
                "admissionReviewVersions": ["v1"],
                "timeoutSeconds": 10,
            }
            if mutating:
                hook["reinvocationPolicy"] = "Never"
            return hook

        mutating = {
            "metadata": {"name": CONFIG_NAME},
            "webhooks": [webhook("virtualmachine", "virtualmachines", True)],
        }
        validating = {
            "metadata": {"name": CONFIG_NAME},
            "webhooks": [
                webhook("virtualmachine", "virtualmachines", False),
                webhook("virtualmachineservice", "virtualmachineservices", False),
                webhook("virtualmachinepublishrequest", "virtualmachinepublishrequests", False),
                webhook("virtualmachinewebconsolerequest", "virtualmachinewebconsolerequests", False),
                webhook("virtualmachinesetresourcepolicy", "virtualmachinesetresourcepolicies", False),
            ],
        }
        for kind, body in ((MUTATING_WEBHOOKS, mutating), (VALIDATING_WEBHOOKS, validating)):
            self.ctx.kube.apply(kind, body)
