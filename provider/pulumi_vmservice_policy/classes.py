"""Where the guaranteed-class policy learns what a VM class reserves: the pack config (`classes`), vCenter VM
classes declared in the same stack, or the Supervisor's VirtualMachineClass objects (KUBECONFIG). Never the
class's name."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from pulumi_vmservice_provider.report.inventory import Inventory, VMClass

VCENTER_CLASS = "vmservice:vcenter:VirtualMachineClass"
# (namespace, class) -> the class, or None when no source knows it
ClassLookup = Callable[[str, str], VMClass | None]


def from_config(entries: dict[str, Any]) -> dict[str, VMClass]:
    """`{"name": {"cpus": 2, "memoryMib": 4096, "cpuReservation": 100, "memoryReservation": 100}}`."""
    found = {}
    for name, entry in entries.items():
        cpus, memory = int(entry.get("cpus", 1)), int(entry.get("memoryMib", 1))
        found[name] = VMClass(
            name,
            cpus,
            memory,
            cpus * float(entry.get("cpuReservation", 0)) / 100,
            memory * int(entry.get("memoryReservation", 0)) // 100,
        )
    return found


def from_stack(resources: list[tuple[str, dict[str, Any]]]) -> dict[str, VMClass]:
    """vCenter VM classes the stack itself declares (type, props)."""
    found = {}
    for type_, props in resources:
        name = props.get("name")
        if type_ != VCENTER_CLASS or not isinstance(name, str):
            continue
        cpus, memory = int(props.get("cpuCount") or 0), int(props.get("memoryMb") or 0)
        found[name] = VMClass(
            name,
            cpus,
            memory,
            cpus * float(props.get("cpuReservation") or 0) / 100,
            memory * int(props.get("memoryReservation") or 0) // 100,
        )
    return found


class SupervisorClasses:
    """The Supervisor's classes per namespace, read once (only when a kubeconfig is at hand)."""

    def __init__(self, kubeconfig: str | None = None) -> None:
        self.kubeconfig = kubeconfig if kubeconfig is not None else os.environ.get("KUBECONFIG")
        self._cache: Inventory = {}
        self.error: str | None = None

    def inventory(self, namespace: str) -> Inventory:
        if not self.kubeconfig or self.error:
            return {}
        if namespace not in self._cache:
            from pulumi_vmservice_provider.report.inventory import fetch

            try:
                self._cache.update(fetch([namespace], self.kubeconfig))
            except Exception as error:  # any failure means "no class data", said in the message
                self.error = str(error).splitlines()[0] if str(error) else type(error).__name__
                return {}
        return self._cache

    def get(self, namespace: str, name: str) -> VMClass | None:
        entry = self.inventory(namespace).get(namespace)
        return entry.classes.get(name) if entry else None


def chain(
    config: dict[str, VMClass], stack: dict[str, VMClass], supervisor: SupervisorClasses | None
) -> ClassLookup:
    def lookup(namespace: str, name: str) -> VMClass | None:
        found = config.get(name) or stack.get(name)
        if found is None and supervisor is not None:
            found = supervisor.get(namespace, name)
        return found

    return lookup
