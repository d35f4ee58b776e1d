"""Hardware defaults (9.1): the IDE controllers every new VM gets, the disk and sharing modes of volumes
by application type, and the controllers (and bus and unit) volumes are attached to.

Upstream: webhooks/virtualmachine/mutation/virtualmachine_mutator.go (SetDefaultControllers, Mutate's
VMSharedDisks / AllDisksArePVCs branch) and virtualmachine_mutator_hardware_controllers.go
(SetPVCVolumeDefaults, AddControllersForVolumes, processVolumes, determineTargetController).
"""

from __future__ import annotations

from typing import Any

from vmservice_api.objects import JSONObject
from vmservice_api.rules.framework import Request
from vmservice_api.rules.kinds.virtualmachine import mutation_names as names
from vmservice_api.rules.kinds.virtualmachine.mutation_controllers import (
    IDE,
    SCSI,
    SPEC_LISTS,
    Controller,
    controllers_of,
    default_sharing_mode,
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
    spec,
    text,
    the_object,
    writable_spec,
)

Slots = dict[tuple[str, int], set[int]]
Controllers = dict[tuple[str, int], Controller]

# (disk mode, sharing mode) a volume gets by default, by application type.
_VOLUME_MODES: dict[str, tuple[str, str]] = {
    "OracleRAC": ("IndependentPersistent", "MultiWriter"),
    "MicrosoftWSFC": ("IndependentPersistent", "None"),
}
_PLAIN_VOLUME_MODES = ("Persistent", "None")


def set_default_controllers(req: Request[Any]) -> bool:
    """A new VM without IDE controllers gets both of them (buses 0 and 1)."""
    hardware = child(writable_spec(the_object(req)), "hardware")
    if entries(hardware, SPEC_LISTS[IDE]):
        return False
    hardware[SPEC_LISTS[IDE]] = [{"busNumber": bus} for bus in range(max_count(IDE))]
    return True


def _set_volume_modes(vm: JSONObject) -> bool:
    changed = False
    for volume in entries(spec(vm), "volumes"):
        disk_mode, sharing_mode = _VOLUME_MODES.get(text(volume, "applicationType"), _PLAIN_VOLUME_MODES)
        if not text(volume, "diskMode"):
            volume["diskMode"] = disk_mode
            changed = True
        if not text(volume, "sharingMode"):
            volume["sharingMode"] = sharing_mode
            changed = True
    return changed


def set_pvc_volume_defaults_on_create(req: Request[Any]) -> bool:
    """With shared disks on, a new VM's volumes get the disk and sharing modes of their application type."""
    return req.feature(names.VM_SHARED_DISKS) and _set_volume_modes(the_object(req))


def _manages_volumes(req: Request[Any]) -> bool:
    """Whether VM Operator manages volume modes and controllers of this (already upgraded) VM."""
    if not (req.feature(names.VM_SHARED_DISKS) or req.feature(names.ALL_DISKS_ARE_PVCS)):
        return False
    return is_upgraded(req, the_object(req))


def set_pvc_volume_defaults_on_update(req: Request[Any]) -> bool:
    """On update of an upgraded VM, volumes get the disk and sharing modes of their application type."""
    return _manages_volumes(req) and _set_volume_modes(the_object(req))


# ---- controllers for volumes ------------------------------------------------------------------------------
def _fully_placed(device: JSONObject) -> bool:
    unit = number(device, "unitNumber")
    return (
        number(device, "controllerBusNumber") is not None
        and bool(text(device, "controllerType"))
        and unit is not None
        and unit >= 0
    )


def _target_controller(volume: JSONObject, controllers: Controllers, slots: Slots) -> Controller | None:
    """The controller a volume goes to: the one it names (created if missing), else the first of its type
    with the same sharing and a free unit, else a new one on the first free bus; None when none is left."""
    controller_type = text(volume, "controllerType") or SCSI
    sharing = default_sharing_mode(volume)
    bus = number(volume, "controllerBusNumber")
    if bus is not None:
        return controllers.get((controller_type, bus)) or new_controller(controller_type, bus, sharing)
    for bus in range(max_count(controller_type)):
        existing = controllers.get((controller_type, bus))
        if existing is None:
            continue
        used = slots.setdefault(existing.key, set())
        if existing.sharing() == sharing and existing.next_free_unit(used) >= 0:
            return existing
    for bus in range(max_count(controller_type)):
        if (controller_type, bus) not in controllers:
            return new_controller(controller_type, bus, sharing)
    return None


def _attach(vm: JSONObject, volumes: list[JSONObject], controllers: Controllers, slots: Slots) -> bool:
    changed = False
    for volume in volumes:
        target = _target_controller(volume, controllers, slots)
        if target is None or target.bus < 0:
            continue
        if target.key not in controllers:
            known = sum(1 for key in controllers if key[0] == target.type)
            if known >= max_count(target.type):
                continue  # no room for another controller: validation reports the volume
            append(child(writable_spec(vm), "hardware"), SPEC_LISTS[target.type], target.as_json())
            controllers[target.key] = target
            changed = True
        if not text(volume, "controllerType"):
            volume["controllerType"] = target.type
            changed = True
        if number(volume, "controllerBusNumber") is None:
            volume["controllerBusNumber"] = target.bus
            changed = True
        used = slots.setdefault(target.key, set())
        unit = number(volume, "unitNumber")
        if unit is not None:
            used.add(unit)
            continue
        free = target.next_free_unit(used)
        if free >= 0:
            used.add(free)
            volume["unitNumber"] = free
            changed = True
    return changed


def add_controllers_for_volumes(req: Request[Any]) -> bool:
    """Place every volume on a controller, adding controllers where none fits: volumes with a full placement
    first (their slots are taken), then the others. CD-ROMs with a full placement hold their slots too."""
    if not _manages_volumes(req):
        return False
    vm = the_object(req)
    volumes = entries(spec(vm), "volumes")
    if not volumes:
        return False
    controllers = controllers_of(spec_hardware(vm))
    slots: Slots = {}
    for cdrom in entries(spec_hardware(vm), "cdrom"):
        if _fully_placed(cdrom):
            key = (text(cdrom, "controllerType"), number(cdrom, "controllerBusNumber") or 0)
            slots.setdefault(key, set()).add(number(cdrom, "unitNumber") or 0)
    placed = [v for v in volumes if _fully_placed(v)]
    unplaced = [v for v in volumes if not _fully_placed(v)]
    changed = _attach(vm, placed, controllers, slots)
    return _attach(vm, unplaced, controllers, slots) or changed
