"""A VM's `spec.currentSnapshotName` (v1alpha5, vSphere 9.1): revert the vSphere VM to that snapshot, as VM
Operator does. The snapshot must exist and be ready; the revert is reported in the condition
VirtualMachineSnapshotRevertSucceeded and `status.currentSnapshot`, and the field is cleared once done (VM
Operator restores the spec saved with the snapshot, which never holds it), so it reverts once."""

from __future__ import annotations

import logging

from vmservice_sim.context import EmulatorContext
from vmservice_sim.kube import Kind, Obj
from vmservice_sim.objects import is_true, remove_condition, set_condition
from vmservice_sim.release import GROUP
from vmservice_sim.vcenter import VCenterError

log = logging.getLogger("vmservice-sim")

REVERT_SUCCEEDED = "VirtualMachineSnapshotRevertSucceeded"
REVERT_FAILED = "VirtualMachineSnapshotRevertFailed"
REVERT_SKIPPED = "VirtualMachineSnapshotRevertSkipped"
SNAPSHOT_READY = "VirtualMachineSnapshotReady"
SNAPSHOT_KIND = Kind("VirtualMachineSnapshot", "virtualmachinesnapshots", GROUP, "v1alpha5")


def revert(ctx: EmulatorContext, vm_kind: Kind, vm: Obj, status: Obj, moref: str) -> bool:
    """Revert `vm` if it asks for it; True when it did (its spec field is then cleared)."""
    wanted = (vm.get("spec") or {}).get("currentSnapshotName")
    generation = vm["metadata"].get("generation")
    if not wanted:
        remove_condition(status, REVERT_SUCCEEDED)
        return False
    namespace, name = vm["metadata"]["namespace"], vm["metadata"]["name"]
    snapshot = ctx.kube.get(SNAPSHOT_KIND, namespace, str(wanted))
    if snapshot is None:
        message = f'failed to get snapshot object "{wanted}": not found'
        set_condition(status, REVERT_SUCCEEDED, False, REVERT_FAILED, message, generation)
        return False
    if not is_true(snapshot, SNAPSHOT_READY):
        message = f'skipping revert for not-ready snapshot "{wanted}"'
        set_condition(status, REVERT_SUCCEEDED, False, REVERT_SKIPPED, message, generation)
        return False
    target = ctx.vcenter.find_snapshot(moref, str(wanted))
    if target is None:
        message = f'failed to find vSphere snapshot "{wanted}"'
        set_condition(status, REVERT_SUCCEEDED, False, REVERT_FAILED, message, generation)
        return False
    try:
        ctx.vcenter.revert_to_snapshot(target)
    except VCenterError as error:
        set_condition(status, REVERT_SUCCEEDED, False, REVERT_FAILED, str(error), generation)
        return False
    log.info("VM %s/%s reverted to snapshot %s (%s)", namespace, name, wanted, target)
    status["currentSnapshot"] = {"type": "Managed", "name": str(wanted)}
    set_condition(status, REVERT_SUCCEEDED, True, "True", "", generation)
    ctx.kube.patch(vm_kind, namespace, name, {"spec": {"currentSnapshotName": None}})
    return True
