"""vmservice:index:VirtualMachineSetResourcePolicy — resource pool, folder and cluster modules for a set of VMs."""

from __future__ import annotations

from pulumi_vmservice_provider.kinds.virtualmachinesetresourcepolicy import generated
from pulumi_vmservice_provider.model import semantics
from pulumi_vmservice_provider.model.common import API_VERSION_OUTPUT, OutputMeta, metadata
from pulumi_vmservice_provider.model.layering import overlay
from pulumi_vmservice_provider.model.types import ObjectType, ResourceDef, array, obj, string, vm_operator

ResourcePoolSpec = ObjectType(
    "ResourcePoolSpec",
    "A child resource pool for the set of VMs.",
    {
        "name": string("Name of the child resource pool."),
    },
)

VirtualMachineSetResourcePolicySpec = overlay(
    generated.VirtualMachineSetResourcePolicySpec,
    ObjectType(
        "VirtualMachineSetResourcePolicySpec",
        "Resource pool, folder and cluster-module groups for a set of VMs.",
        {
            "resourcePool": obj(ResourcePoolSpec),
            "folder": string("Name of the VM folder to create for the VMs."),
            "clusterModuleGroups": array(
                string(), "Names of cluster-module groups (anti-affinity groups of VMs) to create."
            ),
        },
    ),
)

VIRTUAL_MACHINE_SET_RESOURCE_POLICY = ResourceDef(
    token="vmservice:index:VirtualMachineSetResourcePolicy",
    description="A child resource pool, VM folder and cluster-module groups used by a set of VMs. The whole "
    "spec is immutable: any change replaces it.",
    inputs={
        "metadata": metadata,
        "spec": obj(
            VirtualMachineSetResourcePolicySpec,
            replace="the spec of a VirtualMachineSetResourcePolicy is immutable",
        ),
    },
    outputs={
        "apiVersion": API_VERSION_OUTPUT,
        "status": obj(
            generated.VirtualMachineSetResourcePolicyStatus,
            "Observed state: the resource pool, folder and cluster modules the Supervisor created.",
        ),
        "liveMetadata": obj(OutputMeta),
    },
    kube=vm_operator("VirtualMachineSetResourcePolicy", "virtualmachinesetresourcepolicies"),
    validators=(semantics.metadata_labels,),
)
