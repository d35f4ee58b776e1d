"""Fault injection at runtime through the ConfigMap `vmservice-system/vmservice-sim-faults`.

Keys (each value may list several entries, separated by commas or new lines):

    reconcileError: <ns>/<vm>                    the VM reconciler fails: VirtualMachineCreated=False,
                                                 reason Error, message "injected fault"
    stuckCondition: <ns>/<vm>:<ConditionType>    that condition of the VM never becomes True (Unknown)
    stuckDeletion: <ns>/<vm>                     a deleted VM keeps its finalizer (vSphere never confirms)
    imageNotReady: <ns>/<image>                  VMs see that VirtualMachineImage (its `vmi-` name or display
                                                 name) as not ready: VirtualMachineImageReady=False, NotReady

The ConfigMap is re-read at most every half second, so changes apply within a reconcile or two.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

from vmservice_sim.kube import CONFIG_MAP, Kube

FAULTS_NAMESPACE = "vmservice-system"
FAULTS_CONFIGMAP = "vmservice-sim-faults"
INJECTED_MESSAGE = "injected fault"


@dataclass(frozen=True)
class Faults:
    reconcile_errors: frozenset[str] = frozenset()
    stuck: frozenset[tuple[str, str]] = frozenset()  # (ns/vm, condition type)
    stuck_deletions: frozenset[str] = frozenset()
    images_not_ready: frozenset[str] = frozenset()

    def reconcile_error(self, namespace: str, name: str) -> bool:
        return f"{namespace}/{name}" in self.reconcile_errors

    def is_stuck(self, namespace: str, name: str, condition: str) -> bool:
        return (f"{namespace}/{name}", condition) in self.stuck

    def deletion_stuck(self, namespace: str, name: str) -> bool:
        return f"{namespace}/{name}" in self.stuck_deletions

    def image_not_ready(self, namespace: str, *names: str) -> bool:
        return any(f"{namespace}/{name}" in self.images_not_ready for name in names)

    @classmethod
    def parse(cls, data: dict[str, str]) -> Faults:
        def entries(key: str) -> list[str]:
            return [e.strip() for e in re.split(r"[,\n]", data.get(key) or "") if e.strip()]

        stuck = set()
        for entry in entries("stuckCondition"):
            target, _, condition = entry.rpartition(":")
            if target and condition:
                stuck.add((target.strip(), condition.strip()))
        return cls(
            frozenset(entries("reconcileError")),
            frozenset(stuck),
            frozenset(entries("stuckDeletion")),
            frozenset(entries("imageNotReady")),
        )


@dataclass
class FaultSource:
    kube: Kube
    ttl: float = 0.5
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _value: Faults = field(default_factory=Faults)
    _read_at: float = -1e9

    def current(self) -> Faults:
        with self._lock:
            if time.monotonic() - self._read_at < self.ttl:
                return self._value
        try:
            config_map = self.kube.get(CONFIG_MAP, FAULTS_NAMESPACE, FAULTS_CONFIGMAP, timeout=5)
            value = Faults.parse(dict((config_map or {}).get("data") or {}))
        except Exception:  # apiserver restarting: keep the last known faults
            return self._value
        with self._lock:
            self._value, self._read_at = value, time.monotonic()
        return value
