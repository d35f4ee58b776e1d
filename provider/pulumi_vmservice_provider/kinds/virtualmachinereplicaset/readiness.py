"""A VirtualMachineReplicaSet is done once VM Operator has seen its latest spec and as many of its VMs are
ready as `spec.replicas` asks for (and no more exist)."""

from __future__ import annotations

from vmservice_api.objects import KubeObject, ObjectView
from vmservice_api.types.release_9_1.virtualmachinereplicaset import (
    VirtualMachineReplicaSetSpec,
    VirtualMachineReplicaSetStatus,
)

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Readiness, unmet

__all__ = ["replica_set_readiness", "wanted_replicas"]

ReplicaSet = ObjectView[VirtualMachineReplicaSetSpec, VirtualMachineReplicaSetStatus]


def wanted_replicas(obj: KubeObject | None) -> int:
    replicas = ReplicaSet(obj).spec.get("replicas")
    return replicas if isinstance(replicas, int) else 1  # VM Operator's default


def observed(obj: KubeObject | None) -> Check:
    replica_set = ReplicaSet(obj)
    if (replica_set.status.get("observedGeneration") or 0) < (replica_set.metadata.get("generation") or 0):
        return unmet("waiting for VM Operator to see the replica set's spec")
    return MET


def replicas_ready(obj: KubeObject | None) -> Check:
    status = ReplicaSet(obj).status
    wanted = wanted_replicas(obj)
    ready, existing = status.get("readyReplicas") or 0, status.get("replicas") or 0
    if ready != wanted or existing != wanted:
        return unmet(f"waiting for replicas: {ready} of {wanted} ready, {existing} exist")
    return MET


def replica_set_readiness() -> Readiness[KubeObject]:
    return Readiness((observed, replicas_ready))
