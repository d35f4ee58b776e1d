"""vmservice:index:VirtualMachineSnapshot: applied like any VM Operator object, then waited on until the
snapshot is ready. The kind exists only from API v1alpha5 (vSphere 9.1): on an older Supervisor, Check says
so instead of failing later with a discovery error. The webhook's vm-name label is a server label."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject, KubeObject

from pulumi_vmservice_provider.kinds.virtualmachinesnapshot.declaration import (
    SNAPSHOT_RELEASE,
    VIRTUAL_MACHINE_SNAPSHOT,
)
from pulumi_vmservice_provider.kinds.virtualmachinesnapshot.readiness import snapshot_readiness
from pulumi_vmservice_provider.resources.registry import handles

if TYPE_CHECKING:
    from pulumi_vmservice_provider.readiness import Readiness


@handles(VIRTUAL_MACHINE_SNAPSHOT)
class VirtualMachineSnapshot:
    served_from = SNAPSHOT_RELEASE

    def readiness(self, inputs: JSONObject, where: str) -> tuple[Readiness[KubeObject], str] | None:
        return snapshot_readiness(where), f"waiting for snapshot {where}"
