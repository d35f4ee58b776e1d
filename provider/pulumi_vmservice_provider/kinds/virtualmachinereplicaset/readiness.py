"""A VirtualMachineReplicaSet is done once VM Operator has seen its latest spec and as many of its VMs are
ready as `spec.replicas` asks for (and no more exist)."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Readiness, unmet

__all__ = ["replica_set_readiness", "wanted_replicas"]

Obj = dict[str, Any]


def wanted_replicas(obj: Obj | None) -> int:
    replicas = ((obj or {}).get("spec") or {}).get("replicas")
    return replicas if isinstance(replicas, int) else 1  # VM Operator's default


def observed(obj: Obj | None) -> Check:
    status = (obj or {}).get("status") or {}
    generation = ((obj or {}).get("metadata") or {}).get("generation") or 0
    if (status.get("observedGeneration") or 0) < generation:
        return unmet("waiting for VM Operator to see the replica set's spec")
    return MET


def replicas_ready(obj: Obj | None) -> Check:
    status = (obj or {}).get("status") or {}
    wanted = wanted_replicas(obj)
    ready, existing = status.get("readyReplicas") or 0, status.get("replicas") or 0
    if ready != wanted or existing != wanted:
        return unmet(f"waiting for replicas: {ready} of {wanted} ready, {existing} exist")
    return MET


def replica_set_readiness() -> Readiness[Obj]:
    return Readiness((observed, replicas_ready))
