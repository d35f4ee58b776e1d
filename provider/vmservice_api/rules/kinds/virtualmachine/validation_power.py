"""Power: the power states a VM may be created with or moved to, what may not change while it runs,
restarts, and hardware version upgrades (which need the VM powered off)."""

from __future__ import annotations

from vmservice_api.rules.fielderrors import Effect, FieldError, forbidden, invalid, path
from vmservice_api.rules.kinds.virtualmachine import names
from vmservice_api.rules.kinds.virtualmachine.validation_cdrom import cdrom_while_powered_on
from vmservice_api.rules.kinds.virtualmachine.validation_formats import is_rfc3339_nano
from vmservice_api.rules.kinds.virtualmachine.validation_support import (
    VMRequest,
    annotations_of,
    integer,
    same_pointer,
    spec,
    text,
)

POWER_STATE = path("spec", "powerState")
NEXT_RESTART_TIME = path("spec", "nextRestartTime")
MIN_HARDWARE_VERSION = path("spec", "minHardwareVersion")
MAX_HARDWARE_VERSION_9_1 = 22  # govmomi's MaxValidHardwareVersion (vmx-22, ESX 9.0)


def power_state_on_create(req: VMRequest) -> list[FieldError]:
    """A VM is not created suspended."""
    state = text(spec(req.object).get("powerState"))
    if state == names.SUSPENDED:
        return [invalid(POWER_STATE, state, f"cannot set a new VM's power state to {state}")]
    return []


def power_state_on_update(req: VMRequest) -> list[FieldError]:
    """The power state is never emptied, a powered-off VM is not suspended, and a VM that stays powered on
    keeps the fields that need it off (9.1: guest ID, CD-ROMs, boot options, unless a power-on check holds it;
    8.0u3: its bootstrap)."""
    new, old = text(spec(req.object).get("powerState")), text(spec(req.old).get("powerState"))
    if not new:
        return [invalid(POWER_STATE, new, "cannot set power state to empty string")]
    if old == names.POWERED_OFF and new == names.SUSPENDED:
        return [invalid(POWER_STATE, new, "cannot suspend a VM that is powered off")]
    if not (old == names.POWERED_ON and new == names.POWERED_ON):
        return []
    if req.release == "8.0u3":
        if same_pointer(spec(req.object).get("bootstrap"), spec(req.old).get("bootstrap")):
            return []
        return [
            forbidden(path("spec", "bootstrap"), names.UPDATES_NOT_ALLOWED_WHEN_POWERED_ON, Effect.WHILE_OFF)
        ]
    if any(key.startswith(names.CHECK_POWER_ON) for key in annotations_of(req.old)):
        return []
    errors = []
    if text(spec(req.object).get("guestID")) != text(spec(req.old).get("guestID")):
        errors.append(
            forbidden(path("spec", "guestID"), names.UPDATES_NOT_ALLOWED_WHEN_POWERED_ON, Effect.WHILE_OFF)
        )
    errors += cdrom_while_powered_on(req)
    if not same_pointer(spec(req.object).get("bootOptions"), spec(req.old).get("bootOptions")):
        errors.append(
            forbidden(
                path("spec", "bootOptions"), names.UPDATES_NOT_ALLOWED_WHEN_POWERED_ON, Effect.WHILE_OFF
            )
        )
    return errors


def next_restart_time_on_create(req: VMRequest) -> list[FieldError]:
    """A VM is not restarted on create."""
    value = text(spec(req.object).get("nextRestartTime"))
    return [invalid(NEXT_RESTART_TIME, value, "cannot restart VM on create")] if value else []


def next_restart_time_on_update(req: VMRequest) -> list[FieldError]:
    """A restart is requested with an RFC 3339 time; "now" is turned into one by the mutating webhook."""
    value = text(spec(req.object).get("nextRestartTime"))
    if value == text(spec(req.old).get("nextRestartTime")):
        return []
    if value.lower() == "now":
        return [invalid(NEXT_RESTART_TIME, value, "mutation webhooks are required to restart VM")]
    if not is_rfc3339_nano(value):
        return [invalid(NEXT_RESTART_TIME, value, names.RFC3339_NANO)]
    return []


def min_hardware_version(req: VMRequest) -> list[FieldError]:
    """The minimum hardware version is one vSphere knows (9.1); it never goes down, and goes up only for a
    VM that is or will be powered off."""
    new = integer(spec(req.object).get("minHardwareVersion")) or 0
    errors = []
    if req.release == "9.1" and new > MAX_HARDWARE_VERSION_9_1:
        errors.append(
            invalid(MIN_HARDWARE_VERSION, new, f"should be less than or equal to {MAX_HARDWARE_VERSION_9_1}")
        )
    if req.old is None:
        return errors
    old = integer(spec(req.old).get("minHardwareVersion")) or 0
    if new < old:
        errors.append(
            invalid(MIN_HARDWARE_VERSION, new, "cannot downgrade hardware version", Effect.IMMUTABLE)
        )
    if new > old and names.POWERED_OFF not in (
        text(spec(req.old).get("powerState")),
        text(spec(req.object).get("powerState")),
    ):
        errors.append(
            invalid(
                MIN_HARDWARE_VERSION,
                new,
                "cannot upgrade hardware version unless powered off",
                Effect.WHILE_OFF,
            )
        )
    return errors
