"""The checks, as pure functions of a resource's properties (and the pack config): each returns the violation
messages. Messages name properties and values that are not secret, never a password."""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from datetime import UTC, datetime
from typing import Any

from pulumi_vmservice_provider.report.inventory import NamespaceInventory

from pulumi_vmservice_policy.classes import ClassLookup, DeviceLookup
from pulumi_vmservice_policy.libraries import LibraryLookup

VM = "vmservice:index:VirtualMachine"
SERVICE = "vmservice:index:VirtualMachineService"
PUBLISH_REQUEST = "vmservice:index:VirtualMachinePublishRequest"
SNAPSHOT = "vmservice:index:VirtualMachineSnapshot"
SUPERVISOR_KINDS = ("vmservice:index:",)
ZONE_LABEL = "topology.kubernetes.io/zone"

# Inline text that sets or carries a password (cloud-init runcmd/write_files, sysprep commands).
_INLINE_PASSWORD = re.compile(
    r"chpasswd|passwd\s+--stdin|\bnet\s+user\s+\S+\s+\S+"
    r"|\b(pass(word|wd)?|pwd|secret|token|api[_-]?key)\s*[:=]\s*\S+",
    re.IGNORECASE,
)
_SECRET_KEY = re.compile(r"pass(word|wd)?|pwd|secret|token|credential|api[_-]?key", re.IGNORECASE)


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def namespace(props: dict[str, Any]) -> str:
    return str(_get(props, "metadata", "namespace") or "")


def _allowed_for(config: dict[str, Any], ns: str) -> list[str] | None:
    allowed = config.get("allowed") or {}
    found = allowed.get(ns, allowed.get("*"))
    return [str(a) for a in found] if isinstance(found, list) else None


# ---- VMs ----------------------------------------------------------------------------------------------------
def guaranteed_class(
    props: dict[str, Any], production: list[str], lookup: ClassLookup, source: object
) -> list[str]:
    ns, class_name = namespace(props), _get(props, "spec", "className")
    if ns not in production or not isinstance(class_name, str):
        return []
    found = lookup(ns, class_name)
    if found is None:
        return [
            f"cannot tell whether class {class_name!r} reserves all CPU and memory: no class data ({source}); "
            "add it to the pack config `classes`"
        ]
    if not found.fully_reserved:
        return [
            f"VM in production namespace {ns!r} uses class {class_name!r}, which reserves {found.reservation}; "
            "production VMs need a class with full CPU and memory reservation"
        ]
    return []


def allowed_class(props: dict[str, Any], config: dict[str, Any]) -> list[str]:
    class_name, allowed = _get(props, "spec", "className"), _allowed_for(config, namespace(props))
    if allowed is None or not isinstance(class_name, str) or class_name in allowed:
        return []
    return [
        f"class {class_name!r} is not allowed in namespace {namespace(props)!r}; allowed: {', '.join(allowed)}"
    ]


def allowed_image(
    props: dict[str, Any], config: dict[str, Any], offered: NamespaceInventory | None
) -> list[str]:
    """Entries match the image by name or display name (globs), or `os:<glob>` its OS type."""
    ref, allowed = _get(props, "spec", "imageName"), _allowed_for(config, namespace(props))
    if allowed is None or not isinstance(ref, str):
        return []
    image = offered.image(ref) if offered else None
    names = [ref] + ([image.name, image.display_name or ""] if image else [])
    os_type = image.os_type if image else None
    for entry in allowed:
        if entry.startswith("os:"):
            if os_type and fnmatch.fnmatch(os_type.lower(), entry[3:].lower()):
                return []
        elif any(fnmatch.fnmatch(name, entry) for name in names if name):
            return []
    os_note = f" (OS {os_type})" if os_type else ""
    return [
        f"image {ref!r}{os_note} is not allowed in namespace {namespace(props)!r}; allowed: {', '.join(allowed)}"
    ]


def allowed_storage_class(props: dict[str, Any], config: dict[str, Any]) -> list[str]:
    allowed = _allowed_for(config, namespace(props))
    if allowed is None:
        return []
    used = [("spec.storageClass", _get(props, "spec", "storageClass"))]
    for index, volume in enumerate(_list(_get(props, "spec", "volumes"))):
        claim = _get(volume, "persistentVolumeClaim", "instanceVolumeClaim", "storageClass")
        used.append((f"spec.volumes[{index}] instance storage", claim))
    return [
        f"{where}: storage class {name!r} is not allowed in namespace {namespace(props)!r}; allowed: {', '.join(allowed)}"
        for where, name in used
        if isinstance(name, str) and name not in allowed
    ]


def plaintext_secrets(props: dict[str, Any]) -> list[str]:
    """Inline passwords in every shape the API accepts. (`userData` needs no check: the schema marks it secret,
    so the SDKs and the YAML host always send it as one, and the provider keeps it in a Secret.)"""
    found = []
    bootstrap = _get(props, "spec", "bootstrap") or {}
    cloud_config = _get(bootstrap, "cloudInit", "cloudConfig") or {}
    for index, user in enumerate(_list(_get(cloud_config, "users"))):
        for key in ("passwd", "hashed_passwd"):
            if isinstance(_get(user, key), str):
                found.append(
                    f"cloudConfig.users[{index}].{key} is inline; reference a Secret ({{name, key}})"
                )
    for index, command in enumerate(_list(_get(cloud_config, "runcmd"))):
        if _INLINE_PASSWORD.search(str(command)):
            found.append(f"cloudConfig.runcmd[{index}] sets a password inline")
    for index, entry in enumerate(_list(_get(cloud_config, "write_files"))):
        content = _get(entry, "content")
        if isinstance(content, str) and _INLINE_PASSWORD.search(content):
            found.append(
                f"cloudConfig.write_files[{index}].content carries a password inline; use content.from a Secret"
            )
    sysprep = _get(bootstrap, "sysprep", "sysprep") or {}
    for index, command in enumerate(_list(_get(sysprep, "guiRunOnce", "commands"))):
        if _INLINE_PASSWORD.search(str(command)):
            found.append(f"sysprep.guiRunOnce.commands[{index}] sets a password inline")
    for path in (
        ("guiUnattended", "password"),
        ("identification", "domainAdminPassword"),
        ("userData", "productID"),
    ):
        if isinstance(_get(sysprep, *path), str):
            found.append(f"sysprep.{'.'.join(path)} is inline; reference a Secret ({{name, key}})")
    for index, prop in enumerate(_list(_get(bootstrap, "vAppConfig", "properties"))):
        key, value = _get(prop, "key"), _get(prop, "value", "value")
        if isinstance(key, str) and _SECRET_KEY.search(key) and isinstance(value, str):
            found.append(f"vAppConfig.properties[{index}] ({key}) is inline; use value.from a Secret")
    return found


def zone_spread(
    vms: list[tuple[str, dict[str, Any]]], role_label: str, min_zones: int
) -> list[tuple[str, str]]:
    """(urn, message) for each VM of a role whose VMs span fewer than min(N, VMs of the role) zones."""
    roles: dict[tuple[str, str], list[tuple[str, str | None]]] = {}
    for urn, props in vms:
        role = _get(props, "metadata", "labels", role_label)
        if isinstance(role, str):
            zone = _get(props, "metadata", "labels", ZONE_LABEL) or _get(props, "status", "zone")
            roles.setdefault((namespace(props), role), []).append(
                (urn, zone if isinstance(zone, str) else None)
            )
    found = []
    for (ns, role), members in sorted(roles.items()):
        zones = {zone for _, zone in members if zone}
        needed = min(min_zones, len(members))
        if len(zones) < needed:
            unplaced = sum(1 for _, zone in members if not zone)
            hint = f"; {unplaced} VM(s) have no {ZONE_LABEL} label" if unplaced else ""
            message = (
                f"role {role!r} in namespace {ns!r}: {len(members)} VMs in {len(zones)} zone(s) "
                f"({', '.join(sorted(zones)) or 'none pinned'}), needs {needed}{hint}"
            )
            found += [(urn, message) for urn, _ in members]
    return found


def gpu_class(
    props: dict[str, Any], allowed_namespaces: list[str], lookup: DeviceLookup, source: object
) -> list[str]:
    """vGPU and Dynamic DirectPath I/O classes only in the namespaces allowed them, decided from the class's
    devices (never its name); a class nobody knows fails outside those namespaces."""
    ns, class_name = namespace(props), _get(props, "spec", "className")
    if not isinstance(class_name, str) or any(fnmatch.fnmatch(ns, entry) for entry in allowed_namespaces):
        return []
    devices = lookup(ns, class_name)
    allowed = ", ".join(allowed_namespaces) or "none"
    if devices is None:
        return [
            f"cannot tell whether class {class_name!r} has vGPU or DirectPath devices: no class data ({source}); "
            f"add it to the pack config `classes` (namespaces allowed them: {allowed})"
        ]
    if devices.any:
        return [
            f"class {class_name!r} gives the VM {devices.describe()}, which namespace {ns!r} is not allowed "
            f"(namespaces allowed them: {allowed})"
        ]
    return []


def power_cycle_in_production(props: dict[str, Any], production: list[str]) -> list[str]:
    if props.get("allowPowerCycle") is True and namespace(props) in production:
        return [
            f"allowPowerCycle is true in production namespace {namespace(props)!r}: changes that need the VM "
            "powered off would restart it unattended; leave it unset and plan the change"
        ]
    return []


def image_library(
    props: dict[str, Any], config: dict[str, Any], lookup: LibraryLookup, source: object
) -> list[str]:
    """The VM's image comes from one of the content libraries allowed for its namespace (globs over the
    library's name, vCenter id or Kubernetes name); an image whose library nobody knows fails."""
    ref, allowed = _get(props, "spec", "imageName"), _allowed_for(config, namespace(props))
    if allowed is None or not isinstance(ref, str):
        return []
    libraries = lookup(namespace(props), ref)
    if libraries is None:
        return [
            f"cannot tell which content library image {ref!r} comes from ({source}); add it to the pack "
            f"config `images` (allowed libraries: {', '.join(allowed)})"
        ]
    if any(fnmatch.fnmatch(name, entry) for name in libraries for entry in allowed):
        return []
    return [
        f"image {ref!r} comes from content library {', '.join(sorted(libraries))}, which namespace "
        f"{namespace(props)!r} may not use; allowed: {', '.join(allowed)}"
    ]


def publish_target(props: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """A publish request's target library is one the config names for its namespace."""
    allowed = _allowed_for(config, namespace(props))
    if allowed is None:
        return []
    library = _get(props, "spec", "target", "location", "name")
    if not isinstance(library, str) or not library:
        return [
            "spec.target.location.name is not set, so the image goes to the namespace's default library; "
            f"name one of: {', '.join(allowed)}"
        ]
    if any(fnmatch.fnmatch(library, entry) for entry in allowed):
        return []
    return [
        f"publishes to content library {library!r}, which namespace {namespace(props)!r} may not publish to; "
        f"allowed: {', '.join(allowed)}"
    ]


def _created(obj: dict[str, Any]) -> datetime | None:
    for where in ("liveMetadata", "metadata"):
        stamp = _get(obj, where, "creationTimestamp")
        if isinstance(stamp, str):
            try:
                return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            except ValueError:
                return None
    return None


def _age(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 60:.0f} minutes"


def snapshot_limits(
    snapshots: list[tuple[str, dict[str, Any]]],
    live: dict[str, list[dict[str, Any]]],
    max_per_vm: int,
    max_age_days: float,
    now: datetime | None = None,
) -> list[tuple[str, str]]:
    """(urn, message) for the stack's snapshots: at most `max_per_vm` per VM, counting the VM's other snapshots
    on the Supervisor (`live`, per namespace), and none older than `max_age_days` (snapshots are not backups:
    each one slows the VM's disks down and grows)."""
    now = now or datetime.now(UTC)
    found: list[tuple[str, str]] = []
    per_vm: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for urn, props in snapshots:
        vm = _get(props, "spec", "vmName")
        if isinstance(vm, str):
            per_vm.setdefault((namespace(props), vm), []).append(
                (urn, str(_get(props, "metadata", "name") or ""))
            )
        created = _created(props)
        if created is not None and (now - created).total_seconds() > max_age_days * 86400:
            found.append(
                (
                    urn,
                    f"snapshot {namespace(props)}/{_get(props, 'metadata', 'name')} of VM {vm} is "
                    f"{_age((now - created).total_seconds())} old, older than maxAgeDays {max_age_days:g}: "
                    "delete it (a snapshot is not a backup, and every one slows the VM's disks)",
                )
            )
    for (ns, vm), mine in sorted(per_vm.items()):
        names = {name for _, name in mine}
        others = [
            s
            for s in live.get(ns, [])
            if _get(s, "spec", "vmName") == vm and _get(s, "metadata", "name") not in names
        ]
        total = len(mine) + len(others)
        if total > max_per_vm:
            extra = f", {len(others)} more on the Supervisor" if others else ""
            message = (
                f"VM {ns}/{vm} would have {total} snapshots ({len(mine)} in this stack{extra}), more than "
                f"maxPerVM {max_per_vm}"
            )
            found += [(urn, message) for urn, _ in mine]
    return found


# ---- services, labels ---------------------------------------------------------------------------------------
def load_balancer_ranges(props: dict[str, Any]) -> list[str]:
    spec = _get(props, "spec") or {}
    if spec.get("type") != "LoadBalancer":
        return []
    ranges = _list(spec.get("loadBalancerSourceRanges"))
    if not ranges:
        return ["LoadBalancer service is open to every address; set spec.loadBalancerSourceRanges"]
    found = []
    for entry in ranges:
        try:
            if ipaddress.ip_network(str(entry), strict=False).prefixlen == 0:
                found.append(f"spec.loadBalancerSourceRanges contains {entry}, which is every address")
        except ValueError:
            found.append(f"spec.loadBalancerSourceRanges: {entry!r} is not a CIDR")
    return found


def missing_labels(props: dict[str, Any], required: dict[str, str]) -> list[str]:
    labels = _get(props, "metadata", "labels") or {}
    return sorted(key for key in required if not labels.get(key))


def with_default_labels(props: dict[str, Any], required: dict[str, str]) -> dict[str, Any] | None:
    """The properties with the missing labels that have a default added (None: nothing to add)."""
    labels = dict(_get(props, "metadata", "labels") or {})
    added = {k: v for k, v in required.items() if v and not labels.get(k)}
    if not added:
        return None
    metadata = {**(props.get("metadata") or {}), "labels": {**labels, **added}}
    return {**props, "metadata": metadata}


# ---- vCenter ------------------------------------------------------------------------------------------------
def guaranteed_vcenter_class(props: dict[str, Any], prefix: str) -> list[str]:
    name = str(props.get("name") or "")
    if not name.startswith(prefix):
        return []
    cpu, memory = props.get("cpuReservation") or 0, props.get("memoryReservation") or 0
    if cpu == 100 and memory == 100:
        return []
    return [
        f"class {name!r} is named {prefix}* but reserves CPU {cpu} % and memory {memory} %; set both to 100"
    ]


def namespace_storage_limits(props: dict[str, Any]) -> list[str]:
    if _get(props, "resourceLimits", "storageLimitMib") is not None:
        return []
    policies = _list(props.get("storagePolicies"))
    unlimited = [str(_get(p, "policy")) for p in policies if _get(p, "limitMib") is None]
    if policies and not unlimited:
        return []
    which = f" (no limitMib for {', '.join(unlimited)})" if unlimited else ""
    return [
        f"namespace {props.get('name')!r} sets no storage limit{which}; set resourceLimits.storageLimitMib or limitMib per storage policy"
    ]


def subscribed_library_trust(props: dict[str, Any]) -> list[str]:
    url = props.get("subscriptionUrl")
    if not isinstance(url, str):
        return []
    found = []
    if not url.lower().startswith("https://"):
        found.append(f"library {props.get('name')!r} subscribes over {url.split(':', 1)[0]}; use https")
    if not props.get("subscriptionThumbprint"):
        found.append(f"library {props.get('name')!r} pins no subscriptionThumbprint for its publisher")
    return found
