"""What the emulator's webhooks and reconcilers share: API access (as VM Operator's service account), the
vCenter, the release, knobs."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

from vmservice_sim.faults import FaultSource
from vmservice_sim.ippool import LB_NETWORKS, VM_NETWORKS, IPPool
from vmservice_sim.kube import Kube, VmopKinds
from vmservice_sim.release import Release
from vmservice_sim.vcenter import VCenter

ZONES = ("zone-a", "zone-b", "zone-c")
ZONE_LABEL = "topology.kubernetes.io/zone"


@dataclass(frozen=True)
class EmulatorOptions:
    power_on_delay: float = 1.0
    ip_delay: float = 2.0
    sync_interval: float = 2.0
    zones: tuple[str, ...] = ZONES
    # Test-only: honour admission's fixture groups (a test sets up exact old objects, asks one webhook).
    test_fixtures: bool = False
    # False: admission only, no controller reconciles anything (the corpus test judges objects as they are).
    controllers: bool = True


@dataclass
class EmulatorContext:
    kube: Kube
    vcenter: VCenter
    release: Release
    options: EmulatorOptions
    stop_event: threading.Event = field(default_factory=threading.Event)
    vm_ips: IPPool = field(default_factory=lambda: IPPool(VM_NETWORKS))
    lb_ips: IPPool = field(default_factory=lambda: IPPool(LB_NETWORKS))
    faults: FaultSource = field(init=False)
    kinds: VmopKinds = field(init=False)
    _zone_cycle: itertools.cycle[str] = field(init=False)
    _zone_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.faults = FaultSource(self.kube)
        self.kinds = VmopKinds.for_version(self.release.storage_version)
        self._zone_cycle = itertools.cycle(self.options.zones)

    def next_zone(self) -> str:
        with self._zone_lock:
            return next(self._zone_cycle)
