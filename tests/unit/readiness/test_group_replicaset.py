"""Readiness of VirtualMachineGroup and VirtualMachineReplicaSet on recorded objects."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from pulumi_vmservice_provider.kinds.virtualmachinegroup.readiness import group_readiness, member_names
from pulumi_vmservice_provider.kinds.virtualmachinereplicaset.readiness import replica_set_readiness
from pulumi_vmservice_provider.readiness import Readiness

FIXTURES = Path(__file__).parent / "fixtures"


def recorded(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return loaded


def status_line(readiness: Readiness[Any], obj: Any) -> str | None:
    check = readiness.evaluate(obj)
    return None if check.ok else check.message


def test_group_members_in_boot_order() -> None:
    assert member_names(recorded("group-linking")) == ["db", "web"]


def test_group_waits_for_the_member_not_yet_in_the_groups_power_state() -> None:
    assert status_line(group_readiness(), recorded("group-linking")) == (
        "waiting for web to reach the group's power state (NotSynced)"
    )
    assert status_line(group_readiness(), recorded("group-ready")) is None


def test_group_waits_for_unreported_and_unplaced_members() -> None:
    group = recorded("group-ready")
    group["status"]["members"].pop()
    assert status_line(group_readiness(), group) == "waiting for members to be reported (1 of 2)"
    unplaced = recorded("group-ready")
    unplaced["status"]["members"][0]["conditions"][1] = {"type": "PlacementReady", "status": "False"}
    assert status_line(group_readiness(), unplaced) == "waiting for db to be placed"


def test_group_without_power_state_ignores_power_but_needs_ready() -> None:
    group = recorded("group-linking")
    del group["spec"]["powerState"]
    assert status_line(group_readiness(), group) == "waiting for the group to be Ready (MembersNotReady)"


def test_replica_set_ready_when_ready_replicas_equal_replicas() -> None:
    assert status_line(replica_set_readiness(), recorded("replicaset-scaling")) == (
        "waiting for replicas: 2 of 3 ready, 3 exist"
    )
    assert status_line(replica_set_readiness(), recorded("replicaset-ready")) is None


def test_replica_set_waits_for_the_latest_generation_and_scale_down() -> None:
    stale = recorded("replicaset-ready")
    stale["metadata"]["generation"] = 3
    assert (
        status_line(replica_set_readiness(), stale) == "waiting for VM Operator to see the replica set's spec"
    )
    shrinking = copy.deepcopy(recorded("replicaset-ready"))
    shrinking["spec"]["replicas"] = 2
    assert status_line(replica_set_readiness(), shrinking) == "waiting for replicas: 3 of 2 ready, 3 exist"
