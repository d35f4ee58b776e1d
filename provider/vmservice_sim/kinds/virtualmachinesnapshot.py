"""VirtualMachineSnapshot (vSphere 9.1, v1alpha5 only): VM Operator's controller.

The controller takes a real vcsim
snapshot of the VM once the VM exists (named like the object, as VM Operator names it), reports uniqueID,
powerState, quiesced and the Created/CSISynced/Ready conditions, and removes the vSphere snapshot on delete.
Reverting a VM to a snapshot is the VirtualMachine controller's job (`spec.currentSnapshotName`).
"""

from __future__ import annotations

import copy
import logging

from vmservice_sim import capabilities
from vmservice_sim.kube import CONFIG_MAP, Obj
from vmservice_sim.objects import set_condition
from vmservice_sim.registry import KindReconciler, register
from vmservice_sim.vcenter import VCenterError

log = logging.getLogger("vmservice-sim")

SNAPSHOT = register("VirtualMachineSnapshot", "virtualmachinesnapshots", releases=("9.1",))

VM_NAME_LABEL = "snapshot.vmoperator.vmware.com/vm-name"
READY = "VirtualMachineSnapshotReady"
CREATED = "VirtualMachineSnapshotCreated"
CSI_SYNCED = "VirtualMachineSnapshotCSISynced"
WAITING_FOR_CREATION = "VirtualMachineSnapshotWaitingForCreation"
CREATION_FAILED = "VirtualMachineSnapshotCreationFailed"

# ========================================================================== controller


@SNAPSHOT.reconcile()
class SnapshotReconciler(KindReconciler):
    def _capability_on(self) -> bool:
        found = self.ctx.kube.get(CONFIG_MAP, capabilities.CONFIGMAP_NAMESPACE, capabilities.CONFIGMAP_NAME)
        return capabilities.published((found or {}).get("data"), "VMSnapshots")

    def __call__(self, namespace: str, name: str) -> float | None:
        kube = self.ctx.kube
        snapshot = kube.get(self.kind, namespace, name)
        if snapshot is None or not self._capability_on():
            return None  # VM Operator runs its snapshot controller only with VMSnapshots on
        meta = snapshot["metadata"]
        if meta.get("deletionTimestamp"):
            if self.finalizer in (meta.get("finalizers") or []):
                self._remove(snapshot)
                kube.remove_finalizer(self.kind, snapshot, self.finalizer)
            return None
        if kube.add_finalizer(self.kind, snapshot, self.finalizer):
            return 0.0
        status = copy.deepcopy(snapshot.get("status") or {})
        after = self._take(snapshot, status)
        if status != (snapshot.get("status") or {}):
            kube.replace_status(self.kind, namespace, name, status)
        return after

    def _take(self, snapshot: Obj, status: Obj) -> float | None:
        if status.get("uniqueID"):
            return None
        meta, spec = snapshot["metadata"], snapshot.get("spec") or {}
        generation = meta.get("generation")
        vm = self.ctx.kube.get(self.ctx.kinds.vm, meta["namespace"], str(spec.get("vmName") or ""))
        moref = ((vm or {}).get("status") or {}).get("uniqueID")
        if vm is None or not moref:
            message = f"waiting for VirtualMachine {spec.get('vmName')!r} to be created"
            set_condition(status, READY, False, WAITING_FOR_CREATION, message, generation)
            return 1.0
        vcenter = self.ctx.vcenter
        power_state = (vm.get("status") or {}).get("powerState") or "PoweredOff"
        try:
            snapshot_moref = vcenter.find_snapshot(moref, meta["name"]) or vcenter.create_snapshot(
                moref,
                meta["name"],
                str(spec.get("description") or ""),
                bool(spec.get("memory")) and power_state == "PoweredOn",
                spec.get("quiesce") is not None and power_state == "PoweredOn",
            )
        except VCenterError as error:
            set_condition(status, CREATED, False, CREATION_FAILED, str(error), generation)
            set_condition(status, READY, False, CREATION_FAILED, str(error), generation)
            return None
        status["uniqueID"] = snapshot_moref
        status["quiesced"] = spec.get("quiesce") is not None
        status["powerState"] = power_state
        set_condition(status, CREATED, True, "True", "", generation)
        set_condition(status, CSI_SYNCED, True, "True", "", generation)
        set_condition(status, READY, True, "True", "", generation)
        log.info("snapshot %s/%s of VM %s: %s", meta["namespace"], meta["name"], moref, snapshot_moref)
        return None

    def _remove(self, snapshot: Obj) -> None:
        unique_id = (snapshot.get("status") or {}).get("uniqueID")
        if unique_id:
            try:
                self.ctx.vcenter.remove_snapshot(str(unique_id))
            except VCenterError as error:  # the VM (and its snapshots) already gone
                log.info("removing snapshot %s: %s", unique_id, error)
