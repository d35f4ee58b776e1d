"""Deterministic IPv4 pools from ranges nothing routes to: VM addresses from the documentation ranges (RFC
5737) 192.0.2.10+ then 198.51.100.10+, then, for namespaces of more than about 490 VMs, the benchmarking range
(RFC 2544) 198.18.0.10+, 198.18.1.10+, ... (32 blocks of /24: about 8,000 VMs); load-balancer VIPs from
203.0.113.10+."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator, Sequence

VM_NETWORKS = ("192.0.2.0/24", "198.51.100.0/24", *(f"198.18.{block}.0/24" for block in range(32)))
LB_NETWORKS = ("203.0.113.0/24",)
# The first addresses of each block stay free for fixed ones (gateways, the Supervisor's API VIP).
FIRST_HOST = 10


class IPPool:
    """Hands out consecutive addresses; an owner keeps its address until released (or reserves a known one)."""

    def __init__(self, networks: Sequence[str], first_host: int = FIRST_HOST) -> None:
        self._networks = [ipaddress.IPv4Network(network) for network in networks]
        self._first_host = first_host
        self._by_owner: dict[str, str] = {}
        self._lock = threading.Lock()

    def _candidates(self) -> Iterator[str]:
        for network in self._networks:
            for offset in range(self._first_host, network.num_addresses - 1):  # no broadcast address
                yield str(network.network_address + offset)

    def allocate(self, owner: str, wanted: str | None = None) -> str:
        with self._lock:
            if owner in self._by_owner:
                return self._by_owner[owner]
            used = set(self._by_owner.values())
            if wanted and wanted not in used:
                self._by_owner[owner] = wanted
                return wanted
            for candidate in self._candidates():
                if candidate not in used:
                    self._by_owner[owner] = candidate
                    return candidate
            blocks = ", ".join(str(network) for network in self._networks)
            raise RuntimeError(f"IP pool {blocks} is exhausted")

    def with_prefix(self, address: str) -> str:
        """`address/prefix` with the prefix length of the pool block holding it (/24 outside the pool)."""
        ip = ipaddress.IPv4Address(address)
        prefix = next((n.prefixlen for n in self._networks if ip in n), 24)
        return f"{address}/{prefix}"

    def reserve(self, owner: str, address: str) -> None:
        """Record an address found in an object's status (e.g. after the emulator restarted)."""
        with self._lock:
            self._by_owner.setdefault(owner, address)

    def release(self, owner_prefix: str) -> None:
        with self._lock:
            for owner in [o for o in self._by_owner if o == owner_prefix or o.startswith(owner_prefix + "/")]:
                del self._by_owner[owner]
