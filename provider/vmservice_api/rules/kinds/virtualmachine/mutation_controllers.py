"""Virtual device controllers as the 9.1 API describes them: how many of a type a VM may have, how many
devices each takes, which unit is reserved, and the controller specs of a VM by (type, bus).

Upstream: api/v1alpha5/virtualmachine_hardware_types.go (MaxCount, MaxSlots, ReservedUnitNumber) and
pkg/util/vmopv1/hardware.go (NextAvailableUnitNumber, CreateNewController, ControllerSpecs,
DefaultControllerSharingMode, GetControllerSharingMode).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any, Final

from vmservice_api.objects import JSONObject
from vmservice_api.rules.kinds.virtualmachine.mutation_support import number, part, text

IDE: Final = "IDE"
NVME: Final = "NVME"
SATA: Final = "SATA"
SCSI: Final = "SCSI"

PARAVIRTUAL: Final = "ParaVirtual"
SHARING_NONE: Final = "None"
SHARING_PHYSICAL: Final = "Physical"

# The list of spec.hardware holding each type's controllers, in the order upstream collects them.
SPEC_LISTS: Final[dict[str, str]] = {
    SCSI: "scsiControllers",
    SATA: "sataControllers",
    NVME: "nvmeControllers",
    IDE: "ideControllers",
}

_MAX_COUNT: Final[dict[str, int]] = {IDE: 2, NVME: 4, SATA: 4, SCSI: 4}
_SCSI_SLOTS: Final[dict[str, int]] = {PARAVIRTUAL: 65, "BusLogic": 16, "LsiLogic": 16, "LsiLogicSAS": 16}


def max_count(controller_type: str) -> int:
    """How many controllers of the type one VM may have (0 for an unknown type)."""
    return _MAX_COUNT.get(controller_type, 0)


@dataclass(frozen=True)
class Controller:
    """One controller spec: its type and bus, and for SCSI/NVME its sharing mode (and SCSI its model)."""

    type: str
    bus: int
    sharing_mode: str = ""
    scsi_type: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return self.type, self.bus

    def max_slots(self) -> int:
        if self.type == SCSI:
            return _SCSI_SLOTS.get(self.scsi_type, 0)
        return {IDE: 2, NVME: 64, SATA: 30}.get(self.type, 0)

    def reserved_unit(self) -> int:
        # A SCSI controller sits on its own bus at unit 7.
        return 7 if self.type == SCSI else -1

    def sharing(self) -> str:
        """The sharing mode the controller offers (IDE and SATA controllers share nothing)."""
        return self.sharing_mode if self.type in (SCSI, NVME) else SHARING_NONE

    def next_free_unit(self, occupied: Set[int]) -> int:
        """The lowest unit that is neither occupied nor reserved, -1 when the controller is full."""
        for unit in range(self.max_slots()):
            if unit not in occupied and unit != self.reserved_unit():
                return unit
        return -1

    def as_json(self) -> JSONObject:
        spec: JSONObject = {"busNumber": self.bus}
        if self.type == SCSI and self.scsi_type:
            spec["type"] = self.scsi_type
        if self.type in (SCSI, NVME) and self.sharing_mode:
            spec["sharingMode"] = self.sharing_mode
        return spec


def new_controller(controller_type: str, bus: int, sharing_mode: str = "") -> Controller | None:
    """The controller upstream creates for a device: SCSI ones are paravirtual; unknown types give None."""
    if controller_type == SCSI:
        return Controller(SCSI, bus, sharing_mode, PARAVIRTUAL)
    if controller_type == NVME:
        return Controller(NVME, bus, sharing_mode)
    if controller_type in (SATA, IDE):
        return Controller(controller_type, bus)
    return None


def default_sharing_mode(volume: Mapping[str, Any]) -> str:
    """The controller sharing a volume needs: physical bus sharing for Microsoft WSFC disks."""
    return SHARING_PHYSICAL if text(volume, "applicationType") == "MicrosoftWSFC" else SHARING_NONE


def controllers_of(hardware: Mapping[str, Any]) -> dict[tuple[str, int], Controller]:
    """The VM's controller specs by (type, bus); a later spec of the same bus replaces an earlier one."""
    found: dict[tuple[str, int], Controller] = {}
    for controller_type, key in SPEC_LISTS.items():
        items = hardware.get(key)
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, dict):
                continue
            controller = Controller(
                controller_type,
                number(item, "busNumber") or 0,
                text(item, "sharingMode"),
                text(item, "type"),
            )
            found[controller.key] = controller
    return found


def spec_hardware(vm: Mapping[str, Any]) -> Mapping[str, Any]:
    return part(vm, "spec", "hardware")
