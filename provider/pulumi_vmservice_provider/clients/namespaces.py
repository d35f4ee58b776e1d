"""Typed calls for vCenter's namespace management: VM classes, vSphere Namespaces and Supervisor clusters.

Request bodies use the API's own field names (`memory_MB`, `dynamic_direct_path_IO_devices`); responses are
read tolerantly (any case, vcsim's spellings too), and a field the server does not report at all is kept as
None so callers can tell "not reported" from "empty".
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.clients.vcenter import (
    Deadline,
    VCenterClient,
    VCenterNotFound,
    has_field,
    lookup,
)

VM_CLASSES = "/api/vcenter/namespace-management/virtual-machine-classes"
NAMESPACES = "/api/vcenter/namespaces/instances"
CLUSTERS = "/api/vcenter/namespace-management/clusters"


def _quote(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _messages(data: JSONObject) -> list[str]:
    found = lookup(data, "messages", "message") or []
    texts: list[str] = []
    for message in found if isinstance(found, list) else [found]:
        if isinstance(message, dict):
            text = message.get("default_message") or message.get("details")
            if text:
                texts.append(str(text))
        elif message:
            texts.append(str(message))
    return texts


# ---- VM classes --------------------------------------------------------------------------------
@dataclass
class DirectPathDevice:
    vendor_id: int
    device_id: int
    custom_label: str | None = None


@dataclass
class VmClass:
    id: str
    cpu_count: int
    memory_mb: int
    cpu_reservation: int | None = None
    memory_reservation: int | None = None
    description: str | None = None
    vgpu_profiles: list[str] = field(default_factory=list)
    direct_path_devices: list[DirectPathDevice] = field(default_factory=list)
    config_spec: Any = None
    # Reported by the server only.
    config_status: str | None = None
    namespaces: list[str] = field(default_factory=list)
    vms: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def _body(self) -> JSONObject:
        devices: JSONObject = {
            "vgpu_devices": [{"profile_name": name} for name in self.vgpu_profiles],
            "dynamic_direct_path_IO_devices": [
                {
                    "vendor_id": d.vendor_id,
                    "device_id": d.device_id,
                    **({"custom_label": d.custom_label} if d.custom_label else {}),
                }
                for d in self.direct_path_devices
            ],
        }
        body: JSONObject = {
            "cpu_count": self.cpu_count,
            "memory_MB": self.memory_mb,
            # Sent even when unset: an update leaves omitted fields unchanged, so 0 is how a reservation is removed.
            "cpu_reservation": self.cpu_reservation or 0,
            "memory_reservation": self.memory_reservation or 0,
            "description": self.description or "",
            "devices": devices,
        }
        if self.config_spec is not None:
            body["config_spec"] = self.config_spec
        return body

    def create_body(self) -> JSONObject:
        return {"id": self.id, **self._body()}

    def update_body(self) -> JSONObject:
        return self._body()

    @classmethod
    def from_api(cls, data: JSONObject) -> VmClass:
        devices = lookup(data, "devices") or {}
        direct = (
            lookup(
                devices,
                "dynamic_direct_path_IO_devices",
                "dynamic_direct_path_io_devices",
                "direct_path_io_devices",
            )
            or []
        )
        return cls(
            id=str(lookup(data, "id") or ""),
            cpu_count=_int(lookup(data, "cpu_count")) or 0,
            memory_mb=_int(lookup(data, "memory_MB", "memory_mb")) or 0,
            cpu_reservation=_int(lookup(data, "cpu_reservation")),
            memory_reservation=_int(lookup(data, "memory_reservation")),
            description=lookup(data, "description"),
            vgpu_profiles=[
                str(v.get("profile_name"))
                for v in lookup(devices, "vgpu_devices") or []
                if isinstance(v, dict)
            ],
            direct_path_devices=[
                DirectPathDevice(
                    vendor_id=_int(lookup(d, "vendor_id")) or 0,
                    device_id=_int(lookup(d, "device_id")) or 0,
                    custom_label=lookup(d, "custom_label") or None,
                )
                for d in direct
                if isinstance(d, dict)
            ],
            config_spec=lookup(data, "config_spec"),
            config_status=lookup(data, "config_status") or None,
            namespaces=_strings(lookup(data, "namespaces")),
            vms=_strings(lookup(data, "vms")),
            messages=_messages(data),
        )


def create_vm_class(client: VCenterClient, vm_class: VmClass, ctx: Deadline | None = None) -> None:
    client.request(
        "POST", VM_CLASSES, json=vm_class.create_body(), doing=f"creating VM class {vm_class.id!r}", ctx=ctx
    )


def get_vm_class(client: VCenterClient, class_id: str, ctx: Deadline | None = None) -> VmClass | None:
    try:
        data = client.request(
            "GET", f"{VM_CLASSES}/{_quote(class_id)}", doing=f"reading VM class {class_id!r}", ctx=ctx
        )
    except VCenterNotFound:
        return None
    return VmClass.from_api(data) if isinstance(data, dict) else None


def list_vm_classes(client: VCenterClient, ctx: Deadline | None = None) -> list[VmClass]:
    data = client.request("GET", VM_CLASSES, doing="listing VM classes", ctx=ctx)
    return [VmClass.from_api(item) for item in data or [] if isinstance(item, dict)]


def update_vm_class(client: VCenterClient, vm_class: VmClass, ctx: Deadline | None = None) -> None:
    client.request(
        "PATCH",
        f"{VM_CLASSES}/{_quote(vm_class.id)}",
        json=vm_class.update_body(),
        doing=f"updating VM class {vm_class.id!r}",
        ctx=ctx,
    )


def delete_vm_class(client: VCenterClient, class_id: str, ctx: Deadline | None = None) -> bool:
    """False when the class was already gone."""
    try:
        client.request(
            "DELETE", f"{VM_CLASSES}/{_quote(class_id)}", doing=f"deleting VM class {class_id!r}", ctx=ctx
        )
    except VCenterNotFound:
        return False
    return True


# ---- Supervisor clusters -----------------------------------------------------------------------
@dataclass
class SupervisorCluster:
    cluster: str
    config_status: str | None
    kubernetes_status: str | None
    cluster_name: str | None = None


def list_supervisor_clusters(client: VCenterClient, ctx: Deadline | None = None) -> list[SupervisorCluster]:
    data = client.request("GET", CLUSTERS, doing="listing Supervisor clusters", ctx=ctx)
    return [
        SupervisorCluster(
            cluster=str(lookup(item, "cluster")),
            config_status=lookup(item, "config_status"),
            kubernetes_status=lookup(item, "kubernetes_status"),
            cluster_name=lookup(item, "cluster_name"),
        )
        for item in data or []
        if isinstance(item, dict)
    ]


# ---- namespaces --------------------------------------------------------------------------------
@dataclass(frozen=True)
class StorageSpec:
    policy: str
    limit_mib: int | None = None


@dataclass(frozen=True)
class AccessEntry:
    subject: str
    domain: str
    role: str
    subject_type: str = "USER"


@dataclass(frozen=True)
class ResourceLimits:
    cpu_limit_mhz: int | None = None
    memory_limit_mib: int | None = None
    storage_limit_mib: int | None = None

    WIRE = (
        ("cpu_limit_mhz", "cpu_limit"),
        ("memory_limit_mib", "memory_limit"),
        ("storage_limit_mib", "storage_request_limit"),
    )

    def create_body(self) -> dict[str, int]:
        return {wire: getattr(self, attr) for attr, wire in self.WIRE if getattr(self, attr) is not None}

    def update_body(self) -> JSONObject:
        """ResourceQuotaOptionsV1Update: a limit that is not set is removed with its `_unset` flag."""
        body: JSONObject = {}
        for attr, wire in self.WIRE:
            value = getattr(self, attr)
            if value is None:
                body[f"{wire}_unset"] = True
            else:
                body[wire] = value
        return body

    @classmethod
    def from_api(cls, data: JSONObject) -> ResourceLimits:
        return cls(*(_int(lookup(data, wire)) for _, wire in cls.WIRE))


@dataclass
class NamespaceSpec:
    """The desired namespace; None leaves a field out of the request (unmanaged on create, unchanged on update)."""

    name: str
    cluster: str
    description: str | None = None
    vm_classes: list[str] | None = None
    content_libraries: list[str] | None = None
    writable_content_libraries: bool | None = None
    storage_specs: list[StorageSpec] | None = None
    access_list: list[AccessEntry] | None = None
    limits: ResourceLimits | None = None

    def _common(self) -> JSONObject:
        body: JSONObject = {}
        if self.description is not None:
            body["description"] = self.description
        vm_service: JSONObject = {}
        if self.vm_classes is not None:
            vm_service["vm_classes"] = list(self.vm_classes)
        if self.content_libraries is not None:
            vm_service["content_libraries"] = list(self.content_libraries)
        if vm_service:
            body["vm_service_spec"] = vm_service
        if self.storage_specs is not None:
            body["storage_specs"] = [
                {"policy": s.policy, **({"limit": s.limit_mib} if s.limit_mib is not None else {})}
                for s in self.storage_specs
            ]
        if self.access_list is not None:
            body["access_list"] = [
                {"subject_type": a.subject_type, "subject": a.subject, "domain": a.domain, "role": a.role}
                for a in self.access_list
            ]
        # The Image Service list (vSphere 8.0 U2+) is only sent when asked for, so older vCenters accept the spec.
        if self.writable_content_libraries is not None and self.content_libraries is not None:
            body["content_libraries"] = [
                {"content_library": library, "writable": self.writable_content_libraries}
                for library in self.content_libraries
            ]
        return body

    def create_body(self) -> JSONObject:
        body = {"cluster": self.cluster, "namespace": self.name, **self._common()}
        if self.limits is not None:
            body["resource_spec"] = self.limits.create_body()
        return body

    def update_body(self, had_limits: bool) -> JSONObject:
        body = self._common()
        if self.limits is not None or had_limits:
            body["resource_spec"] = (self.limits or ResourceLimits()).update_body()
        return body


@dataclass
class NamespaceInfo:
    """What the server reports; list fields are None when the server does not report them at all."""

    name: str
    cluster: str
    config_status: str | None
    description: str | None
    messages: list[str]
    vm_classes: list[str]
    content_libraries: list[str]
    storage_specs: list[StorageSpec] | None
    access_list: list[AccessEntry] | None
    limits: ResourceLimits | None
    writable_libraries: dict[str, bool] | None

    @classmethod
    def from_api(cls, name: str, data: JSONObject) -> NamespaceInfo:
        vm_service = lookup(data, "vm_service_spec") or {}
        storage = lookup(data, "storage_specs")
        access = lookup(data, "access_list")
        resource = lookup(data, "resource_spec")
        libraries = lookup(data, "content_libraries")
        return cls(
            name=name,
            cluster=str(lookup(data, "cluster", "supervisor") or ""),
            config_status=lookup(data, "config_status"),
            description=lookup(data, "description"),
            messages=_messages(data),
            vm_classes=_strings(lookup(vm_service, "vm_classes")),
            content_libraries=_strings(lookup(vm_service, "content_libraries")),
            storage_specs=[
                StorageSpec(str(lookup(s, "policy")), _int(lookup(s, "limit")))
                for s in storage
                if isinstance(s, dict)
            ]
            if has_field(data, "storage_specs") and isinstance(storage, list)
            else None,
            access_list=[
                AccessEntry(
                    subject=str(lookup(a, "subject")),
                    domain=str(lookup(a, "domain")),
                    role=str(lookup(a, "role")),
                    subject_type=str(lookup(a, "subject_type") or "USER"),
                )
                for a in access
                if isinstance(a, dict)
            ]
            if has_field(data, "access_list") and isinstance(access, list)
            else None,
            limits=ResourceLimits.from_api(resource) if isinstance(resource, dict) else None,
            writable_libraries={
                str(lookup(lib, "content_library")): bool(lookup(lib, "writable"))
                for lib in libraries
                if isinstance(lib, dict)
            }
            if isinstance(libraries, list)
            else None,
        )


def create_namespace(client: VCenterClient, spec: NamespaceSpec, ctx: Deadline | None = None) -> None:
    client.request(
        "POST", NAMESPACES, json=spec.create_body(), doing=f"creating namespace {spec.name!r}", ctx=ctx
    )


def get_namespace(client: VCenterClient, name: str, ctx: Deadline | None = None) -> NamespaceInfo | None:
    try:
        data = client.request(
            "GET", f"{NAMESPACES}/{_quote(name)}", doing=f"reading namespace {name!r}", ctx=ctx
        )
    except VCenterNotFound:
        return None
    return NamespaceInfo.from_api(name, data) if isinstance(data, dict) else None


def list_namespaces(client: VCenterClient, ctx: Deadline | None = None) -> list[str]:
    data = client.request("GET", NAMESPACES, doing="listing namespaces", ctx=ctx)
    return [str(lookup(item, "namespace")) for item in data or [] if isinstance(item, dict)]


def update_namespace(
    client: VCenterClient, spec: NamespaceSpec, had_limits: bool, ctx: Deadline | None = None
) -> None:
    # PATCH: fields left out stay as they are; the spec always carries the full desired assignments.
    client.request(
        "PATCH",
        f"{NAMESPACES}/{_quote(spec.name)}",
        json=spec.update_body(had_limits),
        doing=f"updating namespace {spec.name!r}",
        ctx=ctx,
    )


def delete_namespace(client: VCenterClient, name: str, ctx: Deadline | None = None) -> bool:
    try:
        client.request(
            "DELETE", f"{NAMESPACES}/{_quote(name)}", doing=f"deleting namespace {name!r}", ctx=ctx
        )
    except VCenterNotFound:
        return False
    return True
