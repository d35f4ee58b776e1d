"""A LoadBalancer VirtualMachineService is done once the load balancer reports an ingress address."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Readiness, unmet

__all__ = ["ingress", "load_balancer_readiness"]

Obj = dict[str, Any]


def ingress(obj: Obj | None) -> list[dict[str, Any]]:
    return list(((obj or {}).get("status") or {}).get("loadBalancer", {}).get("ingress") or [])


def has_ingress(obj: Obj | None) -> Check:
    return MET if ingress(obj) else unmet("waiting for a load-balancer IP address")


def load_balancer_readiness() -> Readiness[Obj]:
    return Readiness((has_ingress,))
