"""Readiness: per kind, pure conditions on the live object, and one loop that waits until they hold.

Nothing here talks to a server: the loop is handed how to read (and watch) the object, and the operation
whose deadline and cancellation it honours.
"""

from pulumi_vmservice_provider.readiness.conditions import (
    MET,
    Check,
    Condition,
    Fatal,
    Readiness,
    ReadinessFailed,
    unmet,
)
from pulumi_vmservice_provider.readiness.loop import POLL_BACKOFF, Backoff, Waiter, wait_until

__all__ = [
    "MET",
    "POLL_BACKOFF",
    "Backoff",
    "Check",
    "Condition",
    "Fatal",
    "Readiness",
    "ReadinessFailed",
    "Waiter",
    "unmet",
    "wait_until",
]
