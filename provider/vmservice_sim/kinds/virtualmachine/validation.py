"""VM Operator's validating VirtualMachine webhook: what a create needs, what an update may not change, and
the rules both share (zone, storage class, bootstrap, network, volumes, readiness probe, annotations)."""

from __future__ import annotations

from typing import Any

from vmservice_sim import capabilities
from vmservice_sim.admission import (
    FieldError,
    Verdict,
    dig,
    dns1123_subdomain,
    duplicate,
    forbidden,
    immutable,
    invalid,
    metadata_map,
    not_supported,
    path,
    required,
    semantic,
    spec_of,
)
from vmservice_sim.context import ZONE_LABEL
from vmservice_sim.kinds.virtualmachine.bootstrap import bootstrap_kind, bootstrap_rules
from vmservice_sim.kinds.virtualmachine.kind import (
    CREATED_AT_BUILD,
    CREATED_AT_SCHEMA,
    FIRST_BOOT_DONE,
    INSTANCE_ID_ANNOTATION,
    OFF,
    ON,
    SUSPENDED,
    VIRTUAL_MACHINE,
)
from vmservice_sim.kinds.virtualmachine.network import immutable_network, network_rules
from vmservice_sim.kube import CONFIG_MAP, RESOURCE_QUOTA, STORAGE_CLASS, Obj
from vmservice_sim.objects import parse_quantity, parse_time
from vmservice_sim.registry import AdmissionRequest

ADMIN_ONLY = "modifying this annotation is not allowed for non-admin users"
POWERED_ON_ONLY = "updates to this field is not allowed when VM power is on"
PROVIDER_CONFIGMAP = ("vmware-system-vmop", "vsphere.provider.config.vmoperator.vmware.com")


@VIRTUAL_MACHINE.validate
def validate(request: AdmissionRequest) -> Verdict:
    if request.operation == "CREATE":
        return Verdict.validation(_validate_create(request))
    if request.old_object is None or request.deleting:
        return Verdict()
    return Verdict.validation(_validate_update(request, request.old_object))


def _validate_create(request: AdmissionRequest) -> list[FieldError]:
    vm, privileged = request.object, request.user.privileged
    spec = spec_of(vm)
    errors = _availability_zone(request, None)
    if not spec.get("imageName") and not (request.release.image_ref and spec.get("image")):
        errors.append(required(path("spec", "imageName")))
    if not spec.get("className"):
        errors.append(required(path("spec", "className")))
    errors += _storage_class(request)
    errors += bootstrap_rules(spec)
    errors += network_rules(vm)
    errors += _volumes(vm)
    errors += _instance_storage(vm, None, privileged)
    errors += _readiness_probe(request)
    errors += _advanced(spec)
    if spec.get("powerState") == SUSPENDED:
        errors.append(
            invalid(
                path("spec", "powerState"), SUSPENDED, f"cannot set a new VM's power state to {SUSPENDED}"
            )
        )
    if spec.get("nextRestartTime"):
        errors.append(
            invalid(path("spec", "nextRestartTime"), spec["nextRestartTime"], "cannot restart VM on create")
        )
    errors += _annotations(vm, None, privileged)
    return errors


def _validate_update(request: AdmissionRequest, old: Obj) -> list[FieldError]:
    vm, privileged = request.object, request.user.privileged
    spec, old_spec = spec_of(vm), spec_of(old)
    errors = _immutable_fields(request, old)
    errors += _power_state_update(spec, old_spec)
    errors += _availability_zone(request, old)
    errors += bootstrap_rules(spec)
    errors += network_rules(vm)
    errors += _volumes(vm)
    errors += _instance_storage(vm, old, privileged)
    errors += _readiness_probe(request)
    errors += _advanced(spec)
    errors += _next_restart_time_update(spec, old_spec)
    errors += _annotations(vm, old, privileged)
    errors += _min_hardware_version(spec, old_spec)
    return errors


# ---------------------------------------------------------------------------------- update rules


def _immutable_fields(request: AdmissionRequest, old: Obj) -> list[FieldError]:
    spec, old_spec = spec_of(request.object), spec_of(old)
    release = request.release
    at = path("spec")
    errors = immutable(spec.get("imageName"), old_spec.get("imageName"), at.child("imageName"))
    if not capabilities.enabled(request.cluster, "VMResize", default=release.class_resize):
        errors += immutable(spec.get("className"), old_spec.get("className"), at.child("className"))
    errors += immutable(spec.get("storageClass"), old_spec.get("storageClass"), at.child("storageClass"))
    errors += immutable(
        dig(spec, "reserved", "resourcePolicyName"),
        dig(old_spec, "reserved", "resourcePolicyName"),
        at.child("reserved", "resourcePolicyName"),
    )
    if release.image_ref:
        errors += immutable(spec.get("image"), old_spec.get("image"), at.child("image"))
        for key in ("instanceUUID", "biosUUID"):
            if old_spec.get(key):
                errors += immutable(spec.get(key), old_spec.get(key), at.child(key))
        old_kind, new_kind = bootstrap_kind(old_spec), bootstrap_kind(spec)
        if old_kind and new_kind != old_kind:
            errors.append(forbidden(at.child("bootstrap"), "bootstrap provider type cannot be changed"))
    if not capabilities.enabled(request.cluster, "MutableNetworks"):
        errors += immutable_network(spec, old_spec)
    return errors


def _power_state_update(spec: Obj, old_spec: Obj) -> list[FieldError]:
    at = path("spec", "powerState")
    new, previous = spec.get("powerState") or "", old_spec.get("powerState") or ""
    if new == "":
        return [invalid(at, new, "cannot set power state to empty string")]
    errors = []
    if previous == ON and new == ON:
        if semantic(spec.get("bootstrap")) != semantic(old_spec.get("bootstrap")):
            errors.append(forbidden(path("spec", "bootstrap"), POWERED_ON_ONLY))
    elif previous == OFF and new == SUSPENDED:
        errors.append(invalid(at, new, "cannot suspend a VM that is powered off"))
    return errors


def _next_restart_time_update(spec: Obj, old_spec: Obj) -> list[FieldError]:
    new, previous = spec.get("nextRestartTime") or "", old_spec.get("nextRestartTime") or ""
    if new == previous:
        return []
    at = path("spec", "nextRestartTime")
    if new.lower() == "now":
        return [invalid(at, new, "mutation webhooks are required to restart VM")]
    if parse_time(new) is None:
        return [invalid(at, new, "must be formatted as RFC3339Nano")]
    return []


def _min_hardware_version(spec: Obj, old_spec: Obj) -> list[FieldError]:
    at = path("spec", "minHardwareVersion")
    new, previous = int(spec.get("minHardwareVersion") or 0), int(old_spec.get("minHardwareVersion") or 0)
    if new < previous:
        return [invalid(at, new, "cannot downgrade hardware version")]
    if new > previous and OFF not in (old_spec.get("powerState"), spec.get("powerState")):
        return [invalid(at, new, "cannot upgrade hardware version unless powered off")]
    return []


# ---------------------------------------------------------------------------------- shared rules


def _availability_zone(request: AdmissionRequest, old: Obj | None) -> list[FieldError]:
    vm = request.object
    at = path("metadata", "labels").key(ZONE_LABEL)
    if old is not None:
        previous = metadata_map(old, "labels").get(ZONE_LABEL)
        if previous:
            return immutable(metadata_map(vm, "labels").get(ZONE_LABEL, ""), previous, at)
    zone = metadata_map(vm, "labels").get(ZONE_LABEL)
    if zone and zone not in request.zones:
        return [invalid(at, zone, f'availabilityzones.topology.tanzu.vmware.com "{zone}" not found')]
    return []


def _storage_class(request: AdmissionRequest) -> list[FieldError]:
    name = spec_of(request.object).get("storageClass")
    if not name:
        return []
    namespace = request.namespace
    at = path("spec", "storageClass")
    message = f"Storage policy is not associated with the namespace {namespace}"
    if request.cluster.get(STORAGE_CLASS, None, name) is None:
        return [invalid(at, name, message)]
    quotas = request.cluster.list(RESOURCE_QUOTA, namespace)
    prefix = f"{name}.storageclass.storage.k8s.io/"
    for quota in quotas:
        if any(str(key).startswith(prefix) for key in (dig(quota, "spec", "hard") or {})):
            return []
    return [invalid(at, name, message)]


def _volumes(vm: Obj) -> list[FieldError]:
    vm_name = str((vm.get("metadata") or {}).get("name") or "")
    seen: set[str] = set()
    errors: list[FieldError] = []
    for index, volume in enumerate(spec_of(vm).get("volumes") or []):
        volume = volume or {}
        p = path("spec", "volumes").index(index)
        name = volume.get("name") or ""
        if name:
            if name in seen:
                errors.append(duplicate(p.child("name"), name))
            seen.add(name)
            for message in dns1123_subdomain(f"{vm_name}-{name}"):
                errors.append(invalid(p.child("name"), name, message))
        else:
            errors.append(required(p.child("name")))
        claim = volume.get("persistentVolumeClaim")
        if claim is None:
            errors.append(required(p.child("persistentVolumeClaim")))
            continue
        if not claim.get("claimName"):
            errors.append(required(p.child("persistentVolumeClaim", "claimName")))
        if claim.get("readOnly"):
            errors.append(not_supported(p.child("persistentVolumeClaim", "readOnly"), True, ["false"]))
    return errors


def _instance_storage(vm: Obj, old: Obj | None, privileged: bool) -> list[FieldError]:
    if privileged:
        return []

    def instance_volumes(obj: Obj | None) -> list[Any]:
        return [
            v
            for v in (spec_of(obj or {}).get("volumes") or [])
            if dig(v, "persistentVolumeClaim", "instanceVolumeClaim") is not None
        ]

    if semantic(instance_volumes(vm)) != semantic(instance_volumes(old)):
        return [
            forbidden(
                path("spec", "volumes"),
                "adding or modifying instance storage volume claim(s) is not allowed",
            )
        ]
    return []


def _readiness_probe(request: AdmissionRequest) -> list[FieldError]:
    probe = spec_of(request.object).get("readinessProbe")
    if not isinstance(probe, dict):
        return []
    at = path("spec", "readinessProbe")
    actions = sum(1 for key in ("tcpSocket", "guestHeartbeat") if probe.get(key) is not None)
    actions += 1 if probe.get("guestInfo") else 0
    errors = []
    if actions > 1:
        errors.append(forbidden(at, "only one action can be specified"))
    tcp = probe.get("tcpSocket")
    if isinstance(tcp, dict) and _port_number(tcp.get("port")) != 6443:
        restricted = _restricted_network(request)
        if restricted:
            errors.append(
                not_supported(at.child("tcpSocket", "port"), _port_number(tcp.get("port")), ["6443"])
            )
    return errors


def _restricted_network(request: AdmissionRequest) -> bool:
    config_map = request.cluster.get(CONFIG_MAP, *PROVIDER_CONFIGMAP)
    return bool(((config_map or {}).get("data") or {}).get("IsRestrictedNetwork") == "true")


def _advanced(spec: Obj) -> list[FieldError]:
    capacity = dig(spec, "advanced", "bootDiskCapacity")
    if capacity in (None, "", 0):
        return []
    try:
        value = int(parse_quantity(capacity))
    except (ValueError, ArithmeticError):
        return []
    if value and value % (1 << 20):
        return [
            invalid(path("spec", "advanced", "bootDiskCapacity"), value, "value must be a multiple of MB")
        ]
    return []


def _annotations(vm: Obj, old: Obj | None, privileged: bool) -> list[FieldError]:
    if privileged:
        return []
    at = path("metadata", "annotations")
    new, previous = metadata_map(vm, "annotations"), metadata_map(old or {}, "annotations")
    keys = [INSTANCE_ID_ANNOTATION, FIRST_BOOT_DONE]
    if old is not None:
        keys += [CREATED_AT_BUILD, CREATED_AT_SCHEMA]
    return [forbidden(at.child(key), ADMIN_ONLY) for key in keys if new.get(key) != previous.get(key)]


def _port_number(port: Any) -> int:
    try:
        return int(port)
    except (TypeError, ValueError):
        return 0
