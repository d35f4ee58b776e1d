"""A cluster that admission rules can read without an apiserver, and requests built from plain dicts."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from vmservice_sim.kube import Kind
from vmservice_sim.registry import AdmissionRequest, UserInfo
from vmservice_sim.release import release

Obj = dict[str, Any]
NS = "dev"
DEVOPS = UserInfo("sso:devops@vsphere.local", ("system:authenticated",))
ADMIN = UserInfo("kubernetes-admin", ("system:masters", "system:authenticated"))


@dataclass
class FakeCluster:
    """Objects by (kind, namespace); records every read. It has no write methods, like the real view."""

    objects: dict[tuple[str, str | None], list[Obj]] = field(default_factory=dict)
    reads: list[tuple[str, str, str | None]] = field(default_factory=list)

    def add(self, kind: Kind, obj: Obj) -> FakeCluster:
        namespace = obj.get("metadata", {}).get("namespace") if kind.namespaced else None
        self.objects.setdefault((kind.kind, namespace), []).append(obj)
        return self

    def get(self, kind: Kind, namespace: str | None, name: str) -> Obj | None:
        self.reads.append(("get", kind.kind, name))
        found = [o for o in self.objects.get((kind.kind, namespace), []) if o["metadata"]["name"] == name]
        return copy.deepcopy(found[0]) if found else None

    def list(self, kind: Kind, namespace: str | None = None) -> list[Obj]:
        self.reads.append(("list", kind.kind, namespace))
        return copy.deepcopy(self.objects.get((kind.kind, namespace), []))


def request(
    new: Obj,
    old: Obj | None = None,
    *,
    cluster: FakeCluster | None = None,
    user: UserInfo = DEVOPS,
    api_release: str = "8.0u3",
    dry_run: bool = False,
) -> AdmissionRequest:
    new = copy.deepcopy(new)
    new.setdefault("metadata", {}).setdefault("namespace", NS)
    return AdmissionRequest(
        operation="UPDATE" if old is not None else "CREATE",
        object=new,
        old_object=copy.deepcopy(old),
        user=user,
        dry_run=dry_run,
        cluster=cluster if cluster is not None else FakeCluster(),
        release=release(api_release),
    )


def changed(obj: Obj, **spec: Any) -> Obj:
    """A copy of `obj` with spec fields replaced (None removes one)."""
    updated = copy.deepcopy(obj)
    for key, value in spec.items():
        if value is None:
            updated.setdefault("spec", {}).pop(key, None)
        else:
            updated.setdefault("spec", {})[key] = value
    return updated
