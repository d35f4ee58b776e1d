"""VirtualMachineSnapshot admission (VM Operator's 9.1 rules and messages) on plain dicts."""

from __future__ import annotations

import base64
import json
from typing import Any

from vmservice_sim import capabilities
from vmservice_sim.kinds.virtualmachinesnapshot import CAPABILITY_OFF, VM_NAME_LABEL, mutate, validate
from vmservice_sim.kube import CONFIG_MAP, VmopKinds

from tests.unit.sim.fakes import FakeCluster, changed, request


def snapshot(**spec: Any) -> dict[str, Any]:
    return changed(
        {"kind": "VirtualMachineSnapshot", "metadata": {"name": "before-upgrade"}, "spec": {}}, **spec
    )


def cluster(snapshots: bool = True) -> FakeCluster:
    return FakeCluster().add(
        CONFIG_MAP, capabilities.config_map(capabilities.resolve("9.1", {"VMSnapshots": snapshots}))
    )


def test_the_vm_name_is_required() -> None:
    verdict = validate(request(snapshot(), cluster=cluster(), api_release="9.1"))
    assert not verdict.allowed and "spec.vmName: Required value: vmName must be provided" in verdict.reason


def test_a_snapshot_of_a_named_vm_is_admitted() -> None:
    assert validate(request(snapshot(vmName="web-1"), cluster=cluster(), api_release="9.1")).allowed


def test_snapshots_are_refused_while_the_capability_is_off() -> None:
    verdict = validate(request(snapshot(vmName="web-1"), cluster=cluster(snapshots=False), api_release="9.1"))
    assert not verdict.allowed and verdict.message == CAPABILITY_OFF


def test_a_vks_node_cannot_be_snapshotted() -> None:
    node = {
        "metadata": {"name": "node-1", "namespace": "dev", "labels": {"cluster.x-k8s.io/cluster-name": "c"}}
    }
    fake = cluster().add(VmopKinds.for_version("v1alpha5").vm, node)
    verdict = validate(request(snapshot(vmName="node-1"), cluster=fake, api_release="9.1"))
    assert "snapshots are not allowed for VKS/TKG nodes" in verdict.reason


def test_the_vm_name_label_must_match() -> None:
    obj = snapshot(vmName="web-1")
    obj["metadata"]["labels"] = {VM_NAME_LABEL: "web-2"}
    verdict = validate(request(obj, cluster=cluster(), api_release="9.1"))
    assert 'must match spec.vmName "web-1"' in verdict.reason


def test_memory_quiesce_vm_name_and_label_are_immutable_description_is_not() -> None:
    old = snapshot(vmName="web-1", memory=False)
    old["metadata"]["labels"] = {VM_NAME_LABEL: "web-1"}
    for field, value in (("memory", True), ("quiesce", {"timeout": "10m"}), ("vmName", "web-2")):
        verdict = validate(request(changed(old, **{field: value}), old, cluster=cluster(), api_release="9.1"))
        assert not verdict.allowed and f"spec.{field}: Invalid value" in verdict.reason, verdict
        assert "field is immutable" in verdict.reason
    relabelled = changed(old)
    relabelled["metadata"]["labels"] = {VM_NAME_LABEL: "web-2"}
    assert not validate(request(relabelled, old, cluster=cluster(), api_release="9.1")).allowed
    assert validate(
        request(changed(old, description="new"), old, cluster=cluster(), api_release="9.1")
    ).allowed


def test_create_labels_the_snapshot_with_its_vm() -> None:
    verdict = mutate(request(snapshot(vmName="web-1"), api_release="9.1"))
    (operation,) = verdict.patch or []
    assert operation["path"] == "/metadata/labels" and operation["value"] == {VM_NAME_LABEL: "web-1"}
    assert base64.b64decode(verdict.response("u")["patch"])
    assert json.loads(base64.b64decode(verdict.response("u")["patch"]))[0]["op"] == "add"


def test_an_update_or_a_labelled_snapshot_is_left_alone() -> None:
    labelled = snapshot(vmName="web-1")
    labelled["metadata"]["labels"] = {VM_NAME_LABEL: "web-1"}
    assert mutate(request(labelled, api_release="9.1")).patch is None
    assert mutate(request(snapshot(vmName="web-1"), labelled, api_release="9.1")).patch is None
