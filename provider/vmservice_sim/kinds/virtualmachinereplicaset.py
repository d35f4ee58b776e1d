"""VirtualMachineReplicaSet (VCF 9.1 only): a controller that keeps
`spec.replicas` VirtualMachines made from `spec.template`, each owned by the replica set (a controller owner
reference, so the garbage collector deletes them with it), and reports replicas and readyReplicas."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from vmservice_sim.controller import Mapper
from vmservice_sim.kube import Kind, Obj
from vmservice_sim.objects import conditions, spec_of
from vmservice_sim.registry import KindReconciler, register

REPLICA_SET_KIND = register("VirtualMachineReplicaSet", "virtualmachinereplicasets", releases=("9.1",))


def selector_string(selector: Obj) -> str:
    """metav1.LabelSelector as labels.Selector.String() prints it (matchLabels; expressions as `key op`)."""
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expression in selector.get("matchExpressions") or []:
        values = ",".join(sorted(expression.get("values") or []))
        operator = {"In": " in ", "NotIn": " notin "}.get(expression.get("operator") or "", "")
        key = expression.get("key") or ""
        if operator:
            parts.append(f"{key}{operator}({values})")
        else:
            parts.append(key if expression.get("operator") == "Exists" else f"!{key}")
    return ",".join(sorted(parts))


def matches(selector: Obj, labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = (
            expression.get("key"),
            expression.get("operator"),
            expression.get("values") or [],
        )
        present = key in labels
        if (
            (operator == "In" and labels.get(key) not in values)
            or (operator == "NotIn" and present and labels.get(key) in values)
            or (operator == "Exists" and not present)
            or (operator == "DoesNotExist" and present)
        ):
            return False
    return True


# ========================================================================== controller


def owned_by(vm: Obj, uid: str) -> bool:
    return any(ref.get("uid") == uid for ref in vm["metadata"].get("ownerReferences") or [])


def is_ready(vm: Obj) -> bool:
    """Ready as VM Operator's replica set counts it: the VM's Ready condition, or powered on without a probe."""
    ready = conditions(vm).get("Ready", {}).get("status")
    if ready is not None:
        return bool(ready == "True")
    return (vm.get("status") or {}).get("powerState") == "PoweredOn"


def replica(rs: Obj, api_version: str) -> Obj:
    """A new VM of the replica set, from its template, owned by it."""
    meta, template = rs["metadata"], spec_of(rs).get("template") or {}
    template_meta = template.get("metadata") or {}
    return {
        "metadata": {
            "name": f"{meta['name']}-{secrets.token_hex(3)}",
            "namespace": meta["namespace"],
            "labels": dict(template_meta.get("labels") or {}),
            "annotations": dict(template_meta.get("annotations") or {}),
            "ownerReferences": [
                {
                    "apiVersion": api_version,
                    "kind": "VirtualMachineReplicaSet",
                    "name": meta["name"],
                    "uid": meta["uid"],
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": dict(template.get("spec") or {}),
    }


@REPLICA_SET_KIND.reconcile()
class VirtualMachineReplicaSetReconciler(KindReconciler):
    def also_watch(self) -> list[tuple[Kind, Mapper]]:
        return [(self.ctx.kinds.vm, self.keys_for_vm)]

    def keys_for_vm(self, vm: Obj) -> Iterable[tuple[str, str]]:
        namespace = vm["metadata"].get("namespace") or ""
        return [
            (namespace, str(ref.get("name")))
            for ref in vm["metadata"].get("ownerReferences") or []
            if ref.get("kind") == "VirtualMachineReplicaSet"
        ]

    def __call__(self, namespace: str, name: str) -> float | None:
        kube, vm_kind = self.ctx.kube, self.ctx.kinds.vm
        rs = kube.get(self.kind, namespace, name)
        if rs is None or rs["metadata"].get("deletionTimestamp"):
            return None  # the garbage collector deletes the VMs it owns
        uid = rs["metadata"]["uid"]
        vms, _ = kube.list(vm_kind, namespace)
        owned = sorted(
            (vm for vm in vms if owned_by(vm, uid) and not vm["metadata"].get("deletionTimestamp")),
            key=lambda vm: str(vm["metadata"].get("creationTimestamp") or ""),
        )
        wanted = spec_of(rs).get("replicas")
        wanted = wanted if isinstance(wanted, int) else 1
        for _ in range(wanted - len(owned)):
            owned.append(kube.create(vm_kind, replica(rs, rs.get("apiVersion") or self.kind.api_version)))
        while len(owned) > wanted:
            kube.delete(vm_kind, namespace, owned.pop()["metadata"]["name"])
        selector = spec_of(rs).get("selector") or {}
        status: dict[str, Any] = {
            **(rs.get("status") or {}),
            "replicas": len(owned),
            "fullyLabeledReplicas": sum(
                matches(selector, vm["metadata"].get("labels") or {}) for vm in owned
            ),
            "readyReplicas": sum(is_ready(vm) for vm in owned),
            "observedGeneration": rs["metadata"].get("generation"),
        }
        if status != (rs.get("status") or {}):
            kube.replace_status(self.kind, namespace, name, status)
        return None if status["readyReplicas"] == wanted else 1.0
