"""The simulator's `status.network`: VM Operator's resolved config and what the (simulated) guest reports."""

from __future__ import annotations

from typing import Any

from vmservice_sim.kinds.virtualmachine import network_status

MAC = "00:50:56:aa:bb:01"


def vm(network: dict[str, Any], bootstrap: dict[str, Any] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"network": network}
    if bootstrap:
        spec["bootstrap"] = bootstrap
    return {"metadata": {"name": "db-1", "namespace": "dev"}, "spec": spec}


STATIC = {
    "hostName": "db",
    "domainName": "example.internal",
    "nameservers": ["192.0.2.53"],
    "searchDomains": ["example.internal"],
    "interfaces": [
        {
            "name": "eth0",
            "addresses": ["192.0.2.201/24", "2001:db8::c9/64"],
            "gateway4": "192.0.2.1",
            "gateway6": "2001:db8::1",
            "nameservers": ["192.0.2.54"],
            "routes": [{"to": "198.51.100.0/24", "via": "192.0.2.254"}],
        }
    ],
}


def never(interface: str, wanted: str | None) -> str:
    raise AssertionError("a static interface takes no pooled address")


def test_a_static_interface_is_reported_as_configured_and_as_the_guest_applied_it() -> None:
    machine = vm(STATIC)
    interfaces = STATIC["interfaces"]
    assert network_status.config(machine, interfaces) == {
        "dns": {
            "hostName": "db",
            "domainName": "example.internal",
            "nameservers": ["192.0.2.53"],
            "searchDomains": ["example.internal"],
        },
        "interfaces": [
            {
                "name": "eth0",
                "ip": {
                    "addresses": ["192.0.2.201/24", "2001:db8::c9/64"],
                    "gateway4": "192.0.2.1",
                    "gateway6": "2001:db8::1",
                },
                "dns": {"nameservers": ["192.0.2.54"]},
            }
        ],
    }
    seen = network_status.observed(machine, interfaces, [MAC], never, {})
    assert seen["primaryIP4"] == "192.0.2.201" and seen["primaryIP6"] == "2001:db8::c9"
    assert seen["hostName"] == "db"
    (eth0,) = seen["interfaces"]
    assert [a["address"] for a in eth0["ip"]["addresses"]] == ["192.0.2.201/24", "2001:db8::c9/64"]
    assert {a["origin"] for a in eth0["ip"]["addresses"]} == {"manual"}
    assert eth0["ip"]["macAddr"] == MAC and "dhcp" not in eth0["ip"]
    assert eth0["dns"] == {"nameservers": ["192.0.2.54"]}
    (stack,) = seen["ipStacks"]
    assert stack["dns"]["nameservers"] == ["192.0.2.53"] and stack["dns"]["domainName"] == "example.internal"
    assert stack["ipRoutes"] == [
        {"networkAddress": "0.0.0.0/0", "gateway": {"address": "192.0.2.1", "device": "eth0"}},
        {"networkAddress": "::/0", "gateway": {"address": "2001:db8::1", "device": "eth0"}},
        {"networkAddress": "198.51.100.0/24", "gateway": {"address": "192.0.2.254", "device": "eth0"}},
    ]


def test_without_static_ipv4_the_interface_gets_a_pooled_address_and_keeps_it() -> None:
    machine = vm({"interfaces": [{"name": "eth0"}]})
    asked: list[tuple[str, str | None]] = []

    def pool(interface: str, wanted: str | None) -> str:
        asked.append((interface, wanted))
        return f"{wanted or '192.0.2.10'}/24"

    first = network_status.observed(machine, [{"name": "eth0"}], [MAC], pool, {})
    assert first["primaryIP4"] == "192.0.2.10"
    assert first["interfaces"][0]["ip"]["dhcp"] == {"ip4": {"enabled": True}}
    again = network_status.observed(machine, [{"name": "eth0"}], [MAC], pool, first)
    assert again["primaryIP4"] == "192.0.2.10" and asked[-1] == ("eth0", "192.0.2.10")
    # Only the host name (the VM's name) is configured: VM Operator reports just that.
    assert network_status.config(machine, [{"name": "eth0"}]) == {"dns": {"hostName": "db-1"}}


def test_gateway_none_clears_it_and_cloud_init_can_default_interfaces_to_the_global_dns() -> None:
    interface = {"name": "eth0", "addresses": ["192.0.2.202/24"], "gateway4": "None", "dhcp6": True}
    machine = vm(
        {"nameservers": ["192.0.2.53"], "searchDomains": ["corp"], "interfaces": [interface]},
        {"cloudInit": {"useGlobalNameserversAsDefault": True, "useGlobalSearchDomainsAsDefault": True}},
    )
    (configured,) = (network_status.config(machine, [interface]) or {})["interfaces"]
    assert configured["ip"] == {"addresses": ["192.0.2.202/24"], "dhcp": {"ip6": {"enabled": True}}}
    assert configured["dns"] == {"nameservers": ["192.0.2.53"], "searchDomains": ["corp"]}
    seen = network_status.observed(machine, [interface], [MAC], never, {})
    assert seen["ipStacks"][0]["ipRoutes"] == []


def test_the_guest_reports_its_bootstrap_through_the_guestinfo_key_vm_operator_reads() -> None:
    from vmservice_sim.kinds.virtualmachine import guest_bootstrap

    command = 'vmware-rpctool "info-set guestinfo.vmservice.bootstrap.condition true, CloudInitDone, users in place"'
    machine = vm({}, {"cloudInit": {"cloudConfig": {"runcmd": ["echo hi", command]}}})
    status: dict[str, Any] = {}
    guest_bootstrap.mark(None, machine, status, guest_up=False)  # type: ignore[arg-type]
    assert "conditions" not in status  # not run before the guest is up
    guest_bootstrap.mark(None, machine, status, guest_up=True)  # type: ignore[arg-type]
    (condition,) = status["conditions"]
    assert (condition["type"], condition["status"], condition["reason"], condition["message"]) == (
        "GuestBootstrap",
        "True",
        "CloudInitDone",
        "users in place",
    )
    failed = vm(
        {},
        {
            "cloudInit": {
                "cloudConfig": {
                    "runcmd": [["vmware-rpctool", f"info-set {guest_bootstrap.KEY} false,Failed"]]
                }
            }
        },
    )
    guest_bootstrap.mark(None, failed, status, guest_up=True)  # type: ignore[arg-type]
    assert (status["conditions"][0]["status"], status["conditions"][0]["reason"]) == ("False", "Failed")
    guest_bootstrap.mark(None, vm({}), status, guest_up=True)  # type: ignore[arg-type]
    assert not status.get("conditions")
