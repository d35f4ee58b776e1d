"""What a namespace offers: VM classes (with their real reservations), images and storage classes.

Read from Kubernetes objects (a `kubectl get virtualmachineclasses,virtualmachineimages,resourcequotas -o json`
list, or the Supervisor itself through the provider's client). Shared by the report and the policy pack.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vmservice_api.objects import JSONObject

STORAGE_QUOTA = ".storageclass.storage.k8s.io/"
_QUANTITY = re.compile(r"^([0-9.]+)([a-zA-Z]*)$")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50}
_DECIMAL = {"m": 1e-3, "": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15}


def quantity(value: Any) -> float | None:
    """A Kubernetes quantity (`4Gi`, `2000m`, `2`) as a number, or None when it is not one."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = _QUANTITY.match(str(value).strip()) if value is not None else None
    if not match:
        return None
    number, suffix = float(match.group(1)), match.group(2)
    factor = _BINARY.get(suffix) or _DECIMAL.get(suffix)
    return None if factor is None else number * factor


@dataclass(frozen=True)
class VMClass:
    name: str
    cpus: int
    memory_mib: int
    reserved_cpus: float  # vCPUs' worth of CPU reserved (spec.policies.resources.requests.cpu)
    reserved_memory_mib: int

    @property
    def fully_reserved(self) -> bool:
        """Guaranteed: all CPU and all memory reserved (what "guaranteed" means, whatever the name says)."""
        return (
            self.cpus > 0
            and self.reserved_cpus >= self.cpus - 1e-9
            and self.reserved_memory_mib >= self.memory_mib > 0
        )

    @property
    def reservation(self) -> str:
        cpu = round(100 * self.reserved_cpus / self.cpus) if self.cpus else 0
        memory = round(100 * self.reserved_memory_mib / self.memory_mib) if self.memory_mib else 0
        return f"CPU {cpu} %, memory {memory} %"


@dataclass(frozen=True)
class Image:
    name: str  # the vmi-… object name
    display_name: str | None
    os_type: str | None

    def matches(self, ref: str) -> bool:
        return ref in (self.name, self.display_name)


@dataclass
class NamespaceInventory:
    classes: dict[str, VMClass] = field(default_factory=dict)
    images: list[Image] = field(default_factory=list)
    storage_classes: set[str] = field(default_factory=set)
    seen: set[str] = field(
        default_factory=set
    )  # the kinds read for the namespace (others: unknown, not empty)

    def image(self, ref: str) -> Image | None:
        found = [i for i in self.images if i.matches(ref)]
        return found[0] if len(found) == 1 else None


Inventory = dict[str, NamespaceInventory]


def vm_class(obj: JSONObject) -> VMClass:
    spec = obj.get("spec") or {}
    hardware = spec.get("hardware") or {}
    requests = ((spec.get("policies") or {}).get("resources") or {}).get("requests") or {}
    return VMClass(
        name=str(obj["metadata"]["name"]),
        cpus=int(quantity(hardware.get("cpus")) or 0),
        memory_mib=int((quantity(hardware.get("memory")) or 0) / 2**20),
        reserved_cpus=quantity(requests.get("cpu")) or 0.0,
        reserved_memory_mib=int((quantity(requests.get("memory")) or 0) / 2**20),
    )


def image(obj: JSONObject) -> Image:
    status = obj.get("status") or {}
    os_info = status.get("osInfo") or {}
    os_type = (
        os_info.get("type") or os_info.get("id") or (obj.get("spec") or {}).get("osInfo", {}).get("type")
    )
    return Image(str(obj["metadata"]["name"]), status.get("name"), str(os_type) if os_type else None)


def from_objects(items: list[JSONObject], namespaces: tuple[str, ...] = ()) -> Inventory:
    """An inventory from Kubernetes objects of the kinds above (namespaces from their metadata; `namespaces`
    are present even when empty)."""
    inventory: Inventory = {namespace: NamespaceInventory() for namespace in namespaces}
    cluster_images: list[Image] = []
    for item in items:
        kind, namespace = item.get("kind"), (item.get("metadata") or {}).get("namespace")
        if kind == "ClusterVirtualMachineImage":
            cluster_images.append(image(item))
            continue
        if not namespace:
            continue
        entry = inventory.setdefault(str(namespace), NamespaceInventory())
        entry.seen.add(str(kind))
        if kind == "VirtualMachineClass":
            found = vm_class(item)
            entry.classes[found.name] = found
        elif kind == "VirtualMachineImage":
            entry.images.append(image(item))
        elif kind == "ResourceQuota":
            hard = (item.get("spec") or {}).get("hard") or {}
            entry.storage_classes |= {k.split(STORAGE_QUOTA)[0] for k in hard if STORAGE_QUOTA in k}
    for entry in inventory.values():
        entry.images.extend(cluster_images)
    return inventory


def load_file(path: Path) -> Inventory:
    """A `kubectl ... -o json` List (or a plain JSON array of objects)."""
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not JSON ({error.msg})") from None
    items = data.get("items", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a Kubernetes List or a JSON array of objects")
    return from_objects([i for i in items if isinstance(i, dict)])


def fetch(namespaces: list[str], kubeconfig: str | None, context: str | None = None) -> Inventory:
    """The namespaces' classes, images and storage-class quotas, read from the Supervisor."""
    from pulumi_vmservice_provider.clients.supervisor import RESOURCE_QUOTA, SupervisorClient
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.model.types import VMOPERATOR_GROUP, VMOPERATOR_VERSIONS, KindRef
    from pulumi_vmservice_provider.settings import resolve

    def kind(name: str, plural: str, namespaced: bool = True) -> KindRef:
        return KindRef(name, plural, VMOPERATOR_GROUP, VMOPERATOR_VERSIONS, namespaced)

    client = SupervisorClient(resolve({"kubeconfig": kubeconfig, "context": context}))
    ctx = OperationContext("", threading.Event(), 60, lambda *_: None)
    items = [
        {**i, "kind": "ClusterVirtualMachineImage"}
        for i in client.list(ctx, kind("ClusterVirtualMachineImage", "clustervirtualmachineimages", False))
    ]
    for namespace in namespaces:
        for ref in (
            kind("VirtualMachineClass", "virtualmachineclasses"),
            kind("VirtualMachineImage", "virtualmachineimages"),
            RESOURCE_QUOTA,
        ):
            items += [
                {**i, "kind": ref.kind, "metadata": {**i.get("metadata", {}), "namespace": namespace}}
                for i in client.list(ctx, ref, namespace)
            ]
    inventory = from_objects(items, tuple(namespaces))
    for entry in inventory.values():
        entry.seen |= {"VirtualMachineClass", "VirtualMachineImage", "ResourceQuota"}
    return inventory
