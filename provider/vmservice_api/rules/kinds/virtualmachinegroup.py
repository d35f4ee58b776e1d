"""VirtualMachineGroup admission (vSphere 9.1 only): VM Operator's mutating and validating webhooks.

The mutating webhook stamps the time of every power-state change (and of a forced power-state sync, asked
for by writing "now" in spec.nextForcePowerStateSyncTime) in a protected annotation, and drops the owner
reference to a parent group the group leaves. The validating webhook keeps that annotation for VM Operator,
keeps a power state once set, and refuses boot orders naming a member twice or the group itself.

Sources: v1.10.0 webhooks/virtualmachinegroup/mutation/virtualmachinegroup_mutator.go and
webhooks/virtualmachinegroup/validation/virtualmachinegroup_validator.go (upstream registers both only with
its VMGroups feature on; the kind exists only in 9.1).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vmservice_api.rules.fielderrors import (
    Effect,
    FieldError,
    duplicate,
    forbidden,
    invalid,
    path,
)
from vmservice_api.rules.framework import Denied, Release, Request, Unjudged, mutation, validation
from vmservice_api.rules.kinds._support.refusals import refusal
from vmservice_api.rules.kinds._support.times import duration_error, is_rfc3339, now_rfc3339nano
from vmservice_api.types.release_9_1.virtualmachinegroup import VirtualMachineGroup

KIND = "VirtualMachineGroup"
_MUTATOR = "webhooks/virtualmachinegroup/mutation/virtualmachinegroup_mutator.go"
_VALIDATOR = "webhooks/virtualmachinegroup/validation/virtualmachinegroup_validator.go"
ONLY_9_1: tuple[Release, ...] = ("9.1",)

LAST_UPDATED_POWER_STATE = "vmoperator.vmware.com.protected/last-updated-power-state-time"
APPLY_POWER_STATE = "vmoperator.vmware.com.protected/apply-power-state-time"
NOT_FOR_NON_ADMINS = "modifying this annotation is not allowed for non-admin users"
SELF_REFERENCE = "group cannot have itself as a member or group name"


def _spec(view: Any) -> dict[str, Any]:
    return dict(view.spec)


def _decode_error(view: Any) -> tuple[str, str] | None:
    """The boot-order delay Go cannot read (its field path and Go's words), if any."""
    for i, boot_order in enumerate(_spec(view).get("bootOrder") or []):
        error = duration_error(dict(boot_order or {}).get("powerOnDelay"))
        if error:
            return str(path("spec", "bootOrder").index(i).child("powerOnDelay")), error
    return None


def _undecodable(req: Request[VirtualMachineGroup]) -> tuple[str, str] | None:
    return _decode_error(req.view) or (_decode_error(req.old_view) if req.operation == "UPDATE" else None)


# ---------------------------------------------------------------------------------------------- mutation
@mutation(KIND, source=f"{_MUTATOR}: Mutate (decoding the objects)", releases=ONLY_9_1, writes=())
def group_decodes(req: Request[VirtualMachineGroup]) -> bool:
    found = _undecodable(req)
    if found:
        raise Denied(found[1])
    return False


@mutation(KIND, source=f"{_MUTATOR}: ProcessPowerState", releases=ONLY_9_1, writes=("metadata.annotations",))
def stamp_power_state_changes(req: Request[VirtualMachineGroup]) -> bool:
    spec = req.object.setdefault("spec", {})
    old = _spec(req.old_view)
    old_sync, new_sync = (
        str(old.get("nextForcePowerStateSyncTime") or ""),
        str(spec.get("nextForcePowerStateSyncTime") or ""),
    )
    now = now_rfc3339nano()
    forced = False
    if not new_sync:
        # Left out or removed: the previous value stays.
        if old_sync:
            spec["nextForcePowerStateSyncTime"] = old_sync
    elif new_sync.lower() == "now":
        spec["nextForcePowerStateSyncTime"] = now
        forced = True
    elif new_sync != old_sync:
        raise Denied(
            str(invalid(path("spec", "nextForcePowerStateSyncTime"), new_sync, 'may only be set to "now"'))
        )
    stamp = forced or (spec.get("powerState") or "") != (old.get("powerState") or "")
    metadata = req.object.setdefault("metadata", {})
    annotations = dict(metadata.get("annotations") or {})
    if stamp:
        annotations[LAST_UPDATED_POWER_STATE] = now
    # A changed apply-time annotation means the parent group is scheduling this change: leave it. Otherwise a
    # change made on the group itself applies now, so a stale scheduled time goes.
    scheduled_by_parent = annotations.get(APPLY_POWER_STATE, "") != req.old_view.annotations.get(
        APPLY_POWER_STATE, ""
    )
    if stamp and not scheduled_by_parent and annotations.get(APPLY_POWER_STATE):
        del annotations[APPLY_POWER_STATE]
    if annotations != dict(metadata.get("annotations") or {}):
        if annotations:
            metadata["annotations"] = annotations
        else:
            metadata.pop("annotations", None)
    return stamp


@mutation(
    KIND,
    source=f"{_MUTATOR}: Mutate (on update, pkg/util/vmopv1/vmgroup.go RemoveStaleGroupOwnerRef)",
    operations=("UPDATE",),
    releases=ONLY_9_1,
    writes=("metadata.ownerReferences",),
)
def drop_owner_reference_to_former_group(req: Request[VirtualMachineGroup]) -> bool:
    old_group = str(_spec(req.old_view).get("groupName") or "")
    if not old_group or old_group == str(_spec(req.view).get("groupName") or ""):
        return False
    metadata = req.object.setdefault("metadata", {})
    owners = list(metadata.get("ownerReferences") or [])
    kept = [o for o in owners if not (o.get("kind") == KIND and o.get("name") == old_group)]
    if len(kept) == len(owners):
        return False
    if kept:
        metadata["ownerReferences"] = kept
    else:
        metadata.pop("ownerReferences", None)
    return True


# ---------------------------------------------------------------------------------------------- validation
@validation(KIND, source=f"{_VALIDATOR}: vmGroupFromUnstructured", releases=ONLY_9_1)
def group_is_readable(req: Request[VirtualMachineGroup]) -> Iterable[FieldError]:
    found = _undecodable(req)
    return [refusal(path(found[0]), found[1], 400)] if found else []


@validation(KIND, source=f"{_VALIDATOR}: validatePowerState", releases=ONLY_9_1)
def power_state_annotation_and_value(req: Request[VirtualMachineGroup]) -> Iterable[FieldError]:
    if _undecodable(req):
        return []
    new, old = _spec(req.view), _spec(req.old_view)
    stamp_at = path("metadata", "annotations").key(LAST_UPDATED_POWER_STATE)
    stamp = req.view.annotations.get(LAST_UPDATED_POWER_STATE, "")
    errors: list[FieldError] = []
    stamp_changed = stamp != req.old_view.annotations.get(LAST_UPDATED_POWER_STATE, "")
    power_state_changed = (new.get("powerState") or "") != (old.get("powerState") or "")
    sync_changed = (new.get("nextForcePowerStateSyncTime") or "") != (
        old.get("nextForcePowerStateSyncTime") or ""
    )
    # Only the mutating webhook (with a power-state change or a forced sync) or VM Operator writes the stamp.
    if stamp_changed and not power_state_changed and not sync_changed and not req.privileged:
        errors.append(forbidden(stamp_at, NOT_FOR_NON_ADMINS, Effect.PRIVILEGED))
    if stamp and not is_rfc3339(stamp):
        errors.append(invalid(stamp_at, stamp, "time must be in RFC3339Nano format"))
    if old.get("powerState") and not new.get("powerState"):
        errors.append(
            forbidden(path("spec", "powerState"), "cannot set powerState to empty once it's been set")
        )
    return errors


@validation(KIND, source=f"{_VALIDATOR}: validateBootOrderMembers", releases=ONLY_9_1)
def boot_order_members_unique_and_not_self(req: Request[VirtualMachineGroup]) -> Iterable[FieldError]:
    if _undecodable(req):
        return []
    at = path("spec", "bootOrder")
    seen: set[str] = set()
    errors: list[FieldError] = []
    for i, boot_order in enumerate(_spec(req.view).get("bootOrder") or []):
        for j, member in enumerate(dict(boot_order or {}).get("members") or []):
            kind, name = str(member.get("kind") or ""), str(member.get("name") or "")
            key, member_at = f"{kind}/{name}", at.index(i).child("members").index(j)
            if key in seen:
                errors.append(duplicate(member_at, key))
            seen.add(key)
            if kind == KIND and name == req.name:
                errors.append(invalid(member_at, key, SELF_REFERENCE))
    return errors


@validation(KIND, source=f"{_VALIDATOR}: validateGroupName", releases=ONLY_9_1)
def group_name_not_self(req: Request[VirtualMachineGroup]) -> Iterable[FieldError]:
    if _undecodable(req):
        return []
    group_name = str(_spec(req.view).get("groupName") or "")
    if not req.name:
        raise Unjudged("the group's name (the Supervisor generates it)")
    return [invalid(path("spec", "groupName"), group_name, SELF_REFERENCE)] if group_name == req.name else []
