"""vmservice:index:VirtualMachineGroup — VMs (and groups) powered on in boot order and placed together (9.1)."""

from __future__ import annotations

from pulumi_vmservice_provider.kinds.virtualmachinegroup import generated
from pulumi_vmservice_provider.model import semantics
from pulumi_vmservice_provider.model.common import API_VERSION_OUTPUT, OutputMeta, metadata
from pulumi_vmservice_provider.model.types import ResourceDef, obj, vm_operator

# VM Operator serves groups from v1alpha3 on 9.1 only; 8.0U3 (v1alpha2) has no such kind.
GROUP_VERSIONS = ("v1alpha3", "v1alpha4", "v1alpha5")

VIRTUAL_MACHINE_GROUP = ResourceDef(
    token="vmservice:index:VirtualMachineGroup",
    description="A group of VirtualMachines (and nested groups) managed together: the group's power state is "
    "applied to its members in boot order (each boot-order group after its `powerOnDelay`), and the status "
    "reports each member's power state and placement (zone). VMs join a group with their `spec.groupName` "
    "and must be listed in `spec.bootOrder`. Needs a vSphere 9.1 Supervisor (VM Operator API v1alpha3 or "
    "newer); every field updates in place.",
    inputs={
        "metadata": metadata,
        "spec": obj(generated.VirtualMachineGroupSpec, "Members in boot order and the group's power state."),
    },
    outputs={
        "apiVersion": API_VERSION_OUTPUT,
        "status": obj(
            generated.VirtualMachineGroupStatus,
            "Observed state: each member's power state, placement and conditions, and the group's Ready "
            "condition.",
        ),
        "liveMetadata": obj(OutputMeta),
    },
    kube=vm_operator("VirtualMachineGroup", "virtualmachinegroups", versions=GROUP_VERSIONS),
    validators=(semantics.metadata_labels,),
)
