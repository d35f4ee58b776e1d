"""vmservice:index:VirtualMachineService: apply, then wait for a load-balancer address when asked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi_vmservice_provider.model.virtualmachineservice import VIRTUAL_MACHINE_SERVICE
from pulumi_vmservice_provider.readiness.virtualmachineservice import load_balancer_readiness
from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler
from pulumi_vmservice_provider.resources.registry import handles
from pulumi_vmservice_provider.wire import reveal

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext


@handles(VIRTUAL_MACHINE_SERVICE)
class VirtualMachineServiceHandler(KubeObjectHandler):
    def wait_ready(
        self, ctx: OperationContext, inputs: dict[str, Any], live: dict[str, Any]
    ) -> dict[str, Any]:
        plain = reveal(inputs)
        if (plain.get("spec") or {}).get("type") != "LoadBalancer" or plain.get(
            "waitForLoadBalancer"
        ) is False:
            return live
        meta = live["metadata"]
        result = self.wait_for(
            ctx,
            meta["namespace"],
            meta["name"],
            load_balancer_readiness(),
            f"waiting for a load-balancer address of {meta['namespace']}/{meta['name']}",
        )
        return result or live
