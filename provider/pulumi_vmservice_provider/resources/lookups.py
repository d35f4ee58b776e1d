"""Read-only lookups: images, classes and VMs (the admin- and controller-managed kinds are data sources)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from pulumi_vmservice_provider.clients.supervisor import KindRef
from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.model.lookups import (
    GET_VIRTUAL_MACHINE,
    GET_VIRTUAL_MACHINE_CLASS,
    GET_VIRTUAL_MACHINE_IMAGE,
)
from pulumi_vmservice_provider.model.types import VMOPERATOR_GROUP as GROUP
from pulumi_vmservice_provider.model.types import VMOPERATOR_VERSIONS
from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.kubeobject import LIVE_METADATA_KEYS
from pulumi_vmservice_provider.resources.registry import implements

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.resources.state import ProviderState


def vm_operator_kind(kind: str, plural: str, namespaced: bool = True) -> KindRef:
    return KindRef(kind, plural, GROUP, VMOPERATOR_VERSIONS, namespaced)


VIRTUAL_MACHINES = vm_operator_kind("VirtualMachine", "virtualmachines")
VIRTUAL_MACHINE_CLASSES = vm_operator_kind("VirtualMachineClass", "virtualmachineclasses")
VIRTUAL_MACHINE_IMAGES = vm_operator_kind("VirtualMachineImage", "virtualmachineimages")
CLUSTER_VIRTUAL_MACHINE_IMAGES = vm_operator_kind(
    "ClusterVirtualMachineImage", "clustervirtualmachineimages", namespaced=False
)
WEB_CONSOLE_REQUESTS = vm_operator_kind("VirtualMachineWebConsoleRequest", "virtualmachinewebconsolerequests")


def namespace_of(state: ProviderState, args: dict[str, Any]) -> str:
    namespace = args.get("namespace") or state.settings.namespace
    if not namespace:
        raise InvalidInputs([("namespace", "missing: pass namespace or set the provider's `namespace`")])
    return str(namespace)


def standalone_context(timeout: float = 60, cancelled: threading.Event | None = None) -> OperationContext:
    """For waits with their own timeout and for callers outside an engine operation (`vmservice console`)."""
    from pulumi_vmservice_provider.context import OperationContext

    return OperationContext("", cancelled or threading.Event(), timeout, lambda *_: None)


def _list(
    state: ProviderState, kind: KindRef, namespace: str | None, ctx: OperationContext | None = None
) -> list[dict[str, Any]]:
    return state.kube.list(ctx or standalone_context(), kind, namespace)


def get_object(
    state: ProviderState, kind: KindRef, namespace: str, name: str, ctx: OperationContext | None = None
) -> dict[str, Any]:
    """The object, or an input error naming the ones there are."""
    ctx = ctx or standalone_context()
    found = state.kube.get(ctx, kind, namespace, name)
    if found is None:
        names = sorted(i["metadata"]["name"] for i in _list(state, kind, namespace, ctx))
        raise InvalidInputs(
            [
                (
                    "name",
                    f"no {kind.kind} named {name!r} in namespace {namespace}; available: {', '.join(names) or 'none'}",
                )
            ]
        )
    return found


IMAGE_QUERY_KEYS = ("displayName", "name", "osType", "osVersion")


def _query(args: dict[str, Any]) -> str:
    return " and ".join(f"{k}={args[k]!r}" for k in IMAGE_QUERY_KEYS if args.get(k))


def _image_summary(image: dict[str, Any]) -> str:
    status = image.get("status") or {}
    return f"{image['metadata']['name']} ({status.get('name') or 'no display name'}, {image.get('kind')})"


@implements(GET_VIRTUAL_MACHINE_IMAGE)
def get_virtual_machine_image(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    ctx, args = request.ctx, request.args
    namespace = namespace_of(state, args)
    if not any(args.get(k) for k in IMAGE_QUERY_KEYS):
        raise InvalidInputs(
            [("displayName", "pass displayName, name, osType or osVersion to select an image")]
        )
    # Failures name the property the query used, so the user knows which argument to change.
    queried = next(k for k in IMAGE_QUERY_KEYS if args.get(k))
    images = [
        {**i, "kind": "VirtualMachineImage"} for i in _list(state, VIRTUAL_MACHINE_IMAGES, namespace, ctx)
    ]
    images += [
        {**i, "kind": "ClusterVirtualMachineImage"}
        for i in _list(state, CLUSTER_VIRTUAL_MACHINE_IMAGES, None, ctx)
    ]

    def matches(image: dict[str, Any]) -> bool:
        status = image.get("status") or {}
        labels = image["metadata"].get("labels") or {}
        os_info = status.get("osInfo") or {}
        if args.get("name") and image["metadata"]["name"] != args["name"]:
            return False
        if args.get("displayName") and status.get("name") != args["displayName"]:
            return False
        os_type = labels.get("os.image.vmoperator.vmware.com/type") or os_info.get("type") or ""
        os_version = labels.get("os.image.vmoperator.vmware.com/version") or os_info.get("version") or ""
        if args.get("osType") and str(args["osType"]).lower() not in str(os_type).lower():
            return False
        return not (args.get("osVersion") and str(args["osVersion"]) != str(os_version))

    found = [i for i in images if matches(i)]
    # A namespace image wins over a cluster image of the same display name, as the webhook resolves them.
    if len(found) > 1 and len({i["kind"] for i in found}) > 1:
        found = [i for i in found if i["kind"] == "VirtualMachineImage"] or found
    if not found:
        candidates = ", ".join(sorted(_image_summary(i) for i in images)) or "none"
        raise InvalidInputs(
            [(queried, f"no image matches {_query(args)} in namespace {namespace}; candidates: {candidates}")]
        )
    if len(found) > 1:
        candidates = ", ".join(sorted(_image_summary(i) for i in found))
        raise InvalidInputs(
            [
                (
                    queried,
                    f"{len(found)} images match {_query(args)}; narrow the query to one of: {candidates}",
                )
            ]
        )
    image = found[0]
    status = image.get("status") or {}
    conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
    return {
        "imageName": image["metadata"]["name"],
        "kind": image["kind"],
        "displayName": status.get("name"),
        "osInfo": status.get("osInfo"),
        "firmware": status.get("firmware"),
        "hardwareVersion": status.get("hardwareVersion"),
        "ready": conditions.get("Ready") == "True",
        "status": status,
    }


def _memory_mb(quantity: Any) -> int | None:
    if quantity is None:
        return None
    text = str(quantity)
    units = {
        "Ki": 1 / 1024,
        "Mi": 1,
        "Gi": 1024,
        "Ti": 1024 * 1024,
        "K": 1000 / 1024**2,
        "M": 1000**2 / 1024**2,
        "G": 1000**3 / 1024**2,
    }
    for suffix, factor in sorted(units.items(), key=lambda item: -len(item[0])):
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * factor)
    return int(int(text) / 1024**2)


@implements(GET_VIRTUAL_MACHINE_CLASS)
def get_virtual_machine_class(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    ctx, args = request.ctx, request.args
    namespace = namespace_of(state, args)
    vm_class = get_object(state, VIRTUAL_MACHINE_CLASSES, namespace, str(args["name"]), ctx)
    spec = vm_class.get("spec") or {}
    hardware = spec.get("hardware") or {}
    requests = ((spec.get("policies") or {}).get("resources") or {}).get("requests") or {}
    return {
        "name": vm_class["metadata"]["name"],
        "cpus": hardware.get("cpus"),
        "memory": hardware.get("memory"),
        "memoryMb": _memory_mb(hardware.get("memory")),
        "reserved": bool(requests.get("cpu") or requests.get("memory")),
        "spec": spec,
        "status": vm_class.get("status") or {},
    }


@implements(GET_VIRTUAL_MACHINE)
def get_virtual_machine(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    ctx, args = request.ctx, request.args
    namespace = namespace_of(state, args)
    vm = get_object(state, VIRTUAL_MACHINES, namespace, str(args["name"]), ctx)
    status = vm.get("status") or {}
    network = status.get("network") or {}
    meta = vm.get("metadata") or {}
    return {
        "metadata": {k: meta[k] for k in LIVE_METADATA_KEYS if k in meta},
        "spec": vm.get("spec"),
        "status": {
            **status,
            "conditions": status.get("conditions") or [],
            "primaryIP4": network.get("primaryIP4"),
            "primaryIP6": network.get("primaryIP6"),
            "raw": status,
        },
    }
