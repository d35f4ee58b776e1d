"""CD-ROM defaults (9.1): the image kind of a CD-ROM, the VM's image taken from its CD-ROMs, and where each
CD-ROM is attached (controller type, bus and unit) once VM Operator manages controllers.

Upstream: webhooks/virtualmachine/mutation/virtualmachine_mutator.go (SetDefaultCdromImgKindOnCreate,
SetImageNameFromCdrom, SetDefaultCdromImgKindOnUpdate) and virtualmachine_mutator_cdrom.go
(MutateCdromControllerOnUpdate).
"""

from __future__ import annotations

from typing import Any

from vmservice_api.objects import JSONObject
from vmservice_api.rules.framework import Request
from vmservice_api.rules.kinds.virtualmachine import mutation_names as names
from vmservice_api.rules.kinds.virtualmachine.mutation_controllers import (
    IDE,
    SATA,
    SPEC_LISTS,
    max_count,
    new_controller,
    spec_hardware,
)
from vmservice_api.rules.kinds.virtualmachine.mutation_support import (
    append,
    child,
    entries,
    is_upgraded,
    number,
    part,
    spec,
    text,
    the_object,
    the_old_object,
    writable_spec,
)

Slots = dict[tuple[str, int], set[int]]


def _cdroms(vm: JSONObject) -> list[JSONObject]:
    return entries(spec_hardware(vm), "cdrom")


def set_default_cdrom_image_kind_on_create(req: Request[Any]) -> bool:
    """A CD-ROM image without a kind is a namespace image."""
    changed = False
    for cdrom in _cdroms(the_object(req)):
        if not text(part(cdrom, "image"), "kind"):
            child(cdrom, "image")["kind"] = names.VM_IMAGE_KIND
            changed = True
    return changed


def set_image_name_from_cdrom(req: Request[Any]) -> bool:
    """A VM without an image boots from its first connected CD-ROM's image (else its first CD-ROM's)."""
    vm = the_object(req)
    cdroms = _cdroms(vm)
    if text(spec(vm), "imageName") or not cdroms:
        return False
    chosen = next((c for c in cdroms if c.get("connected") is True), None)
    image_name = text(part(chosen, "image"), "name") if chosen is not None else ""
    image_name = image_name or text(part(cdroms[0], "image"), "name")
    if not image_name:
        return False
    writable_spec(vm)["imageName"] = image_name
    return True


def set_default_cdrom_image_kind_on_update(req: Request[Any]) -> bool:
    """A CD-ROM whose kind was cleared gets the default kind back, but only where the old CD-ROM of that
    image had the default kind (so clearing any other kind still fails validation)."""
    vm = the_object(req)
    if not isinstance(spec(vm).get("hardware"), dict):
        return False
    old_kinds = {
        text(part(c, "image"), "name"): text(part(c, "image"), "kind") for c in _cdroms(the_old_object(req))
    }
    changed = False
    for cdrom in _cdroms(vm):
        image = part(cdrom, "image")
        if not text(image, "kind") and old_kinds.get(text(image, "name")) == names.VM_IMAGE_KIND:
            child(cdrom, "image")["kind"] = names.VM_IMAGE_KIND
            changed = True
    return changed


# ---- placement --------------------------------------------------------------------------------------------
def _occupied_slots(vm: JSONObject) -> Slots:
    """Slots of the VM's IDE and SATA controller specs that devices other than CD-ROMs hold (per status)."""
    hardware = spec_hardware(vm)
    slots: Slots = {}
    for controller_type in (IDE, SATA):
        for item in entries(hardware, SPEC_LISTS[controller_type]):
            slots[(controller_type, number(item, "busNumber") or 0)] = set()
    for observed in entries(part(vm, "status", "hardware"), "controllers"):
        key = (text(observed, "type"), number(observed, "busNumber") or 0)
        if key[0] not in (IDE, SATA) or key not in slots:
            continue
        for device in entries(observed, "devices"):
            if text(device, "type") != "CDROM":
                slots[key].add(number(device, "unitNumber") or 0)
    return slots


def _add_controller(slots: Slots, hardware: JSONObject, controller_type: str, bus: int) -> bool:
    """Add an IDE or SATA controller on the bus unless the VM has it already."""
    if (controller_type, bus) in slots or controller_type not in (IDE, SATA):
        return False
    append(hardware, SPEC_LISTS[controller_type], {"busNumber": bus})
    slots[(controller_type, bus)] = set()
    return True


def _free_unit(slots: Slots, controller_type: str, bus: int) -> int:
    controller = new_controller(controller_type, bus)
    return controller.next_free_unit(slots.get((controller_type, bus), set())) if controller else -1


def _bus_with_room(slots: Slots, controller_type: str) -> int:
    """The first existing controller of the type with a free unit, else the first bus without one, else -1."""
    first_unused = -1
    for bus in range(max_count(controller_type)):
        if (controller_type, bus) in slots:
            if _free_unit(slots, controller_type, bus) != -1:
                return bus
        elif first_unused == -1:
            first_unused = bus
    return first_unused


def _placed(cdrom: JSONObject) -> bool:
    return (
        number(cdrom, "controllerBusNumber") is not None
        and bool(text(cdrom, "controllerType"))
        and number(cdrom, "unitNumber") is not None
    )


def _place(cdrom: JSONObject, slots: Slots, hardware: JSONObject) -> bool:
    """Attach one CD-ROM that lacks a full placement; returns whether anything changed."""
    controller_type = text(cdrom, "controllerType")
    bus = number(cdrom, "controllerBusNumber")
    unit = number(cdrom, "unitNumber")
    if controller_type and bus is not None and unit is None:
        target = (controller_type, bus)
    elif not controller_type and bus is None and unit is None:
        target = (IDE, _bus_with_room(slots, IDE))
        if target[1] == -1:
            target = (SATA, _bus_with_room(slots, SATA))
        if target[1] == -1:
            return False
    else:
        return False
    changed = _add_controller(slots, hardware, *target)
    free = _free_unit(slots, *target)
    if free == -1:
        return changed
    slots[target].add(free)
    cdrom["controllerType"], cdrom["controllerBusNumber"], cdrom["unitNumber"] = target[0], target[1], free
    return True


def mutate_cdrom_controller_on_update(req: Request[Any]) -> bool:
    """Give every CD-ROM a controller slot: full placements first (adding their controllers), then the
    rest on the named controller, or on the first IDE then SATA controller with room."""
    if not req.feature(names.VM_SHARED_DISKS):
        return False
    vm = the_object(req)
    if not is_upgraded(req, vm):
        return False
    cdroms = _cdroms(vm)
    if not cdroms:
        return False
    hardware = child(writable_spec(vm), "hardware")
    slots = _occupied_slots(vm)
    eligible = [c for c in cdroms if text(c, "controllerType") in ("", IDE, SATA)]
    changed = False
    for cdrom in (c for c in eligible if _placed(c)):
        key = (text(cdrom, "controllerType"), number(cdrom, "controllerBusNumber") or 0)
        changed = _add_controller(slots, hardware, *key) or changed
        slots[key].add(number(cdrom, "unitNumber") or 0)
    for cdrom in (c for c in eligible if not _placed(c)):
        changed = _place(cdrom, slots, hardware) or changed
    return changed
