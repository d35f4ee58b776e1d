"""The one wait loop with a fake clock and fake event sources: done on a watch event, polling backoff,
timeout, cancellation, deletion while waiting, and watch sessions closed when the wait ends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi_vmservice_provider.context import OperationContext
from pulumi_vmservice_provider.errors import OperationCancelled, OperationTimedOut
from pulumi_vmservice_provider.kinds.virtualmachine.readiness import virtual_machine_readiness
from pulumi_vmservice_provider.readiness import Readiness, ReadinessFailed, wait_until
from pulumi_vmservice_provider.readiness.deletion import deletion_readiness

Obj = dict[str, Any]
SPEC = {"powerState": "PoweredOn"}


class FakeClock:
    """An operation's deadline and cancellation on a clock that only moves when the loop sleeps."""

    def __init__(self, timeout: float):
        self.now = 0.0
        self.timeout = timeout
        self.cancelled = False
        self.sleeps: list[float] = []

    def check(self, doing: str) -> None:
        if self.cancelled:
            raise OperationCancelled(f"cancelled while {doing}")
        if self.now >= self.timeout:
            raise OperationTimedOut(f"timed out after {self.timeout:g}s while {doing}")

    def sleep(self, seconds: float, doing: str) -> None:
        self.check(doing)
        self.sleeps.append(seconds)
        self.now += min(seconds, self.timeout - self.now)
        self.check(doing)


def vm(power: str | None = None, ip: str | None = None, version: int = 1) -> Obj:
    status: Obj = {"conditions": [{"type": "VirtualMachineCreated", "status": "True"}], "uniqueID": "vm-7"}
    if power:
        status["powerState"] = power
    if ip:
        status["network"] = {"primaryIP4": ip}
    return {"metadata": {"name": "web", "resourceVersion": str(version)}, "status": status}


def ip_assigned() -> Readiness[Obj]:
    return virtual_machine_readiness("ipAssigned", SPEC, "dev/web")


class FakeWatch:
    """Hands out one scripted session per call and records which sessions were closed."""

    def __init__(self, *sessions: list[Obj | None]):
        self.sessions = list(sessions)
        self.opened_after: list[str | None] = []
        self.closed = 0

    def __call__(self, current: Obj | None) -> Iterator[Obj | None]:
        self.opened_after.append((current or {}).get("metadata", {}).get("resourceVersion"))
        events = self.sessions.pop(0) if self.sessions else []
        try:
            yield from events
        finally:
            self.closed += 1


def test_done_on_a_watch_event_with_every_phase_reported() -> None:
    clock, reported = FakeClock(60), []
    watch = FakeWatch(
        [vm("PoweredOff", version=2), vm("PoweredOn", version=3), vm("PoweredOn", "10.0.0.5", 4)]
    )
    result = wait_until(
        ip_assigned(), get=lambda: vm(), watch=watch, waiter=clock, doing="waiting", report=reported.append
    )
    assert result == vm("PoweredOn", "10.0.0.5", 4)
    assert reported == [
        "waiting for power state PoweredOn (unknown)",
        "waiting for power state PoweredOn (PoweredOff)",
        "waiting for IP address (PoweredOn)",
    ]
    assert watch.opened_after == ["1"] and watch.closed == 1 and clock.sleeps == []


def test_a_watch_session_that_ends_is_followed_by_a_fresh_read_and_watch() -> None:
    reads = iter([vm(version=1), vm("PoweredOn", version=5)])
    watch = FakeWatch([], [vm("PoweredOn", "10.0.0.5", 6)])
    result = wait_until(
        ip_assigned(), get=lambda: next(reads), watch=watch, waiter=FakeClock(60), doing="w", report=print
    )
    assert result is not None and result["metadata"]["resourceVersion"] == "6"
    assert watch.opened_after == ["1", "5"]


def test_polling_backs_off_from_half_a_second_to_five() -> None:
    clock = FakeClock(60)
    answers = iter([vm()] * 8 + [vm("PoweredOn", "10.0.0.5")])
    wait_until(ip_assigned(), get=lambda: next(answers), waiter=clock, doing="polling", report=lambda _: None)
    assert clock.sleeps == pytest.approx([0.5, 0.75, 1.125, 1.6875, 2.53125, 3.796875, 5.0, 5.0])


def test_timeout_ends_the_wait_with_the_last_status_reported() -> None:
    clock, reported = FakeClock(3), []
    with pytest.raises(OperationTimedOut, match="timed out after 3s while waiting for dev/web"):
        wait_until(ip_assigned(), get=vm, waiter=clock, doing="waiting for dev/web", report=reported.append)
    assert clock.now == 3
    assert reported[-1] == "waiting for power state PoweredOn (unknown)"


def test_cancellation_during_a_watch_stops_at_the_next_event_and_closes_the_stream() -> None:
    cancelled = threading.Event()
    ctx = OperationContext("urn", cancelled, 300, lambda *_: None)

    def events(current: Obj | None) -> Iterator[Obj | None]:
        yield vm("PoweredOff", version=2)
        cancelled.set()
        yield vm("PoweredOff", version=3)
        raise AssertionError("the loop read past the cancellation")

    closed = []

    def watch(current: Obj | None) -> Iterator[Obj | None]:
        try:
            yield from events(current)
        finally:
            closed.append(True)

    with pytest.raises(OperationCancelled, match="cancelled while waiting"):
        wait_until(ip_assigned(), get=vm, watch=watch, waiter=ctx, doing="waiting", report=lambda _: None)
    assert closed == [True]


def test_a_real_operation_context_times_out_a_poll() -> None:
    ctx = OperationContext("urn", threading.Event(), 0.05, lambda *_: None)
    with pytest.raises(OperationTimedOut):
        wait_until(ip_assigned(), get=vm, waiter=ctx, doing="waiting", report=lambda _: None)


def test_deletion_while_waiting_for_a_vm_is_fatal() -> None:
    watch = FakeWatch([vm("PoweredOn", version=2), None])
    with pytest.raises(ReadinessFailed, match="VirtualMachine dev/web was deleted before it was ready"):
        wait_until(ip_assigned(), get=vm, watch=watch, waiter=FakeClock(60), doing="w", report=lambda _: None)
    assert watch.closed == 1


def test_waiting_for_deletion_ends_when_the_object_is_gone() -> None:
    finalizing = {
        "metadata": {"name": "web", "resourceVersion": "9", "finalizers": ["vmoperator.vmware.com/vm"]}
    }
    reported: list[str] = []
    watch = FakeWatch([finalizing, None])
    result = wait_until(
        deletion_readiness(),
        get=lambda: finalizing,
        watch=watch,
        waiter=FakeClock(60),
        doing="d",
        report=reported.append,
    )
    assert result is None
    assert reported == ["waiting for deletion (vmoperator.vmware.com/vm)"] * 2


def test_done_at_the_first_read_neither_reports_nor_watches() -> None:
    watch = FakeWatch()
    reported: list[str] = []
    ready = vm("PoweredOn", "10.0.0.5")
    assert (
        wait_until(
            ip_assigned(),
            get=lambda: ready,
            watch=watch,
            waiter=FakeClock(1),
            doing="w",
            report=reported.append,
        )
        is ready
    )
    assert reported == [] and watch.opened_after == []


class TimedSessions(FakeWatch):
    """Sessions that end as a server ends a watch whose time is up (the generator returns True)."""

    def __call__(self, current: Obj | None) -> Iterator[Obj | None]:  # type: ignore[override]
        yield from super().__call__(current)
        return True


def test_the_written_object_saves_the_first_read() -> None:
    reads: list[int] = []

    def get() -> Obj:
        reads.append(1)
        return vm("PoweredOn", "10.0.0.5", 9)

    watch = FakeWatch([vm("PoweredOn", "10.0.0.5", 6)])
    result = wait_until(
        ip_assigned(),
        get=get,
        watch=watch,
        waiter=FakeClock(60),
        doing="waiting",
        report=lambda _: None,
        written=vm(version=5),
    )
    assert result is not None and result["metadata"]["resourceVersion"] == "6"
    assert reads == [] and watch.opened_after == ["5"]


def test_a_session_that_ran_out_of_time_continues_from_the_last_version_without_a_read() -> None:
    reads: list[int] = []

    def get() -> Obj:
        reads.append(1)
        return vm(version=1)

    watch = TimedSessions([vm("PoweredOff", version=2)], [], [vm("PoweredOn", "10.0.0.5", 3)])
    result = wait_until(
        ip_assigned(), get=get, watch=watch, waiter=FakeClock(60), doing="waiting", report=lambda _: None
    )
    assert result is not None and result["metadata"]["resourceVersion"] == "3"
    assert reads == [1], "only the first read: timed-out sessions resume from the last version seen"
    assert watch.opened_after == ["1", "2", "2"]


def test_a_broken_session_reads_the_object_again() -> None:
    versions = iter(range(10, 20))

    def get() -> Obj:
        return vm(version=next(versions))

    watch = FakeWatch([vm("PoweredOff", version=2)], [vm("PoweredOn", "10.0.0.5", 12)])
    result = wait_until(
        ip_assigned(), get=get, watch=watch, waiter=FakeClock(60), doing="waiting", report=lambda _: None
    )
    assert result is not None and watch.opened_after == ["10", "11"]
