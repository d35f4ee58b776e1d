"""A VM's network (spec.network): addresses, gateways, routes and DNS settings, which of them the bootstrap
provider can apply, which interfaces may change, and the guest's host and domain names."""

from __future__ import annotations

from typing import Any

from vmservice_api.rules.fielderrors import (
    IMMUTABLE,
    Effect,
    FieldError,
    FieldPath,
    dns1123_subdomain,
    forbidden,
    invalid,
    path,
)
from vmservice_api.rules.kinds.virtualmachine import names
from vmservice_api.rules.kinds.virtualmachine.validation_formats import (
    group_of,
    is_valid_domain_name,
    is_valid_host_name,
    parse_cidr,
    parse_ip,
)
from vmservice_api.rules.kinds.virtualmachine.validation_support import (
    VMRequest,
    annotations_of,
    items,
    mapping,
    node,
    same,
    same_pointer,
    spec,
    text,
)

NETWORK = path("spec", "network")
INTERFACES = NETWORK.child("interfaces")
NOT_AN_IP = "must be an IPv4 or IPv6 address"
MAC_ADDRESS_NETWORK_GROUPS = ("crd.nsx.vmware.com",)  # VPC subnets and subnet sets


def network(req: VMRequest) -> list[FieldError]:
    """Global and per-interface settings are well formed and applicable to the bootstrap provider; (9.1,
    with MutableNetworks) an interface that stays on its network keeps its MAC address."""
    settings = spec(req.object).get("network")
    if settings is None:
        return []
    errors = _global_with_bootstrap(req, mapping(settings))
    for i, server in enumerate(items(mapping(settings).get("nameservers"))):
        if parse_ip(text(server)) is None:
            errors.append(invalid(NETWORK.child("nameservers").index(i), text(server), NOT_AN_IP))
    for i, interface in enumerate(items(mapping(settings).get("interfaces"))):
        errors += _interface(req, INTERFACES.index(i), mapping(interface))
        errors += _interface_with_bootstrap(req, INTERFACES.index(i), mapping(interface))
    if req.old is not None and req.release == "9.1":
        changed = _changed_mac_addresses(req)
        if changed and req.feature(names.MUTABLE_NETWORKS):
            errors += changed
    return errors


def _bootstrap(vm: Any) -> tuple[Any, Any, Any]:
    bootstrap = mapping(spec(vm).get("bootstrap"))
    return bootstrap.get("cloudInit"), bootstrap.get("linuxPrep"), bootstrap.get("sysprep")


def _global_with_bootstrap(req: VMRequest, settings: Any) -> list[FieldError]:
    cloud_init, linux_prep, sysprep = _bootstrap(req.object)
    errors = []
    for field, use_global in (
        ("nameservers", "UseGlobalNameserversAsDefault"),
        ("searchDomains", "UseGlobalSearchDomainsAsDefault"),
    ):
        values = [text(v) for v in items(settings.get(field))]
        if not values:
            continue
        if req.release == "9.1" and cloud_init is not None:
            flag = mapping(cloud_init).get(use_global[0].lower() + use_global[1:])
            if flag is False:
                errors.append(
                    invalid(
                        NETWORK.child(field),
                        ",".join(values),
                        f"{field} is available only for CloudInit when {use_global} is true",
                    )
                )
        elif linux_prep is None and sysprep is None:
            errors.append(
                invalid(
                    NETWORK.child(field),
                    ",".join(values),
                    f"{field} is available only with the following bootstrap providers: LinuxPrep and Sysprep",
                )
            )
    return errors


def _interface(req: VMRequest, at: FieldPath, interface: Any) -> list[FieldError]:
    errors: list[FieldError] = []
    reference = mapping(interface.get("network"))
    group = ""
    if req.release == "9.1":
        api_version = text(reference.get("apiVersion"))
        group, problem = group_of(api_version)
        if problem:
            errors.append(invalid(at.child("network", "apiVersion"), api_version, problem))
    vm_name, network_name, name = req.name, text(reference.get("name")), text(interface.get("name"))
    resource = f"{vm_name}-{network_name}-{name}" if network_name else f"{vm_name}-{name}"
    for message in dns1123_subdomain(resource):
        errors.append(
            invalid(at.child("name"), resource, f"is the resulting network interface name: {message}")
        )
    mac = text(interface.get("macAddr"))
    if req.release == "9.1" and mac and group not in MAC_ADDRESS_NETWORK_GROUPS:
        errors.append(
            invalid(
                at.child("macAddr"),
                mac,
                "macAddr is available only with the following network providers: "
                + ",".join(MAC_ADDRESS_NETWORK_GROUPS),
            )
        )
    v4: list[str] = []
    v6: list[str] = []
    for i, address in enumerate(text(a) for a in items(interface.get("addresses"))):
        ip, problem = parse_cidr(address)
        if ip is None:
            errors.append(invalid(at.child("addresses").index(i), address, problem))
        else:
            (v4 if ip.v4 else v6).append(address)
    errors += _gateway(req, at, text(interface.get("gateway4")), 4, v4)
    errors += _gateway(req, at, text(interface.get("gateway6")), 6, v6)
    for family, addresses in ((4, v4), (6, v6)):
        gateway = text(interface.get(f"gateway{family}"))
        if interface.get(f"dhcp{family}") is True:
            if addresses:
                errors.append(
                    invalid(
                        at.child(f"dhcp{family}"),
                        ",".join(addresses),
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
    for i, server in enumerate(text(s) for s in items(interface.get("nameservers"))):
        if parse_ip(server) is None:
            errors.append(invalid(at.child("nameservers").index(i), server, NOT_AN_IP))
    for i, route in enumerate(mapping(r) for r in items(interface.get("routes"))):
        errors += _route(req, at.child("routes").index(i), text(route.get("to")), text(route.get("via")))
    return errors


def _gateway(
    req: VMRequest, at: FieldPath, gateway: str, family: int, addresses: list[str]
) -> list[FieldError]:
    if not gateway or (req.release == "9.1" and gateway == "None"):
        return []
    where = at.child(f"gateway{family}")
    errors = []
    if not addresses:
        errors.append(
            invalid(
                where, gateway, f"gateway{family} must have an IPv{family} address in the addresses field"
            )
        )
    ip = parse_ip(gateway)
    if ip is None or ip.v4 != (family == 4):
        errors.append(invalid(where, gateway, f"must be a valid IPv{family} address"))
    return errors


def _route(req: VMRequest, at: FieldPath, to: str, via: str) -> list[FieldError]:
    errors = []
    to_ip = None
    if req.release == "8.0u3" or to != "default":
        to_ip, problem = parse_cidr(to)
        if to_ip is None:
            errors.append(invalid(at.child("to"), to, problem))
    via_ip = parse_ip(via)
    if via_ip is None:
        errors.append(invalid(at.child("via"), via, NOT_AN_IP))
    to_v4 = to_ip is not None and to_ip.v4
    via_v4 = via_ip is not None and via_ip.v4
    if (req.release == "8.0u3" or to_ip is not None) and to_v4 != via_v4:
        errors.append(invalid(at, "", "cannot mix IP address families"))
    return errors


def _interface_with_bootstrap(req: VMRequest, at: FieldPath, interface: Any) -> list[FieldError]:
    """MTU, routes, search domains and guest device names need CloudInit; name servers CloudInit or Sysprep."""
    cloud_init, _, sysprep = _bootstrap(req.object)
    if cloud_init is not None:
        return []
    errors = []
    device = text(interface.get("guestDeviceName"))
    if device:
        errors.append(
            invalid(
                at.child("guestDeviceName"),
                device,
                "guestDeviceName is available only with the following bootstrap providers: CloudInit",
            )
        )
    if interface.get("mtu") is not None:
        errors.append(
            invalid(
                at.child("mtu"),
                interface["mtu"],
                "mtu is available only with the following bootstrap providers: CloudInit",
            )
        )
    if items(interface.get("routes")):
        errors.append(
            invalid(
                at.child("routes"),
                "routes",
                "routes is available only with the following bootstrap providers: CloudInit",
            )
        )
    servers = [text(s) for s in items(interface.get("nameservers"))]
    if servers and sysprep is None:
        errors.append(
            invalid(
                at.child("nameservers"),
                ",".join(servers),
                "nameservers is available only with the following bootstrap providers: CloudInit and Sysprep",
            )
        )
    domains = [text(s) for s in items(interface.get("searchDomains"))]
    if domains:
        errors.append(
            invalid(
                at.child("searchDomains"),
                ",".join(domains),
                "searchDomains is available only with the following bootstrap providers: CloudInit",
            )
        )
    return errors


def _interface_key(interface: Any) -> str | None:
    reference = mapping(interface).get("network")
    if reference is None:
        return None
    return f"{text(mapping(interface).get('name'))}::{text(node(reference, 'name'))}::{text(node(reference, 'kind'))}"


def _changed_mac_addresses(req: VMRequest) -> list[FieldError]:
    old_macs = {}
    for interface in items(node(spec(req.old), "network", "interfaces")):
        key = _interface_key(interface)
        if key is not None:
            old_macs[key] = text(mapping(interface).get("macAddr"))
    errors = []
    for i, interface in enumerate(items(node(spec(req.object), "network", "interfaces"))):
        key = _interface_key(interface)
        mac = text(mapping(interface).get("macAddr"))
        if key is not None and key in old_macs and mac != old_macs[key]:
            errors.append(invalid(INTERFACES.index(i).child("macAddr"), mac, IMMUTABLE, Effect.IMMUTABLE))
    return errors


# ---- which interfaces may change --------------------------------------------------------------------
def network_immutable(req: VMRequest) -> list[FieldError]:
    """Without MutableNetworks, interfaces are neither added nor removed and keep their name, network and MAC
    address (a failed-over VM may move its interfaces to other networks)."""
    old, new = spec(req.old).get("network"), spec(req.object).get("network")
    if old is None and new is None:
        return []
    if req.release == "8.0u3" and (old is None or new is None):
        return [_v1_8_6_fails_on_missing_network()]
    errors = _interface_changes(req, items(node(old, "interfaces")), items(node(new, "interfaces")))
    if errors and req.release == "9.1" and req.feature(names.MUTABLE_NETWORKS):
        return []
    return errors


def _interface_changes(req: VMRequest, old: list[Any], new: list[Any]) -> list[FieldError]:
    if len(old) != len(new):
        return [forbidden(INTERFACES, "network interfaces cannot be added or removed", Effect.IMMUTABLE)]
    if req.release == "9.1" and names.FAILED_OVER_VM in annotations_of(req.object):
        return []
    errors = []
    for i, (n, o) in enumerate(zip(new, old, strict=True)):
        at = INTERFACES.index(i)
        if text(mapping(n).get("name")) != text(mapping(o).get("name")):
            errors.append(forbidden(at.child("name"), IMMUTABLE, Effect.IMMUTABLE))
        same_network = (
            same_pointer(mapping(n).get("network"), mapping(o).get("network"))
            if req.release == "9.1"
            else same(mapping(n).get("network"), mapping(o).get("network"))
        )
        if not same_network:
            errors.append(forbidden(at.child("network"), IMMUTABLE, Effect.IMMUTABLE))
        if req.release == "9.1":
            mac, old_mac = text(mapping(n).get("macAddr")), text(mapping(o).get("macAddr"))
            if mac != old_mac:
                errors.append(invalid(at.child("macAddr"), mac, IMMUTABLE, Effect.IMMUTABLE))
    return errors


def _v1_8_6_fails_on_missing_network() -> FieldError:
    # v1.8.6 reads the interfaces of both networks unguarded: adding or removing spec.network makes its
    # webhook fail, and the Supervisor refuses the request (the webhook's failure policy is Fail).
    return FieldError(
        "Internal error",
        str(NETWORK),
        None,
        "the Supervisor's VM webhook fails when spec.network is added or removed on an existing VM",
        Effect.IMMUTABLE,
    )


# ---- host and domain names (9.1) --------------------------------------------------------------------
INVALID_HOST_NAME = "host name must adhere to RFC-1123"
INVALID_DOMAIN_NAME = "domain name must adhere to RFC-1123"
HOST_NAME_IP_WITH_DOMAIN = "host name may not be IP address when domain name is non-empty"
HOST_NAME_TOO_LONG_FOR_WINDOWS = "host name may not exceed 15 characters for Windows"
HOST_AND_DOMAIN_TOO_LONG = "host name and domain name combined exceed 255 characters"


def host_and_domain_name(req: VMRequest) -> list[FieldError]:
    """The guest's host name (spec.network.hostName, else the VM's name) is one RFC 1123 label or an IP
    address (not with a domain), at most 15 characters for Windows; the domain name is an RFC 1034 name; both
    together fit 255 characters. A Windows VM whose old host name was already too long may keep it."""
    error = _host_and_domain_name(req.object)
    if error is None:
        return []
    if req.old is not None and error.detail == HOST_NAME_TOO_LONG_FOR_WINDOWS:
        old = spec(req.old)
        if node(old, "bootstrap", "sysprep") is not None:
            old_host = text(node(old, "network", "hostName")) or text(node(req.old, "metadata", "name"))
            if len(old_host.encode()) > 15:
                return []
    return [error]


def _host_and_domain_name(vm: Any) -> FieldError | None:
    name = text(node(vm, "metadata", "name"))
    name_path = path("metadata", "name")
    settings = spec(vm).get("network")
    if settings is None and not is_valid_host_name(name):
        return invalid(name_path, name, INVALID_HOST_NAME)
    host, domain = text(node(settings, "hostName")), text(node(settings, "domainName"))
    host_path = NETWORK.child("hostName")
    if not host:
        host, host_path = name, name_path
    if not is_valid_host_name(host):
        return invalid(host_path, host, INVALID_HOST_NAME)
    if domain and parse_ip(host) is not None:
        return invalid(host_path, host, HOST_NAME_IP_WITH_DOMAIN)
    windows = (
        text(spec(vm).get("guestID")).startswith("win") or node(spec(vm), "bootstrap", "sysprep") is not None
    )
    if windows and len(host.encode()) > 15:
        return invalid(host_path, host, HOST_NAME_TOO_LONG_FOR_WINDOWS)
    if domain and not is_valid_domain_name(domain):
        return invalid(NETWORK.child("domainName"), domain, INVALID_DOMAIN_NAME)
    if host and domain and len(f"{host}.{domain}".encode()) > 255:
        return invalid(NETWORK, f"{host}.{domain}", HOST_AND_DOMAIN_TOO_LONG)
    return None
