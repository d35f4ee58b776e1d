"""A VirtualMachinePublishRequest is done when status.ready is true (the image exists in the library); a
condition False for one of the reasons below is a failure VM Operator will not retry its way out of."""

from __future__ import annotations

from vmservice_api.objects import KubeObject, ObjectView
from vmservice_api.types.release_9_1.virtualmachinepublishrequest import (
    VirtualMachinePublishRequestSpec,
    VirtualMachinePublishRequestStatus,
)

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Fatal, Readiness, disappeared, unmet

__all__ = ["FAILED_REASONS", "publish_readiness"]

Request = ObjectView[VirtualMachinePublishRequestSpec, VirtualMachinePublishRequestStatus]

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


def publishing_failed(obj: KubeObject | None) -> str | None:
    for condition in Request(obj).conditions():
        if condition.get("status") == "False" and condition.get("reason") in FAILED_REASONS:
            return (
                f"publishing failed: {condition.get('type')} is False ({condition.get('reason')}): "
                f"{condition.get('message', '')}"
            )
    return None


def published(obj: KubeObject | None) -> Check:
    request = Request(obj)
    if request.status.get("ready"):
        return MET
    pending = [str(c.get("type")) for c in request.conditions() if c.get("status") != "True"]
    return unmet(f"waiting for publishing to complete ({', '.join(pending) or 'starting'})")


def publish_readiness(where: str) -> Readiness[KubeObject]:
    gone: Fatal[KubeObject] = disappeared(f"VirtualMachinePublishRequest {where}", "completing")
    return Readiness((published,), fatal=(gone, publishing_failed))
