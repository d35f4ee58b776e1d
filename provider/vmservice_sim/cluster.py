"""The cluster as the admission rules read it (`vmservice_api.rules.Cluster`), over the real apiserver.

Rules name kinds as `Kind` (core group) or `Kind.group` (`StorageClass.storage.k8s.io`,
`Zone.topology.tanzu.vmware.com`); the apiserver's discovery says which resource, version and scope each
is. A kind the apiserver does not serve has no objects: a read of it is "not found" (None / []), a known
answer, never an unknown one. Each admission request reads through a `RequestCluster`, which remembers what
it read, so a rule asking twice costs one call.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Protocol
from urllib.parse import quote

from vmservice_sim.kube import Kube, Obj

REDISCOVER_AFTER = 5.0  # seconds between discoveries triggered by a kind that is not served


class Reader(Protocol):
    """What the rules read the cluster through (`vmservice_api.rules.Cluster`)."""

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None: ...

    def list(self, kind: str, namespace: str | None = None) -> list[Obj]: ...


class ReadError(Exception):
    """The apiserver refused or failed a read (other than "not found"): the request cannot be judged."""


@dataclass(frozen=True)
class Resource:
    plural: str
    group: str
    version: str  # the version reads use
    namespaced: bool
    versions: tuple[str, ...] = ()  # every version that serves it

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None, name: str | None = None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{quote(namespace, safe='')}"
        base += f"/{self.plural}"
        return base + (f"/{quote(name, safe='')}" if name is not None else "")


class ApiResources:
    """`Kind` / `Kind.group` -> the served resource (the group's preferred version when it has the kind,
    else the newest version that has it)."""

    def __init__(self, kube: Kube) -> None:
        self.kube = kube
        self._lock = threading.Lock()
        self._by_kind: dict[str, Resource] = {}
        self._discovered_at = float("-inf")

    def resource(self, kind: str) -> Resource | None:
        with self._lock:
            found = self._by_kind.get(kind)
            if found is None and time.monotonic() - self._discovered_at > REDISCOVER_AFTER:
                self._by_kind = self._discover()
                self._discovered_at = time.monotonic()
                found = self._by_kind.get(kind)
            return found

    def _discover(self) -> dict[str, Resource]:
        found: dict[str, Resource] = {}
        core = self.kube.raw_get("/api/v1")
        for item in (core or {}).get("resources") or []:
            if "/" not in str(item.get("name")):
                found[str(item["kind"])] = Resource(
                    str(item["name"]), "", "v1", bool(item.get("namespaced")), ("v1",)
                )
        groups = (self.kube.raw_get("/apis") or {}).get("groups") or []
        for group in groups:
            name = str(group.get("name"))
            preferred = str((group.get("preferredVersion") or {}).get("version") or "")
            versions = [str(v.get("version")) for v in group.get("versions") or []]
            ordered = [preferred, *[v for v in versions if v != preferred]] if preferred else versions
            for version in ordered:
                listing = self.kube.raw_get(f"/apis/{name}/{version}") or {}
                for item in listing.get("resources") or []:
                    key = f"{item['kind']}.{name}"
                    if "/" in str(item.get("name")):
                        continue
                    known = found.get(key)
                    if known is None:
                        found[key] = Resource(
                            str(item["name"]), name, version, bool(item.get("namespaced")), (version,)
                        )
                    else:
                        found[key] = replace(known, versions=(*known.versions, version))
        return found


@dataclass
class ApiCluster:
    """Reads of the real apiserver for the admission rules (no write method)."""

    kube: Kube
    resources: ApiResources

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        resource = self.resources.resource(kind)
        if resource is None or (resource.namespaced and not namespace):
            return None
        found = self._read(resource.path(namespace, name))
        if found is not None:
            found.setdefault("apiVersion", resource.api_version)
            found.setdefault("kind", kind.split(".")[0])
        return found

    def list(self, kind: str, namespace: str | None = None) -> list[Obj]:
        resource = self.resources.resource(kind)
        if resource is None:
            return []
        listing = self._read(resource.path(namespace)) or {}
        items = list(listing.get("items") or [])
        for item in items:  # list items carry no apiVersion/kind
            item.setdefault("apiVersion", resource.api_version)
            item.setdefault("kind", kind.split(".")[0])
        return items

    def _read(self, path: str) -> Obj | None:
        try:
            return self.kube.raw_get(path)
        except Exception as error:
            raise ReadError(f"reading {path}: {error}") from error


@dataclass
class RequestCluster:
    """One admission request's reads: each distinct read goes to the apiserver once."""

    cluster: Reader
    _gets: dict[tuple[str, str | None, str], Obj | None] = field(default_factory=dict)
    _lists: dict[tuple[str, str | None], list[Obj]] = field(default_factory=dict)

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        key = (kind, namespace, name)
        if key not in self._gets:
            self._gets[key] = self.cluster.get(kind, namespace, name)
        return _copy(self._gets[key])

    def list(self, kind: str, namespace: str | None = None) -> list[Obj]:
        key = (kind, namespace)
        if key not in self._lists:
            self._lists[key] = self.cluster.list(kind, namespace)
        return [json.loads(json.dumps(item)) for item in self._lists[key]]


def _copy(obj: Obj | None) -> Obj | None:
    """Rules must not share what they read (they treat it as read-only, but a copy makes sure)."""
    if obj is None:
        return None
    copied: Obj = json.loads(json.dumps(obj))
    return copied
