"""vmservice:vcenter:VirtualMachineClass — a VM class (CPU, memory, reservations, devices) in vCenter."""

from __future__ import annotations

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.modifiers import ReplaceIf
from pulumi_vmservice_provider.model.types import ObjectType, ResourceDef, any_value, array, obj, string
from pulumi_vmservice_provider.model.vcenter_common import MAX_MEMORY_MB, MAX_VCPUS, MODULE, dns_label, ranged
from pulumi_vmservice_provider.wire import is_unknown

DirectPathDevice = ObjectType(
    "DynamicDirectPathIoDevice",
    "A PCI device passed through to VMs of the class with Dynamic DirectPath I/O.",
    {
        "vendorId": ranged("PCI vendor id (e.g. 4318 for 0x10de, NVIDIA).", 0, 65535, required=True),
        "deviceId": ranged("PCI device id.", 0, 65535, required=True),
        "customLabel": string("Custom label that selects among devices with the same vendor and device id."),
    },
    module=MODULE,
)


UNSET_CONFIG_SPEC = (
    "vCenter leaves fields out of an update unchanged, so a config spec cannot be removed in place"
)
CONFIG_SPEC_REMOVED = ReplaceIf(
    lambda change: UNSET_CONFIG_SPEC if change.kind == "delete" else None,
    f"removing it replaces the class ({UNSET_CONFIG_SPEC}); changes update it in place",
)


def validate_vm_class(inputs: JSONObject) -> list[tuple[str, str]]:
    failures: list[tuple[str, str]] = []
    reservation = inputs.get("memoryReservation")
    devices = inputs.get("vgpuDevices") or inputs.get("dynamicDirectPathIoDevices")
    if devices and not is_unknown(devices) and not is_unknown(reservation) and reservation != 100:
        failures.append(
            (
                "memoryReservation",
                "must be 100 when vgpuDevices or dynamicDirectPathIoDevices are set "
                f"(devices need all memory reserved), got {inputs.get('memoryReservation', 'nothing')}",
            )
        )
    spec = inputs.get("configSpec")
    if spec is not None and not is_unknown(spec) and not isinstance(spec, dict):
        failures.append(("configSpec", "expected an object (a VirtualMachineConfigSpec in JSON form)"))
    elif isinstance(spec, dict):
        for key, field in (("numCPUs", "cpuCount"), ("memoryMB", "memoryMb")):
            if key not in spec or field not in inputs or is_unknown(spec[key]) or is_unknown(inputs[field]):
                continue
            if spec[key] != inputs[field]:
                failures.append(
                    (
                        f"configSpec.{key}",
                        f"is {spec[key]!r} but {field} is {inputs[field]!r}; vCenter rejects a mismatch",
                    )
                )
    return failures


VIRTUAL_MACHINE_CLASS = ResourceDef(
    token="vmservice:vcenter:VirtualMachineClass",
    description=(
        "A VM class: the CPU, memory, reservations and devices of VMs that VM Service users create. Sizes, "
        "reservations, devices and the config spec update in place (VMs pick up the change on their next "
        "power cycle); a new name creates a new class. Import with the class name as the id."
    ),
    inputs={
        "name": dns_label("Id of the class, unique in vCenter.", "the id of a VM class cannot change"),
        "cpuCount": ranged(f"Number of virtual CPUs (1 to {MAX_VCPUS}).", 1, MAX_VCPUS, required=True),
        "memoryMb": ranged(f"Memory in MiB (4 to {MAX_MEMORY_MB}).", 4, MAX_MEMORY_MB, required=True),
        "cpuReservation": ranged(
            "Percentage of the CPUs reserved for the VM (0 to 100; 100 = guaranteed).", 0, 100
        ),
        "memoryReservation": ranged(
            "Percentage of the memory reserved for the VM (0 to 100; 100 = guaranteed). Must be 100 with "
            "vGPU or Dynamic DirectPath I/O devices.",
            0,
            100,
        ),
        "description": string("Description of the class."),
        "vgpuDevices": array(
            string(), "NVIDIA vGPU profile names (e.g. `grid_t4-4q`) attached to VMs of the class."
        ),
        "dynamicDirectPathIoDevices": array(
            obj(DirectPathDevice), "PCI devices passed through to VMs of the class."
        ),
        "configSpec": any_value(
            "A full VirtualMachineConfigSpec in vSphere's JSON form (vSphere 8.0 U2 and newer), e.g. "
            '`{"_typeName": "VirtualMachineConfigSpec", "numCPUs": 2, "memoryMB": 2048}`. `numCPUs` and '
            "`memoryMB` in it must match cpuCount and memoryMb.",
            replace_if=CONFIG_SPEC_REMOVED,
        ),
    },
    outputs={
        "configStatus": string("READY, or REMOVING while vCenter deletes the class."),
        "namespaces": array(string(), "vSphere Namespaces the class is assigned to."),
        "vms": array(string(), "VMs that use the class."),
    },
    validators=(validate_vm_class,),
    # Only a new name replaces a class, so the new one can exist before the old one goes.
    delete_before_replace_when_named=False,
)
