"""VirtualMachineSnapshot admission (vSphere 9.1 only): VM Operator's mutating and validating webhooks.

On create the mutating webhook labels the snapshot with its VM's name; the validating webhook wants a VM
name and refuses snapshots of VKS/TKG nodes and of VMs with a shared SCSI controller, reading the VM from the
cluster (a VM that does not exist yet is no reason to refuse). Afterwards only the description may change,
and the VM-name label stays as it was.

Sources: v1.10.0 webhooks/virtualmachinesnapshot/mutation/virtualmachinesnapshot_mutator.go and
webhooks/virtualmachinesnapshot/validation/virtualmachinesnapshot_validator.go (upstream registers both only
with its VMSnapshots feature on; the kind exists only in 9.1).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vmservice_api.rules.fielderrors import (
    IMMUTABLE,
    Effect,
    FieldError,
    forbidden,
    invalid,
    not_supported,
    path,
    required,
)
from vmservice_api.rules.framework import Denied, Release, Request, mutation, validation
from vmservice_api.rules.kinds._support import govalues
from vmservice_api.rules.kinds._support.refusals import refusal
from vmservice_api.rules.kinds._support.times import duration_error, parse_duration
from vmservice_api.types.release_9_1.virtualmachinesnapshot import VirtualMachineSnapshot

KIND = "VirtualMachineSnapshot"
_MUTATOR = "webhooks/virtualmachinesnapshot/mutation/virtualmachinesnapshot_mutator.go"
_VALIDATOR = "webhooks/virtualmachinesnapshot/validation/virtualmachinesnapshot_validator.go"
ONLY_9_1: tuple[Release, ...] = ("9.1",)

VM_NAME_LABEL = "snapshot.vmoperator.vmware.com/vm-name"
VIRTUAL_MACHINE = "VirtualMachine.vmoperator.vmware.com"
# Cluster API's node-role labels: a VM carrying one is a VKS/TKG node (pkg/util/kube HasCAPILabels).
CAPI_LABELS = ("capw.vmware.com/cluster.role", "capv.vmware.com/cluster.role")
NO_SHARING = "None"  # also the CRD's default for a controller's sharingMode

QUIESCE = govalues.Struct("QuiesceSpec", (govalues.Field("Timeout", "timeout", "duration", pointer=True),))


def _spec(view: Any) -> dict[str, Any]:
    return dict(view.spec)


def _decode_error(obj: Any) -> str | None:
    """Why the object does not decode into VM Operator's Go type (a quiesce timeout Go cannot read)."""
    quiesce = _spec(obj).get("quiesce")
    return duration_error(dict(quiesce).get("timeout")) if isinstance(quiesce, dict) else None


_TIMEOUT = path("spec", "quiesce", "timeout")


# ---------------------------------------------------------------------------------------------- mutation
@mutation(
    KIND,
    source=f"{_MUTATOR}: Mutate (decoding the object)",
    operations=("CREATE",),
    releases=ONLY_9_1,
    writes=(),
)
def snapshot_decodes(req: Request[VirtualMachineSnapshot]) -> bool:
    error = _decode_error(req.view)
    if error:
        raise Denied(error)
    return False


@mutation(
    KIND,
    source=f"{_MUTATOR}: SetVMNameLabel",
    operations=("CREATE",),
    releases=ONLY_9_1,
    writes=("metadata.labels",),
)
def label_with_vm_name(req: Request[VirtualMachineSnapshot]) -> bool:
    vm_name = str(_spec(req.view).get("vmName") or "")
    metadata = req.object.setdefault("metadata", {})
    labels = metadata.get("labels") or {}
    if not vm_name or VM_NAME_LABEL in labels:
        return False
    metadata["labels"] = {**labels, VM_NAME_LABEL: vm_name}
    return True


# ---------------------------------------------------------------------------------------------- validation
def _undecodable(req: Request[VirtualMachineSnapshot]) -> str | None:
    return _decode_error(req.view) or (_decode_error(req.old_view) if req.operation == "UPDATE" else None)


@validation(KIND, source=f"{_VALIDATOR}: vmSnapshotFromUnstructured", releases=ONLY_9_1)
def snapshot_is_readable(req: Request[VirtualMachineSnapshot]) -> Iterable[FieldError]:
    error = _undecodable(req)
    return [refusal(_TIMEOUT, error, 400)] if error else []


@validation(
    KIND, source=f"{_VALIDATOR}: ValidateCreate, validateVMFields", operations=("CREATE",), releases=ONLY_9_1
)
def vm_can_be_snapshotted(req: Request[VirtualMachineSnapshot]) -> Iterable[FieldError]:
    if _undecodable(req):
        return []
    at = path("spec", "vmName")
    vm_name = str(_spec(req.view).get("vmName") or "")
    if not vm_name:
        return [required(at, "vmName must be provided")]
    vm = req.get(VIRTUAL_MACHINE, vm_name)
    if vm is None:
        return []  # the snapshot controller deals with a VM that is not there (yet)
    errors: list[FieldError] = []
    labels = (vm.get("metadata") or {}).get("labels") or {}
    if any(label in labels for label in CAPI_LABELS):
        errors.append(forbidden(at, "snapshots are not allowed for VKS/TKG nodes"))
    hardware = (vm.get("spec") or {}).get("hardware") or {}
    for controller in hardware.get("scsiControllers") or []:
        mode = controller.get("sharingMode") or NO_SHARING
        if mode != NO_SHARING:
            detail = (
                f"controller type SCSIControllers bus {int(controller.get('busNumber') or 0)} "
                f"is using unsupported sharingMode for snapshot: {mode}"
            )
            errors.append(not_supported(at, detail, (NO_SHARING,)))
    return errors


def _quiesce_as_compared(quiesce: Any) -> Any:
    """A *QuiesceSpec as semantic equality sees it: absent differs from empty; timeouts by duration."""
    if quiesce is None:
        return None
    timeout = dict(quiesce).get("timeout")
    return ("set", None if timeout is None else parse_duration(str(timeout)))


@validation(KIND, source=f"{_VALIDATOR}: ValidateUpdate", operations=("UPDATE",), releases=ONLY_9_1)
def only_description_changes(req: Request[VirtualMachineSnapshot]) -> Iterable[FieldError]:
    if _undecodable(req):
        return []
    new, old = _spec(req.view), _spec(req.old_view)
    errors: list[FieldError] = []
    if bool(new.get("memory")) != bool(old.get("memory")):
        errors.append(invalid(path("spec", "memory"), bool(new.get("memory")), IMMUTABLE, Effect.IMMUTABLE))
    if _quiesce_as_compared(new.get("quiesce")) != _quiesce_as_compared(old.get("quiesce")):
        shown = govalues.render(req.release, QUIESCE, new.get("quiesce"), pointer=True)
        errors.append(invalid(path("spec", "quiesce"), shown, IMMUTABLE, Effect.IMMUTABLE))
    vm_name = str(new.get("vmName") or "")
    if vm_name != str(old.get("vmName") or ""):
        errors.append(invalid(path("spec", "vmName"), vm_name, IMMUTABLE, Effect.IMMUTABLE))
    return errors


@validation(
    KIND, source=f"{_VALIDATOR}: validateImmutableVMNameLabel", operations=("UPDATE",), releases=ONLY_9_1
)
def vm_name_label_unchanged(req: Request[VirtualMachineSnapshot]) -> Iterable[FieldError]:
    if _undecodable(req):
        return []
    label = req.view.labels.get(VM_NAME_LABEL, "")
    if label == req.old_view.labels.get(VM_NAME_LABEL, ""):
        return []
    return [invalid(path("metadata", "labels").key(VM_NAME_LABEL), label, IMMUTABLE, Effect.IMMUTABLE)]
