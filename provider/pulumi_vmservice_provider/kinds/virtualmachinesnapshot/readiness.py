"""A VirtualMachineSnapshot is done when its VirtualMachineSnapshotReady condition is True (VM Operator sets it
once the vSphere snapshot exists and its volumes are synced); a failed creation is final."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Fatal, Readiness, unmet

__all__ = ["FAILED_REASONS", "READY_CONDITION", "snapshot_readiness"]

Obj = dict[str, Any]

READY_CONDITION = "VirtualMachineSnapshotReady"
FAILED_REASONS = {"VirtualMachineSnapshotCreationFailed"}


def _condition(obj: Obj | None, kind: str) -> dict[str, Any] | None:
    for condition in ((obj or {}).get("status") or {}).get("conditions") or []:
        if condition.get("type") == kind:
            return dict(condition)
    return None


def creation_failed(obj: Obj | None) -> str | None:
    for condition in ((obj or {}).get("status") or {}).get("conditions") or []:
        if condition.get("status") == "False" and condition.get("reason") in FAILED_REASONS:
            return f"taking the snapshot failed ({condition.get('reason')}): {condition.get('message', '')}"
    return None


def disappeared(where: str) -> Fatal[Obj]:
    def check(obj: Obj | None) -> str | None:
        return f"VirtualMachineSnapshot {where} disappeared before it was ready" if obj is None else None

    return check


def snapshot_ready(obj: Obj | None) -> Check:
    ready = _condition(obj, READY_CONDITION)
    if ready is not None and ready.get("status") == "True":
        return MET
    if ready is None or not ready.get("reason"):
        return unmet("waiting for the snapshot to be taken")
    return unmet(f"waiting for the snapshot to be ready ({ready['reason']})")


def snapshot_readiness(where: str) -> Readiness[Obj]:
    return Readiness((snapshot_ready,), fatal=(disappeared(where), creation_failed))
