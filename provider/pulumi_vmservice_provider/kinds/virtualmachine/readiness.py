"""When a VirtualMachine is what users mean by done, by `waitFor` target:

    created     VirtualMachineCreated is True and the VM has a vSphere unique ID
    poweredOn   ... and status.powerState is the desired power state
    ipAssigned  ... and, when it should run with a network, it reports an IPv4 or IPv6 address
    ready       ... and its Ready condition (the readiness probe) is True

A prerequisite condition that is False for a reason VM Operator will not recover from (a class or image
that does not exist, no storage class, a missing bootstrap Secret or key, a failed create) ends the wait at once.
"""

from __future__ import annotations

from vmservice_api.objects import KubeObject, ObjectView
from vmservice_api.types.release_9_1.virtualmachine import VirtualMachineSpec, VirtualMachineStatus

from pulumi_vmservice_provider.readiness.conditions import (
    MET,
    Check,
    Condition,
    Fatal,
    Readiness,
    disappeared,
    unmet,
)

__all__ = [
    "FATAL_REASONS",
    "PREREQUISITES",
    "TARGETS",
    "default_wait_for",
    "power_off_readiness",
    "virtual_machine_readiness",
]

VM = ObjectView[VirtualMachineSpec, VirtualMachineStatus]

# Prerequisite conditions whose False reason means waiting longer will not help. VM Operator reports a
# bootstrap Secret it read but could not use as GetError (pkg/providers/vsphere/vmprovider_vm_utils.go,
# errToConditionReasonAndMessage): an inline Sysprep answer whose Secret has no data for its key (pkg/util/
# sysprep/secret.go) stays so until someone changes the Secret.
FATAL_REASONS = {
    "VirtualMachineClassReady": {"NotFound"},
    "VirtualMachineImageReady": {"NotFound", "NotSupported"},
    "VirtualMachineStorageReady": {"StorageClassRequired", "DatastoreNotFound"},
    "VirtualMachineBootstrapReady": {"NotFound", "RequiredKeyNotFound", "GetError"},
    "VirtualMachineCreated": {"Error"},
}
PREREQUISITES = (
    "VirtualMachineClassReady",
    "VirtualMachineImageReady",
    "VirtualMachineStorageReady",
    "VirtualMachineBootstrapReady",
)
TARGETS = ("created", "poweredOn", "ipAssigned", "ready")


def default_wait_for(spec: VirtualMachineSpec) -> str:
    if spec.get("powerState", "PoweredOn") != "PoweredOn":
        return "poweredOn"  # i.e. the desired power state (off or suspended) is reached
    if (spec.get("network") or {}).get("disabled"):
        return "poweredOn"
    return "ipAssigned"


def _power(vm: VM) -> str:
    return str(vm.status.get("powerState") or "unknown")


def failed_prerequisite(obj: KubeObject | None) -> str | None:
    for condition in VM(obj).conditions():
        kind, reason = condition.get("type", ""), condition.get("reason")
        if condition.get("status") == "False" and reason in FATAL_REASONS.get(kind, ()):
            return f"{kind} is False ({reason}): {condition.get('message') or reason}"
    return None


def created(obj: KubeObject | None) -> Check:
    vm = VM(obj)
    if vm.condition_is("VirtualMachineCreated") and vm.status.get("uniqueID"):
        return MET
    for kind in PREREQUISITES:
        condition = vm.condition(kind)
        if condition is not None and condition.get("status") == "False":
            return unmet(f"waiting: {kind} is False ({condition.get('reason')})")
    return unmet("waiting for the vSphere VM to be created")


def in_power_state(desired: str) -> Condition[KubeObject]:
    def condition(obj: KubeObject | None) -> Check:
        power = _power(VM(obj))
        return MET if power == desired else unmet(f"waiting for power state {desired} ({power})")

    return condition


def ip_assigned(desired_power: str, network_disabled: bool) -> Condition[KubeObject]:
    def condition(obj: KubeObject | None) -> Check:
        if desired_power != "PoweredOn" or network_disabled:
            return MET  # a VM that is not meant to run on a network gets no address
        vm = VM(obj)
        network = vm.status.get("network") or {}
        if network.get("primaryIP4") or network.get("primaryIP6"):
            return MET
        return unmet(f"waiting for IP address ({_power(vm)})")

    return condition


def probe_ready(obj: KubeObject | None) -> Check:
    vm = VM(obj)
    return MET if vm.condition_is("Ready") else unmet(f"waiting for the readiness probe ({_power(vm)})")


def virtual_machine_readiness(target: str, spec: VirtualMachineSpec, where: str) -> Readiness[KubeObject]:
    """The conditions for `target` (one of TARGETS) of a VM with `spec`; `where` is NAMESPACE/NAME."""
    desired_power = spec.get("powerState", "PoweredOn")
    network_disabled = bool((spec.get("network") or {}).get("disabled"))
    ladder: list[Condition[KubeObject]] = [
        created,
        in_power_state(desired_power),
        ip_assigned(desired_power, network_disabled),
        probe_ready,
    ]
    gone: Fatal[KubeObject] = disappeared(f"VirtualMachine {where}", "it was ready")
    return Readiness(
        tuple(ladder[: TARGETS.index(target) + 1]),
        fatal=(gone, failed_prerequisite),
    )


def _powered_off(obj: KubeObject | None) -> Check:
    power = VM(obj).status.get("powerState")
    return MET if power == "PoweredOff" else unmet(f"waiting for power-off ({power or 'unknown'})")


def power_off_readiness() -> Readiness[KubeObject]:
    """A VM being powered off to apply a change that needs it."""
    return Readiness((_powered_off,))
