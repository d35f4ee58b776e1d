"""A VirtualMachineSnapshot is done when its VirtualMachineSnapshotReady condition is True (VM Operator sets it
once the vSphere snapshot exists and its volumes are synced); a failed creation is final."""

from __future__ import annotations

from vmservice_api.objects import KubeObject, view

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Fatal, Readiness, disappeared, unmet

__all__ = ["FAILED_REASONS", "READY_CONDITION", "snapshot_readiness"]

READY_CONDITION = "VirtualMachineSnapshotReady"
FAILED_REASONS = {"VirtualMachineSnapshotCreationFailed"}


def creation_failed(obj: KubeObject | None) -> str | None:
    for condition in view(obj).conditions():
        if condition.get("status") == "False" and condition.get("reason") in FAILED_REASONS:
            return f"taking the snapshot failed ({condition.get('reason')}): {condition.get('message', '')}"
    return None


def snapshot_ready(obj: KubeObject | None) -> Check:
    ready = view(obj).condition(READY_CONDITION)
    if ready is not None and ready.get("status") == "True":
        return MET
    if ready is None or not ready.get("reason"):
        return unmet("waiting for the snapshot to be taken")
    return unmet(f"waiting for the snapshot to be ready ({ready.get('reason')})")


def snapshot_readiness(where: str) -> Readiness[KubeObject]:
    gone: Fatal[KubeObject] = disappeared(f"VirtualMachineSnapshot {where}", "it was ready")
    return Readiness((snapshot_ready,), fatal=(gone, creation_failed))
