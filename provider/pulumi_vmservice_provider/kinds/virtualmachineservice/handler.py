"""vmservice:index:VirtualMachineService: applied like any VM Operator object, then (for a LoadBalancer)
waited on until the load balancer has an address, unless `waitForLoadBalancer: false`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject, KubeObject

from pulumi_vmservice_provider.kinds.virtualmachineservice.declaration import VIRTUAL_MACHINE_SERVICE
from pulumi_vmservice_provider.kinds.virtualmachineservice.readiness import load_balancer_readiness
from pulumi_vmservice_provider.resources.registry import handles

if TYPE_CHECKING:
    from pulumi_vmservice_provider.readiness import Readiness


@handles(VIRTUAL_MACHINE_SERVICE)
class VirtualMachineService:
    def readiness(self, inputs: JSONObject, where: str) -> tuple[Readiness[KubeObject], str] | None:
        spec = inputs.get("spec") if isinstance(inputs.get("spec"), dict) else {}
        if (spec or {}).get("type") != "LoadBalancer" or inputs.get("waitForLoadBalancer") is False:
            return None
        return load_balancer_readiness(), f"waiting for a load-balancer address of {where}"
