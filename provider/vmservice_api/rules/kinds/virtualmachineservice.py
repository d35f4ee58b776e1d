"""VirtualMachineService admission: VM Operator's validating webhook (the mutating one changes nothing).

Upstream checks a VirtualMachineService the way Kubernetes checks the Service it becomes (type, ports,
selector, cluster IP, load-balancer source ranges), and refuses changes to its type and cluster IP.

Sources: v1.10.0 webhooks/virtualmachineservice/validation/virtualmachineservice_validator.go and v1.8.6
webhooks/virtualmachineservice/v1alpha2/validation/virtualmachineservice_validator.go. They differ in the
name check (RFC 1123 label before, RFC 1035 label in 9.1), the IP check (9.1 wants canonical addresses
without leading zeros) and the source-range check (one error for the list before, one per range in 9.1).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vmservice_api.rules.fielderrors import (
    Effect,
    FieldError,
    FieldPath,
    dns1035_label,
    dns1123_label,
    dns1123_subdomain,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    path,
    required,
)
from vmservice_api.rules.framework import Request, validation
from vmservice_api.rules.kinds._support import govalues
from vmservice_api.rules.kinds._support.labels import validate_labels
from vmservice_api.rules.kinds._support.netaddr import ip_errors, is_cidr, is_sloppy_ip
from vmservice_api.types.release_9_1.virtualmachineservice import VirtualMachineService

KIND = "VirtualMachineService"
_VALIDATOR = "webhooks/virtualmachineservice/validation/virtualmachineservice_validator.go"

LOAD_BALANCER, CLUSTER_IP, EXTERNAL_NAME = "LoadBalancer", "ClusterIP", "ExternalName"
SERVICE_TYPES = (CLUSTER_IP, EXTERNAL_NAME, LOAD_BALANCER)  # sorted, as the Supervisor lists them
PROTOCOLS = ("SCTP", "TCP", "UDP")
HEADLESS = "None"

PORT = govalues.Struct(
    "VirtualMachineServicePort",
    (
        govalues.Field("Name", "name", "string", omitempty=False),
        govalues.Field("Protocol", "protocol", "string", omitempty=False),
        govalues.Field("Port", "port", "int", omitempty=False),
        govalues.Field("TargetPort", "targetPort", "int", omitempty=False),
    ),
)

SPEC = path("spec")


def _spec(req: Request[VirtualMachineService]) -> dict[str, Any]:
    return dict(req.view.spec)


def _headless(spec: dict[str, Any]) -> bool:
    return spec.get("clusterIp") == HEADLESS


def _dns_label_errors(value: str, at: FieldPath, messages: list[str]) -> list[FieldError]:
    return [invalid(at, value, message) for message in messages]


# ---------------------------------------------------------------------------------------------- metadata
@validation(KIND, source=f"{_VALIDATOR}: validateMetadata", operations=("CREATE",), releases=("9.1",))
def name_is_dns1035_label(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    return _dns_label_errors(req.name, path("metadata", "name"), dns1035_label(req.name))


@validation(
    KIND,
    source="webhooks/virtualmachineservice/v1alpha2/validation/virtualmachineservice_validator.go: validateMetadata",
    operations=("CREATE",),
    releases=("8.0u3",),
)
def name_is_dns1123_label(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    return _dns_label_errors(req.name, path("metadata", "name"), dns1123_label(req.name))


# ---------------------------------------------------------------------------------------------- updates
@validation(KIND, source=f"{_VALIDATOR}: validateAllowedChanges", operations=("UPDATE",))
def type_and_cluster_ip_unchanged(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    new, old = _spec(req), dict(req.old_view.spec)
    errors = []
    if (new.get("type") or "") != (old.get("type") or ""):
        errors.append(forbidden(SPEC.child("type"), "field is immutable", Effect.IMMUTABLE))
    if (new.get("clusterIp") or "") != (old.get("clusterIp") or ""):
        errors.append(forbidden(SPEC.child("clusterIP"), "field is immutable", Effect.IMMUTABLE))
    return errors


# ---------------------------------------------------------------------------------------------- spec
@validation(KIND, source=f"{_VALIDATOR}: validateSpec (per service type)")
def cluster_ip_and_external_name_fit_the_type(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    spec = _spec(req)
    kind = spec.get("type") or ""
    errors: list[FieldError] = []
    if kind == LOAD_BALANCER and _headless(spec):
        errors.append(
            invalid(SPEC.child("clusterIP"), HEADLESS, "may not be set to 'None' for LoadBalancer services")
        )
    if kind == EXTERNAL_NAME:
        if spec.get("clusterIp"):
            errors.append(forbidden(SPEC.child("clusterIP"), "may not be set for ExternalName services"))
        # A trailing dot marks the name as fully qualified.
        cname = str(spec.get("externalName") or "").removesuffix(".")
        if cname:
            errors += [invalid(SPEC.child("externalName"), cname, m) for m in dns1123_subdomain(cname)]
        else:
            errors.append(required(SPEC.child("externalName")))
    return errors


@validation(KIND, source=f"{_VALIDATOR}: validatePorts, validateServicePort")
def ports_are_valid(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    spec = _spec(req)
    ports = [dict(p) for p in spec.get("ports") or []]
    at = SPEC.child("ports")
    errors: list[FieldError] = []
    if not ports and not _headless(spec) and spec.get("type") != EXTERNAL_NAME:
        errors.append(required(at))
    names: set[str] = set()
    for i, port in enumerate(ports):
        errors += _port_errors(port, len(ports) > 1, names, at.index(i))
    seen: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        key = (str(port.get("protocol") or ""), int(port.get("port") or 0))
        if key in seen:
            shown = govalues.render(req.release, PORT, {"protocol": key[0], "port": key[1]})
            errors.append(duplicate(at.index(i), shown))
        seen.add(key)
    return errors


def _port_errors(
    port: dict[str, Any], name_required: bool, names: set[str], at: FieldPath
) -> list[FieldError]:
    errors: list[FieldError] = []
    name = str(port.get("name") or "")
    if name_required and not name:
        errors.append(required(at.child("name")))
    elif name:
        errors += [invalid(at.child("name"), name, m) for m in dns1123_label(name)]
        if name in names:
            errors.append(duplicate(at.child("name"), name))
        names.add(name)
    number = int(port.get("port") or 0)
    if not 1 <= number <= 65535:
        errors.append(invalid(at.child("port"), number, "must be between 1 and 65535, inclusive"))
    protocol = str(port.get("protocol") or "")
    if not protocol:
        errors.append(required(at.child("protocol")))
    elif protocol not in PROTOCOLS:
        errors.append(not_supported(at.child("protocol"), protocol, PROTOCOLS))
    target = int(port.get("targetPort") or 0)
    if not 1 <= target <= 65535:
        errors.append(invalid(at.child("targetPort"), target, "must be between 1 and 65535, inclusive"))
    return errors


@validation(KIND, source=f"{_VALIDATOR}: validateSpec (selector)")
def selector_is_valid(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    selector = _spec(req).get("selector")
    return validate_labels(selector, SPEC.child("selector")) if selector is not None else []


@validation(KIND, source=f"{_VALIDATOR}: validateSpec (clusterIP)", releases=("9.1",))
def cluster_ip_is_canonical_ip(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    cluster_ip = str(_spec(req).get("clusterIp") or "")
    if not cluster_ip or cluster_ip == HEADLESS:
        return []
    return [invalid(SPEC.child("clusterIP"), cluster_ip, m) for m in ip_errors(cluster_ip)]


@validation(
    KIND,
    source="webhooks/virtualmachineservice/v1alpha2/validation/virtualmachineservice_validator.go: validateSpec (clusterIP)",
    releases=("8.0u3",),
)
def cluster_ip_is_ip(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    cluster_ip = str(_spec(req).get("clusterIp") or "")
    if not cluster_ip or cluster_ip == HEADLESS or is_sloppy_ip(cluster_ip):
        return []
    return [
        invalid(
            SPEC.child("clusterIP"),
            cluster_ip,
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        )
    ]


@validation(KIND, source=f"{_VALIDATOR}: validateSpec (type)")
def type_is_supported(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    kind = str(_spec(req).get("type") or "")
    if not kind:
        return [required(SPEC.child("type"))]
    return [] if kind in SERVICE_TYPES else [not_supported(SPEC.child("type"), kind, SERVICE_TYPES)]


def _source_ranges_only_for_load_balancers(spec: dict[str, Any], at: FieldPath) -> list[FieldError]:
    if spec.get("type") == LOAD_BALANCER:
        return []
    return [forbidden(at, "may only be used when `type` is 'LoadBalancer'")]


@validation(KIND, source=f"{_VALIDATOR}: validateSpec (loadBalancerSourceRanges)", releases=("9.1",))
def source_ranges_are_cidrs(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    spec = _spec(req)
    ranges = [str(r) for r in spec.get("loadBalancerSourceRanges") or []]
    if not ranges:
        return []
    at = SPEC.child("loadBalancerSourceRanges")
    errors = _source_ranges_only_for_load_balancers(spec, at)
    for i, text in enumerate(ranges):
        if not is_cidr(text.strip(), strict=True):
            errors.append(
                invalid(at.index(i), text.strip(), "must be compatible with https://pkg.go.dev/net#ParseCIDR")
            )
    return errors


@validation(
    KIND,
    source="webhooks/virtualmachineservice/v1alpha2/validation/virtualmachineservice_validator.go: "
    "validateSpec (loadBalancerSourceRanges)",
    releases=("8.0u3",),
)
def source_ranges_are_ip_ranges(req: Request[VirtualMachineService]) -> Iterable[FieldError]:
    spec = _spec(req)
    ranges = [str(r) for r in spec.get("loadBalancerSourceRanges") or []]
    if not ranges:
        return []
    at = SPEC.child("loadBalancerSourceRanges")
    errors = _source_ranges_only_for_load_balancers(spec, at)
    if not all(is_cidr(text.strip(), strict=False) for text in ranges):
        listed = "[" + " ".join(ranges) + "]"  # Go's %v of the list
        errors.append(
            invalid(at, listed, "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24")
        )
    return errors
