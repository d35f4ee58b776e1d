"""The admission webhook server (HTTPS on loopback) and its registration with the apiserver.

The apiserver calls it for VM Operator's kinds as it would call VM Operator's own webhook server: at VM
Operator's paths and names, one mutating and/or validating webhook per kind the simulator serves and the
rules package has rules for in the release (`vmservice_api.rules`). `failurePolicy: Fail`, so writes are
refused while the emulator is down; `sideEffects: None`, so dry-run requests are sent too (the rules only
read).
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from vmservice_api import rules

from vmservice_sim.admission import Judge, Verdict, Webhook
from vmservice_sim.cluster import ApiCluster, ApiResources
from vmservice_sim.cluster_cache import CachedCluster
from vmservice_sim.kube import MUTATING_WEBHOOKS, VALIDATING_WEBHOOKS, Kube, Obj
from vmservice_sim.registry import KindRegistration, registrations
from vmservice_sim.release import GROUP, Release

log = logging.getLogger("vmservice-sim")
CONFIG_NAME = "vmservice-sim-vm-operator"


@dataclass(frozen=True)
class Route:
    """One webhook: which kind, mutating or validating, in which API version."""

    registration: KindRegistration
    webhook: Webhook
    version: str

    @property
    def mutating(self) -> bool:
        return self.webhook == "mutating"


def webhook_routes(release: Release, kinds: list[KindRegistration]) -> dict[str, Route]:
    """URL path -> webhook, at VM Operator's own paths, for every webhook the rules package has rules for."""
    routes: dict[str, Route] = {}
    for registration in kinds:
        version = registration.version_in(release)
        webhooks: tuple[Webhook, ...] = ("mutating", "validating")
        for webhook in webhooks:
            held = rules.rules(registration.kind, webhook)
            if any(release.name in rule.releases for rule in held):
                path = release.webhook_path(registration.lower, webhook == "mutating", version)
                routes[path] = Route(registration, webhook, version)
    return routes


@dataclass(frozen=True)
class Reviewer:
    """Answers AdmissionReview requests with the rules (no HTTP, no writes)."""

    routes: dict[str, Route]
    judge: Judge

    def review(self, url_path: str, review: Obj) -> Obj:
        request = review.get("request") or {}
        uid = str(request.get("uid") or "")
        route = self.routes.get(url_path.split("?")[0])
        if route is None:
            verdict = Verdict.errored(404, f"no webhook at {url_path}")
        else:
            verdict = self.judge(route.registration.kind, route.webhook, request)
        return {
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "response": verdict.response(uid),
        }


class AdmissionServer:
    """Serves AdmissionReview v1 requests on https://127.0.0.1:<port>/<VM Operator's webhook paths>."""

    def __init__(
        self, kube: Kube, release: Release, cert_pem: bytes, key_pem: bytes, test_fixtures: bool = False
    ) -> None:
        self.kube, self.release = kube, release
        self.kinds = registrations(release)
        self.cluster = CachedCluster(ApiCluster(kube, ApiResources(kube)), live=test_fixtures)
        judge = Judge(release.name, self.cluster, test_fixtures=test_fixtures)  # type: ignore[arg-type]
        self.reviewer = Reviewer(webhook_routes(release, self.kinds), judge)

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
                    self._reply(200, server.reviewer.review(self.path, review))
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

            def setup(self) -> None:
                super().setup()
                # Headers and body are two writes: without TCP_NODELAY the second waits for the peer's
                # delayed ACK (Nagle), about 40 ms per webhook call.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

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
        self.cluster.stop()
        self._httpd.shutdown()
        self._httpd.server_close()

    # ---------------------------------------------------------------------------------------- registration

    def register(self, ca_pem: bytes) -> None:
        register(self.kube, self.release, self.url, ca_pem)


def register(kube: Kube, release: Release, server_url: str, ca_pem: bytes) -> None:
    """Create or replace the Mutating/ValidatingWebhookConfigurations pointing at the server at `server_url`."""
    configurations = webhook_configurations(
        release, webhook_routes(release, registrations(release)), server_url, ca_pem
    )
    for kind, body in zip((MUTATING_WEBHOOKS, VALIDATING_WEBHOOKS), configurations, strict=True):
        kube.apply(kind, body)


def webhook_configurations(
    release: Release, routes: dict[str, Route], server_url: str, ca_pem: bytes
) -> tuple[Obj, Obj]:
    """The MutatingWebhookConfiguration and ValidatingWebhookConfiguration bodies for `routes`."""
    ca_bundle = base64.b64encode(ca_pem).decode()
    hooks: dict[bool, list[Obj]] = {True: [], False: []}
    for url_path, route in routes.items():
        kind_lower, mutating = route.registration.lower, route.mutating
        hook: Obj = {
            "name": release.webhook_name(kind_lower, mutating, route.version),
            "clientConfig": {"url": server_url + url_path, "caBundle": ca_bundle},
            "rules": [
                {
                    "apiGroups": [GROUP],
                    "apiVersions": [route.version],
                    "operations": ["CREATE", "UPDATE"],
                    "resources": [route.registration.plural],
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
        hooks[mutating].append(hook)
    return (
        {"metadata": {"name": CONFIG_NAME}, "webhooks": hooks[True]},
        {"metadata": {"name": CONFIG_NAME}, "webhooks": hooks[False]},
    )
