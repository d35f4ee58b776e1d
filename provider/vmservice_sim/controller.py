"""A small controller runtime: list+watch sources feeding a de-duplicating, delaying work queue, and workers
that call a reconcile function per object key, in the manner of controller-runtime.

Watches survive apiserver restarts: any error (connection refused, 410 Gone, a timeout) leads to a fresh list
after a short backoff, and every object is re-queued periodically (resync) so nothing is lost in between.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from vmservice_sim.kube import Kind, Kube, Obj, api_error_message, key_of

Key = tuple[str, str]  # (namespace, name)
# A reconcile function returns None (done) or the seconds after which to look again.
Reconcile = Callable[[str, str], float | None]
Mapper = Callable[[Obj], Iterable[Key]]

log = logging.getLogger("vmservice-sim")


class WorkQueue:
    """Keys to process; a key is never handed to two workers at once and is queued at most once."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._ready: list[Key] = []
        self._queued: set[Key] = set()
        self._processing: set[Key] = set()
        self._dirty: set[Key] = set()  # re-added while being processed
        self._delayed: list[tuple[float, int, Key]] = []
        self._counter = 0
        self._shutdown = False

    def add(self, key: Key, after: float = 0.0) -> None:
        with self._cond:
            if self._shutdown:
                return
            if after > 0:
                self._counter += 1
                heapq.heappush(self._delayed, (time.monotonic() + after, self._counter, key))
                self._cond.notify()
                return
            if key in self._processing:
                self._dirty.add(key)
                return
            if key not in self._queued:
                self._queued.add(key)
                self._ready.append(key)
                self._cond.notify()

    def _promote_due(self) -> float | None:
        now = time.monotonic()
        while self._delayed and self._delayed[0][0] <= now:
            _, _, key = heapq.heappop(self._delayed)
            if key in self._processing:
                self._dirty.add(key)
            elif key not in self._queued:
                self._queued.add(key)
                self._ready.append(key)
        return self._delayed[0][0] - now if self._delayed else None

    def get(self) -> Key | None:
        """The next key to process (blocks); None once shut down."""
        with self._cond:
            while True:
                if self._shutdown:
                    return None
                wait = self._promote_due()
                if self._ready:
                    key = self._ready.pop(0)
                    self._queued.discard(key)
                    self._processing.add(key)
                    return key
                self._cond.wait(timeout=wait if wait is not None else 1.0)

    def done(self, key: Key) -> None:
        with self._cond:
            self._processing.discard(key)
            if key in self._dirty:
                self._dirty.discard(key)
                if key not in self._queued:
                    self._queued.add(key)
                    self._ready.append(key)
                    self._cond.notify()

    def shutdown(self) -> None:
        with self._cond:
            self._shutdown = True
            self._cond.notify_all()


@dataclass
class _Source:
    kind: Kind
    mapper: Mapper
    namespace: str | None = None


def _own_key(obj: Obj) -> Iterable[Key]:
    return [key_of(obj)]


@dataclass
class Controller:
    """Reconciles objects of `kind` (and whatever `watch_also` sources map to them)."""

    name: str
    kube: Kube
    kind: Kind
    reconcile: Reconcile
    stop_event: threading.Event
    workers: int = 1
    resync_seconds: float = 30.0
    watch_timeout: int = 10
    queue: WorkQueue = field(default_factory=WorkQueue)
    _sources: list[_Source] = field(default_factory=list)
    _threads: list[threading.Thread] = field(default_factory=list)
    _failures: dict[Key, int] = field(default_factory=dict)
    synced: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._sources.append(_Source(self.kind, _own_key))
        self._pending_sync = 0

    def watch_also(self, kind: Kind, mapper: Mapper) -> None:
        """Also watch `kind`; each event enqueues the keys `mapper` returns."""
        self._sources.append(_Source(kind, mapper))

    def enqueue(self, namespace: str, name: str, after: float = 0.0) -> None:
        self.queue.add((namespace, name), after)

    def start(self) -> None:
        self._pending_sync = len(self._sources)
        self._sync_lock = threading.Lock()
        for index, source in enumerate(self._sources):
            thread = threading.Thread(
                target=self._watch_loop, args=(source,), name=f"{self.name}-watch-{index}", daemon=True
            )
            thread.start()
        for index in range(self.workers):
            thread = threading.Thread(target=self._work_loop, name=f"{self.name}-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the workers (a reconcile in flight finishes). Watch threads end with their current watch
        (at most `watch_timeout` seconds) or with the process: they are daemon threads and only read."""
        self.queue.shutdown()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    # ------------------------------------------------------------------------------------------ loops

    def _mark_synced(self, first: bool) -> None:
        if not first:
            return
        with self._sync_lock:
            self._pending_sync -= 1
            if self._pending_sync <= 0:
                self.synced.set()

    def _watch_loop(self, source: _Source) -> None:
        backoff = 0.2
        first = True
        while not self.stop_event.is_set():
            try:
                items, version = self.kube.list(source.kind, source.namespace)
                listed_at = time.monotonic()
                for item in items:
                    for key in source.mapper(item):
                        self.queue.add(key)
                self._mark_synced(first)
                first = False
                backoff = 0.2
                while not self.stop_event.is_set() and time.monotonic() - listed_at < self.resync_seconds:
                    for event_type, obj in self.kube.watch(
                        source.kind, version, namespace=source.namespace, timeout_seconds=self.watch_timeout
                    ):
                        if self.stop_event.is_set():
                            return
                        version = str(obj.get("metadata", {}).get("resourceVersion") or version)
                        if event_type == "BOOKMARK":
                            continue
                        for key in source.mapper(obj):
                            self.queue.add(key)
            except Exception as error:
                if self.stop_event.is_set():
                    return
                log.debug(
                    "%s: watch of %s ended: %s", self.name, source.kind.plural, api_error_message(error)
                )
                self.stop_event.wait(backoff)
                backoff = min(backoff * 2, 1.0)

    def _work_loop(self) -> None:
        while not self.stop_event.is_set():
            key = self.queue.get()
            if key is None:
                return
            try:
                after = self.reconcile(*key)
            except Exception as error:
                failures = self._failures.get(key, 0) + 1
                self._failures[key] = failures
                delay = min(0.2 * 2 ** min(failures, 6), 10.0)
                if self.stop_event.is_set():
                    return
                level = logging.DEBUG if _transient(error) else logging.WARNING
                log.log(
                    level,
                    "%s: reconcile %s/%s failed (retry in %.1fs): %s",
                    self.name,
                    *key,
                    delay,
                    api_error_message(error),
                    exc_info=level == logging.WARNING,
                )
                self.queue.done(key)
                self.queue.add(key, delay)
                continue
            self._failures.pop(key, None)
            self.queue.done(key)
            if after is not None:
                self.queue.add(key, max(after, 0.01))


def _transient(error: BaseException) -> bool:
    """Conflicts and connection errors (apiserver restarting) are expected; log them quietly."""
    status = getattr(error, "status", None)
    if status in (409, 429, 500, 503, 504, 0):
        return True
    name = type(error).__name__
    return isinstance(error, OSError) or "MaxRetryError" in name or "ProtocolError" in name
