"""VirtualMachineGroup (VCF 9.1 only): a controller that reports each
member's link, placement (zone) and power state, and powers members on in boot order.

Boot order, as VM Operator documents it: with the group's `spec.powerState: PoweredOn`, the members of each
boot-order group are powered on together, after the previous boot-order group is on and this group's
`powerOnDelay` has passed (delays are cumulative). PoweredOff powers every linked member off at once. A member
is linked when its `spec.groupName` names the group; only linked members are acted on.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

from vmservice_sim.context import ZONE_LABEL
from vmservice_sim.controller import Mapper
from vmservice_sim.kube import Kind, Obj
from vmservice_sim.objects import set_condition, spec_of
from vmservice_sim.registry import KindReconciler, register

GROUP_KIND = register("VirtualMachineGroup", "virtualmachinegroups", releases=("9.1",))

LAST_POWER_STATE_ANNOTATION = "vmoperator.vmware.com/last-updated-power-state"
NOT_ADMIN = "modifying this annotation is not allowed for non-admin users"
EMPTY_POWER_STATE = "cannot set powerState to empty once it's been set"
INVALID_TIME = "time must be in RFC3339Nano format"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}

# ========================================================================== controller


def boot_order(group: Obj) -> list[tuple[float, list[str]]]:
    """(delay in seconds, VM member names) per boot-order group, in order."""
    orders = []
    for order in spec_of(group).get("bootOrder") or []:
        names = [
            str(m["name"])
            for m in (order or {}).get("members") or []
            if m and m.get("name") and (m.get("kind") or "VirtualMachine") == "VirtualMachine"
        ]
        orders.append((duration(str((order or {}).get("powerOnDelay") or "")), names))
    return orders


def duration(text: str) -> float:
    """A Go duration ("30s", "1m30s", "500ms") in seconds; 0 when empty or not one."""
    return sum(float(number) * SECONDS[unit] for number, unit in _DURATION.findall(text))


def member_status(name: str, group_name: str, vm: Obj | None, wanted_power: str) -> Obj:
    """status.members[] of one VirtualMachine member."""
    status: Obj = {"name": name, "kind": "VirtualMachine"}
    if vm is None:
        set_condition(status, "GroupLinked", False, "NotFound", f"VirtualMachine {name} not found")
        return status
    status["uid"] = vm["metadata"].get("uid")
    linked = (vm.get("spec") or {}).get("groupName") == group_name
    set_condition(
        status,
        "GroupLinked",
        linked,
        "" if linked else "NotMember",
        "" if linked else (f"spec.groupName of VirtualMachine {name} is not {group_name}"),
    )
    zone = (vm["metadata"].get("labels") or {}).get(ZONE_LABEL)
    if zone:
        status["placement"] = {"zoneID": zone}
    set_condition(status, "PlacementReady", bool(zone), "" if zone else "NotPlaced")
    power = (vm.get("status") or {}).get("powerState")
    if power:
        status["powerState"] = power
    if wanted_power:
        synced = power == wanted_power
        set_condition(status, "PowerStateSynced", synced, "" if synced else "NotSynced")
    return status


@GROUP_KIND.reconcile()
class VirtualMachineGroupReconciler(KindReconciler):
    def __init__(self, ctx: Any, kind: Kind) -> None:
        super().__init__(ctx, kind)
        self._on_since: dict[tuple[str, str, int], float] = {}  # when each boot-order group was all on

    def also_watch(self) -> list[tuple[Kind, Mapper]]:
        return [(self.ctx.kinds.vm, self.keys_for_vm)]

    def keys_for_vm(self, vm: Obj) -> Iterable[tuple[str, str]]:
        group = (vm.get("spec") or {}).get("groupName")
        return [(vm["metadata"].get("namespace") or "", str(group))] if group else []

    def __call__(self, namespace: str, name: str) -> float | None:
        kube = self.ctx.kube
        group = kube.get(self.kind, namespace, name)
        if group is None or group["metadata"].get("deletionTimestamp"):
            return None
        wanted = str(spec_of(group).get("powerState") or "")
        orders = boot_order(group)
        vms = {n: kube.get(self.ctx.kinds.vm, namespace, n) for _, names in orders for n in names}
        requeue = self._power(namespace, name, wanted, orders, vms) if wanted else None
        members = [member_status(n, name, vms[n], wanted) for _, names in orders for n in names]
        status: Obj = dict(group.get("status") or {})
        status["members"] = members
        all_met = all(c.get("status") == "True" for m in members for c in m.get("conditions") or [])
        set_condition(status, "Ready", all_met, "" if all_met else "MembersNotReady")
        if status != (group.get("status") or {}):
            kube.replace_status(self.kind, namespace, name, status)
        return requeue if requeue is not None else (None if all_met else 1.0)

    def _power(
        self,
        namespace: str,
        name: str,
        wanted: str,
        orders: list[tuple[float, list[str]]],
        vms: dict[str, Any],
    ) -> float | None:
        """Set the linked members' power state: off at once, on in boot order. Seconds until the next boot
        order may start, or None."""
        linked = {n: vm for n, vm in vms.items() if vm and (vm.get("spec") or {}).get("groupName") == name}
        if wanted != "PoweredOn":
            for vm in linked.values():
                self._set_power(namespace, vm, wanted)
            return None
        previous_on = time.monotonic()
        for index, (delay, names) in enumerate(orders):
            wait = previous_on + delay - time.monotonic()
            if wait > 0:
                return wait
            for n in names:
                if n in linked:
                    self._set_power(namespace, linked[n], wanted)
            members = [linked[n] for n in names if n in linked]
            if not all((vm.get("status") or {}).get("powerState") == "PoweredOn" for vm in members):
                return 0.5  # the next boot order waits for this one
            key = (namespace, name, index)
            previous_on = self._on_since.setdefault(key, time.monotonic())
        return None

    def _set_power(self, namespace: str, vm: Obj, wanted: str) -> None:
        if (vm.get("spec") or {}).get("powerState") != wanted:
            self.ctx.kube.patch(
                self.ctx.kinds.vm, namespace, vm["metadata"]["name"], {"spec": {"powerState": wanted}}
            )
