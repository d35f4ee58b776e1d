"""A VM's storage controllers (spec.hardware.*Controllers, 9.1 with VMSharedDisks): two IDE controllers,
volumes on controllers that exist and in free slots, controllers that keep their settings while the VM runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vmservice_api.rules.fielderrors import Effect, FieldError, forbidden, invalid, path
from vmservice_api.rules.kinds.virtualmachine import names
from vmservice_api.rules.kinds.virtualmachine.validation_support import (
    VMRequest,
    integer,
    is_upgraded,
    items,
    mapping,
    spec,
    text,
)

HARDWARE = path("spec", "hardware")
_CONTROLLER_LISTS = {
    "SCSI": "scsiControllers",
    "SATA": "sataControllers",
    "NVME": "nvmeControllers",
    "IDE": "ideControllers",
}
_MAX_CONTROLLERS = {"IDE": 2, "NVME": 4, "SATA": 4, "SCSI": 4}
_SCSI_SLOTS = {
    "ParaVirtual": 65,
    "BusLogic": 16,
    "LsiLogic": 16,
    "LsiLogicSAS": 16,
}  # unit 7 is the controller's


def max_controllers(kind: str) -> int:
    return _MAX_CONTROLLERS.get(kind, 0)


def max_slots(kind: str, controller: Any) -> int:
    if kind == "SCSI":
        return _SCSI_SLOTS.get(text(mapping(controller).get("type")), 0)
    return {"SATA": 30, "NVME": 64, "IDE": 2}.get(kind, 0)


def reserved_unit(kind: str) -> int:
    return 7 if kind == "SCSI" else -1


def sharing_mode(kind: str, controller: Any) -> str:
    """A controller's sharing mode as VM Operator reads it (only SCSI and NVMe controllers share)."""
    return text(mapping(controller).get("sharingMode")) if kind in ("SCSI", "NVME") else "None"


@dataclass(frozen=True)
class ControllerSpecs:
    """The VM's controllers by type and bus number."""

    by_type: dict[str, dict[int, Any]]

    @classmethod
    def of(cls, vm: Any) -> ControllerSpecs:
        hardware = mapping(spec(vm).get("hardware"))
        found: dict[str, dict[int, Any]] = {}
        for kind, key in _CONTROLLER_LISTS.items():
            for controller in items(hardware.get(key)):
                bus = integer(mapping(controller).get("busNumber")) or 0
                found.setdefault(kind, {})[bus] = controller
        return cls(found)

    def get(self, kind: str, bus: int) -> Any:
        return self.by_type.get(kind, {}).get(bus)


def controllers(req: VMRequest) -> list[FieldError]:
    """Controllers keep their settings while the VM is powered on (and SCSI controllers are not hot-added
    when a physically shared one has disks); a VM has two IDE controllers; volumes sit on existing
    controllers, in valid, free, unreserved slots."""
    hardware = spec(req.object).get("hardware")
    if hardware is None or not req.feature(names.VM_SHARED_DISKS) or not is_upgraded(req, req.object):
        return []
    errors = _while_powered_on(req)
    ide = len(items(mapping(hardware).get("ideControllers")))
    if ide != _MAX_CONTROLLERS["IDE"]:
        errors.append(
            invalid(HARDWARE.child("ideControllers"), f"{ide} controllers", "must have exactly 2 controllers")
        )
    return errors + _slots(req)


def _while_powered_on(req: VMRequest) -> list[FieldError]:
    if req.old is None or text(spec(req.old).get("powerState")) != names.POWERED_ON:
        return []
    new, old = mapping(spec(req.object).get("hardware")), mapping(spec(req.old).get("hardware"))
    errors = []
    for kind, fields in (("SCSI", ("sharingMode", "type")), ("NVME", ("sharingMode",))):
        key = _CONTROLLER_LISTS[kind]
        old_by_bus = {integer(mapping(c).get("busNumber")) or 0: mapping(c) for c in items(old.get(key))}
        for i, controller in enumerate(mapping(c) for c in items(new.get(key))):
            previous = old_by_bus.get(integer(controller.get("busNumber")) or 0)
            if previous is None:
                continue
            for field in fields:
                if text(controller.get(field)) != text(previous.get(field)):
                    errors.append(
                        forbidden(
                            HARDWARE.child(key).index(i).child(field),
                            names.UPDATES_NOT_ALLOWED_WHEN_POWERED_ON,
                            Effect.WHILE_OFF,
                        )
                    )
    return errors + _hot_added_scsi(req)


def _hot_added_scsi(req: VMRequest) -> list[FieldError]:
    new, old = spec(req.object).get("hardware"), spec(req.old).get("hardware")
    if new is None or old is None:
        return []
    existing = {integer(mapping(c).get("busNumber")) or 0 for c in items(mapping(old).get("scsiControllers"))}
    added = [
        i
        for i, c in enumerate(items(mapping(new).get("scsiControllers")))
        if (integer(mapping(c).get("busNumber")) or 0) not in existing
    ]
    if not added or not is_upgraded(req, req.old) or _fast_suspend_resume(req.old):
        return []
    return [
        forbidden(
            HARDWARE.child("scsiControllers").index(i),
            "Hot-adding a new SCSI controller is not allowed when FSR is not supported",
            Effect.WHILE_OFF,
        )
        for i in added
    ]


def _fast_suspend_resume(vm: Any) -> bool:
    """IsFSRSupported: no physically shared SCSI controller of the VM has a disk."""
    hardware = spec(vm).get("hardware")
    if hardware is None:
        return True
    with_disks = {
        integer(mapping(v).get("controllerBusNumber"))
        for v in items(spec(vm).get("volumes"))
        if text(mapping(v).get("controllerType")) == "SCSI"
        and integer(mapping(v).get("controllerBusNumber")) is not None
    }
    return not any(
        text(mapping(c).get("sharingMode")) == "Physical"
        and (integer(mapping(c).get("busNumber")) or 0) in with_disks
        for c in items(mapping(hardware).get("scsiControllers"))
    )


def _slots(req: VMRequest) -> list[FieldError]:
    volumes = items(spec(req.object).get("volumes"))
    if not volumes:
        return []
    specs = ControllerSpecs.of(req.object)
    occupied: dict[tuple[str, int], set[int]] = {}
    for cdrom in (mapping(c) for c in items(mapping(spec(req.object).get("hardware")).get("cdrom"))):
        kind, bus, unit = (
            text(cdrom.get("controllerType")),
            integer(cdrom.get("controllerBusNumber")),
            integer(cdrom.get("unitNumber")),
        )
        if kind and bus is not None and unit is not None and unit >= 0:
            occupied.setdefault((kind, bus), set()).add(unit)
    errors = []
    for i, volume in enumerate(mapping(v) for v in volumes):
        at = path("spec", "volumes").index(i)
        kind, bus, unit = (
            text(volume.get("controllerType")),
            integer(volume.get("controllerBusNumber")),
            integer(volume.get("unitNumber")),
        )
        if not kind or bus is None or unit is None:
            continue
        if not 0 <= bus < max_controllers(kind):
            errors.append(
                invalid(
                    at.child("controllerBusNumber"), bus, f"must be between 0 and {max_controllers(kind) - 1}"
                )
            )
            continue
        controller = specs.get(kind, bus)
        if controller is None:
            errors.append(
                invalid(at.child("controllerBusNumber"), bus, f"controller {kind}:{bus} does not exist")
            )
            continue
        slots, reserved = max_slots(kind, controller), reserved_unit(kind)
        if not 0 <= unit < slots:
            errors.append(
                invalid(
                    at.child("unitNumber"),
                    unit,
                    f"unit number must be between 0 and {slots - 1} for {kind} controller",
                )
            )
            continue
        if unit == reserved:
            errors.append(
                invalid(
                    at.child("unitNumber"),
                    unit,
                    f"unit number {reserved} is reserved for the {kind} controller itself",
                )
            )
            continue
        used = occupied.setdefault((kind, bus), set())
        if unit in used:
            errors.append(
                invalid(
                    at.child("unitNumber"),
                    unit,
                    f"controller unit number {kind}:{bus}:{unit} is already in use",
                )
            )
            continue
        if len(used) >= slots:
            errors.append(
                invalid(at.child("unitNumber"), unit, f"controller {kind}:{bus} full, maxDevices: {slots}")
            )
        used.add(unit)
    return errors
