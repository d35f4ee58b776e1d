"""Refresh of many objects: one LIST per kind and namespace, shared by concurrent Reads."""

from __future__ import annotations

import threading
from typing import Any

from pulumi_vmservice_provider.resources.snapshots import ListSnapshots


def objects(*names: str) -> list[dict[str, Any]]:
    return [{"metadata": {"name": n}} for n in names]


def test_reads_within_the_window_share_one_list() -> None:
    now = [0.0]
    snapshots = ListSnapshots(max_age=10, clock=lambda: now[0])
    calls: list[int] = []

    def list_all() -> list[dict[str, Any]]:
        calls.append(1)
        return objects("a", "b")

    assert snapshots.find("VirtualMachine", "dev", "a", list_all) == {"metadata": {"name": "a"}}
    assert snapshots.find("VirtualMachine", "dev", "b", list_all) is not None
    assert snapshots.find("VirtualMachine", "dev", "gone", list_all) is None
    assert len(calls) == 1
    now[0] = 11.0  # too old: listed again
    snapshots.find("VirtualMachine", "dev", "a", list_all)
    assert len(calls) == 2
    snapshots.find("VirtualMachineService", "dev", "a", list_all)  # another kind: its own list
    assert len(calls) == 3


def test_a_written_object_is_not_answered_from_the_snapshot() -> None:
    snapshots = ListSnapshots()
    snapshots.find("VirtualMachine", "dev", "a", lambda: objects("a"))
    snapshots.forget("VirtualMachine", "dev", "a")
    assert snapshots.find("VirtualMachine", "dev", "a", lambda: objects("a")) is None  # caller GETs it


def test_concurrent_reads_wait_for_one_list() -> None:
    snapshots = ListSnapshots()
    started = threading.Event()
    calls: list[int] = []

    def slow_list() -> list[dict[str, Any]]:
        calls.append(1)
        started.wait(1)
        return objects(*(f"vm-{i}" for i in range(100)))

    found: list[Any] = []
    threads = [
        threading.Thread(target=lambda i=i: found.append(snapshots.find("VM", "dev", f"vm-{i}", slow_list)))
        for i in range(20)
    ]
    for thread in threads:
        thread.start()
    started.set()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and all(found) and len(found) == 20
