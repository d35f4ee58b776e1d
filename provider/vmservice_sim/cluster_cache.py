"""The admission webhooks' reads from a watch-backed cache, as VM Operator's webhooks read through
controller-runtime's cached client.

Without it every admission request costs several GETs of the apiserver (the VM class, the image, the storage
class, the two configuration maps, ...), most of a request's time. The first `get` of a kind starts one
cluster-wide LIST + WATCH of it; once that is in step, gets of the kind are answered from memory. A name the
cache does not hold is read live: an object created a moment ago may not have reached the cache yet, and a
refusal must never come from a stale "not found".

Lists come from the cache too, as VM Operator's do (the kinds its webhooks list are an administrator's
configuration: quotas, storage classes and policies, encryption classes, images, class instances). Read live,
each was a consistent LIST, which kube-apiserver answers from its watch cache only once that cache has caught up
with etcd's newest revision: while VMs are being written, a LIST of a kind that is not changing waited about
100 ms for etcd's next progress notification, in every admission request (`kubectl apply` of 200 VMs took 100 ms
per object instead of about 15). With `live` (the simulator's test fixtures, which create or change a case's
objects just before sending it, configuration maps included) every read is live.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from vmservice_sim.cluster import ApiCluster, Resource
from vmservice_sim.kube import Obj

log = logging.getLogger(__name__)

WATCH_SECONDS = 300  # one watch session; the next continues from the last version seen
RETRY_SECONDS = (0.5, 30.0)  # first and longest wait before listing again after a failure


class _Informer:
    """One kind's objects by (namespace, name), kept in step by a watch."""

    def __init__(self, cluster: ApiCluster, kind: str, resource: Resource, stopping: threading.Event) -> None:
        self.cluster, self.kind, self.resource = cluster, kind, resource
        self.objects: dict[tuple[str | None, str], Obj] = {}
        self.synced = threading.Event()
        self._stopping = stopping
        self._lock = threading.Lock()
        threading.Thread(target=self._run, name=f"admission-cache-{kind}", daemon=True).start()

    def get(self, namespace: str | None, name: str) -> Obj | None:
        with self._lock:
            return self.objects.get((namespace if self.resource.namespaced else None, name))

    def list(self, namespace: str | None) -> list[Obj]:
        """The objects of a namespace (None: all of them); callers copy what they hand to rules."""
        with self._lock:
            return [
                obj
                for (where, _), obj in self.objects.items()
                if namespace is None or not self.resource.namespaced or where == namespace
            ]

    def _run(self) -> None:
        version, pause = "", RETRY_SECONDS[0]
        while not self._stopping.is_set():
            try:
                if not version:
                    version = self._list()
                    pause = RETRY_SECONDS[0]
                version = self._watch(version)
            except Exception as error:  # apiserver restarting, 410 Gone, a kind it may not list: list again
                log.debug("admission cache of %s: %s; listing again in %.1fs", self.kind, error, pause)
                self.synced.clear()
                version = ""
                self._stopping.wait(pause)
                pause = min(RETRY_SECONDS[1], pause * 2)

    def _list(self) -> str:
        listing = self.cluster.kube.raw_get(self.resource.path(None)) or {}
        objects = {}
        for item in listing.get("items") or []:
            objects[self._key(item)] = self._typed(item)
        with self._lock:
            self.objects = objects
        self.synced.set()
        return str((listing.get("metadata") or {}).get("resourceVersion") or "")

    def _watch(self, version: str) -> str:
        query = urlencode(
            {
                "watch": "true",
                "resourceVersion": version,
                "allowWatchBookmarks": "true",
                "timeoutSeconds": str(WATCH_SECONDS),
            }
        )
        for event in self._events(f"{self.resource.path(None)}?{query}"):
            kind, item = event.get("type"), event.get("object") or {}
            if kind == "ERROR":
                raise RuntimeError(f"watch error {item.get('code')}: {item.get('message')}")
            version = str((item.get("metadata") or {}).get("resourceVersion") or version)
            if kind == "BOOKMARK":
                continue
            with self._lock:
                if kind == "DELETED":
                    self.objects.pop(self._key(item), None)
                else:
                    self.objects[self._key(item)] = self._typed(item)
        return version

    def _events(self, path: str) -> Iterator[dict[str, Any]]:
        from kubernetes.watch.watch import iter_resp_lines

        answer = self.cluster.kube.raw_open(path, (5, WATCH_SECONDS + 10))
        response = answer.response
        try:
            if response.status != 200:
                raise RuntimeError(f"watch answered {response.status}")
            for line in iter_resp_lines(response):
                if self._stopping.is_set():
                    return
                yield json.loads(line)
        finally:
            response.release_conn()

    def _key(self, item: Obj) -> tuple[str | None, str]:
        meta = item.get("metadata") or {}
        return (meta.get("namespace") if self.resource.namespaced else None, str(meta.get("name")))

    def _typed(self, item: Obj) -> Obj:
        item.setdefault("apiVersion", self.resource.api_version)
        item.setdefault("kind", self.kind.split(".")[0])
        return item


class CachedCluster:
    """`ApiCluster` with gets answered from per-kind watch caches once they are in step (see module doc)."""

    def __init__(self, cluster: ApiCluster, live: bool = False) -> None:
        self.cluster = cluster
        self.live = live
        self._informers: dict[str, _Informer] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.hits = 0  # gets answered from memory (for tests and benchmarks)

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        informer = None if self.live else self._informer(kind)
        if informer is not None and informer.synced.is_set():
            found = informer.get(namespace, name)
            if found is not None:
                self.hits += 1
                return found
        return self.cluster.get(kind, namespace, name)

    def list(self, kind: str, namespace: str | None = None) -> list[Obj]:
        informer = None if self.live else self._informer(kind)
        if informer is not None and informer.synced.is_set():
            self.hits += 1
            return informer.list(namespace)
        return self.cluster.list(kind, namespace)

    def stop(self) -> None:
        self._stopping.set()

    def _informer(self, kind: str) -> _Informer | None:
        with self._lock:
            informer = self._informers.get(kind)
            if informer is None and not self._stopping.is_set():
                resource = self.cluster.resources.resource(kind)
                if resource is None:
                    return None  # not served (yet): read live, which answers "not found"
                informer = self._informers[kind] = _Informer(self.cluster, kind, resource, self._stopping)
            return informer

    def wait_synced(self, timeout: float = 10.0) -> bool:
        """Whether every cache started so far is in step (tests)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            informers = list(self._informers.values())
        return all(i.synced.wait(max(0.0, deadline - time.monotonic())) for i in informers)
