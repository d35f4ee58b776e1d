"""vmservice:index:VirtualMachineGroup: applied like any VM Operator object, then waited for until its
members are linked, placed and in the group's power state (readiness/virtualmachinegroup.py)."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.kinds.virtualmachinegroup.declaration import VIRTUAL_MACHINE_GROUP
from pulumi_vmservice_provider.kinds.virtualmachinegroup.readiness import group_readiness
from pulumi_vmservice_provider.readiness import Readiness
from pulumi_vmservice_provider.resources.availability import kind_unavailable
from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler, Obj
from pulumi_vmservice_provider.resources.registry import handles


@handles(VIRTUAL_MACHINE_GROUP)
class VirtualMachineGroupHandler(KubeObjectHandler):
    def validate_with_server(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        return kind_unavailable(self, "vSphere 9.1") or super().validate_with_server(inputs)

    def readiness(self, inputs: dict[str, Any], where: str) -> tuple[Readiness[Obj], str] | None:
        return group_readiness(), f"waiting for group {where}"
