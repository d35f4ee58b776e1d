"""VirtualMachineSetResourcePolicy: VM Operator's controller, which makes a child resource pool and VM folder in the namespace's pool and folder and one cluster
module per group (vcsim's /rest/vcenter/cluster/modules), reported in status. Deletion waits until no VM
references the policy, then removes what was created."""

from __future__ import annotations

import contextlib
import copy
from decimal import Decimal

from vmservice_sim.kube import Obj
from vmservice_sim.objects import parse_quantity
from vmservice_sim.registry import KindReconciler, register

SET_RESOURCE_POLICY = register("VirtualMachineSetResourcePolicy", "virtualmachinesetresourcepolicies")

# ========================================================================== controller


def _mhz(value: object) -> int:
    try:
        return int(parse_quantity(value) * 1000)  # 1 vCPU counted as 1000 MHz
    except (ValueError, ArithmeticError):
        return 0


def _mb(value: object) -> int:
    try:
        return int(parse_quantity(value) / Decimal(2**20))
    except (ValueError, ArithmeticError):
        return 0


@SET_RESOURCE_POLICY.reconcile()
class ResourcePolicyReconciler(KindReconciler):
    def __call__(self, namespace: str, name: str) -> float | None:
        kube = self.ctx.kube
        policy = kube.get(self.kind, namespace, name)
        if policy is None:
            return None
        meta = policy["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        if meta.get("deletionTimestamp"):
            if self.finalizer not in finalizers:
                return None
            if self._referenced(namespace, name):
                return 3.0
            self._teardown(policy)
            kube.remove_finalizer(self.kind, policy, self.finalizer)
            return None
        if kube.add_finalizer(self.kind, policy, self.finalizer):
            return 0.0

        spec = policy.get("spec") or {}
        vcenter = self.ctx.vcenter
        status = copy.deepcopy(policy.get("status") or {})
        pool_spec = spec.get("resourcePool") or {}
        if pool_spec.get("name"):
            parent = vcenter.namespace_pool(namespace)
            reservations, limits = pool_spec.get("reservations") or {}, pool_spec.get("limits") or {}
            pool = vcenter.child_pool(
                parent,
                str(pool_spec["name"]),
                (_mhz(reservations.get("cpu")), _mhz(limits.get("cpu")) or -1),
                (_mb(reservations.get("memory")), _mb(limits.get("memory")) or -1),
            )
            if self.ctx.release.storage_version != "v1alpha2":  # resourcePools arrived after 8.0 U3
                status["resourcePools"] = [
                    {
                        "name": pool_spec["name"],
                        "childResourcePoolMoID": str(pool._moId),
                        "clusterMoID": str(vcenter.cluster._moId),
                    }
                ]
        if spec.get("folder"):
            vcenter.child_folder(vcenter.namespace_folder(namespace), str(spec["folder"]))
        known = {m.get("groupName"): m for m in status.get("clustermodules") or []}
        modules = []
        for group in spec.get("clusterModuleGroups") or []:
            module = known.get(group) or {
                "groupName": group,
                "moduleUUID": vcenter.create_cluster_module(),
                "clusterMoID": str(vcenter.cluster._moId),
            }
            modules.append(module)
        if modules:
            status["clustermodules"] = modules
        if status != (policy.get("status") or {}):
            kube.replace_status(self.kind, namespace, name, status)
        return None

    def _referenced(self, namespace: str, name: str) -> bool:
        vms, _ = self.ctx.kube.list(self.ctx.kinds.vm, namespace)
        return any(
            ((vm.get("spec") or {}).get("reserved") or {}).get("resourcePolicyName") == name for vm in vms
        )

    def _teardown(self, policy: Obj) -> None:
        vcenter = self.ctx.vcenter
        namespace = policy["metadata"]["namespace"]
        spec = policy.get("spec") or {}
        for module in (policy.get("status") or {}).get("clustermodules") or []:
            with contextlib.suppress(Exception):  # already gone
                vcenter.delete_cluster_module(str(module.get("moduleUUID")))
        pool_name = (spec.get("resourcePool") or {}).get("name")
        parent = vcenter.namespace_pool(namespace, create=False)
        if pool_name and parent is not None:
            pool = vcenter.child(parent, "resourcePool", str(pool_name))
            if pool is not None:
                with contextlib.suppress(Exception):  # still holds VMs: leave it
                    vcenter.destroy(pool)
        folder_parent = vcenter.namespace_folder(namespace, create=False)
        if spec.get("folder") and folder_parent is not None:
            folder = vcenter.child(folder_parent, "childEntity", str(spec["folder"]))
            if folder is not None:
                with contextlib.suppress(Exception):
                    vcenter.destroy(folder)
