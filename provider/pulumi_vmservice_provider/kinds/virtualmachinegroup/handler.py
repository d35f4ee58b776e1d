"""vmservice:index:VirtualMachineGroup: applied like any VM Operator object, then waited for until its
members are linked, placed and in the group's power state (readiness.py). vSphere 9.1 only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject, KubeObject

from pulumi_vmservice_provider.kinds.virtualmachinegroup.declaration import VIRTUAL_MACHINE_GROUP
from pulumi_vmservice_provider.kinds.virtualmachinegroup.readiness import group_readiness
from pulumi_vmservice_provider.resources.registry import handles

if TYPE_CHECKING:
    from pulumi_vmservice_provider.readiness import Readiness


@handles(VIRTUAL_MACHINE_GROUP)
class VirtualMachineGroup:
    served_from = "vSphere 9.1"

    def readiness(self, inputs: JSONObject, where: str) -> tuple[Readiness[KubeObject], str] | None:
        return group_readiness(), f"waiting for group {where}"
