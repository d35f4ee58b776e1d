"""vmservice:index:VirtualMachineSnapshot: applied like any VM Operator object, then waited on until the
snapshot is ready. The kind exists only from API v1alpha5 (vSphere 9.1): on an older Supervisor, Check says
so instead of failing later with a discovery error."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.kinds.virtualmachinesnapshot.declaration import (
    SNAPSHOT_API_VERSION,
    SNAPSHOT_RELEASE,
    VIRTUAL_MACHINE_SNAPSHOT,
    VM_NAME_LABEL,
)
from pulumi_vmservice_provider.kinds.virtualmachinesnapshot.readiness import snapshot_readiness
from pulumi_vmservice_provider.readiness import Readiness
from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler, Obj
from pulumi_vmservice_provider.resources.registry import handles


def not_served_message(served: list[str]) -> str:
    newest = f"; its newest is {served[0]}" if served else ""
    return (
        f"VirtualMachineSnapshot needs VM Operator API {SNAPSHOT_API_VERSION} ({SNAPSHOT_RELEASE} or newer), "
        f"which this Supervisor does not serve{newest}"
    )


@handles(VIRTUAL_MACHINE_SNAPSHOT)
class VirtualMachineSnapshotHandler(KubeObjectHandler):
    def validate_with_server(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        try:
            served = self.state.kube.served_versions(self.kube.group)
        except Exception:  # unreachable or no kubeconfig: server-side checks are skipped
            return []
        if SNAPSHOT_API_VERSION not in served:
            return [("spec", not_served_message(served))]
        return super().validate_with_server(inputs)

    def readiness(self, inputs: dict[str, Any], where: str) -> tuple[Readiness[Obj], str] | None:
        return snapshot_readiness(where), f"waiting for snapshot {where}"

    def live_inputs(self, live: dict[str, Any]) -> dict[str, Any]:
        inputs = super().live_inputs(live)
        labels = inputs["metadata"].get("labels")
        if labels and VM_NAME_LABEL in labels:  # written by the mutating webhook
            labels = {k: v for k, v in labels.items() if k != VM_NAME_LABEL}
            if labels:
                inputs["metadata"]["labels"] = labels
            else:
                inputs["metadata"].pop("labels")
        return inputs
