"""Where the class-aware policies learn what a VM class is: the pack config (`classes`), vCenter VM classes declared
in the same stack, or the Supervisor's VirtualMachineClass objects (KUBECONFIG). Never the class's name.

Two facts are asked for: what a class reserves (`VMClass`, for the guaranteed-class policy) and which passthrough
devices it gives a VM (`ClassDevices`: NVIDIA vGPU profiles and Dynamic DirectPath I/O devices)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi_vmservice_provider.report.inventory import VMClass, vm_class

from pulumi_vmservice_policy.supervisor import Supervisor

VCENTER_CLASS = "vmservice:vcenter:VirtualMachineClass"
# (namespace, class) -> the class, or None when no source knows it
ClassLookup = Callable[[str, str], VMClass | None]


@dataclass(frozen=True)
class ClassDevices:
    vgpu: tuple[str, ...] = ()  # vGPU profile names
    direct_path: int = 0  # Dynamic DirectPath I/O devices

    @property
    def any(self) -> bool:
        return bool(self.vgpu or self.direct_path)

    def describe(self) -> str:
        parts = []
        if self.vgpu:
            parts.append(f"vGPU {', '.join(self.vgpu)}")
        if self.direct_path:
            parts.append(f"{self.direct_path} DirectPath I/O device(s)")
        return " and ".join(parts) or "no passthrough devices"


DeviceLookup = Callable[[str, str], ClassDevices | None]


def _names(items: Any, key: str) -> tuple[str, ...]:
    return tuple(
        str(item.get(key) if isinstance(item, dict) else item)
        for item in (items if isinstance(items, list) else [])
        if (item.get(key) if isinstance(item, dict) else item)
    )


def _count(items: Any) -> int:
    return len(items) if isinstance(items, list) else 0


def from_config(entries: dict[str, Any]) -> dict[str, VMClass]:
    """`{"name": {"cpus": 2, "memoryMib": 4096, "cpuReservation": 100, "memoryReservation": 100}}`."""
    found = {}
    for name, entry in entries.items():
        cpus, memory = int(entry.get("cpus", 1)), int(entry.get("memoryMib", 1))
        found[name] = VMClass(
            name,
            cpus,
            memory,
            cpus * float(entry.get("cpuReservation", 0)) / 100,
            memory * int(entry.get("memoryReservation", 0)) // 100,
        )
    return found


def devices_from_config(entries: dict[str, Any]) -> dict[str, ClassDevices]:
    """`{"name": {"vgpuDevices": ["grid_t4-4q"], "dynamicDirectPathIoDevices": [{...}]}}` (as vCenter classes
    name them); a class listed without either has none."""
    return {
        name: ClassDevices(
            _names(entry.get("vgpuDevices"), "profileName"), _count(entry.get("dynamicDirectPathIoDevices"))
        )
        for name, entry in entries.items()
        if isinstance(entry, dict)
    }


def _stack_classes(resources: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (str(props["name"]), props)
        for type_, props in resources
        if type_ == VCENTER_CLASS and isinstance(props.get("name"), str)
    ]


def from_stack(resources: list[tuple[str, dict[str, Any]]]) -> dict[str, VMClass]:
    """vCenter VM classes the stack itself declares (type, props)."""
    found = {}
    for name, props in _stack_classes(resources):
        cpus, memory = int(props.get("cpuCount") or 0), int(props.get("memoryMb") or 0)
        found[name] = VMClass(
            name,
            cpus,
            memory,
            cpus * float(props.get("cpuReservation") or 0) / 100,
            memory * int(props.get("memoryReservation") or 0) // 100,
        )
    return found


def devices_from_stack(resources: list[tuple[str, dict[str, Any]]]) -> dict[str, ClassDevices]:
    return {
        name: ClassDevices(
            _names(props.get("vgpuDevices"), "profileName"), _count(props.get("dynamicDirectPathIoDevices"))
        )
        for name, props in _stack_classes(resources)
    }


def devices_of(obj: dict[str, Any]) -> ClassDevices:
    """A Supervisor VirtualMachineClass's spec.hardware.devices."""
    devices = ((obj.get("spec") or {}).get("hardware") or {}).get("devices") or {}
    return ClassDevices(
        _names(devices.get("vgpuDevices"), "profileName"), _count(devices.get("dynamicDirectPathIODevices"))
    )


def chain(
    config: dict[str, VMClass], stack: dict[str, VMClass], supervisor: Supervisor | None
) -> ClassLookup:
    def lookup(namespace: str, name: str) -> VMClass | None:
        found = config.get(name) or stack.get(name)
        if found is None and supervisor is not None:
            obj = supervisor.classes(namespace).get(name)
            found = vm_class(obj) if obj else None
        return found

    return lookup


def device_chain(
    config: dict[str, ClassDevices], stack: dict[str, ClassDevices], supervisor: Supervisor | None
) -> DeviceLookup:
    def lookup(namespace: str, name: str) -> ClassDevices | None:
        found = config.get(name) or stack.get(name)
        if found is None and supervisor is not None:
            obj = supervisor.classes(namespace).get(name)
            found = devices_of(obj) if obj else None
        return found

    return lookup


def source_text(supervisor: Supervisor | None) -> str:
    """Where class data was looked for, for "no class data" messages."""
    text = "pack config, stack"
    if supervisor is not None:
        text += f", Supervisor: {supervisor.why_unknown()}"
    return text
