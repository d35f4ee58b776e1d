"""vmservice:index:VirtualMachineService: apply, then wait for a load-balancer address when asked."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.kinds.virtualmachineservice.declaration import VIRTUAL_MACHINE_SERVICE
from pulumi_vmservice_provider.kinds.virtualmachineservice.readiness import load_balancer_readiness
from pulumi_vmservice_provider.readiness import Readiness
from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler, Obj
from pulumi_vmservice_provider.resources.registry import handles
from pulumi_vmservice_provider.wire import reveal


@handles(VIRTUAL_MACHINE_SERVICE)
class VirtualMachineServiceHandler(KubeObjectHandler):
    def readiness(self, inputs: dict[str, Any], where: str) -> tuple[Readiness[Obj], str] | None:
        plain = reveal(inputs)
        if (plain.get("spec") or {}).get("type") != "LoadBalancer" or plain.get(
            "waitForLoadBalancer"
        ) is False:
            return None
        return load_balancer_readiness(), f"waiting for a load-balancer address of {where}"
