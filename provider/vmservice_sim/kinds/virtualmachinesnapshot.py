"""VirtualMachineSnapshot (vSphere 9.1, v1alpha5 only): VM Operator's webhooks and its controller.

Mutation labels the snapshot with its VM's name on create. Validation (VM Operator's rules and messages):
`spec.vmName` is required, the VM-name label must match it, and `memory`, `quiesce`, `vmName` and the label
are immutable; with the VMSnapshots capability off, snapshots are refused. The controller takes a real vcsim
snapshot of the VM once the VM exists (named like the object, as VM Operator names it), reports uniqueID,
powerState, quiesced and the Created/CSISynced/Ready conditions, and removes the vSphere snapshot on delete.
Reverting a VM to a snapshot is the VirtualMachine controller's job (`spec.currentSnapshotName`).
"""

from __future__ import annotations

import copy
import logging

from vmservice_sim import capabilities
from vmservice_sim.admission import (
    FieldError,
    Verdict,
    forbidden,
    immutable,
    invalid,
    metadata_map,
    path,
    replace_patch,
    required,
    spec_of,
)
from vmservice_sim.kube import Obj
from vmservice_sim.objects import set_condition
from vmservice_sim.registry import AdmissionRequest, KindReconciler, register
from vmservice_sim.vcenter import VCenterError

log = logging.getLogger("vmservice-sim")

SNAPSHOT = register("VirtualMachineSnapshot", "virtualmachinesnapshots", releases=("9.1",))

VM_NAME_LABEL = "snapshot.vmoperator.vmware.com/vm-name"
READY = "VirtualMachineSnapshotReady"
CREATED = "VirtualMachineSnapshotCreated"
CSI_SYNCED = "VirtualMachineSnapshotCSISynced"
WAITING_FOR_CREATION = "VirtualMachineSnapshotWaitingForCreation"
CREATION_FAILED = "VirtualMachineSnapshotCreationFailed"
CAPABILITY_OFF = "the Supervisor's VM snapshot capability (supports_VM_service_VM_snapshots) is not enabled"

# ========================================================================== admission


@SNAPSHOT.mutate
def mutate(request: AdmissionRequest) -> Verdict:
    if request.operation != "CREATE":
        return Verdict()
    vm_name = spec_of(request.object).get("vmName")
    labels = metadata_map(request.object, "labels")
    if not vm_name or VM_NAME_LABEL in labels:
        return Verdict()
    mutated = copy.deepcopy(request.object)
    mutated.setdefault("metadata", {})["labels"] = {**labels, VM_NAME_LABEL: str(vm_name)}
    return Verdict(patch=replace_patch(request.object, mutated))


@SNAPSHOT.validate
def validate(request: AdmissionRequest) -> Verdict:
    obj, old = request.object, request.old_object
    spec = spec_of(obj)
    errors: list[FieldError] = []
    label_path = path("metadata", "labels").key(VM_NAME_LABEL)
    if request.operation == "CREATE":
        if not capabilities.enabled(request.cluster, "VMSnapshots"):
            return Verdict.denied(CAPABILITY_OFF)
        vm_name = spec.get("vmName") or ""
        if not vm_name:
            errors.append(required(path("spec", "vmName"), "vmName must be provided"))
        else:
            label = metadata_map(obj, "labels").get(VM_NAME_LABEL)
            if label is not None and label != vm_name:
                errors.append(invalid(label_path, label, f'must match spec.vmName "{vm_name}"'))
            vm = request.cluster.get(request.kinds.vm, request.namespace, vm_name)
            if vm is not None and any(
                key.startswith("cluster.x-k8s.io/") for key in metadata_map(vm, "labels")
            ):
                errors.append(
                    forbidden(path("spec", "vmName"), "snapshots are not allowed for VKS/TKG nodes")
                )
    elif old is not None and not request.deleting:
        old_spec = spec_of(old)
        errors += immutable(bool(spec.get("memory")), bool(old_spec.get("memory")), path("spec", "memory"))
        errors += immutable(spec.get("quiesce"), old_spec.get("quiesce"), path("spec", "quiesce"))
        errors += immutable(spec.get("vmName") or "", old_spec.get("vmName") or "", path("spec", "vmName"))
        errors += immutable(
            metadata_map(obj, "labels").get(VM_NAME_LABEL, ""),
            metadata_map(old, "labels").get(VM_NAME_LABEL, ""),
            label_path,
        )
    return Verdict.validation(errors)


# ========================================================================== controller


@SNAPSHOT.reconcile()
class SnapshotReconciler(KindReconciler):
    def __call__(self, namespace: str, name: str) -> float | None:
        kube = self.ctx.kube
        snapshot = kube.get(self.kind, namespace, name)
        if snapshot is None:
            return None
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
