"""Where the typed model of VirtualMachineSnapshot comes from: its CRD, and the names its nested types keep."""

from __future__ import annotations

from pulumi_vmservice_provider.model.crdgen import KindSource

SOURCE = KindSource(
    "VirtualMachineSnapshot",
    "virtualmachinesnapshots",
    "virtualmachinesnapshot",
    names={"spec.quiesce": "QuiesceSpec", "status.children": "VirtualMachineSnapshotReference"},
)
