"""A VirtualMachineWebConsoleRequest is answered once VM Operator put the encrypted ticket in its status."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Fatal, Readiness, unmet

__all__ = ["web_console_readiness"]

Obj = dict[str, Any]


def answered(obj: Obj | None) -> Check:
    if ((obj or {}).get("status") or {}).get("response"):
        return MET
    return unmet("waiting for the web console ticket")


def disappeared(where: str) -> Fatal[Obj]:
    def check(obj: Obj | None) -> str | None:
        if obj is None:
            return f"the web console request {where} disappeared before it was answered"
        return None

    return check


def web_console_readiness(where: str) -> Readiness[Obj]:
    return Readiness((answered,), fatal=(disappeared(where),))
