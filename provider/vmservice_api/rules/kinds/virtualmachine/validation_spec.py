"""The rest of a VM's spec: fields that never change, the readiness probe, the boot disk size, boot options,
snapshot reverts, groups and affinity, the BIOS UUID."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from vmservice_api.rules.fielderrors import (
    Effect,
    FieldError,
    FieldPath,
    duplicate,
    forbidden,
    go_quote,
    immutable,
    invalid,
    not_supported,
    path,
    required,
)
from vmservice_api.rules.kinds.virtualmachine import names
from vmservice_api.rules.kinds.virtualmachine.validation_formats import is_uuid, quantity_value
from vmservice_api.rules.kinds.virtualmachine.validation_support import (
    GoJSON,
    VMRequest,
    is_privileged,
    items,
    labels_of,
    mapping,
    node,
    same_pointer,
    spec,
    text,
)

SPEC = path("spec")


# ---- fields that never change -----------------------------------------------------------------------
def storage_class_immutable(req: VMRequest) -> list[FieldError]:
    """A VM's storage class never changes."""
    return immutable(
        text(spec(req.object).get("storageClass")),
        text(spec(req.old).get("storageClass")),
        SPEC.child("storageClass"),
    )


def uuids_immutable(req: VMRequest) -> list[FieldError]:
    """The BIOS and instance UUIDs never change once set (a VM from before they existed may get them)."""
    errors = []
    for field in ("biosUUID", "instanceUUID"):
        old = text(spec(req.old).get(field))
        if old:
            errors += immutable(text(spec(req.object).get(field)), old, SPEC.child(field))
    return errors


def resource_policy_immutable(req: VMRequest) -> list[FieldError]:
    """The VM's resource policy (spec.reserved.resourcePolicyName) never changes."""
    return immutable(
        text(node(spec(req.object), "reserved", "resourcePolicyName")),
        text(node(spec(req.old), "reserved", "resourcePolicyName")),
        SPEC.child("reserved", "resourcePolicyName"),
    )


def affinity_immutable(req: VMRequest) -> list[FieldError]:
    """A VM's affinity never changes."""
    if same_pointer(spec(req.object).get("affinity"), spec(req.old).get("affinity")):
        return []
    return [forbidden(SPEC.child("affinity"), "updating Affinity is not allowed", Effect.IMMUTABLE)]


# ---- readiness probe --------------------------------------------------------------------------------
def readiness_probe(req: VMRequest) -> list[FieldError]:
    """A readiness probe has one action (the part of validateReadinessProbe that needs no facts)."""
    probe = spec(req.object).get("readinessProbe")
    if probe is None:
        return []
    probe = mapping(probe)
    actions = sum(
        (
            probe.get("tcpSocket") is not None,
            probe.get("guestHeartbeat") is not None,
            bool(items(probe.get("guestInfo"))),
        )
    )
    return (
        [forbidden(SPEC.child("readinessProbe"), "only one action can be specified")] if actions > 1 else []
    )


def readiness_probe_tcp(req: VMRequest) -> list[FieldError]:
    """TCP probes are not available with VPC networking, and only probe port 6443 where the Supervisor's
    network to workload VMs is restricted (the part of validateReadinessProbe that reads the Supervisor's
    configuration, after the actions are checked)."""
    tcp = mapping(spec(req.object).get("readinessProbe")).get("tcpSocket")
    if tcp is None:
        return []
    at = SPEC.child("readinessProbe", "tcpSocket")
    if req.feature(names.NETWORK_PROVIDER_VPC):
        return [forbidden(at, "VPC networking doesn't allow TCP readiness probe to be specified")]
    port = _int_or_string(mapping(tcp).get("port"))
    if port == 6443:
        return []
    config = req.get(names.CONFIG_MAP, names.PROVIDER_CONFIG_MAP, namespace=names.VM_OPERATOR_NAMESPACE)
    if config is None:
        key = f"{names.VM_OPERATOR_NAMESPACE}/{names.PROVIDER_CONFIG_MAP}"
        return [
            forbidden(
                at,
                f"error get ConfigMap: {key} while validating TCP readiness probe port: "
                f'configmaps "{names.PROVIDER_CONFIG_MAP}" not found',
            )
        ]
    if node(config, "data", "IsRestrictedNetwork") == "true":
        return [not_supported(at.child("port"), port, ["6443"])]
    return []


def _int_or_string(value: Any) -> int:
    """intstr's IntValue(): a number, or a string of digits (else 0)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return 0
    return 0


# ---- boot disk --------------------------------------------------------------------------------------
def advanced(req: VMRequest) -> list[FieldError]:
    """The boot disk size is a whole number of MiB."""
    capacity = quantity_value(node(spec(req.object), "advanced", "bootDiskCapacity"))
    if capacity and capacity % (1 << 20):
        return [
            invalid(SPEC.child("advanced", "bootDiskCapacity"), capacity, "value must be a multiple of MB")
        ]
    return []


# ---- boot options -----------------------------------------------------------------------------------
BOOT_OPTIONS = SPEC.child("bootOptions")


def boot_options(req: VMRequest) -> list[FieldError]:
    """A boot order is set only once the VM exists and names devices it has; a boot retry delay needs boot
    retry enabled; EFI secure boot needs EFI firmware."""
    options = spec(req.object).get("bootOptions")
    if options is None:
        return []
    options = mapping(options)
    errors = []
    if options.get("bootOrder") is not None:
        if req.old is None:
            errors.append(forbidden(BOOT_OPTIONS.child("bootOrder"), "when creating a VM"))
        else:
            errors += _boot_order(req, items(options.get("bootOrder")))
    if options.get("bootRetryDelay") is not None and text(options.get("bootRetry")) != "Enabled":
        errors.append(
            required(BOOT_OPTIONS.child("bootRetry"), "bootRetry must be set when setting bootRetryDelay")
        )
    if text(options.get("efiSecureBoot")) == "Enabled" and text(options.get("firmware")) != "efi":
        errors.append(
            forbidden(
                BOOT_OPTIONS.child("efiSecureBoot"),
                "cannot set efiSecureBoot when image firmware is not 'efi'",
            )
        )
    return errors


def _boot_order(req: VMRequest, devices: list[Any]) -> list[FieldError]:
    at = BOOT_OPTIONS.child("bootOrder")
    vm = spec(req.object)
    errors = []
    seen: set[str] = set()
    for i, device in enumerate(mapping(d) for d in devices):
        kind, name = text(device.get("type")), text(device.get("name"))
        shown = GoJSON({"type": kind, **({"name": name} if name else {})})
        if kind in ("Network", "Disk") and not name:
            errors.append(
                required(
                    at.index(i).child("name"),
                    f"name must not be empty when specifying a bootable device of type {go_quote(kind)}",
                )
            )
            continue
        if name in seen:
            errors.append(duplicate(at.index(i), name))
            continue
        seen.add(name)
        errors += _bootable(req, at.index(i), kind, name, shown, vm)
    return errors


def _bootable(
    req: VMRequest, at: FieldPath, kind: str, name: str, shown: GoJSON, vm: Any
) -> list[FieldError]:
    if kind == "Network":
        network = vm.get("network")
        if network is None:
            return [
                invalid(
                    at, shown, f"cannot specify network device {go_quote(name)} when vm.spec.network is empty"
                )
            ]
        if name not in {text(node(i, "name")) for i in items(mapping(network).get("interfaces"))}:
            return [
                invalid(
                    at,
                    shown,
                    f"bootable network device {go_quote(name)} was not found in vm.Spec.Network.Interfaces",
                )
            ]
    elif kind == "Disk":
        if name not in {text(node(v, "name")) for v in items(node(req.object, "status", "volumes"))}:
            return [
                invalid(
                    at, shown, f"bootable disk device {go_quote(name)} was not found in vm.Status.Volumes"
                )
            ]
    elif kind == "CDRom":
        if not items(node(vm, "hardware", "cdrom")):
            return [invalid(at, shown, "no CD-ROM device(s) defined for this VM")]
    else:
        return [invalid(at.child("type"), shown, f"unsupported bootable device type: {go_quote(kind)}")]
    return []


# ---- snapshots --------------------------------------------------------------------------------------
CURRENT_SNAPSHOT = SPEC.child("currentSnapshotName")


def snapshot(req: VMRequest) -> list[FieldError]:
    """A VM is not created from a snapshot; one revert at a time; VKS nodes are not reverted."""
    name = text(spec(req.object).get("currentSnapshotName"))
    if req.old is None and name:
        return [forbidden(CURRENT_SNAPSHOT, "creating VM with current snapshot is not allowed")]
    if not name:
        return []
    if not name.strip():
        return [invalid(CURRENT_SNAPSHOT, name, "currentSnapshotName cannot be empty")]
    errors = []
    old = text(spec(req.old).get("currentSnapshotName"))
    if old and old != name:
        errors.append(forbidden(CURRENT_SNAPSHOT, "a snapshot revert is already in progress"))
    vm_labels = labels_of(req.object)
    if names.CAPW_CLUSTER_ROLE_LABEL in vm_labels or names.CAPV_CLUSTER_ROLE_LABEL in vm_labels:
        errors.append(forbidden(CURRENT_SNAPSHOT, "snapshot revert is not allowed for VKS nodes"))
    return errors


# ---- groups and affinity ----------------------------------------------------------------------------
def group_name(req: VMRequest) -> list[FieldError]:
    """A VM joins a group only where the Supervisor has VM groups."""
    group = text(spec(req.object).get("groupName"))
    if group and not req.feature(names.VM_GROUPS):
        return [invalid(SPEC.child("groupName"), group, names.FEATURE_NOT_ENABLED.format("VM Groups"))]
    return []


_TERM_KINDS = (
    "requiredDuringSchedulingPreferredDuringExecution",
    "preferredDuringSchedulingPreferredDuringExecution",
)
NO_VM_OPERATOR_LABELS = "label selector can not contain VM Operator managed labels (vmoperator.vmware.com)"


def affinity(req: VMRequest) -> list[FieldError]:
    """Affinity needs a group; its terms select by the In operator on labels VM Operator does not manage, and
    spread by zone (anti-affinity also by host: preferred terms for anyone, required terms for privileged
    accounts)."""
    settings = spec(req.object).get("affinity")
    if settings is None:
        return []
    errors = []
    if not text(spec(req.object).get("groupName")):
        errors.append(required(SPEC.child("groupName"), "when setting affinity"))
    at = SPEC.child("affinity")
    for kind in ("vmAffinity", "vmAntiAffinity"):
        for term_kind in _TERM_KINDS:
            for i, term in enumerate(mapping(t) for t in items(node(settings, kind, term_kind))):
                term_at = at.child(kind, term_kind).index(i)
                errors += _label_selector(term_at.child("labelSelector"), term.get("labelSelector"))
                topology = text(term.get("topologyKey"))
                allowed = _topologies(req, kind, term_kind, topology)
                if topology not in allowed:
                    error = not_supported(term_at.child("topologyKey"), topology, allowed)
                    if topology == names.HOSTNAME_LABEL:  # spreading by host: privileged accounts may
                        error = replace(error, effect=Effect.PRIVILEGED)
                    errors.append(error)
    return errors


def _topologies(req: VMRequest, kind: str, term_kind: str, topology: str) -> list[str]:
    """The topology keys a term may spread by."""
    if kind == "vmAffinity" or topology == names.ZONE_LABEL:
        return [names.ZONE_LABEL]
    if term_kind == _TERM_KINDS[1] or is_privileged(req):
        return [names.ZONE_LABEL, names.HOSTNAME_LABEL]
    return [names.ZONE_LABEL]


def _label_selector(at: FieldPath, selector: Any) -> list[FieldError]:
    if selector is None:
        return []
    errors = []
    if any(names.GROUP in key for key in mapping(mapping(selector).get("matchLabels"))):
        errors.append(forbidden(at.child("matchLabels"), NO_VM_OPERATOR_LABELS))
    for i, expression in enumerate(mapping(e) for e in items(mapping(selector).get("matchExpressions"))):
        operator = text(expression.get("operator"))
        if operator != "In":
            errors.append(
                not_supported(at.child("matchExpressions").index(i).child("operator"), operator, ["In"])
            )
        elif names.GROUP in text(expression.get("key")):
            errors.append(
                forbidden(at.child("matchExpressions").index(i).child("key"), NO_VM_OPERATOR_LABELS)
            )
    return errors


def bios_uuid(req: VMRequest) -> list[FieldError]:
    """A BIOS UUID given on create is a UUID."""
    value = text(spec(req.object).get("biosUUID"))
    if value and not is_uuid(value):
        return [invalid(SPEC.child("biosUUID"), value, "must provide a valid UUID")]
    return []
