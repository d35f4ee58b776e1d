"""Where the typed model of VirtualMachineGroup comes from: its CRD, and the names its nested types keep."""

from __future__ import annotations

from pulumi_vmservice_provider.model.crdgen import KindSource

SOURCE = KindSource(
    "VirtualMachineGroup",
    "virtualmachinegroups",
    "virtualmachinegroup",
    names={
        "spec.bootOrder": "VirtualMachineGroupBootOrderGroup",
        "spec.bootOrder.members": "GroupMember",
        "status.members": "VirtualMachineGroupMemberStatus",
        "status.members.placement": "VirtualMachinePlacementStatus",
        "status.members.placement.datastores": "VirtualMachinePlacementDatastoreStatus",
    },
)
