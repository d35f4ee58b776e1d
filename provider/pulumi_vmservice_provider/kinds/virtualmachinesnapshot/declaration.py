"""vmservice:index:VirtualMachineSnapshot — a snapshot of a VM (VM Operator API v1alpha5, vSphere 9.1 and later).

Only the description can change: VM Operator's webhook refuses changes of `vmName`, `memory` and `quiesce`,
so they replace the snapshot. Reverting a VM to a snapshot is a change of the VM's `spec.currentSnapshotName`.
"""

from __future__ import annotations

from pulumi_vmservice_provider.kinds.virtualmachinesnapshot import generated
from pulumi_vmservice_provider.model import semantics
from pulumi_vmservice_provider.model.common import API_VERSION_OUTPUT, OutputMeta, metadata
from pulumi_vmservice_provider.model.layering import overlay, refine
from pulumi_vmservice_provider.model.types import ObjectType, ResourceDef, boolean, obj, string, vm_operator

# The only API version that has the kind: a Supervisor older than vSphere 9.1 has no snapshots.
SNAPSHOT_API_VERSION = "v1alpha5"
SNAPSHOT_RELEASE = "vSphere 9.1"
# The label the mutating webhook puts on every snapshot: the VM's name (immutable, not the user's input).
VM_NAME_LABEL = "snapshot.vmoperator.vmware.com/vm-name"

QuiesceSpec = refine(
    generated.QuiesceSpec,
    {
        "timeout": {
            "description": "How long quiescing may take, as a duration such as `10m` (VM Operator "
            "allows 5 to 240 minutes)."
        }
    },
    description="Quiesce the guest's file systems (through VMware Tools) while the snapshot is taken, so "
    "the disks hold a consistent state. Ignored when the VM is powered off.",
)

VirtualMachineSnapshotSpec = overlay(
    generated.VirtualMachineSnapshotSpec,
    ObjectType(
        "VirtualMachineSnapshotSpec",
        "Which VM to snapshot and how. Only the description can change; any other change replaces the "
        "snapshot.",
        {
            "vmName": string(
                "Name of the VirtualMachine (in the snapshot's namespace) to snapshot.",
                required=True,
                replace="the VM of a snapshot cannot change",
            ),
            "memory": boolean(
                "Include the VM's memory, so a revert resumes the running guest (slower to take).",
                replace="whether a snapshot includes memory cannot change after it is taken",
            ),
            "quiesce": obj(QuiesceSpec, replace="the quiesce settings of a snapshot cannot change"),
            "description": string("A description of the snapshot; can change in place."),
        },
    ),
)

VIRTUAL_MACHINE_SNAPSHOT = ResourceDef(
    token="vmservice:index:VirtualMachineSnapshot",
    description="A snapshot of a VirtualMachine (VM Operator API v1alpha5: vSphere 9.1 Supervisors only). The "
    "provider waits until the snapshot is ready. To revert a VM to it, set the VM's "
    "`spec.currentSnapshotName` to the snapshot's name: that discards the guest's changes since the "
    "snapshot, and previews flag it as data loss. Deleting the snapshot removes it from vSphere.",
    inputs={
        "metadata": metadata,
        "spec": obj(VirtualMachineSnapshotSpec, required=True),
    },
    outputs={
        "apiVersion": API_VERSION_OUTPUT,
        "status": obj(
            generated.VirtualMachineSnapshotStatus,
            "Observed state: readiness conditions, the vSphere snapshot's id (uniqueID), the VM's power "
            "state when it was taken, whether it was quiesced, and child snapshots.",
        ),
        "liveMetadata": obj(OutputMeta),
    },
    kube=vm_operator("VirtualMachineSnapshot", "virtualmachinesnapshots", versions=(SNAPSHOT_API_VERSION,)),
    server_labels=(VM_NAME_LABEL,),
    validators=(semantics.metadata_labels,),
)
