"""VM Operator's validation webhooks of VirtualMachineGroup and VirtualMachineReplicaSet (9.1), on plain
dicts, and the pure parts of their controllers."""

from __future__ import annotations

from typing import Any

from vmservice_sim.admission import Verdict
from vmservice_sim.kinds.virtualmachinegroup import (
    LAST_POWER_STATE_ANNOTATION,
    boot_order,
    duration,
    member_status,
)
from vmservice_sim.kinds.virtualmachinegroup import validate as validate_group
from vmservice_sim.kinds.virtualmachinereplicaset import matches, replica
from vmservice_sim.kinds.virtualmachinereplicaset import validate as validate_replica_set
from vmservice_sim.registry import registrations
from vmservice_sim.release import release

from tests.unit.sim.fakes import ADMIN, changed, request


def denial(verdict: Verdict) -> str:
    assert not verdict.allowed and verdict.code == 422
    return verdict.reason


def group(**spec: Any) -> dict[str, Any]:
    return changed({"kind": "VirtualMachineGroup", "metadata": {"name": "app"}, "spec": {}}, **spec)


def replica_set(labels: dict[str, str], **selector: Any) -> dict[str, Any]:
    return {
        "kind": "VirtualMachineReplicaSet",
        "metadata": {"name": "web", "namespace": "dev", "uid": "u-1"},
        "spec": {
            "replicas": 2,
            "selector": selector,
            "template": {"metadata": {"labels": labels}, "spec": {"className": "best-effort-small"}},
        },
    }


def test_kinds_exist_only_on_9_1() -> None:
    names = {r.kind for r in registrations(release("9.1"))} - {
        r.kind for r in registrations(release("8.0u3"))
    }
    assert {"VirtualMachineGroup", "VirtualMachineReplicaSet"} <= names


def test_group_power_state_cannot_be_emptied_once_set() -> None:
    old = group(powerState="PoweredOn")
    assert denial(validate_group(request(group(), old, api_release="9.1"))) == (
        "spec.powerState: Forbidden: cannot set powerState to empty once it's been set"
    )
    assert validate_group(request(group(powerState="PoweredOff"), old, api_release="9.1")).allowed


def test_group_power_state_annotation_is_admin_only_and_rfc3339() -> None:
    stamped = group()
    stamped["metadata"]["annotations"] = {LAST_POWER_STATE_ANNOTATION: "yesterday"}
    reason = denial(validate_group(request(stamped, api_release="9.1")))
    assert "modifying this annotation is not allowed for non-admin users" in reason
    assert "time must be in RFC3339Nano format" in reason
    stamped["metadata"]["annotations"][LAST_POWER_STATE_ANNOTATION] = "2026-01-02T03:04:05.123456789Z"
    assert validate_group(request(stamped, user=ADMIN, api_release="9.1")).allowed


def test_boot_order_and_delays() -> None:
    spec = [
        {"members": [{"name": "db"}, {"kind": "VirtualMachineGroup", "name": "sub"}]},
        {"members": [{"name": "web", "kind": "VirtualMachine"}], "powerOnDelay": "1m30s"},
    ]
    assert boot_order(group(bootOrder=spec)) == [(0.0, ["db"]), (90.0, ["web"])]
    assert duration("500ms") == 0.5 and duration("") == 0.0


def test_member_status_reports_link_zone_and_power() -> None:
    vm = {
        "metadata": {"name": "db", "uid": "u", "labels": {"topology.kubernetes.io/zone": "zone-b"}},
        "spec": {"groupName": "app"},
        "status": {"powerState": "PoweredOff"},
    }
    status = member_status("db", "app", vm, "PoweredOn")
    assert status["placement"] == {"zoneID": "zone-b"} and status["powerState"] == "PoweredOff"
    assert {c["type"]: c["status"] for c in status["conditions"]} == {
        "GroupLinked": "True",
        "PlacementReady": "True",
        "PowerStateSynced": "False",
    }
    assert member_status("db", "other", vm, "")["conditions"][0]["status"] == "False"
    assert member_status("gone", "app", None, "")["conditions"][0]["reason"] == "NotFound"


def test_replica_set_template_labels_must_match_the_selector() -> None:
    bad = replica_set({"app": "db"}, matchLabels={"app": "web"})
    assert denial(validate_replica_set(request(bad, api_release="9.1"))) == (
        'spec.template.metadata.labels: Invalid value: {"app":"db"}: must match spec.selector "app=web"'
    )
    good = replica_set({"app": "web", "tier": "front"}, matchLabels={"app": "web"})
    assert validate_replica_set(request(good, api_release="9.1")).allowed


def test_selector_expressions() -> None:
    selector = {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]}
    assert matches(selector, {"tier": "front"}) and not matches(selector, {"tier": "back"})
    assert not matches({"matchExpressions": [{"key": "x", "operator": "Exists"}]}, {})


def test_a_replica_is_owned_by_its_replica_set_and_made_from_the_template() -> None:
    vm = replica(replica_set({"app": "web"}, matchLabels={"app": "web"}), "vmoperator.vmware.com/v1alpha5")
    assert vm["metadata"]["name"].startswith("web-") and vm["metadata"]["labels"] == {"app": "web"}
    assert vm["metadata"]["ownerReferences"][0] == {
        "apiVersion": "vmoperator.vmware.com/v1alpha5",
        "kind": "VirtualMachineReplicaSet",
        "name": "web",
        "uid": "u-1",
        "controller": True,
        "blockOwnerDeletion": True,
    }
    assert vm["spec"] == {"className": "best-effort-small"}
