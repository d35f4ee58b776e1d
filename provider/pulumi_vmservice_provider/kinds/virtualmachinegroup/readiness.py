"""A VirtualMachineGroup is done once every member in its boot order is linked to it, placed, in the group's
power state (when it has one), and VM Operator reports the group Ready."""

from __future__ import annotations

from vmservice_api.objects import Condition, JSONObject, KubeObject, ObjectView
from vmservice_api.types.release_9_1.virtualmachinegroup import (
    VirtualMachineGroupSpec,
    VirtualMachineGroupStatus,
    VirtualMachineGroupStatusMember,
)

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Readiness, unmet

__all__ = ["group_readiness", "member_names"]

Group = ObjectView[VirtualMachineGroupSpec, VirtualMachineGroupStatus]

# The member conditions VM Operator reports in status.members[].conditions, in the order they happen.
MEMBER_CONDITIONS = (
    ("GroupLinked", "to join the group (its spec.groupName)"),
    ("PlacementReady", "to be placed"),
    ("PowerStateSynced", "to reach the group's power state"),
)


def member_names(obj: KubeObject | None) -> list[str]:
    """The members the spec lists, in boot order."""
    names: list[str] = []
    for order in Group(obj).spec.get("bootOrder") or []:
        names += [str(m.get("name")) for m in (order or {}).get("members") or [] if m and m.get("name")]
    return names


def _reported(obj: KubeObject | None) -> dict[str, VirtualMachineGroupStatusMember]:
    members = Group(obj).status.get("members") or []
    return {str(m.get("name")): m for m in members if isinstance(m, dict)}


def _why(condition: Condition | None) -> str:
    reason = (condition or {}).get("reason") or (condition or {}).get("message")
    return f" ({reason})" if reason else ""


def members_reported(obj: KubeObject | None) -> Check:
    wanted, reported = member_names(obj), _reported(obj)
    missing = [name for name in wanted if name not in reported]
    if missing:
        return unmet(f"waiting for members to be reported ({len(wanted) - len(missing)} of {len(wanted)})")
    return MET


def members_in_state(obj: KubeObject | None) -> Check:
    powered = bool(Group(obj).spec.get("powerState"))
    reported = _reported(obj)
    for kind, what in MEMBER_CONDITIONS:
        if kind == "PowerStateSynced" and not powered:
            continue
        for name in member_names(obj):
            member: ObjectView[JSONObject, VirtualMachineGroupStatusMember] = ObjectView(
                {"status": reported.get(name) or {}}
            )
            condition = member.condition(kind)
            if condition is None or condition.get("status") != "True":
                return unmet(f"waiting for {name} {what}{_why(condition)}")
    return MET


def group_ready(obj: KubeObject | None) -> Check:
    condition = Group(obj).condition("Ready")
    if condition is not None and condition.get("status") == "True":
        return MET
    return unmet(f"waiting for the group to be Ready{_why(condition)}")


def group_readiness() -> Readiness[KubeObject]:
    return Readiness((members_reported, members_in_state, group_ready))
