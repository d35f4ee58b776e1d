"""A LoadBalancer VirtualMachineService is done once the load balancer reports an ingress address."""

from __future__ import annotations

from vmservice_api.objects import KubeObject, ObjectView
from vmservice_api.types.release_9_1.virtualmachineservice import (
    VirtualMachineServiceSpec,
    VirtualMachineServiceStatus,
    VirtualMachineServiceStatusLoadBalancerIngress,
)

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Readiness, unmet

__all__ = ["ingress", "load_balancer_readiness"]

Service = ObjectView[VirtualMachineServiceSpec, VirtualMachineServiceStatus]


def ingress(obj: KubeObject | None) -> list[VirtualMachineServiceStatusLoadBalancerIngress]:
    return list((Service(obj).status.get("loadBalancer") or {}).get("ingress") or [])


def has_ingress(obj: KubeObject | None) -> Check:
    return MET if ingress(obj) else unmet("waiting for a load-balancer IP address")


def load_balancer_readiness() -> Readiness[KubeObject]:
    return Readiness((has_ingress,))
