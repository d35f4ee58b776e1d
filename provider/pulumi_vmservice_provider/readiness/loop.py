"""The one wait loop: read, evaluate, report, then watch (Supervisor objects) or poll with backoff (vCenter).

It knows nothing of where objects come from: the caller injects how to read the object and, for watchable
objects, how to open one watch session. Cancellation and the deadline come from the `Waiter` (the
operation's context), so a fake one with its own clock tests the loop without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

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


def wait_until(
    readiness: Readiness[T],
    *,
    get: Callable[[], T | None],
    waiter: Waiter,
    doing: str,
    report: Callable[[str], None],
    watch: Callable[[T | None], Iterable[T | None]] | None = None,
    backoff: Backoff = POLL_BACKOFF,
) -> T | None:
    """Return the object once `readiness` is met (None when met by deletion), reporting the first unmet
    condition on every change. `watch(current)` yields the object at each change after `current` until the
    session ends; without it the object is polled. Raises ReadinessFailed on a fatal state and the waiter's
    errors on cancellation or timeout."""
    delay = backoff.first
    while True:
        waiter.check(doing)
        current = get()
        verdict = readiness.evaluate(current)
        if verdict.ok:
            return current
        report(verdict.message)
        if watch is None:
            waiter.sleep(delay, doing)
            delay = backoff.after(delay)
            continue
        events = iter(watch(current))
        try:
            for changed in events:
                verdict = readiness.evaluate(changed)
                if verdict.ok:
                    return changed
                report(verdict.message)
                waiter.check(doing)
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                close()  # ends the watch stream at once
