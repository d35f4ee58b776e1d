"""The one wait loop: read, evaluate, report, then watch (Supervisor objects) or poll with backoff (vCenter).

It knows nothing of where objects come from: the caller injects how to read the object and, for watchable
objects, how to open one watch session. Cancellation and the deadline come from the `Waiter` (the
operation's context), so a fake one with its own clock tests the loop without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from pulumi_vmservice_provider.readiness.conditions import Readiness

__all__ = ["POLL_BACKOFF", "Backoff", "Waiter", "wait_until"]

T = TypeVar("T")


class Waiter(Protocol):
    """The operation's deadline and cancellation (OperationContext and the vCenter client's Deadline fit)."""

    def check(self, doing: str) -> None: ...

    def sleep(self, seconds: float, doing: str) -> None: ...


@dataclass(frozen=True)
class Backoff:
    first: float = 0.5
    factor: float = 1.5
    longest: float = 5.0

    def after(self, delay: float) -> float:
        return min(self.longest, delay * self.factor)


POLL_BACKOFF = Backoff()


@dataclass(frozen=True)
class _Session(Generic[T]):
    """How one watch session ended."""

    ready: bool  # `last` meets the readiness
    last: T | None  # the object as last seen
    resumable: bool  # the session only ran out of time: the next one may start from `last` without a read


def wait_until(
    readiness: Readiness[T],
    *,
    get: Callable[[], T | None],
    waiter: Waiter,
    doing: str,
    report: Callable[[str], None],
    watch: Callable[[T | None], Iterator[T | None]] | None = None,
    backoff: Backoff = POLL_BACKOFF,
    written: T | None = None,
) -> T | None:
    """Return the object once `readiness` is met (None when met by deletion), reporting the first unmet
    condition on every change. `written` is the object as the caller's write returned it (saves the first
    read; None: read it first).

    `watch(current)` yields the object at each change after `current` until the session ends; a session that
    returns True ended only because its time was up, so the next one continues from the last object seen
    without reading it again. Without `watch` the object is polled. Raises ReadinessFailed on a fatal state and
    the waiter's errors on cancellation or timeout."""
    delay = backoff.first
    latest = written
    fresh = written is not None  # `latest` is current enough to judge without a read
    while True:
        waiter.check(doing)
        if not fresh:
            latest = get()
        verdict = readiness.evaluate(latest)
        if verdict.ok:
            return latest
        report(verdict.message)
        if watch is None:
            waiter.sleep(delay, doing)
            delay = backoff.after(delay)
            fresh = False
            continue
        session = _follow(readiness, watch(latest), latest, waiter, doing, report)
        if session.ready:
            return session.last
        latest, fresh = session.last, session.resumable


def _follow(
    readiness: Readiness[T],
    events: Iterator[T | None],
    latest: T | None,
    waiter: Waiter,
    doing: str,
    report: Callable[[str], None],
) -> _Session[T]:
    """One watch session, until the object is ready or the session ends."""
    try:
        while True:
            try:
                changed = next(events)
            except StopIteration as ended:
                return _Session(False, latest, bool(ended.value) and latest is not None)
            verdict = readiness.evaluate(changed)
            if verdict.ok:
                return _Session(True, changed, False)
            report(verdict.message)
            latest = changed
            waiter.check(doing)
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()  # ends the watch stream at once
