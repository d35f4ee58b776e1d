"""VM Operator, emulated: the admission webhooks, the controllers and the vCenter sync, wired together."""

from __future__ import annotations

import logging
import time

from vmservice_sim.context import EmulatorContext
from vmservice_sim.controller import Controller
from vmservice_sim.kube import api_error_message
from vmservice_sim.reconcile_policy import ResourcePolicyReconciler
from vmservice_sim.reconcile_publish import PublishRequestReconciler
from vmservice_sim.reconcile_service import VirtualMachineServiceReconciler
from vmservice_sim.reconcile_vm import VirtualMachineReconciler
from vmservice_sim.reconcile_webconsole import WebConsoleRequestReconciler
from vmservice_sim.tools import StartError
from vmservice_sim.vcenter_sync import VCenterSync
from vmservice_sim.webhook import AdmissionServer

log = logging.getLogger("vmservice-sim")


class Emulator:
    def __init__(self, ctx: EmulatorContext, cert_pem: bytes, key_pem: bytes, ca_pem: bytes) -> None:
        self.ctx = ctx
        self._ca_pem = ca_pem
        self.webhook = AdmissionServer(ctx, cert_pem, key_pem)
        self.sync = VCenterSync(ctx)
        self.vm_reconciler = VirtualMachineReconciler(ctx)
        self.service_reconciler = VirtualMachineServiceReconciler(ctx)
        kinds, stop = ctx.kinds, ctx.stop_event
        self.controllers = [
            Controller("virtualmachine", ctx.kube, kinds.vm, self.vm_reconciler, stop, workers=2),
            Controller("virtualmachineservice", ctx.kube, kinds.service, self.service_reconciler, stop),
            Controller(
                "virtualmachinepublishrequest", ctx.kube, kinds.publish, PublishRequestReconciler(ctx), stop
            ),
            Controller(
                "virtualmachinewebconsolerequest",
                ctx.kube,
                kinds.webconsole,
                WebConsoleRequestReconciler(ctx),
                stop,
            ),
            Controller(
                "virtualmachinesetresourcepolicy",
                ctx.kube,
                kinds.resource_policy,
                ResourcePolicyReconciler(ctx),
                stop,
            ),
        ]
        self.controllers[1].watch_also(kinds.vm, self.service_reconciler.keys_for_vm)

    def start(self, timeout: float = 30.0) -> None:
        self.webhook.start()
        self.webhook.register(self._ca_pem)
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
