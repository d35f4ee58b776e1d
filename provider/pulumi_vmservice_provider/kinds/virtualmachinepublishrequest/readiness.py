"""A VirtualMachinePublishRequest is done when status.ready is true (the image exists in the library); a
condition False for one of the reasons below is a failure VM Operator will not retry its way out of."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Fatal, Readiness, unmet

__all__ = ["FAILED_REASONS", "publish_readiness"]

Obj = dict[str, Any]

FAILED_REASONS = {
    "SourceVirtualMachineNotExist",
    "SourceVirtualMachineNotCreated",
    "TargetContentLibraryNotExist",
    "TargetContentLibraryNotWritable",
    "TargetContentLibraryNotReady",
    "TargetItemAlreadyExists",
    "UploadFailure",
    "ImageUnavailable",
    "Fatal",
}


def _conditions(obj: Obj | None) -> list[dict[str, Any]]:
    return list(((obj or {}).get("status") or {}).get("conditions") or [])


def publishing_failed(obj: Obj | None) -> str | None:
    for condition in _conditions(obj):
        if condition.get("status") == "False" and condition.get("reason") in FAILED_REASONS:
            return (
                f"publishing failed: {condition.get('type')} is False ({condition.get('reason')}): "
                f"{condition.get('message', '')}"
            )
    return None


def disappeared(where: str) -> Fatal[Obj]:
    def check(obj: Obj | None) -> str | None:
        return f"VirtualMachinePublishRequest {where} disappeared before completing" if obj is None else None

    return check


def published(obj: Obj | None) -> Check:
    if ((obj or {}).get("status") or {}).get("ready"):
        return MET
    pending = [c.get("type") for c in _conditions(obj) if c.get("status") != "True"]
    return unmet(f"waiting for publishing to complete ({', '.join(map(str, pending)) or 'starting'})")


def publish_readiness(where: str) -> Readiness[Obj]:
    return Readiness((published,), fatal=(disappeared(where), publishing_failed))
