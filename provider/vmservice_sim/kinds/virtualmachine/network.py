"""VirtualMachine validation: network interfaces (resulting names, addresses, gateways, DHCP, nameservers,
routes) and which of their fields need which bootstrap provider."""

from __future__ import annotations

import ipaddress
from typing import Any

from vmservice_sim.admission import (
    IMMUTABLE,
    FieldError,
    Path,
    dns1123_subdomain,
    forbidden,
    invalid,
    path,
    spec_of,
)
from vmservice_sim.kube import Obj


def network_rules(vm: Obj) -> list[FieldError]:
    spec = spec_of(vm)
    interfaces = (spec.get("network") or {}).get("interfaces") or []
    vm_name = str((vm.get("metadata") or {}).get("name") or "")
    bootstrap = spec.get("bootstrap") or {}
    errors: list[FieldError] = []
    at = path("spec", "network", "interfaces")
    for index, interface in enumerate(interfaces):
        if isinstance(interface, dict):
            errors += _interface(at.index(index), interface, vm_name)
            errors += _interface_with_bootstrap(at.index(index), interface, bootstrap)
    return errors


def immutable_network(spec: Obj, old_spec: Obj) -> list[FieldError]:
    new_net, old_net = spec.get("network"), old_spec.get("network")
    if new_net is None and old_net is None:
        return []
    at = path("spec", "network")
    new_ifs = (new_net or {}).get("interfaces") or []
    old_ifs = (old_net or {}).get("interfaces") or []
    if len(new_ifs) != len(old_ifs):
        return [forbidden(at.child("interfaces"), "network interfaces cannot be added or removed")]
    errors = []
    for index, (new_if, old_if) in enumerate(zip(new_ifs, old_ifs, strict=True)):
        pi = at.child("interfaces").index(index)
        if (new_if or {}).get("name") != (old_if or {}).get("name"):
            errors.append(forbidden(pi.child("name"), IMMUTABLE))
        if _net_ref(new_if) != _net_ref(old_if):
            errors.append(forbidden(pi.child("network"), IMMUTABLE))
    return errors


def _net_ref(interface: Any) -> Any:
    net = (interface or {}).get("network") or {}
    return {k: net.get(k) or "" for k in ("name", "kind", "apiVersion")}


def _cidr(text: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address | None, str]:
    try:
        if "/" not in text:
            raise ValueError
        return ipaddress.ip_interface(text).ip, ""
    except ValueError:
        return None, f"invalid CIDR address: {text}"


def _ip(text: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(str(text))
    except ValueError:
        return None


def _interface(at: Path, interface: Obj, vm_name: str) -> list[FieldError]:
    errors: list[FieldError] = []
    network_name = (interface.get("network") or {}).get("name") or ""
    name = interface.get("name") or ""
    cr_name = f"{vm_name}-{network_name}-{name}" if network_name else f"{vm_name}-{name}"
    for message in dns1123_subdomain(cr_name):
        errors.append(
            invalid(at.child("name"), cr_name, "is the resulting network interface name: " + message)
        )
    v4: list[str] = []
    v6: list[str] = []
    for index, cidr in enumerate(interface.get("addresses") or []):
        ip, problem = _cidr(str(cidr))
        if ip is None:
            errors.append(invalid(at.child("addresses").index(index), cidr, problem))
            continue
        (v4 if ip.version == 4 else v6).append(str(cidr))
    for family, addrs in ((4, v4), (6, v6)):
        gateway = interface.get(f"gateway{family}")
        if gateway:
            p = at.child(f"gateway{family}")
            if not addrs:
                errors.append(
                    invalid(
                        p, gateway, f"gateway{family} must have an IPv{family} address in the addresses field"
                    )
                )
            parsed = _ip(gateway)
            if parsed is None or parsed.version != family:
                errors.append(invalid(p, gateway, f"must be a valid IPv{family} address"))
        if interface.get(f"dhcp{family}"):
            if addrs:
                errors.append(
                    invalid(
                        at.child(f"dhcp{family}"),
                        ",".join(addrs),
                        f"dhcp{family} cannot be used with IPv{family} addresses in addresses field",
                    )
                )
            if gateway:
                errors.append(
                    invalid(
                        at.child(f"gateway{family}"),
                        gateway,
                        f"gateway{family} is mutually exclusive with dhcp{family}",
                    )
                )
    for index, server in enumerate(interface.get("nameservers") or []):
        if _ip(server) is None:
            errors.append(
                invalid(at.child("nameservers").index(index), server, "must be an IPv4 or IPv6 address")
            )
    for index, route in enumerate(interface.get("routes") or []):
        route = route or {}
        p = at.child("routes").index(index)
        to, problem = _cidr(str(route.get("to") or ""))
        if to is None:
            errors.append(invalid(p.child("to"), route.get("to") or "", problem))
        via = _ip(route.get("via"))
        if via is None:
            errors.append(invalid(p.child("via"), route.get("via") or "", "must be an IPv4 or IPv6 address"))
        if (to is not None and to.version == 4) != (via is not None and via.version == 4):
            errors.append(invalid(p, "", "cannot mix IP address families"))
    return errors


def _interface_with_bootstrap(at: Path, interface: Obj, bootstrap: Obj) -> list[FieldError]:
    cloud_init, linux_prep, sysprep = (
        bootstrap.get("cloudInit"),
        bootstrap.get("linuxPrep"),
        bootstrap.get("sysprep"),
    )
    errors = []
    if interface.get("mtu") is not None and cloud_init is None:
        errors.append(
            invalid(
                at.child("mtu"),
                interface["mtu"],
                "mtu is available only with the following bootstrap providers: CloudInit",
            )
        )
    if interface.get("routes") is not None and cloud_init is None:
        errors.append(
            invalid(
                at.child("routes"),
                "routes",
                "routes is available only with the following bootstrap providers: CloudInit",
            )
        )
    sysprep_not_allowed = sysprep is None or (sysprep or {}).get("rawSysprep") is not None
    for key in ("nameservers", "searchDomains"):
        values = interface.get(key)
        if values is not None and cloud_init is None and linux_prep is None and sysprep_not_allowed:
            errors.append(
                invalid(
                    at.child(key),
                    ",".join(str(v) for v in values),
                    f"{key} is available only with the following bootstrap providers: CloudInit LinuxPrep and Sysprep (except for RawSysprep)",
                )
            )
    return errors
