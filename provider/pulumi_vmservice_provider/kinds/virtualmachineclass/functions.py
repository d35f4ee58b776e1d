"""getVirtualMachineClass: a class assigned to a namespace, with its size in plain numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.lookups import (
    VIRTUAL_MACHINE_CLASSES,
    get_object,
    namespace_of,
)
from pulumi_vmservice_provider.resources.registry import implements

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.state import ProviderState
from pulumi_vmservice_provider.kinds.virtualmachineclass.declaration import GET_VIRTUAL_MACHINE_CLASS


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
    ctx, args = request.ctx, request.args.value
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
