"""The simulator's address pools hand out addresses nothing routes to: documentation addresses (RFC 5737), then
for large namespaces the benchmarking range (RFC 2544)."""

from __future__ import annotations

import ipaddress

import pytest
from vmservice_sim.ippool import LB_NETWORKS, VM_NETWORKS, IPPool


def test_vm_addresses_start_at_192_0_2_10_and_continue_in_198_51_100() -> None:
    pool = IPPool(VM_NETWORKS)
    first = [pool.allocate(f"vm-{i}") for i in range(3)]
    assert first == ["192.0.2.10", "192.0.2.11", "192.0.2.12"]
    for i in range(3, 245):  # 192.0.2.10 .. 192.0.2.254
        pool.allocate(f"vm-{i}")
    assert pool.allocate("vm-245") == "198.51.100.10"
    assert pool.with_prefix("198.51.100.10") == "198.51.100.10/24"


def test_load_balancers_come_from_203_0_113() -> None:
    pool = IPPool(LB_NETWORKS)
    assert pool.allocate("svc") == "203.0.113.10"


def test_every_address_is_a_documentation_or_benchmarking_address() -> None:
    unrouted = [
        ipaddress.IPv4Network(n)
        for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "198.18.0.0/15")
    ]
    for networks in (VM_NETWORKS, LB_NETWORKS):
        pool = IPPool(networks)
        for owner in range(1000):
            try:
                address = ipaddress.IPv4Address(pool.allocate(f"owner-{owner}"))
            except RuntimeError:
                break
            assert any(address in network for network in unrouted), address
            assert str(address).rsplit(".", 1)[1] not in ("0", "255")


def test_a_namespace_of_a_thousand_vms_gets_an_address_for_each() -> None:
    pool = IPPool(VM_NETWORKS)
    addresses = {pool.allocate(f"vm-{i}") for i in range(1000)}
    assert len(addresses) == 1000
    assert pool.allocate("vm-490") == "198.18.0.10"  # after 2 x 245 documentation addresses
    assert pool.with_prefix("198.18.0.10") == "198.18.0.10/24"


def test_owner_keeps_its_address_and_release_frees_it() -> None:
    pool = IPPool(LB_NETWORKS)
    assert pool.allocate("a") == "203.0.113.10"
    assert pool.allocate("a") == "203.0.113.10"  # again: the owner keeps its address
    pool.reserve("b", "203.0.113.11")
    assert pool.allocate("c") == "203.0.113.12"
    pool.release("a")
    assert pool.allocate("d") == "203.0.113.10"
    assert pool.allocate("e", wanted="203.0.113.50") == "203.0.113.50"


def test_exhaustion_names_the_blocks() -> None:
    pool = IPPool(["203.0.113.0/30"], first_host=1)
    assert [pool.allocate("x"), pool.allocate("y")] == ["203.0.113.1", "203.0.113.2"]
    with pytest.raises(RuntimeError, match=r"203\.0\.113\.0/30 is exhausted"):
        pool.allocate("z")
