"""An object is deleted once it is gone; until then its finalizers say who is still cleaning up."""

from __future__ import annotations

from vmservice_api.objects import KubeObject, view

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Readiness, unmet

__all__ = ["deletion_readiness"]


def gone(obj: KubeObject | None) -> Check:
    if obj is None:
        return MET
    return unmet(f"waiting for deletion ({', '.join(view(obj).finalizers) or 'finalizing'})")


def deletion_readiness() -> Readiness[KubeObject]:
    return Readiness((gone,))
