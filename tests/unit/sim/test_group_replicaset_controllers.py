"""The pure parts of the VirtualMachineGroup and VirtualMachineReplicaSet controllers (9.1). Their webhooks
are the rules package's (tests/fidelity)."""

from __future__ import annotations

from typing import Any

from vmservice_sim.kinds.virtualmachinegroup import boot_order, duration, member_status
from vmservice_sim.kinds.virtualmachinereplicaset import matches, replica
from vmservice_sim.registry import registrations
from vmservice_sim.release import release


def group(**spec: Any) -> dict[str, Any]:
    return {"kind": "VirtualMachineGroup", "metadata": {"name": "app"}, "spec": spec}


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
