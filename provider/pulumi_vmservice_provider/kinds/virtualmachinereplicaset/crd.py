"""Where the typed model of VirtualMachineReplicaSet comes from: its CRD, and the names its nested types keep."""

from __future__ import annotations

from pulumi_vmservice_provider.model.crdgen import KindSource

SOURCE = KindSource(
    "VirtualMachineReplicaSet",
    "virtualmachinereplicasets",
    "virtualmachinereplicaset",
    names={
        "spec.selector": "LabelSelector",
        "spec.selector.matchExpressions": "LabelSelectorRequirement",
    },
    opaque=("spec.template",),
)
