"""A VM's CD-ROMs (spec.hardware.cdrom, 9.1): images, controller placement, and what may not change while
the VM is powered on (connecting and disconnecting may)."""

from __future__ import annotations

from typing import Any

from vmservice_api.rules.fielderrors import (
    Effect,
    FieldError,
    FieldPath,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    path,
    required,
)
from vmservice_api.rules.kinds.virtualmachine import names
from vmservice_api.rules.kinds.virtualmachine.validation_support import (
    VMRequest,
    integer,
    is_upgraded,
    items,
    mapping,
    node,
    spec,
    text,
)

CDROM = path("spec", "hardware", "cdrom")
_RANGES = {"IDE": (2, 2), "SATA": (4, 30)}  # controllers per VM, units per controller


def _cdroms(vm: Any) -> list[dict[str, Any]]:
    return [dict(mapping(c)) for c in items(node(spec(vm), "hardware", "cdrom"))]


def cdrom(req: VMRequest) -> list[FieldError]:
    """A VM with CD-ROMs names its guest OS; each CD-ROM mounts a distinct VirtualMachineImage or
    ClusterVirtualMachineImage (by name: both kinds come from the same library item)."""
    cdroms = _cdroms(req.object)
    if not cdroms:
        return []
    errors = []
    if not text(spec(req.object).get("guestID")):
        errors.append(required(path("spec", "guestID"), "when deploying a VM with CD-ROMs"))
    seen = set()
    for i, device in enumerate(cdroms):
        image = mapping(device.get("image"))
        kind, name = text(image.get("kind")), text(image.get("name"))
        if kind not in (names.VMI_KIND, names.CVMI_KIND):
            errors.append(
                not_supported(CDROM.index(i).child("image", "kind"), kind, [names.VMI_KIND, names.CVMI_KIND])
            )
        if name in seen:
            errors.append(duplicate(CDROM.index(i).child("image", "name"), name))
        seen.add(name)
    return errors


def cdrom_placement(req: VMRequest) -> list[FieldError]:
    """(VMSharedDisks) A CD-ROM sits on an IDE or SATA controller in range: on create, type and bus come
    together (or both from the mutating webhook); on update all three are set and units are unique."""
    cdroms = _cdroms(req.object)
    if not cdroms or not req.feature(names.VM_SHARED_DISKS):
        return []
    if req.old is None:
        return _placement_on_create(cdroms)
    if not is_upgraded(req, req.old):
        return []
    errors = []
    for i, device in enumerate(cdroms):
        at = CDROM.index(i)
        missing = [
            required(at.child(field))
            for field, value in (
                ("controllerType", text(device.get("controllerType")) or None),
                ("controllerBusNumber", integer(device.get("controllerBusNumber"))),
                ("unitNumber", integer(device.get("unitNumber"))),
            )
            if value is None
        ]
        errors += missing or _ranges(at, device)
    used: set[tuple[str, int, int]] = set()
    for i, device in enumerate(cdroms):
        kind, bus, unit = _placement(device)
        if kind and bus is not None and unit is not None:
            if (kind, bus, unit) in used:
                errors.append(duplicate(CDROM.index(i).child("unitNumber"), unit))
            used.add((kind, bus, unit))
    return errors


def _placement(device: dict[str, Any]) -> tuple[str, int | None, int | None]:
    return (
        text(device.get("controllerType")),
        integer(device.get("controllerBusNumber")),
        integer(device.get("unitNumber")),
    )


def _placement_on_create(cdroms: list[dict[str, Any]]) -> list[FieldError]:
    errors = []
    for i, device in enumerate(cdroms):
        at = CDROM.index(i)
        kind, bus, unit = _placement(device)
        if kind and bus is None:
            errors.append(
                required(at.child("controllerBusNumber"), "must be set when controllerType is specified")
            )
        elif not kind and bus is not None:
            errors.append(
                required(at.child("controllerType"), "must be set when controllerBusNumber is specified")
            )
        if kind and bus is not None and unit is not None:
            errors += _ranges(at, device)
    return errors


def _ranges(at: FieldPath, device: dict[str, Any]) -> list[FieldError]:
    kind, bus, unit = _placement(device)
    assert bus is not None and unit is not None
    if kind not in _RANGES:
        return [not_supported(at.child("controllerType"), kind, ["IDE", "SATA"])]
    buses, units = _RANGES[kind]
    errors = []
    if not 0 <= bus < buses:
        errors.append(
            invalid(
                at.child("controllerBusNumber"),
                bus,
                f"{kind} controllerBusNumber must be in the range of 0 to {buses - 1}",
            )
        )
    if not 0 <= unit < units:
        errors.append(
            invalid(
                at.child("unitNumber"), unit, f"{kind} unitNumber must be in the range of 0 to {units - 1}"
            )
        )
    return errors


def cdrom_while_powered_on(req: VMRequest) -> list[FieldError]:
    """While the VM runs, CD-ROMs are neither added, removed nor renamed, keep their image and (once VM
    Operator has seen the VM power on, with VMSharedDisks) their controller placement."""
    new, old = _cdroms(req.object), _cdroms(req.old)
    if len(new) != len(old):
        return [forbidden(CDROM, names.UPDATES_NOT_ALLOWED_WHEN_POWERED_ON, Effect.WHILE_OFF)]
    old_by_name = {text(c.get("name")): c for c in old}
    new_names = {text(c.get("name")) for c in new}
    errors = [
        forbidden(
            CDROM.child("name"), "removing CD-ROMs is not allowed when VM is powered on", Effect.WHILE_OFF
        )
        for c in old
        if text(c.get("name")) not in new_names
    ]
    for i, device in enumerate(new):
        previous = old_by_name.get(text(device.get("name")))
        if previous is None:
            errors.append(
                forbidden(
                    CDROM.index(i).child("name"),
                    "adding new CD-ROMs is not allowed when VM is powered on",
                    Effect.WHILE_OFF,
                )
            )
        elif _image(device) != _image(previous):
            errors.append(
                forbidden(
                    CDROM.index(i).child("image"), names.UPDATES_NOT_ALLOWED_WHEN_POWERED_ON, Effect.WHILE_OFF
                )
            )
    moved = _moved(new, old_by_name)
    if (
        moved
        and text(node(req.old, "status", "powerState"))
        and req.feature(names.VM_SHARED_DISKS)
        and is_upgraded(req, req.old)
    ):
        errors += moved
    return errors


def _image(device: dict[str, Any]) -> tuple[str, str]:
    image = mapping(device.get("image"))
    return text(image.get("kind")), text(image.get("name"))


def _moved(new: list[dict[str, Any]], old_by_name: dict[str, dict[str, Any]]) -> list[FieldError]:
    errors = []
    for i, device in enumerate(new):
        previous = old_by_name.get(text(device.get("name")))
        if previous is None:
            continue
        for field, value, old_value in zip(
            ("controllerType", "controllerBusNumber", "unitNumber"),
            _placement(device),
            _placement(previous),
            strict=True,
        ):
            if value != old_value:
                errors.append(
                    forbidden(
                        CDROM.index(i).child(field),
                        names.UPDATES_NOT_ALLOWED_WHEN_POWERED_ON,
                        Effect.WHILE_OFF,
                    )
                )
    return errors
