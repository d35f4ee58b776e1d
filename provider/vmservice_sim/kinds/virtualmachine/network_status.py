"""A running VM's `status.network`, as VM Operator reports it for the VDS network provider.

Two parts, as upstream has them (v1.10.0 `pkg/providers/vsphere/vmlifecycle/update_status.go`):

- `config`, the network settings VM Operator resolved and gave the guest's bootstrap (UpdateNetworkStatusConfig
  over the network results of `pkg/providers/vsphere/network/network.go` applyInterfaceSpecToResult): the host
  and domain name and the global nameservers and search domains, and per interface its static addresses (sorted)
  and gateways (`None` clears one), its DHCP switches and its nameservers and search domains (the global ones
  when the interface has none and cloud-init's `useGlobalNameserversAsDefault` /
  `useGlobalSearchDomainsAsDefault` ask for them). An empty config is left out.
- What the guest reports through VMware Tools (updateGuestNetworkStatus): the host name, each interface's
  addresses (origin `manual` for static ones, `dhcp` for the pool's), MAC address and DNS, and one IP stack with
  the DNS settings and the routes (a default route per gateway, then the interface's static routes). The
  simulator's guest applies exactly what it was given, so it reports the config back.

A VM without static IPv4 addresses gets one from the simulator's pool, as DHCP on the VDS network would.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from vmservice_sim.kube import Obj

GATEWAY_IGNORED = "None"


def _family(address: str) -> int:
    try:
        return ipaddress.ip_interface(address).version
    except ValueError:
        return 0


def _global_dns(vm: Obj) -> tuple[str, str, list[str], list[str]]:
    spec = vm.get("spec") or {}
    network = spec.get("network") or {}
    host = str(network.get("hostName") or vm["metadata"]["name"])
    domain = str(network.get("domainName") or "")
    return host, domain, list(network.get("nameservers") or []), list(network.get("searchDomains") or [])


def _interface_dns(vm: Obj, interface: Obj) -> tuple[list[str], list[str]]:
    """The interface's own nameservers and search domains, or the global ones where cloud-init asks."""
    cloud_init = ((vm.get("spec") or {}).get("bootstrap") or {}).get("cloudInit") or {}
    _, _, nameservers, search = _global_dns(vm)
    own_ns = list(interface.get("nameservers") or [])
    own_sd = list(interface.get("searchDomains") or [])
    return (
        own_ns or (nameservers if cloud_init.get("useGlobalNameserversAsDefault") else []),
        own_sd or (search if cloud_init.get("useGlobalSearchDomainsAsDefault") else []),
    )


def _gateways(interface: Obj, addresses: list[str]) -> tuple[str, str]:
    gateway4, gateway6 = str(interface.get("gateway4") or ""), str(interface.get("gateway6") or "")
    has4 = any(_family(a) == 4 for a in addresses)
    has6 = any(_family(a) == 6 for a in addresses)
    return (
        gateway4 if has4 and gateway4 != GATEWAY_IGNORED else "",
        gateway6 if has6 and gateway6 != GATEWAY_IGNORED else "",
    )


def config(vm: Obj, interfaces: list[Obj]) -> Obj | None:
    """`status.network.config`, or None when VM Operator would leave it out."""
    host, domain, nameservers, search = _global_dns(vm)
    result: Obj = {}
    dns = {
        k: v
        for k, v in (
            ("hostName", host),
            ("domainName", domain),
            ("nameservers", nameservers),
            ("searchDomains", search),
        )
        if v
    }
    if dns:
        result["dns"] = dns
    configured = []
    for index, interface in enumerate(interfaces):
        entry: Obj = {}
        addresses = [str(a) for a in interface.get("addresses") or [] if _family(str(a))]
        gateway4, gateway6 = _gateways(interface, addresses)
        ip: Obj = {}
        if addresses:
            ip["addresses"] = sorted(addresses)
        if gateway4:
            ip["gateway4"] = gateway4
        if gateway6:
            ip["gateway6"] = gateway6
        dhcp = {
            family: {"enabled": True}
            for family, on in (("ip4", interface.get("dhcp4")), ("ip6", interface.get("dhcp6")))
            if on
        }
        if dhcp:
            ip["dhcp"] = dhcp
        if ip:
            entry["ip"] = ip
        if_nameservers, if_search = _interface_dns(vm, interface)
        if_dns = {k: v for k, v in (("nameservers", if_nameservers), ("searchDomains", if_search)) if v}
        if if_dns:
            entry["dns"] = if_dns
        if entry:
            configured.append({"name": str(interface.get("name") or f"eth{index}"), **entry})
    if configured:
        result["interfaces"] = configured
    return result or None


def observed(
    vm: Obj,
    interfaces: list[Obj],
    macs: list[str],
    pool_address: Callable[[str, str | None], str],
    previous: Obj,
) -> Obj:
    """What the guest reports once it is up; `pool_address(interface, wanted)` hands out a pooled address."""
    host, domain, nameservers, search = _global_dns(vm)
    known = {i.get("name"): i for i in previous.get("interfaces") or []}
    reported: list[Obj] = []
    routes: list[Obj] = []
    primary4 = primary6 = ""
    for index, interface in enumerate(interfaces):
        name = str(interface.get("name") or f"eth{index}")
        device = str(interface.get("guestDeviceName") or name)
        static = [str(a) for a in interface.get("addresses") or [] if _family(str(a))]
        addresses = [{"address": a, "origin": "manual", "state": "preferred"} for a in static]
        dhcp: Obj = {}
        if not any(_family(a) == 4 for a in static):
            had = ((known.get(name) or {}).get("ip") or {}).get("addresses") or []
            wanted = next((str(a["address"]).split("/")[0] for a in had if a.get("origin") == "dhcp"), None)
            addresses.insert(
                0, {"address": pool_address(name, wanted), "origin": "dhcp", "state": "preferred"}
            )
            dhcp = {"ip4": {"enabled": True}}
        ip: Obj = {"addresses": addresses, "macAddr": macs[index] if index < len(macs) else ""}
        if dhcp:
            ip["dhcp"] = dhcp
        entry: Obj = {"name": name, "deviceKey": 4000 + index, "ip": ip}
        if_nameservers, if_search = _interface_dns(vm, interface)
        if if_nameservers or if_search:
            entry["dns"] = {
                k: v for k, v in (("nameservers", if_nameservers), ("searchDomains", if_search)) if v
            }
        reported.append(entry)
        gateway4, gateway6 = _gateways(interface, static)
        for network, gateway in (("0.0.0.0/0", gateway4), ("::/0", gateway6)):
            if gateway:
                routes.append({"networkAddress": network, "gateway": {"address": gateway, "device": device}})
        for route in interface.get("routes") or []:
            to = str(route.get("to") or "")
            routes.append(
                {
                    "networkAddress": "0.0.0.0/0" if to == "default" else to,
                    "gateway": {"address": str(route.get("via") or ""), "device": device},
                }
            )
        for address in addresses:
            plain = str(address["address"]).split("/")[0]
            if _family(str(address["address"])) == 4 and not primary4:
                primary4 = plain
            elif _family(str(address["address"])) == 6 and not primary6:
                primary6 = plain
    stack_dns: Any = {
        k: v
        for k, v in (
            ("hostName", host),
            ("domainName", domain),
            (
                "nameservers",
                nameservers
                or sorted({n for i in reported for n in (i.get("dns") or {}).get("nameservers", [])}),
            ),
            ("searchDomains", search),
        )
        if v
    }
    status: Obj = {
        "hostName": host,
        "interfaces": reported,
        "ipStacks": [{"dns": stack_dns, "ipRoutes": routes}],
    }
    if primary4:
        status["primaryIP4"] = primary4
    if primary6:
        status["primaryIP6"] = primary6
    return status
