"""VirtualMachineSnapshot readiness on recorded objects."""

from __future__ import annotations

import pytest
from pulumi_vmservice_provider.kinds.virtualmachinesnapshot.readiness import snapshot_readiness
from pulumi_vmservice_provider.readiness import ReadinessFailed

from tests.unit.readiness.test_kinds import recorded, status_line


def test_a_snapshot_being_taken_is_waited_on_with_the_reason() -> None:
    """Recorded while its VM is not created yet: Ready is False with VM Operator's WaitingForCreation reason
    (upstream controllers/virtualmachinesnapshot/virtualmachinesnapshot_controller.go)."""
    line = status_line(snapshot_readiness("dev/before-upgrade"), recorded("snapshot-in-progress"))
    assert line == "waiting for the snapshot to be ready (VirtualMachineSnapshotWaitingForCreation)"


def test_a_snapshot_without_conditions_is_still_being_taken() -> None:
    obj = recorded("snapshot-in-progress")
    obj["status"] = {}
    assert status_line(snapshot_readiness("dev/x"), obj) == "waiting for the snapshot to be taken"


def test_a_ready_snapshot_is_done() -> None:
    assert status_line(snapshot_readiness("dev/before-upgrade"), recorded("snapshot-ready")) is None


def test_a_failed_snapshot_ends_the_wait_with_vm_operators_message() -> None:
    with pytest.raises(ReadinessFailed, match=r"CreationFailed.*not supported"):
        snapshot_readiness("dev/before-upgrade").evaluate(recorded("snapshot-failed"))


def test_a_snapshot_deleted_while_waiting_fails() -> None:
    with pytest.raises(ReadinessFailed, match="dev/before-upgrade was deleted before"):
        snapshot_readiness("dev/before-upgrade").evaluate(None)
