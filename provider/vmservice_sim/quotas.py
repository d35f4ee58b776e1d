"""A vSphere Namespace's limits, as a Supervisor turns them into what enforces them.

- Storage policies (`storage_specs`): each policy assigned to the namespace has a StorageClass (named after
  the policy as a Supervisor names it: lower case, anything but letters, digits, `.` and `-` as `-`; an
  existing StorageClass of that policy ID is kept), and the namespace's ResourceQuota `<ns>-storagequota`
  holds `<class>.storageclass.storage.k8s.io/requests.storage` with the policy's limit (without one: the
  largest quantity, as WCP writes it). A storage class without such an entry is not the namespace's: VM
  Operator's webhook refuses it, and kube-apiserver's ResourceQuota admission refuses claims beyond a limit
  ("exceeded quota: ..."), as on a Supervisor.
- The storage limit of `resource_spec` (`storage_request_limit`, MiB) is the quota's `requests.storage`.
- The CPU (MHz) and memory (MiB) limits of `resource_spec` are the namespace's resource pool limits in
  vCenter, which vSphere's admission control enforces when a VM powers on (`admission_failure`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vmservice_sim.kube import RESOURCE_QUOTA, STORAGE_CLASS, Kube, Obj
from vmservice_sim.objects import parse_quantity

if TYPE_CHECKING:
    from vmservice_sim.vcenter import VCenter

UNLIMITED = "9223372036854775807"
STORAGE_SUFFIX = ".storageclass.storage.k8s.io/requests.storage"
SYNC_LABEL = "vmservice-sim.vmware.com/from-vcenter"


def storage_class_name(policy_name: str) -> str:
    return re.sub(r"[^a-z0-9.-]+", "-", policy_name.lower()).strip("-.") or "storage-policy"


def quota_name(namespace: str) -> str:
    return f"{namespace}-storagequota"


def storage_quota(namespace: str, classes: dict[str, int | None], total_mib: int | None) -> Obj:
    """The namespace's storage ResourceQuota: per storage class its limit (MiB) or unlimited."""
    hard = {
        f"{name}{STORAGE_SUFFIX}": f"{limit}Mi" if limit is not None else UNLIMITED
        for name, limit in sorted(classes.items())
    }
    if total_mib is not None:
        hard["requests.storage"] = f"{total_mib}Mi"
    return {
        "metadata": {"name": quota_name(namespace), "namespace": namespace, "labels": {SYNC_LABEL: "true"}},
        "spec": {"hard": hard},
    }


def _limit(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def storage_classes(kube: Kube, vcenter: VCenter, specs: list[Any]) -> dict[str, int | None]:
    """Storage class name -> limit (MiB) for the namespace's storage policies, making missing classes."""
    existing = {
        str((sc.get("parameters") or {}).get("storagePolicyID") or ""): sc["metadata"]["name"]
        for sc in kube.list(STORAGE_CLASS)[0]
    }
    names = None
    classes: dict[str, int | None] = {}
    for spec in specs:
        if not isinstance(spec, dict) or not spec.get("policy"):
            continue
        policy = str(spec["policy"])
        name = existing.get(policy)
        if name is None:
            names = names if names is not None else vcenter.storage_policy_names()
            name = storage_class_name(names.get(policy, policy))
            kube.create_or_get(
                STORAGE_CLASS,
                {
                    "metadata": {"name": name},
                    "provisioner": "csi.vsphere.vmware.com",
                    "parameters": {"storagePolicyID": policy},
                    "allowVolumeExpansion": True,
                    "reclaimPolicy": "Delete",
                    "volumeBindingMode": "Immediate",
                },
            )
            existing[policy] = name
        classes[name] = _limit(spec.get("limit"))
    return classes


def sync(kube: Kube, vcenter: VCenter, namespace: str, info: dict[str, Any]) -> None:
    """The namespace's quota objects and resource pool limits from its vCenter spec."""
    found = info.get("resource_spec")
    resource: dict[str, Any] = found if isinstance(found, dict) else {}
    classes = storage_classes(kube, vcenter, list(info.get("storage_specs") or []))
    wanted = storage_quota(namespace, classes, _limit(resource.get("storage_request_limit")))
    live = kube.get(RESOURCE_QUOTA, namespace, quota_name(namespace))
    if live is None or ((live.get("spec") or {}).get("hard") or {}) != wanted["spec"]["hard"]:
        kube.apply(RESOURCE_QUOTA, wanted)
    vcenter.set_pool_limits(
        namespace, _limit(resource.get("cpu_limit")), _limit(resource.get("memory_limit"))
    )


@dataclass(frozen=True)
class Reservation:
    cpu_mhz: int
    memory_mib: int


def class_reservation(vm_class: Obj, mhz_per_cpu: int) -> Reservation:
    """A VM class's reservations (`spec.policies.resources.requests`), in vSphere's units."""
    requests = (((vm_class.get("spec") or {}).get("policies") or {}).get("resources") or {}).get(
        "requests"
    ) or {}
    try:
        cpu = int(parse_quantity(requests.get("cpu") or 0) * mhz_per_cpu)
        memory = int(parse_quantity(requests.get("memory") or 0) / (1 << 20))
    except ValueError:
        return Reservation(0, 0)
    return Reservation(cpu, memory)


def admission_failure(
    wanted: Reservation, others: list[Reservation], cpu_limit: int | None, memory_limit: int | None
) -> str | None:
    """Why vSphere's admission control refuses to power the VM on in a pool with these limits, or None.
    The reservations of the VMs already powered on in the pool count against the limits."""
    for what, fault, requested, used, limit in (
        ("CPU", "InsufficientCpuResourcesFault", wanted.cpu_mhz, sum(o.cpu_mhz for o in others), cpu_limit),
        (
            "memory",
            "InsufficientMemoryResourcesFault",
            wanted.memory_mib,
            sum(o.memory_mib for o in others),
            memory_limit,
        ),
    ):
        if limit is not None and requested and used + requested > limit:
            unit = "MHz" if what == "CPU" else "MB"
            return (
                f"{fault}: insufficient {what} resources in the namespace's resource pool to power on the "
                f"virtual machine: {requested} {unit} requested, {max(limit - used, 0)} {unit} unreserved"
            )
    return None
