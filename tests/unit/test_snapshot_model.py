"""VirtualMachineSnapshot's model and a VM's revert (`spec.currentSnapshotName`): replace rules, data loss,
the preview's warning, and Check on a Supervisor without the kind."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.core import Provider
from pulumi_vmservice_provider.model.plan import Disruption, build_plan, planned_changes
from pulumi_vmservice_provider.model.registry import RESOURCES
from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler
from pulumi_vmservice_provider.resources.registry import make_handler
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
        return [c.path for c in planned_changes(SNAPSHOT, old, new) if c.replaces]

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
    plan = build_plan(VM, old, new)
    assert [c.disruption for c in plan.changes] == [Disruption.DATA_LOSS]
    assert plan.warnings() == ["spec.currentSnapshotName discards the guest's data"]


def test_a_revert_to_another_snapshot_is_data_loss_too() -> None:
    old, new = vm(currentSnapshotName="a"), vm(currentSnapshotName="b")
    assert [c.disruption for c in planned_changes(VM, old, new)] == [Disruption.DATA_LOSS]


# ---- what the VM handler sends for a revert, and Check on a Supervisor without the kind -------------------


def vm_body_after_align(
    old: dict[str, Any], new: dict[str, Any], live_spec: dict[str, Any]
) -> dict[str, Any]:
    handler = vm_handler()
    body: Any = handler.update_body(old, new, {"spec": live_spec}, "vmoperator.vmware.com/v1alpha5")  # type: ignore[typeddict-unknown-key]
    result: dict[str, Any] = body["spec"]
    return result


def vm_handler() -> KubeObjectHandler:
    handler = make_handler(VM, ProviderState())
    assert isinstance(handler, KubeObjectHandler)
    return handler


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
    body: Any = vm_handler().create_body(vm(currentSnapshotName="x"), "vmoperator.vmware.com/v1alpha5")
    assert "currentSnapshotName" not in body["spec"]


class ServedVersions:
    def __init__(self, versions: list[str] | Exception) -> None:
        self.versions = versions

    def served_versions(self, group: str, patient: bool = False, ctx: object = None) -> list[str]:
        if isinstance(self.versions, Exception):
            raise self.versions
        return self.versions

    def api_version(self, ref: Any, patient: bool = True, ctx: Any = None) -> str:
        raise RuntimeError(f"{ref.kind} is not served")


def snapshot_handler(versions: list[str] | Exception) -> KubeObjectHandler:
    state = ProviderState()
    state._kube = ServedVersions(versions)  # type: ignore[assignment]
    handler = make_handler(SNAPSHOT, state)
    assert isinstance(handler, KubeObjectHandler)
    return handler


def test_check_on_an_8_0u3_supervisor_names_the_kind_and_the_api_it_needs() -> None:
    ((path, reason),) = snapshot_handler(["v1alpha2", "v1alpha1"]).validate_with_server(snapshot())
    assert path == "spec"
    assert reason == (
        "VirtualMachineSnapshot needs VM Operator API vmoperator.vmware.com/v1alpha5 or newer (a vSphere 9.1 "
        "Supervisor); this Supervisor serves v1alpha2, v1alpha1, which has no VirtualMachineSnapshot"
    )


def test_check_without_a_reachable_supervisor_defers_to_the_server() -> None:
    assert snapshot_handler(ConnectionError("refused")).validate_with_server(snapshot()) == []
