"""Where the typed model of VirtualMachine comes from: its CRD, and the names its nested types keep."""

from __future__ import annotations

from pulumi_vmservice_provider.model.crdgen import KindSource

SOURCE = KindSource(
    "VirtualMachine",
    "virtualmachines",
    "virtualmachine",
    names={
        "spec.bootstrap.cloudInit.rawCloudConfig": "SecretKeySelector",
        "spec.bootstrap.sysprep.rawSysprep": "SecretKeySelector",
        "spec.network.interfaces": "VirtualMachineNetworkInterfaceSpec",
        "spec.network.interfaces.network": "PartialObjectRef",
        "spec.network.interfaces.routes": "VirtualMachineNetworkRouteSpec",
        "spec.volumes": "VirtualMachineVolume",
        "spec.volumes.persistentVolumeClaim": "PersistentVolumeClaimVolumeSource",
        "spec.volumes.persistentVolumeClaim.instanceVolumeClaim": "InstanceVolumeClaimVolumeSource",
        "spec.readinessProbe.guestInfo": "GuestInfoAction",
        # References to other kinds: named after the default rule they would take the names of those kinds'
        # own spec and status types (VirtualMachineClassSpec, ...), which the schema cannot hold twice.
        "spec.class": "VirtualMachineClassRef",
        "status.class": "VirtualMachineStatusClassRef",
        "spec.image": "VirtualMachineImageRef",
        "status.image": "VirtualMachineStatusImageRef",
        **{
            f"spec.affinity.{side}.{rule}DuringSchedulingPreferredDuringExecution{tail}": name
            for side in ("vmAffinity", "vmAntiAffinity")
            for rule in ("required", "preferred")
            for tail, name in (
                ("", "VMAffinityTerm"),
                (".labelSelector", "LabelSelector"),
                (".labelSelector.matchExpressions", "LabelSelectorRequirement"),
            )
        },
    },
)
