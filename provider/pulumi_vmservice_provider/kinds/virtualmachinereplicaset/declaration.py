"""vmservice:index:VirtualMachineReplicaSet — a number of identical VMs made from a template (9.1)."""

from __future__ import annotations

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.kinds.virtualmachine.declaration import VirtualMachineSpec
from pulumi_vmservice_provider.kinds.virtualmachinereplicaset import generated
from pulumi_vmservice_provider.model import semantics
from pulumi_vmservice_provider.model.common import API_VERSION_OUTPUT, OutputMeta
from pulumi_vmservice_provider.model.common import metadata as object_metadata
from pulumi_vmservice_provider.model.layering import refine
from pulumi_vmservice_provider.model.types import (
    ObjectType,
    ResourceDef,
    lookup,
    obj,
    string_map,
    vm_operator,
)

# VM Operator serves replica sets from v1alpha3 on 9.1 only; 8.0U3 (v1alpha2) has no such kind.
REPLICA_SET_VERSIONS = ("v1alpha3", "v1alpha4", "v1alpha5")

TemplateMeta = ObjectType(
    "VirtualMachineReplicaSetTemplateMeta",
    "Labels and annotations every VM of the replica set gets.",
    {
        "labels": string_map("Labels of each VM; they must match `spec.selector`."),
        "annotations": string_map("Annotations of each VM."),
    },
)

Template = ObjectType(
    "VirtualMachineReplicaSetTemplate",
    "The VM each replica is made from. A change applies to VMs created afterwards; existing VMs keep theirs.",
    {
        "metadata": obj(TemplateMeta),
        "spec": obj(
            VirtualMachineSpec,
            "The spec of each VM: the fields of `vmservice:index:VirtualMachine`'s `spec`. A change updates the "
            "replica set in place (new VMs get it); the VM's own replacement rules do not apply here.",
            required=True,
            rules_below=False,
        ),
    },
)

VirtualMachineReplicaSetSpec = refine(
    generated.VirtualMachineReplicaSetSpec,
    {
        "selector": {
            "replace": "the selector decides which VMs belong to the replica set: a new one would orphan them",
        },
        "template": obj(Template, required=True),
    },
    description="How many VMs, which ones (selector) and what each looks like (template).",
)


def template_matches_selector(inputs: JSONObject) -> list[tuple[str, str]]:
    """VM Operator's webhook rule: the template's labels must match `spec.selector.matchLabels`."""
    wanted = lookup(inputs, "spec", "selector", "matchLabels")
    labels = lookup(inputs, "spec", "template", "metadata", "labels")
    if not isinstance(wanted, dict) or not all(isinstance(v, str) for v in wanted.values()):
        return []
    if labels is not None and not isinstance(labels, dict):
        return []  # unknown during preview (or a wrong type Check reports): the Supervisor judges it
    have = labels or {}
    if any(not isinstance(value, str) for value in have.values()):
        return []  # unknown during preview: the Supervisor judges it
    if all(have.get(key) == value for key, value in wanted.items()):
        return []
    selector = ",".join(f"{k}={v}" for k, v in sorted(wanted.items()))
    return [("spec.template.metadata.labels", f'must match spec.selector "{selector}"')]


VIRTUAL_MACHINE_REPLICA_SET = ResourceDef(
    token="vmservice:index:VirtualMachineReplicaSet",
    description="Keeps `spec.replicas` VirtualMachines made from `spec.template` running: VM Operator creates "
    "and deletes VMs (owned by the replica set) to match. Scaling updates in place; a new selector replaces "
    "the replica set; deleting it deletes its VMs. Ready once `status.readyReplicas` equals `spec.replicas`. "
    "Needs a vSphere 9.1 Supervisor (VM Operator API v1alpha3 or newer).",
    inputs={
        "metadata": object_metadata,
        "spec": obj(VirtualMachineReplicaSetSpec, required=True),
    },
    outputs={
        "apiVersion": API_VERSION_OUTPUT,
        "status": obj(
            generated.VirtualMachineReplicaSetStatus,
            "Observed state: how many VMs exist, have the template's labels and are ready.",
        ),
        "liveMetadata": obj(OutputMeta),
    },
    kube=vm_operator("VirtualMachineReplicaSet", "virtualmachinereplicasets", versions=REPLICA_SET_VERSIONS),
    validators=(semantics.metadata_labels, template_matches_selector),
)
