"""A VirtualMachineWebConsoleRequest is answered once VM Operator put the encrypted ticket in its status."""

from __future__ import annotations

from vmservice_api.objects import KubeObject, view

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Fatal, Readiness, disappeared, unmet

__all__ = ["web_console_readiness"]


def answered(obj: KubeObject | None) -> Check:
    return MET if view(obj).status.get("response") else unmet("waiting for the web console ticket")


def web_console_readiness(where: str) -> Readiness[KubeObject]:
    gone: Fatal[KubeObject] = disappeared(f"the web console request {where}", "it was answered")
    return Readiness((answered,), fatal=(gone,))
