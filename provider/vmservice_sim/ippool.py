"""Deterministic IPv4 pools: VM addresses (192.168.128.10+) and load-balancer VIPs (192.168.200.10+)."""

from __future__ import annotations

import ipaddress
import threading

VM_POOL_START = "192.168.128.10"
VM_POOL_PREFIX = 24
LB_POOL_START = "192.168.200.10"


class IPPool:
    """Hands out consecutive addresses; an owner keeps its address until released (or reserves a known one)."""

    def __init__(self, start: str, size: int = 240) -> None:
        self._first = ipaddress.IPv4Address(start)
        self._size = size
        self._by_owner: dict[str, str] = {}
        self._lock = threading.Lock()

    def allocate(self, owner: str, wanted: str | None = None) -> str:
        with self._lock:
            if owner in self._by_owner:
                return self._by_owner[owner]
            used = set(self._by_owner.values())
            if wanted and wanted not in used:
                self._by_owner[owner] = wanted
                return wanted
            for offset in range(self._size):
                candidate = str(self._first + offset)
                if candidate not in used:
                    self._by_owner[owner] = candidate
                    return candidate
            raise RuntimeError(f"IP pool starting at {self._first} is exhausted")

    def reserve(self, owner: str, address: str) -> None:
        """Record an address found in an object's status (e.g. after the emulator restarted)."""
        with self._lock:
            self._by_owner.setdefault(owner, address)

    def release(self, owner_prefix: str) -> None:
        with self._lock:
            for owner in [o for o in self._by_owner if o == owner_prefix or o.startswith(owner_prefix + "/")]:
                del self._by_owner[owner]
