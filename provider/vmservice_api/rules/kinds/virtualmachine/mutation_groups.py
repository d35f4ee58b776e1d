"""VM groups (9.1): a VM leaving its group drops the group's owner reference, and a power state set on the
VM itself drops the time a group had scheduled for its power change.

Upstream: webhooks/virtualmachine/mutation/virtualmachine_mutator.go (Mutate's VMGroups branch,
CleanupApplyPowerStateChangeTimeAnno) with pkg/util/vmopv1/vmgroup.go (RemoveStaleGroupOwnerRef).
"""

from __future__ import annotations

from typing import Any

from vmservice_api.rules.framework import Request
from vmservice_api.rules.kinds.virtualmachine import mutation_names as names
from vmservice_api.rules.kinds.virtualmachine.mutation_support import (
    annotations_of,
    entries,
    part,
    spec,
    text,
    the_object,
    the_old_object,
)


def remove_stale_group_owner_ref(req: Request[Any]) -> bool:
    """When `spec.groupName` changes away from a group, the VM stops being owned by that group."""
    if not req.feature(names.VM_GROUPS):
        return False
    vm = the_object(req)
    old_group = text(spec(the_old_object(req)), "groupName")
    if not old_group or old_group == text(spec(vm), "groupName"):
        return False
    owners = entries(part(vm, "metadata"), "ownerReferences")
    kept = [
        o for o in owners if not (text(o, "kind") == names.VM_GROUP_KIND and text(o, "name") == old_group)
    ]
    if len(kept) == len(owners):
        return False
    metadata = vm["metadata"]
    if kept:
        metadata["ownerReferences"] = kept
    else:
        metadata.pop("ownerReferences", None)
    return True


def cleanup_apply_power_state_change_time(req: Request[Any]) -> bool:
    """A power state changed directly on the VM (not with a new time from its group) applies at once: the
    group's scheduled time is dropped."""
    if not req.feature(names.VM_GROUPS):
        return False
    vm, old = the_object(req), the_old_object(req)
    new_time = annotations_of(vm).get(names.APPLY_POWER_STATE_TIME) or ""
    if (annotations_of(old).get(names.APPLY_POWER_STATE_TIME) or "") != new_time:
        return False
    if text(spec(old), "powerState") == text(spec(vm), "powerState") or not new_time:
        return False
    vm["metadata"]["annotations"].pop(names.APPLY_POWER_STATE_TIME, None)
    return True
