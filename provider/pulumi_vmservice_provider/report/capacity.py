"""Per namespace: the change in vCPU, memory and reserved capacity the preview's VMs bring, from the classes'
real sizes and reservations; and the classes, images and storage classes a namespace does not offer."""

from __future__ import annotations

from dataclasses import dataclass, field

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.report.inventory import Inventory, NamespaceInventory
from pulumi_vmservice_provider.report.preview import Step

VM = "vmservice:index:VirtualMachine"


@dataclass
class Delta:
    cpus: float = 0
    memory_mib: float = 0
    reserved_cpus: float = 0
    reserved_memory_mib: float = 0
    unknown_classes: set[str] = field(default_factory=set)

    @property
    def zero(self) -> bool:
        return not (self.cpus or self.memory_mib or self.reserved_cpus or self.reserved_memory_mib)


def _vm(inputs: JSONObject) -> tuple[str, str] | None:
    """(namespace, class) of a VM's inputs."""
    namespace = (inputs.get("metadata") or {}).get("namespace")
    class_name = (inputs.get("spec") or {}).get("className")
    if isinstance(namespace, str) and isinstance(class_name, str):
        return namespace, class_name
    return None


def capacity_deltas(steps: list[Step], inventory: Inventory) -> dict[str, Delta]:
    deltas: dict[str, Delta] = {}
    for step in steps:
        if step.type != VM or step.op not in ("create", "update", "replace", "delete"):
            continue
        sides = []
        if step.op != "create":
            sides.append((step.old, -1))
        if step.op != "delete":
            sides.append((step.new, 1))
        for inputs, sign in sides:
            found = _vm(inputs)
            if found is None:
                continue
            namespace, class_name = found
            delta = deltas.setdefault(namespace, Delta())
            vm_class = inventory.get(namespace, None)
            known = vm_class.classes.get(class_name) if vm_class else None
            if known is None:
                delta.unknown_classes.add(class_name)
                continue
            delta.cpus += sign * known.cpus
            delta.memory_mib += sign * known.memory_mib
            delta.reserved_cpus += sign * known.reserved_cpus
            delta.reserved_memory_mib += sign * known.reserved_memory_mib
    return deltas


@dataclass(frozen=True)
class MissingReference:
    namespace: str
    urn: str
    what: str  # "class", "image", "storage class"
    name: str


def _offers(offered: NamespaceInventory, kind: str, name: str) -> bool:
    if kind == "VirtualMachineClass":
        return name in offered.classes
    if kind == "VirtualMachineImage":
        return offered.image(name) is not None
    return name in offered.storage_classes


def missing_references(steps: list[Step], inventory: Inventory) -> list[MissingReference]:
    """References of created or changed VMs to things their namespace does not have."""
    missing: list[MissingReference] = []
    for step in steps:
        if step.type != VM or step.op not in ("create", "update", "replace"):
            continue
        namespace = (step.new.get("metadata") or {}).get("namespace")
        offered = inventory.get(namespace) if isinstance(namespace, str) else None
        if offered is None:
            continue
        spec = step.new.get("spec") or {}
        names = {
            "VirtualMachineClass": ("class", spec.get("className")),
            "VirtualMachineImage": ("image", spec.get("imageName")),
            "ResourceQuota": ("storage class", spec.get("storageClass")),
        }
        for kind, (what, name) in names.items():
            if kind in offered.seen and isinstance(name, str) and name and not _offers(offered, kind, name):
                missing.append(MissingReference(str(namespace), step.urn, what, name))
    return missing
