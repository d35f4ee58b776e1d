"""A VM's volumes (spec.volumes): names and claims, which volumes may be removed, the disk settings that
never change, shared-disk combinations (9.1), and instance storage.

Upstream checks each volume in one pass (names and claim; then, with VMSharedDisks or AllDisksArePVCs, the
settings that never change and the application type, the sharing combinations, the controller placement).
Here the pass is four rules, so a preview that knows the object but not the cluster (the sharing checks read
claims and storage classes) still judges the others; the errors keep upstream's order for one volume.
"""

from __future__ import annotations

from typing import Any

from vmservice_api.rules.fielderrors import (
    IMMUTABLE,
    Effect,
    FieldError,
    FieldPath,
    dns1123_subdomain,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    path,
    required,
)
from vmservice_api.rules.kinds.virtualmachine import names
from vmservice_api.rules.kinds.virtualmachine.validation_hardware import ControllerSpecs, sharing_mode
from vmservice_api.rules.kinds.virtualmachine.validation_placement import is_encrypted_storage_class
from vmservice_api.rules.kinds.virtualmachine.validation_support import (
    VMRequest,
    integer,
    is_privileged,
    is_upgraded,
    is_vm_operator,
    items,
    mapping,
    node,
    same,
    spec,
    text,
)

VOLUMES = path("spec", "volumes")
ORACLE_RAC, MICROSOFT_WSFC = "OracleRAC", "MicrosoftWSFC"
MULTI_WRITER, INDEPENDENT_PERSISTENT = "MultiWriter", "IndependentPersistent"


def _volumes(vm: Any) -> list[dict[str, Any]]:
    return [dict(mapping(v)) for v in items(spec(vm).get("volumes"))]


def _skipped(req: VMRequest) -> bool:
    """9.1 does not judge volumes sent by VM Operator, nor those of a VM it has not upgraded yet."""
    return is_vm_operator(req) or (req.old is not None and not is_upgraded(req, req.old))


# ---- names and claims -------------------------------------------------------------------------------
def volumes(req: VMRequest) -> list[FieldError]:
    """Volume names are unique and make valid attachment names; claims are named, not read-only and used
    once; (9.1) a volume marked removable=false stays."""
    errors: list[FieldError] = []
    new = _volumes(req.object)
    if req.release == "9.1" and req.old is not None:
        kept = {text(v.get("name")) for v in new}
        for i, old in enumerate(_volumes(req.old)):
            name = text(old.get("name"))
            if name and name not in kept and old.get("removable") is False:
                errors.append(
                    forbidden(VOLUMES.index(i), "cannot remove volume with removable=false", Effect.IMMUTABLE)
                )
    seen_names: set[str] = set()
    seen_claims: set[str] = set()
    for i, volume in enumerate(new):
        at = VOLUMES.index(i)
        name = text(volume.get("name"))
        if not name:
            errors.append(required(at.child("name")))
        elif name in seen_names:
            errors.append(duplicate(at.child("name"), name))
        else:
            seen_names.add(name)
        if name:
            errors += [invalid(at.child("name"), name, m) for m in dns1123_subdomain(f"{req.name}-{name}")]
        claim = volume.get("persistentVolumeClaim")
        if req.release == "9.1":
            claim_name = text(node(claim, "claimName"))
            if claim is not None and claim_name:
                if claim_name in seen_claims:
                    errors.append(duplicate(at.child("persistentVolumeClaim", "claimName"), claim_name))
                seen_claims.add(claim_name)
            errors += _claim(at, claim, read_only_first=True)
        elif claim is None:
            errors.append(required(at.child("persistentVolumeClaim")))
        else:
            errors += _claim(at, claim, read_only_first=False)
    if errors and req.release == "9.1" and _skipped(req):
        return []
    return errors


def _claim(at: FieldPath, claim: Any, *, read_only_first: bool) -> list[FieldError]:
    """A claim is named and not read-only (9.1 reports the read-only flag first, 8.0u3 the name)."""
    if claim is None:
        return []
    at = at.child("persistentVolumeClaim")
    read_only = (
        [not_supported(at.child("readOnly"), True, ["false"])] if node(claim, "readOnly") is True else []
    )
    unnamed = [required(at.child("claimName"))] if not text(node(claim, "claimName")) else []
    return read_only + unnamed if read_only_first else unnamed + read_only


# ---- disk settings that never change, application types (VMSharedDisks or AllDisksArePVCs) -----------
def _disk_features(req: VMRequest) -> bool:
    return req.feature(names.VM_SHARED_DISKS) or req.feature(names.ALL_DISKS_ARE_PVCS)


def _old_volumes_by_name(req: VMRequest) -> dict[str, dict[str, Any]]:
    return {text(v.get("name")): v for v in _volumes(req.old) if text(v.get("name"))}


def volume_settings(req: VMRequest) -> list[FieldError]:
    """A volume keeps its application type, controller, unit and disk and sharing modes; OracleRAC volumes
    are MultiWriter and IndependentPersistent, MicrosoftWSFC volumes IndependentPersistent on a physically
    shared controller."""
    new = _volumes(req.object)
    if not new or not _disk_features(req):
        return []
    old_by_name = _old_volumes_by_name(req)
    controllers = ControllerSpecs.of(req.object)
    errors: list[FieldError] = []
    for i, volume in enumerate(new):
        at = VOLUMES.index(i)
        old = old_by_name.get(text(volume.get("name")))
        if old is not None:
            errors += _immutable_settings(at, volume, old)
        errors += _application_type(at, volume, controllers)
    if errors and _skipped(req):
        return []
    return errors


def _immutable_settings(at: FieldPath, volume: dict[str, Any], old: dict[str, Any]) -> list[FieldError]:
    errors = []
    for field, pointer in (
        ("applicationType", False),
        ("controllerBusNumber", True),
        ("controllerType", False),
        ("diskMode", False),
        ("sharingMode", False),
        ("unitNumber", True),
    ):
        new_value, old_value = volume.get(field), old.get(field)
        changed = integer(new_value) != integer(old_value) if pointer else text(new_value) != text(old_value)
        if changed:
            shown = integer(new_value) if pointer else text(new_value)
            errors.append(invalid(at.child(field), shown, IMMUTABLE, Effect.IMMUTABLE))
    return errors


def _application_type(
    at: FieldPath, volume: dict[str, Any], controllers: ControllerSpecs
) -> list[FieldError]:
    application = text(volume.get("applicationType"))
    disk_mode, sharing = text(volume.get("diskMode")), text(volume.get("sharingMode"))
    errors = []
    if application == ORACLE_RAC:
        if sharing != MULTI_WRITER:
            errors.append(
                invalid(
                    at.child("sharingMode"), sharing, "SharingMode must be MultiWriter for OracleRAC volumes"
                )
            )
        if disk_mode != INDEPENDENT_PERSISTENT:
            errors.append(
                invalid(
                    at.child("diskMode"),
                    disk_mode,
                    "DiskMode must be IndependentPersistent for OracleRAC volumes",
                )
            )
    elif application == MICROSOFT_WSFC:
        if disk_mode != INDEPENDENT_PERSISTENT:
            errors.append(
                invalid(
                    at.child("diskMode"),
                    disk_mode,
                    "DiskMode must be IndependentPersistent for MicrosoftWSFC volumes",
                )
            )
        bus, kind = integer(volume.get("controllerBusNumber")), text(volume.get("controllerType"))
        if bus is not None and kind:
            controller = controllers.get(kind, bus)
            if controller is not None and sharing_mode(kind, controller) != "Physical":
                errors.append(
                    invalid(
                        at.child("applicationType"),
                        application,
                        "Controller sharing mode must be Physical for a MicrosoftWSFC volume",
                    )
                )
    return errors


# ---- shared disks and controllers (reads claims and storage classes) ---------------------------------
def shared_volumes(req: VMRequest) -> list[FieldError]:
    """For a new or changed volume (or changed hardware): an encrypted claim is neither MultiWriter nor on a
    shared SCSI controller; an OracleRAC or MicrosoftWSFC volume is shared exactly when its claim is
    ReadWriteMany."""
    new = _volumes(req.object)
    if not new or not _disk_features(req):
        return []
    old_by_name = _old_volumes_by_name(req)
    hardware_changed = req.old is None or not same(
        spec(req.old).get("hardware"), spec(req.object).get("hardware")
    )
    controllers = ControllerSpecs.of(req.object)
    errors: list[FieldError] = []
    for i, volume in enumerate(new):
        old = old_by_name.get(text(volume.get("name")))
        if old is None or hardware_changed or not same(old, volume):
            errors += _sharing(req, VOLUMES.index(i), volume, controllers)
    if errors and _skipped(req):
        return []
    return errors


def _sharing(
    req: VMRequest, at: FieldPath, volume: dict[str, Any], controllers: ControllerSpecs
) -> list[FieldError]:
    sharing = text(volume.get("sharingMode"))
    volume_shared = sharing == MULTI_WRITER
    claim_shared = claim_encrypted = False
    claim = volume.get("persistentVolumeClaim")
    if claim is not None:
        found = req.get(names.PERSISTENT_VOLUME_CLAIM, text(node(claim, "claimName")))
        if found is None:
            return []
        claim_shared = "ReadWriteMany" in items(node(found, "spec", "accessModes"))
        storage_class = node(found, "spec", "storageClassName")
        if isinstance(storage_class, str):
            claim_encrypted = is_encrypted_storage_class(req, storage_class)
    kind, bus = text(volume.get("controllerType")), integer(volume.get("controllerBusNumber"))
    controller = controllers.get(kind, bus) if kind and bus is not None else None
    if controller is not None:
        mode = sharing_mode(kind, controller)
    else:
        mode = "Physical" if text(volume.get("applicationType")) == MICROSOFT_WSFC else "None"
    controller_shared = kind == "SCSI" and mode in ("Physical", "Virtual")
    placement = f"{kind}:{bus if bus is not None else 0}"
    errors = []
    if claim_encrypted:
        if volume_shared:
            errors.append(
                invalid(
                    at.child("sharingMode"),
                    sharing,
                    "MultiWriter disk sharing is not supported for encrypted volumes",
                )
            )
        if controller_shared:
            errors.append(
                invalid(
                    at.child("controllerBusNumber"),
                    placement,
                    f"Controller with sharing mode {mode} is not supported for encrypted volumes",
                )
            )
    if text(volume.get("applicationType")) not in (ORACLE_RAC, MICROSOFT_WSFC):
        return errors
    if not claim_shared:
        if volume_shared:
            errors.append(
                invalid(
                    at.child("sharingMode"),
                    sharing,
                    "MultiWriter sharing mode is not allowed for ReadWriteOnce volume",
                )
            )
        if controller_shared:
            errors.append(
                invalid(
                    at.child("controllerBusNumber"),
                    placement,
                    f"Controller with sharing mode {mode} is not allowed for ReadWriteOnce volume",
                )
            )
    elif not volume_shared and not controller_shared:
        errors.append(
            invalid(
                at.child("sharingMode"), sharing, "ReadWriteMany PVC must have a shared volume or controller"
            )
        )
    return errors


# ---- controller placement ---------------------------------------------------------------------------
def volume_placement(req: VMRequest) -> list[FieldError]:
    """A volume placed on a controller names type, bus and unit together; on updates every volume is placed."""
    new = _volumes(req.object)
    if not new or not _disk_features(req):
        return []
    update = req.old is not None
    errors: list[FieldError] = []
    for i, volume in enumerate(new):
        at = VOLUMES.index(i)
        unit, bus = integer(volume.get("unitNumber")), integer(volume.get("controllerBusNumber"))
        kind = text(volume.get("controllerType"))
        if update and unit is None:
            errors.append(required(at.child("unitNumber")))
        if (update or unit is not None or bus is not None) and not kind:
            errors.append(required(at.child("controllerType")))
        if (update or unit is not None or kind) and bus is None:
            errors.append(required(at.child("controllerBusNumber")))
    if errors and _skipped(req):
        return []
    return errors


# ---- instance storage -------------------------------------------------------------------------------
def instance_storage(req: VMRequest) -> list[FieldError]:
    """Only privileged accounts add or change instance storage volumes (VM classes with instance storage get
    them from VM Operator)."""

    def of(vm: Any) -> list[dict[str, Any]]:
        return [
            v for v in _volumes(vm) if node(v, "persistentVolumeClaim", "instanceVolumeClaim") is not None
        ]

    if same(of(req.object), of(req.old)) or is_privileged(req):
        return []
    return [
        forbidden(
            VOLUMES, "adding or modifying instance storage volume claim(s) is not allowed", Effect.PRIVILEGED
        )
    ]
