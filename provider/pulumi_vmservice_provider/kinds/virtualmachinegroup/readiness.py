"""A VirtualMachineGroup is done once every member in its boot order is linked to it, placed, in the group's
power state (when it has one), and VM Operator reports the group Ready."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Readiness, unmet

__all__ = ["group_readiness", "member_names"]

Obj = dict[str, Any]

# The member conditions VM Operator reports in status.members[].conditions, in the order they happen.
MEMBER_CONDITIONS = (
    ("GroupLinked", "to join the group (its spec.groupName)"),
    ("PlacementReady", "to be placed"),
    ("PowerStateSynced", "to reach the group's power state"),
)


def member_names(obj: Obj | None) -> list[str]:
    """The members the spec lists, in boot order."""
    names: list[str] = []
    for order in ((obj or {}).get("spec") or {}).get("bootOrder") or []:
        names += [str(m.get("name")) for m in (order or {}).get("members") or [] if m and m.get("name")]
    return names


def _condition(conditions: Any, kind: str) -> dict[str, Any]:
    for condition in conditions or []:
        if isinstance(condition, dict) and condition.get("type") == kind:
            return condition
    return {}


def _reported(obj: Obj | None) -> dict[str, dict[str, Any]]:
    members = ((obj or {}).get("status") or {}).get("members") or []
    return {str(m.get("name")): m for m in members if isinstance(m, dict)}


def members_reported(obj: Obj | None) -> Check:
    wanted, reported = member_names(obj), _reported(obj)
    missing = [name for name in wanted if name not in reported]
    if missing:
        return unmet(f"waiting for members to be reported ({len(wanted) - len(missing)} of {len(wanted)})")
    return MET


def members_in_state(obj: Obj | None) -> Check:
    powered = bool(((obj or {}).get("spec") or {}).get("powerState"))
    reported = _reported(obj)
    for kind, what in MEMBER_CONDITIONS:
        if kind == "PowerStateSynced" and not powered:
            continue
        for name in member_names(obj):
            condition = _condition(reported.get(name, {}).get("conditions"), kind)
            if condition.get("status") != "True":
                reason = condition.get("reason") or condition.get("message")
                return unmet(f"waiting for {name} {what}" + (f" ({reason})" if reason else ""))
    return MET


def group_ready(obj: Obj | None) -> Check:
    condition = _condition(((obj or {}).get("status") or {}).get("conditions"), "Ready")
    if condition.get("status") == "True":
        return MET
    reason = condition.get("reason") or condition.get("message")
    return unmet("waiting for the group to be Ready" + (f" ({reason})" if reason else ""))


def group_readiness() -> Readiness[Obj]:
    return Readiness((members_reported, members_in_state, group_ready))
