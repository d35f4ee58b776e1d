"""VirtualMachineSnapshot's model and a VM's revert (`spec.currentSnapshotName`): replace rules, data loss,
the preview's warning, and Check on a Supervisor without the kind."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.core import Provider, disruption_warnings
from pulumi_vmservice_provider.kinds.virtualmachine.handler import VirtualMachineHandler
from pulumi_vmservice_provider.kinds.virtualmachinesnapshot.handler import (
    VirtualMachineSnapshotHandler,
    not_served_message,
)
from pulumi_vmservice_provider.model.diff import diff_properties
from pulumi_vmservice_provider.model.disruption import Disruption, assess_all
from pulumi_vmservice_provider.model.registry import RESOURCES
from pulumi_vmservice_provider.resources.state import ProviderState

SNAPSHOT = RESOURCES["vmservice:index:VirtualMachineSnapshot"]
VM = RESOURCES["vmservice:index:VirtualMachine"]


def snapshot(**spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": "before-upgrade", "namespace": "dev"}, "spec": {"vmName": "web-1", **spec}}


def vm(**spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "web-1", "namespace": "dev"},
        "spec": {"className": "best-effort-small", "imageName": "ubuntu-22.04", **spec},
    }


def test_the_kind_is_v1alpha5_only() -> None:
    assert SNAPSHOT.kube is not None and SNAPSHOT.kube.versions == ("v1alpha5",)


def test_vm_name_memory_and_quiesce_replace_the_snapshot_description_does_not() -> None:
    def replaced(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
        return [c.path for c in diff_properties(SNAPSHOT.inputs, old, new) if c.replaces]

    assert replaced(snapshot(), snapshot(vmName="web-2")) == ["spec.vmName"]
    assert replaced(snapshot(), snapshot(memory=True)) == ["spec.memory"]
    assert replaced(snapshot(), snapshot(quiesce={"timeout": "10m"})) == ["spec.quiesce"]
    assert replaced(snapshot(), snapshot(description="before the upgrade")) == []


def test_the_vm_name_is_required() -> None:
    _, failures = Provider(lambda *args: None).check(
        SNAPSHOT.token, "snap", {}, {"metadata": {"namespace": "dev"}, "spec": {}}, b"seed"
    )
    assert [f.path for f in failures] == ["spec.vmName"]


def test_a_revert_is_data_loss_and_the_preview_says_so() -> None:
    old, new = vm(), vm(currentSnapshotName="before-upgrade")
    assessments = assess_all(diff_properties(VM.inputs, old, new), old, new)
    assert [a.disruption for a in assessments] == [Disruption.DATA_LOSS]
    assert disruption_warnings(assessments) == ["spec.currentSnapshotName discards the guest's data"]


def test_a_revert_to_another_snapshot_is_data_loss_too() -> None:
    old, new = vm(currentSnapshotName="a"), vm(currentSnapshotName="b")
    assert [a.disruption for a in assess_all(diff_properties(VM.inputs, old, new), old, new)] == [
        Disruption.DATA_LOSS
    ]


def test_an_older_supervisor_is_told_the_kind_and_the_api_it_needs() -> None:
    message = not_served_message(["v1alpha2", "v1alpha1"])
    assert "VirtualMachineSnapshot" in message and "v1alpha5" in message and "vSphere 9.1" in message
    assert "newest is v1alpha2" in message


# ---- what the VM handler sends for a revert, and Check on a Supervisor without the kind -------------------


def vm_body_after_align(
    old: dict[str, Any], new: dict[str, Any], live_spec: dict[str, Any]
) -> dict[str, Any]:
    handler = VirtualMachineHandler(VM, ProviderState())
    body = handler.manifest(new, "vmoperator.vmware.com/v1alpha5")
    handler.align_with_live(body, {"spec": live_spec}, old)
    result: dict[str, Any] = body["spec"]
    return result


def test_a_new_revert_is_sent() -> None:
    spec = vm_body_after_align(vm(), vm(currentSnapshotName="before-upgrade"), {})
    assert spec["currentSnapshotName"] == "before-upgrade"


def test_a_done_revert_is_not_sent_again_with_an_unrelated_change() -> None:
    old = vm(currentSnapshotName="before-upgrade")
    new = vm(currentSnapshotName="before-upgrade", powerState="PoweredOff")
    assert "currentSnapshotName" not in vm_body_after_align(old, new, {})


def test_a_revert_still_in_progress_is_kept() -> None:
    old = new = vm(currentSnapshotName="before-upgrade")
    spec = vm_body_after_align(old, new, {"currentSnapshotName": "before-upgrade"})
    assert spec["currentSnapshotName"] == "before-upgrade"


def test_a_new_vm_is_created_without_a_revert() -> None:
    handler = VirtualMachineHandler(VM, ProviderState())
    body = handler.manifest(vm(currentSnapshotName="x"), "vmoperator.vmware.com/v1alpha5")
    handler.prepare_create(body)
    assert "currentSnapshotName" not in body["spec"]


class ServedVersions:
    def __init__(self, versions: list[str] | Exception) -> None:
        self.versions = versions

    def served_versions(self, group: str, patient: bool = False, ctx: object = None) -> list[str]:
        if isinstance(self.versions, Exception):
            raise self.versions
        return self.versions


def snapshot_handler(versions: list[str] | Exception) -> VirtualMachineSnapshotHandler:
    state = ProviderState()
    state._kube = ServedVersions(versions)  # type: ignore[assignment]
    return VirtualMachineSnapshotHandler(SNAPSHOT, state)


def test_check_on_an_8_0u3_supervisor_names_the_kind_and_the_api_it_needs() -> None:
    ((path, reason),) = snapshot_handler(["v1alpha2", "v1alpha1"]).validate_with_server(snapshot())
    assert path == "spec"
    assert reason == (
        "VirtualMachineSnapshot needs VM Operator API v1alpha5 (vSphere 9.1 or newer), which this Supervisor "
        "does not serve; its newest is v1alpha2"
    )


def test_check_without_a_reachable_supervisor_defers_to_the_server() -> None:
    assert snapshot_handler(ConnectionError("refused")).validate_with_server(snapshot()) == []
