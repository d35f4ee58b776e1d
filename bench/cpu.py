"""Where the CPU time of a phase goes, by component: the Pulumi engine, the resource plugin, kubectl, the
Supervisor's parts (kube-apiserver, etcd, kube-controller-manager, vcsim), the simulator's admission webhooks
(their own process) and its controllers (which run in the benchmark's own process). On a 2-core machine every component competes for the same
cores, so this is the profile that tells where a phase's wall time can be won.

Other processes are read from /proc every 0.2 s (a process that ends between two samples loses at most that
much); the own process from getrusage."""

from __future__ import annotations

import os
import resource
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

TICKS = os.sysconf("SC_CLK_TCK")
COMPONENTS = (
    "engine",
    "plugin",
    "kubectl",
    "kube-apiserver",
    "etcd",
    "kube-controller-manager",
    "vcsim",
    "webhooks",
)


def component(argv: list[str]) -> str | None:
    """The component a process belongs to, by its command line; None for the rest of the machine."""
    if not argv:
        return None
    program = Path(argv[0]).name
    if any("pulumi-resource-" in Path(arg).name for arg in argv[:2]):
        return "plugin"
    if program in ("pulumi", "pulumi-language-yaml"):
        return "engine"
    if program in COMPONENTS:
        return program
    if "vmservice_sim.webhook_process" in argv[:3]:
        return "webhooks"
    return None


def _cpu_seconds(pid: str) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _argv(pid: str) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _own_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CpuSampler:
    def __init__(self, interval: float = 0.2):
        self.interval = interval

    def during(self, action: Callable[[], Any]) -> dict[str, float]:
        """CPU seconds per component (and `simulator`) spent while `action` ran."""
        own = str(os.getpid())
        start: dict[str, float] = {}
        last: dict[str, tuple[str, float]] = {}
        for pid, name, seconds in self._sample(own):
            start[pid] = seconds
            last[pid] = (name, seconds)
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(self.interval):
                for pid, name, seconds in self._sample(own):
                    last[pid] = (name, seconds)

        sampler = threading.Thread(target=sample, daemon=True)
        began = _own_seconds()
        sampler.start()
        try:
            action()
        finally:
            stop.set()
            sampler.join()
        for pid, name, seconds in self._sample(own):
            last[pid] = (name, seconds)
        totals = dict.fromkeys((*COMPONENTS, "simulator"), 0.0)
        for pid, (name, seconds) in last.items():
            totals[name] += seconds - start.get(pid, 0.0)
        totals["simulator"] = _own_seconds() - began
        return totals

    @staticmethod
    def _sample(own: str) -> list[tuple[str, str, float]]:
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or pid == own:
                continue
            name = component(_argv(pid))
            if name is None:
                continue
            seconds = _cpu_seconds(pid)
            if seconds is not None:
                found.append((pid, name, seconds))
        return found
