"""Where the typed model of VirtualMachinePublishRequest comes from: its CRD, and the names its nested types keep."""

from __future__ import annotations

from pulumi_vmservice_provider.model.crdgen import KindSource

SOURCE = KindSource(
    "VirtualMachinePublishRequest",
    "virtualmachinepublishrequests",
    "virtualmachinepublishrequest",
    names={
        "spec.source": "VirtualMachinePublishRequestSource",
        "spec.target": "VirtualMachinePublishRequestTarget",
        "spec.target.item": "VirtualMachinePublishRequestTargetItem",
        "spec.target.location": "VirtualMachinePublishRequestTargetLocation",
    },
)
