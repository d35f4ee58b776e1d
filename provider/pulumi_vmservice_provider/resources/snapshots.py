"""Refresh of many objects with one LIST per kind and namespace instead of one GET per object.

`pulumi refresh` (and `up --refresh`, and the preview's refresh) calls Read for every resource, in parallel. The
first Read of a kind in a namespace lists them all; the Reads that follow within a few seconds are answered from
that list. An object missing from the list is asked for once more with a GET (it may be younger than the list),
so a snapshot never reports a live object as gone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from vmservice_api.objects import JSONObject

SNAPSHOT_SECONDS = 10.0

Lister = Callable[[], list[JSONObject]]


@dataclass
class _Snapshot:
    taken: float
    objects: dict[str, JSONObject]


@dataclass
class ListSnapshots:
    """Short-lived lists of objects per (kind, namespace), shared by the Reads of one plugin process."""

    max_age: float = SNAPSHOT_SECONDS
    clock: Callable[[], float] = time.monotonic
    _snapshots: dict[tuple[str, str], _Snapshot] = field(default_factory=dict)
    _locks: dict[tuple[str, str], threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    lists: int = 0  # how many LISTs were made (for tests and benchmarks)

    def find(self, kind: str, namespace: str, name: str, list_all: Lister) -> JSONObject | None:
        """The object as of a recent list, or None when the list (taken now or a moment ago) lacks it."""
        key = (kind, namespace)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # concurrent Reads of one kind wait for one list instead of each making their own
            snapshot = self._snapshots.get(key)
            if snapshot is None or self.clock() - snapshot.taken > self.max_age:
                objects = {obj["metadata"]["name"]: obj for obj in list_all()}
                self.lists += 1
                snapshot = self._snapshots[key] = _Snapshot(self.clock(), objects)
        return snapshot.objects.get(name)

    def forget(self, kind: str, namespace: str, name: str) -> None:
        """Drop one object from the snapshot (it was just written: the next Read must see it as it is now)."""
        with self._guard:
            snapshot = self._snapshots.get((kind, namespace))
        if snapshot is not None:
            snapshot.objects.pop(name, None)
