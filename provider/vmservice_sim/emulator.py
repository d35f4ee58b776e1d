"""VM Operator, emulated: the admission webhooks, the controllers and the vCenter sync, wired together.

Webhooks and controllers come from the kind registry (`vmservice_sim.registry`), one per registered rule.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from vmservice_sim.context import EmulatorContext
from vmservice_sim.controller import Controller
from vmservice_sim.kube import api_error_message
from vmservice_sim.registry import KindRegistration, registrations
from vmservice_sim.tools import StartError
from vmservice_sim.vcenter_sync import VCenterSync
from vmservice_sim.webhook import register
from vmservice_sim.webhook_process import AdmissionProcess

log = logging.getLogger("vmservice-sim")


class Emulator:
    def __init__(
        self, ctx: EmulatorContext, cert_pem: bytes, key_pem: bytes, ca_pem: bytes, tls_dir: Path
    ) -> None:
        self.ctx = ctx
        self._ca_pem = ca_pem
        self.webhook = AdmissionProcess(
            ctx.kube.api_client.configuration,
            ctx.release.name,
            cert_pem,
            key_pem,
            tls_dir,
            ctx.options.test_fixtures,
        )
        self.sync = VCenterSync(ctx)
        self.controllers = (
            [controller_for(r, ctx) for r in registrations(ctx.release) if r.reconciler is not None]
            if ctx.options.controllers
            else []
        )

    def start(self, timeout: float = 30.0) -> None:
        self.webhook.start()
        register(self.ctx.kube, self.ctx.release, self.webhook.url, self._ca_pem)
        self._wait_webhooks(timeout)
        self.sync.run_once()
        for controller in self.controllers:
            controller.start()
        deadline = time.monotonic() + timeout
        for controller in self.controllers:
            if not controller.synced.wait(max(0.1, deadline - time.monotonic())):
                raise StartError(
                    f"the {controller.name} controller did not list its objects in {timeout:.0f}s"
                )
        self.sync.start()

    def stop(self) -> None:
        self.ctx.stop_event.set()
        for controller in self.controllers:
            controller.queue.shutdown()
        for controller in self.controllers:
            controller.stop(timeout=2.0)
        self.webhook.stop()

    def _wait_webhooks(self, timeout: float) -> None:
        """Until the apiserver calls the webhooks: a dry-run VM without a class must be denied by them."""
        from kubernetes import client
        from kubernetes.client.exceptions import ApiException

        custom = client.CustomObjectsApi(self.ctx.kube.api_client)
        kind = self.ctx.kinds.vm
        name = self.ctx.release.webhook_name("virtualmachine", False)
        body = {
            "apiVersion": kind.api_version,
            "kind": kind.kind,
            "metadata": {"name": "webhook-probe"},
            "spec": {},
        }
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            try:
                custom.create_namespaced_custom_object(
                    kind.group, kind.version, "default", kind.plural, body, dry_run="All", _request_timeout=10
                )
                last = "the dry-run VM was admitted"
            except ApiException as error:
                last = api_error_message(error)
                if name in last:
                    return
            time.sleep(0.1)
        raise StartError(f"the apiserver does not call the emulated VM Operator webhooks: {last}")


def controller_for(registration: KindRegistration, ctx: EmulatorContext) -> Controller:
    """The controller of a registered kind, in the release's storage version, with its extra watches."""
    assert registration.reconciler is not None
    kind = registration.in_version(registration.version_in(ctx.release))
    reconciler = registration.reconciler(ctx, kind)
    controller = Controller(
        registration.lower, ctx.kube, kind, reconciler, ctx.stop_event, workers=registration.workers
    )
    for other, mapper in reconciler.also_watch():
        controller.watch_also(other, mapper)
    return controller
