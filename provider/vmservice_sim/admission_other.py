"""Validation webhooks of VirtualMachineService, VirtualMachinePublishRequest,
VirtualMachineWebConsoleRequest and VirtualMachineSetResourcePolicy (VM Operator 8.0 U3 rules and messages)."""

from __future__ import annotations

import base64
import ipaddress
import re
from typing import Any

from vmservice_sim.admission import (
    FieldError,
    GoStruct,
    Verdict,
    dns1035_label,
    dns1123_label,
    dns1123_subdomain,
    duplicate,
    forbidden,
    immutable,
    invalid,
    not_supported,
    path,
    required,
)
from vmservice_sim.kube import Obj
from vmservice_sim.objects import parse_quantity

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer")
PROTOCOLS = ("SCTP", "TCP", "UDP")
IMAGE_REGISTRY = "imageregistry.vmware.com/v1alpha1"
UUID_LABEL = "vmoperator.vmware.com/webconsolerequest-uuid"
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def _deleting(obj: Obj) -> bool:
    return bool((obj.get("metadata") or {}).get("deletionTimestamp"))


# ========================================================================== VirtualMachineService


def validate_service(operation: str, obj: Obj, old: Obj | None) -> Verdict:
    errors: list[FieldError] = []
    if operation == "CREATE":
        name = str((obj.get("metadata") or {}).get("name") or "")
        errors += [invalid(path("metadata", "name"), name, m) for m in dns1035_label(name)]
        errors += _service_spec(obj)
    elif operation == "UPDATE" and old is not None and not _deleting(obj):
        spec, old_spec = _spec(obj), _spec(old)
        if spec.get("type") != old_spec.get("type"):
            errors.append(forbidden(path("spec", "type"), "field is immutable"))
        if (spec.get("clusterIp") or "") != (old_spec.get("clusterIp") or ""):
            errors.append(forbidden(path("spec", "clusterIP"), "field is immutable"))
        errors += _service_spec(obj)
    return Verdict.validation(errors)


def _service_spec(obj: Obj) -> list[FieldError]:
    spec = _spec(obj)
    at = path("spec")
    kind = spec.get("type") or ""
    cluster_ip = spec.get("clusterIp") or ""
    errors: list[FieldError] = []
    if kind == "LoadBalancer" and cluster_ip == "None":
        errors.append(
            invalid(at.child("clusterIP"), cluster_ip, "may not be set to 'None' for LoadBalancer services")
        )
    if kind == "ExternalName":
        if cluster_ip:
            errors.append(forbidden(at.child("clusterIP"), "may not be set for ExternalName services"))
        cname = (spec.get("externalName") or "").removesuffix(".")
        if cname:
            errors += [invalid(at.child("externalName"), cname, m) for m in dns1123_subdomain(cname)]
        else:
            errors.append(required(at.child("externalName")))
    errors += _ports(spec, kind, cluster_ip)
    for key, value in (spec.get("selector") or {}).items():
        errors += _label(at.child("selector"), str(key), str(value))
    if cluster_ip and cluster_ip != "None":
        try:
            ipaddress.ip_address(cluster_ip)
        except ValueError:
            errors.append(
                invalid(
                    at.child("clusterIP"),
                    cluster_ip,
                    "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                )
            )
    if not kind:
        errors.append(required(at.child("type")))
    elif kind not in SERVICE_TYPES:
        errors.append(not_supported(at.child("type"), kind, SERVICE_TYPES))
    ranges = spec.get("loadBalancerSourceRanges") or []
    if ranges:
        p = at.child("loadBalancerSourceRanges")
        if kind != "LoadBalancer":
            errors.append(forbidden(p, "may only be used when `type` is 'LoadBalancer'"))
        try:
            for cidr in ranges:
                ipaddress.ip_network(str(cidr).strip(), strict=False)
        except ValueError:
            errors.append(
                invalid(
                    p,
                    "[" + " ".join(str(r) for r in ranges) + "]",
                    "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24",
                )
            )
    return errors


def _ports(spec: Obj, kind: str, cluster_ip: str) -> list[FieldError]:
    ports = spec.get("ports") or []
    at = path("spec", "ports")
    errors: list[FieldError] = []
    if not ports and cluster_ip != "None" and kind != "ExternalName":
        errors.append(required(at))
    names: set[str] = set()
    for index, port in enumerate(ports):
        port = port or {}
        p = at.index(index)
        name = port.get("name") or ""
        if len(ports) > 1 and not name:
            errors.append(required(p.child("name")))
        elif name:
            errors += [invalid(p.child("name"), name, m) for m in dns1123_label(name)]
            if name in names:
                errors.append(duplicate(p.child("name"), name))
            names.add(name)
        if not 1 <= int(port.get("port") or 0) <= 65535:
            errors.append(
                invalid(p.child("port"), int(port.get("port") or 0), "must be between 1 and 65535, inclusive")
            )
        protocol = port.get("protocol") or ""
        if not protocol:
            errors.append(required(p.child("protocol")))
        elif protocol not in PROTOCOLS:
            errors.append(not_supported(p.child("protocol"), protocol, PROTOCOLS))
        if not 1 <= int(port.get("targetPort") or 0) <= 65535:
            errors.append(
                invalid(
                    p.child("targetPort"),
                    int(port.get("targetPort") or 0),
                    "must be between 1 and 65535, inclusive",
                )
            )
    seen: set[tuple[str, int]] = set()
    for index, entry in enumerate(ports):
        entry = entry or {}
        key = (str(entry.get("protocol") or ""), int(entry.get("port") or 0))
        if key in seen:
            struct = GoStruct(
                "v1alpha2.VirtualMachineServicePort",
                [("Name", ""), ("Protocol", key[0]), ("Port", key[1]), ("TargetPort", 0)],
            )
            errors.append(duplicate(at.index(index), struct))
        seen.add(key)
    return errors


def _label(at: Any, key: str, value: str) -> list[FieldError]:
    errors = []
    name = key.rpartition("/")[2]
    prefix = key.rpartition("/")[0]
    if (
        not name
        or len(name) > 63
        or not _QUALIFIED_NAME.match(name)
        or (prefix and dns1123_subdomain(prefix))
    ):
        errors.append(
            invalid(
                at,
                key,
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
                "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            )
        )
    if len(value) > 63 or not _LABEL_VALUE.match(value):
        errors.append(
            invalid(
                at.key(key),
                value,
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            )
        )
    return errors


# ========================================================================== VirtualMachinePublishRequest


def _source_struct(spec: Obj) -> GoStruct:
    source = spec.get("source") or {}
    return GoStruct(
        "v1alpha2.VirtualMachinePublishRequestSource",
        [
            ("Name", source.get("name") or ""),
            ("APIVersion", source.get("apiVersion") or ""),
            ("Kind", source.get("kind") or ""),
        ],
    )


def _target_struct(spec: Obj) -> GoStruct:
    target = spec.get("target") or {}
    item, location = target.get("item") or {}, target.get("location") or {}
    return GoStruct(
        "v1alpha2.VirtualMachinePublishRequestTarget",
        [
            (
                "Item",
                GoStruct(
                    "v1alpha2.VirtualMachinePublishRequestTargetItem",
                    [("Name", item.get("name") or ""), ("Description", item.get("description") or "")],
                ),
            ),
            (
                "Location",
                GoStruct(
                    "v1alpha2.VirtualMachinePublishRequestTargetLocation",
                    [
                        ("Name", location.get("name") or ""),
                        ("APIVersion", location.get("apiVersion") or ""),
                        ("Kind", location.get("kind") or ""),
                    ],
                ),
            ),
        ],
    )


def validate_publish(operation: str, obj: Obj, old: Obj | None, storage_version: str) -> Verdict:
    spec = _spec(obj)
    errors: list[FieldError] = []
    if operation == "CREATE":
        source = spec.get("source") or {}
        at = path("spec", "source")
        api_version = source.get("apiVersion") or ""
        allowed = ["vmoperator.vmware.com/v1alpha1", f"vmoperator.vmware.com/{storage_version}"]
        if api_version and api_version not in allowed:
            errors.append(not_supported(at.child("apiVersion"), api_version, [*allowed, ""]))
        kind = source.get("kind") or ""
        if kind not in ("VirtualMachine", ""):
            errors.append(not_supported(at.child("kind"), kind, ["VirtualMachine", ""]))
        location = (spec.get("target") or {}).get("location") or {}
        at = path("spec", "target", "location")
        if not location.get("name"):
            errors.append(required(at.child("name")))
        if (location.get("apiVersion") or "") != IMAGE_REGISTRY:
            errors.append(
                not_supported(at.child("apiVersion"), location.get("apiVersion") or "", [IMAGE_REGISTRY, ""])
            )
        if (location.get("kind") or "") != "ContentLibrary":
            errors.append(not_supported(at.child("kind"), location.get("kind") or "", ["ContentLibrary", ""]))
    elif operation == "UPDATE" and old is not None and not _deleting(obj):
        old_spec = _spec(old)
        errors += immutable(_source_struct(spec), _source_struct(old_spec), path("spec", "source"))
        errors += immutable(_target_struct(spec), _target_struct(old_spec), path("spec", "target"))
    return Verdict.validation(errors)


# ========================================================================== VirtualMachineWebConsoleRequest


def _pem_blocks(text: str) -> tuple[str, bytes] | None:
    match = re.search(r"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", text, re.S)
    if not match:
        return None
    try:
        return match.group(1), base64.b64decode("".join(match.group(2).split()), validate=True)
    except ValueError:
        return None


def _is_pkcs1_rsa(der: bytes) -> bool:
    """x509.ParsePKCS1PublicKey: SEQUENCE { INTEGER n, INTEGER e } (an SPKI starts with a SEQUENCE)."""
    if len(der) < 4 or der[0] != 0x30:
        return False
    offset = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    if offset >= len(der) or der[offset] != 0x02:
        return False
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        load_der_public_key(der)
    except ValueError:
        return False
    return True


def public_key_problem(public_key: str) -> str | None:
    block = _pem_blocks(public_key)
    if block is None or block[0] != "PUBLIC KEY":
        return "invalid public key format"
    if not _is_pkcs1_rsa(block[1]):
        return "invalid public key"
    return None


def validate_webconsole(operation: str, obj: Obj, old: Obj | None) -> Verdict:
    spec = _spec(obj)
    errors: list[FieldError] = []
    if operation == "CREATE":
        if not spec.get("name"):
            errors.append(required(path("spec", "Name")))
        key = spec.get("publicKey") or ""
        if not key:
            errors.append(required(path("spec", "publicKey")))
        else:
            problem = public_key_problem(str(key))
            if problem:
                errors.append(invalid(path("spec", "publicKey"), "", problem))
    elif operation == "UPDATE" and old is not None and not _deleting(obj):
        old_spec = _spec(old)
        errors += immutable(spec.get("name") or "", old_spec.get("name") or "", path("spec", "Name"))
        errors += immutable(
            spec.get("publicKey") or "", old_spec.get("publicKey") or "", path("spec", "publicKey")
        )
        old_uuid = ((old.get("metadata") or {}).get("labels") or {}).get(UUID_LABEL)
        if old_uuid:
            new_uuid = ((obj.get("metadata") or {}).get("labels") or {}).get(UUID_LABEL, "")
            errors += immutable(new_uuid, old_uuid, path("metadata", "labels").key(UUID_LABEL))
    return Verdict.validation(errors)


# ========================================================================== VirtualMachineSetResourcePolicy


def validate_resource_policy(operation: str, obj: Obj, old: Obj | None) -> Verdict:
    spec = _spec(obj)
    errors: list[FieldError] = []
    if operation == "CREATE":
        pool = spec.get("resourcePool") or {}
        at = path("spec", "resourcepool", "reservations")
        for resource in ("cpu", "memory"):
            reservation = (pool.get("reservations") or {}).get(resource)
            limit = (pool.get("limits") or {}).get(resource)
            try:
                too_much = (
                    reservation not in (None, "", 0)
                    and limit not in (None, "", 0)
                    and parse_quantity(reservation) > parse_quantity(limit) > 0
                )
            except ValueError:
                too_much = False
            if too_much:
                errors.append(
                    invalid(
                        at.child(resource),
                        str(reservation),
                        "reservation value cannot exceed the limit value",
                    )
                )
        seen: set[str] = set()
        for index, group in enumerate(spec.get("clusterModuleGroups") or []):
            if group in seen:
                errors.append(
                    duplicate(path("spec", "clustermodules").index(index).child("clusterModuleGroups"), group)
                )
            seen.add(group)
    elif operation == "UPDATE" and old is not None and not _deleting(obj):
        old_spec = _spec(old)
        errors += immutable(
            spec.get("resourcePool"), old_spec.get("resourcePool"), path("spec", "resourcepool")
        )
        errors += immutable(spec.get("folder") or "", old_spec.get("folder") or "", path("spec", "folder"))
        errors += immutable(
            spec.get("clusterModuleGroups"),
            old_spec.get("clusterModuleGroups"),
            path("spec", "clustermodules"),
        )
    return Verdict.validation(errors)
