"""When a VirtualMachine is what users mean by done, by `waitFor` target:

    created     VirtualMachineCreated is True and the VM has a vSphere unique ID
    poweredOn   ... and status.powerState is the desired power state
    ipAssigned  ... and, when it should run with a network, it reports an IPv4 or IPv6 address
    ready       ... and its Ready condition (the readiness probe) is True

A prerequisite condition that is False for a reason VM Operator will not recover from (a class or image
that does not exist, no storage class, a missing bootstrap Secret, a failed create) ends the wait at once.
"""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.readiness.conditions import (
    MET,
    Check,
    Condition,
    Fatal,
    Readiness,
    unmet,
)

__all__ = [
    "FATAL_REASONS",
    "PREREQUISITES",
    "TARGETS",
    "conditions_by_type",
    "default_wait_for",
    "power_off_readiness",
    "virtual_machine_readiness",
]

Obj = dict[str, Any]

# Prerequisite conditions whose False reason means waiting longer will not help.
FATAL_REASONS = {
    "VirtualMachineClassReady": {"NotFound"},
    "VirtualMachineImageReady": {"NotFound", "NotSupported"},
    "VirtualMachineStorageReady": {"StorageClassRequired", "DatastoreNotFound"},
    "VirtualMachineBootstrapReady": {"NotFound", "RequiredKeyNotFound"},
    "VirtualMachineCreated": {"Error"},
}
PREREQUISITES = (
    "VirtualMachineClassReady",
    "VirtualMachineImageReady",
    "VirtualMachineStorageReady",
    "VirtualMachineBootstrapReady",
)
TARGETS = ("created", "poweredOn", "ipAssigned", "ready")


def conditions_by_type(obj: Obj | None) -> dict[str, dict[str, Any]]:
    return {c.get("type", ""): c for c in ((obj or {}).get("status", {}).get("conditions") or [])}


def default_wait_for(spec: dict[str, Any]) -> str:
    if spec.get("powerState", "PoweredOn") != "PoweredOn":
        return "poweredOn"  # i.e. the desired power state (off or suspended) is reached
    if (spec.get("network") or {}).get("disabled"):
        return "poweredOn"
    return "ipAssigned"


def _power(obj: Obj | None) -> str:
    return str(((obj or {}).get("status") or {}).get("powerState") or "unknown")


def failed_prerequisite(obj: Obj | None) -> str | None:
    for kind, condition in conditions_by_type(obj).items():
        if condition.get("status") == "False" and condition.get("reason") in FATAL_REASONS.get(kind, ()):
            message = condition.get("message") or condition.get("reason")
            return f"{kind} is False ({condition.get('reason')}): {message}"
    return None


def created(obj: Obj | None) -> Check:
    status = (obj or {}).get("status") or {}
    conditions = conditions_by_type(obj)
    if conditions.get("VirtualMachineCreated", {}).get("status") == "True" and status.get("uniqueID"):
        return MET
    for kind in PREREQUISITES:
        condition = conditions.get(kind)
        if condition and condition.get("status") == "False":
            return unmet(f"waiting: {kind} is False ({condition.get('reason')})")
    return unmet("waiting for the vSphere VM to be created")


def in_power_state(desired: str) -> Condition[Obj]:
    def condition(obj: Obj | None) -> Check:
        power = _power(obj)
        return MET if power == desired else unmet(f"waiting for power state {desired} ({power})")

    return condition


def ip_assigned(desired_power: str, network_disabled: bool) -> Condition[Obj]:
    def condition(obj: Obj | None) -> Check:
        if desired_power != "PoweredOn" or network_disabled:
            return MET  # a VM that is not meant to run on a network gets no address
        network = ((obj or {}).get("status") or {}).get("network") or {}
        if network.get("primaryIP4") or network.get("primaryIP6"):
            return MET
        return unmet(f"waiting for IP address ({_power(obj)})")

    return condition


def probe_ready(obj: Obj | None) -> Check:
    if conditions_by_type(obj).get("Ready", {}).get("status") == "True":
        return MET
    return unmet(f"waiting for the readiness probe ({_power(obj)})")


def deleted_while_waiting(where: str) -> Fatal[Obj]:
    def check(obj: Obj | None) -> str | None:
        return f"VirtualMachine {where} was deleted while waiting" if obj is None else None

    return check


def virtual_machine_readiness(target: str, spec: dict[str, Any], where: str) -> Readiness[Obj]:
    """The conditions for `target` (one of TARGETS) of a VM with `spec`; `where` is NAMESPACE/NAME."""
    desired_power = spec.get("powerState", "PoweredOn")
    network_disabled = bool((spec.get("network") or {}).get("disabled"))
    ladder: list[Condition[Obj]] = [
        created,
        in_power_state(desired_power),
        ip_assigned(desired_power, network_disabled),
        probe_ready,
    ]
    return Readiness(
        tuple(ladder[: TARGETS.index(target) + 1]),
        fatal=(deleted_while_waiting(where), failed_prerequisite),
    )


def _powered_off(obj: Obj | None) -> Check:
    power = ((obj or {}).get("status") or {}).get("powerState")
    return MET if power == "PoweredOff" else unmet(f"waiting for power-off ({power or 'unknown'})")


def power_off_readiness() -> Readiness[Obj]:
    """A VM being powered off to apply a change that needs it."""
    return Readiness((_powered_off,))
