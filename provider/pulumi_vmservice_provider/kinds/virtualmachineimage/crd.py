"""Where the typed model of VirtualMachineImage comes from: its CRD, and the names its nested types keep."""

from __future__ import annotations

from pulumi_vmservice_provider.model.crdgen import KindSource

SOURCE = KindSource(
    "VirtualMachineImage",
    "virtualmachineimages",
    "virtualmachineimage",
    names={"status.osInfo": "VirtualMachineImageOSInfo"},
)
