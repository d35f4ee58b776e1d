"""VirtualMachineSnapshot with the real Pulumi CLI on a 9.1 simulator: a VM and a snapshot of it (a real vcsim
snapshot), a revert through `spec.currentSnapshotName` that the preview flags as data loss, `up` reverting the
vcsim VM once (the Supervisor clears the field; no drift afterwards), and destroy removing the snapshot."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.test_vm_behaviour import (
    GROUP,
    NS,
    Supervisor,
    destroy_quietly,
    project_for,
    rewrite,
    simulator_91,
    sup_91,
    vm_resource,
    vm_steps,
)

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

__all__ = ["simulator_91", "sup_91"]  # the module-scoped 9.1 simulator, started for this module

pytestmark = pytest.mark.e2e


def snapshot_resource(name: str, vm: str) -> str:
    return f"""  snap:
    type: vmservice:index:VirtualMachineSnapshot
    properties:
      metadata:
        name: {name}
      spec:
        vmName: {vm}
        description: before the upgrade
    options:
      dependsOn:
        - ${{vm}}
"""


def snapshot_of(sup: Supervisor, name: str) -> dict[str, Any] | None:
    from kubernetes.client.exceptions import ApiException

    try:
        found: dict[str, Any] = sup.custom.get_namespaced_custom_object(
            GROUP, "v1alpha5", NS, "virtualmachinesnapshots", name
        )
        return found
    except ApiException as error:
        if error.status == 404:
            return None
        raise


@pytest.fixture
def vcenter(simulator_91: Simulator) -> Iterator[Any]:
    from vmservice_sim.simulator import VSPHERE_USER
    from vmservice_sim.vcenter import VCenter

    assert simulator_91.vcsim is not None
    made = VCenter(
        simulator_91.vcsim.host, VSPHERE_USER, simulator_91.vsphere_password, str(simulator_91.ca_path)
    )
    try:
        yield made
    finally:
        made.close()


def test_snapshot_revert_is_previewed_as_data_loss_and_reverts_once(
    pulumi_cli: Path, tmp_path: Path, simulator_91: Simulator, sup_91: Supervisor, vcenter: Any
) -> None:
    vm_name, snap_name = f"snap-vm-{secrets.token_hex(3)}", f"snap-{secrets.token_hex(3)}"

    def body(revert: bool = False) -> str:
        extra = f"currentSnapshotName: {snap_name}" if revert else ""
        return (
            "resources:\n"
            + vm_resource("vm", vm_name, spec_extra=extra)
            + snapshot_resource(snap_name, vm_name)
        )

    project = project_for(simulator_91, tmp_path / "snapshot", body())
    try:
        project.run("up", "--yes")
        snapshot = snapshot_of(sup_91, snap_name)
        assert snapshot is not None
        ready = {c["type"]: c["status"] for c in snapshot["status"]["conditions"]}
        assert ready["VirtualMachineSnapshotReady"] == "True"
        live_vm = sup_91.vm(vm_name)
        assert live_vm is not None
        moref = live_vm["status"]["uniqueID"]
        assert vcenter.find_snapshot(moref, snap_name) == snapshot["status"]["uniqueID"]
        project.run("refresh", "--yes", "--expect-no-changes")

        # The revert: an in-place update of the VM, flagged as data loss in the JSON and the diagnostics.
        rewrite(project, body(revert=True))
        preview = project.preview_json()
        (step,) = vm_steps(preview, "vm")
        assert step["op"] == "update"
        assert "spec.currentSnapshotName" in step["detailedDiff"]
        warnings = [d["message"] for d in preview.get("diagnostics", []) if d.get("severity") == "warning"]
        assert any("spec.currentSnapshotName discards the guest's data" in w for w in warnings), json.dumps(
            preview.get("diagnostics")
        )

        project.run("up", "--yes")
        deadline = time.monotonic() + 20
        while True:  # the controller reverts asynchronously after the update is applied
            live_vm = sup_91.vm(vm_name)
            assert live_vm is not None
            if (live_vm["status"].get("currentSnapshot") or {}).get("name") == snap_name:
                break
            assert time.monotonic() < deadline, live_vm["status"]
            time.sleep(0.2)
        reverted = {c["type"]: c["status"] for c in live_vm["status"]["conditions"]}
        # True once, then removed with the field (as VM Operator does); never False (a failed revert).
        assert reverted.get("VirtualMachineSnapshotRevertSucceeded", "True") == "True"
        assert not live_vm["spec"].get("currentSnapshotName")  # cleared by the Supervisor: reverts once
        # The cleared field is the revert done, not drift; a later up does not revert again.
        project.run("refresh", "--yes", "--expect-no-changes")
        project.run("preview", "--expect-no-changes")

        project.run("destroy", "--yes")
        assert snapshot_of(sup_91, snap_name) is None and sup_91.vm(vm_name) is None
    finally:
        destroy_quietly(project)
