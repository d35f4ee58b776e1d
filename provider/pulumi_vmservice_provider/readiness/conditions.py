"""What readiness is made of: pure conditions, fatal checks, and a kind's ordered list of them.

A condition maps the live object (None once it is deleted) to a `Check`; the first unmet one is the status
line users see in `pulumi up`, and all met means done. A fatal check names a state where waiting longer will
not help (VM Operator's own reason); it ends the wait at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pulumi_vmservice_provider.errors import ProviderError

__all__ = ["MET", "Check", "Condition", "Fatal", "Readiness", "ReadinessFailed", "disappeared", "unmet"]

T = TypeVar("T")


@dataclass(frozen=True)
class Check:
    ok: bool
    message: str = ""


MET = Check(True)


def unmet(message: str) -> Check:
    return Check(False, message)


Condition = Callable[[T | None], Check]
Fatal = Callable[[T | None], str | None]  # the failure, or None while waiting may still help


class ReadinessFailed(ProviderError):
    """The object reached a state that waiting longer will not change."""


@dataclass(frozen=True)
class Readiness(Generic[T]):
    conditions: tuple[Condition[T], ...]
    fatal: tuple[Fatal[T], ...] = ()

    def evaluate(self, obj: T | None) -> Check:
        """MET when every condition holds, else the first unmet one; raises ReadinessFailed on a fatal state."""
        for check in self.fatal:
            failure = check(obj)
            if failure:
                raise ReadinessFailed(failure)
        for condition in self.conditions:
            result = condition(obj)
            if not result.ok:
                return result
        return MET


def disappeared(what: str, until: str) -> Fatal[T]:
    """Fatal once the object is gone: `<what> was deleted before <until>` (e.g. "the snapshot dev/nightly",
    "it was ready")."""

    def check(obj: T | None) -> str | None:
        return f"{what} was deleted before {until}" if obj is None else None

    return check
