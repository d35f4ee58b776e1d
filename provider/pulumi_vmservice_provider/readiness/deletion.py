"""An object is deleted once it is gone; until then its finalizers say who is still cleaning up."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Readiness, unmet

__all__ = ["deletion_readiness"]

Obj = dict[str, Any]


def gone(obj: Obj | None) -> Check:
    if obj is None:
        return MET
    finalizers = (obj.get("metadata") or {}).get("finalizers") or []
    return unmet(f"waiting for deletion ({', '.join(finalizers) or 'finalizing'})")


def deletion_readiness() -> Readiness[Obj]:
    return Readiness((gone,))
