"""Checks of a VM's labels and annotations: its zone, the annotations and labels only privileged accounts may
change, the power-on/delete check annotations, VM Operator's schema-upgrade annotations."""

from __future__ import annotations

from vmservice_api.rules.fielderrors import Effect, FieldError, forbidden, immutable, invalid, path
from vmservice_api.rules.kinds.virtualmachine import names
from vmservice_api.rules.kinds.virtualmachine.validation_formats import is_rfc3339_nano
from vmservice_api.rules.kinds.virtualmachine.validation_support import (
    VMRequest,
    annotations_of,
    is_capv_service_account,
    is_privileged,
    is_system_masters,
    is_upgraded,
    is_vm_operator,
    labels_of,
    node,
    same,
    spec,
    text,
)

ANNOTATIONS = path("metadata", "annotations")
LABELS = path("metadata", "labels")
MODIFY_ANNOTATION_NOT_ALLOWED = "modifying this annotation is not allowed for non-admin users"
MODIFY_LABEL_NOT_ALLOWED = "modifying this label is not allowed for non-admin users"
ADD_RESTRICTED = "adding this annotation is restricted to privileged users"
DELETE_RESTRICTED = "removing this annotation is restricted to privileged users"
MODIFY_RESTRICTED = "modifying this annotation is restricted to privileged users"
ZONE_BEING_DELETED = "cannot use zone that is being deleted"


# ---- the zone label ---------------------------------------------------------------------------------
def availability_zone(req: VMRequest) -> list[FieldError]:
    """The zone label names a zone of the namespace (or, before 9.1, an availability zone) and never changes
    once set (privileged accounts may move a restored or failed-over VM on 9.1)."""
    at = LABELS.key(names.ZONE_LABEL)
    zone = labels_of(req.object).get(names.ZONE_LABEL, "")
    if req.old is not None:
        old_zone = labels_of(req.old).get(names.ZONE_LABEL, "")
        if old_zone:
            errors = immutable(zone, old_zone, at)
            if errors and req.release == "9.1" and is_privileged(req):
                return []
            return errors
    if not zone:
        return []
    if req.release == "9.1" and _workload_domain_isolation(req):
        found = req.get(names.ZONE, zone)
        if found is None:
            return [invalid(at, zone, f'zones.topology.tanzu.vmware.com "{zone}" not found')]
        being_deleted = bool(node(found, "metadata", "deletionTimestamp"))
        if being_deleted and not is_privileged(req) and not is_capv_service_account(req):
            return [invalid(at, zone, ZONE_BEING_DELETED, Effect.PRIVILEGED)]
        return []
    if req.get(names.AVAILABILITY_ZONE, zone, namespace=None) is None:
        return [invalid(at, zone, f'availabilityzones.topology.tanzu.vmware.com "{zone}" not found')]
    return []


def _workload_domain_isolation(req: VMRequest) -> bool:
    """VM Operator judges every VM as if WorkloadDomainIsolation were on, except VKS nodes, which follow the
    Supervisor's switch (GetContextWithWorkloadDomainIsolation)."""
    if names.KUBERNETES_NODE_LABEL not in labels_of(req.object):
        return True
    return req.feature(names.WORKLOAD_DOMAIN_ISOLATION)


# ---- annotations only privileged accounts may set ---------------------------------------------------
_ADMIN_ONLY_9_1 = (
    names.INSTANCE_ID,
    names.FIRST_BOOT_DONE,
    names.RESTORED_VM,
    names.FAILED_OVER_VM,
    names.IMPORTED_VM,
    names.MANAGEMENT_PROXY_WATERMARK,
    names.MANAGEMENT_PROXY_ALLOW_LIST,
)
_SET_BY_MUTATION = (names.CREATED_AT_BUILD_VERSION, names.CREATED_AT_SCHEMA_VERSION)


def admin_annotations(req: VMRequest) -> list[FieldError]:
    """A cluster module needs a resource policy; only privileged accounts may set, change or remove VM
    Operator's own annotations (the created-at ones once the VM exists, the cluster module on updates)."""
    new, old = annotations_of(req.object), annotations_of(req.old)
    errors: list[FieldError] = []
    module = new.get(names.CLUSTER_MODULE_NAME, "")
    if module and not text(node(spec(req.object), "reserved", "resourcePolicyName")):
        errors.append(
            forbidden(
                ANNOTATIONS.key(names.CLUSTER_MODULE_NAME),
                "cluster module assignment requires spec.reserved.resourcePolicyName to specify a "
                "VirtualMachineSetResourcePolicy",
            )
        )
    keys = list(_ADMIN_ONLY_9_1)
    if req.old is not None:
        keys += _SET_BY_MUTATION
        keys.append(names.CLUSTER_MODULE_NAME)
    restricted = [
        forbidden(ANNOTATIONS.key(k), MODIFY_ANNOTATION_NOT_ALLOWED, Effect.PRIVILEGED)
        for k in keys
        if new.get(k, "") != old.get(k, "")
    ]
    if restricted and not is_privileged(req):
        errors += restricted
    return errors


def admin_annotations_8_0(req: VMRequest) -> list[FieldError]:
    """v1.8.6: only privileged accounts may set, change or remove the cloud-init instance ID and first-boot
    annotations (and the created-at ones once the VM exists). Paths print with dots, as upstream built them."""
    new, old = annotations_of(req.object), annotations_of(req.old)
    keys = [names.INSTANCE_ID, names.FIRST_BOOT_DONE]
    if req.old is not None:
        keys += _SET_BY_MUTATION
    restricted = [
        forbidden(ANNOTATIONS.child(k), MODIFY_ANNOTATION_NOT_ALLOWED, Effect.PRIVILEGED)
        for k in keys
        if new.get(k, "") != old.get(k, "")
    ]
    return restricted if restricted and not is_privileged(req) else []


def paused_label(req: VMRequest) -> list[FieldError]:
    """Only privileged accounts may pause a VM (or unpause it) with the paused label."""
    if labels_of(req.object).get(names.PAUSED_VM_LABEL, "") == labels_of(req.old).get(
        names.PAUSED_VM_LABEL, ""
    ):
        return []
    if is_privileged(req):
        return []
    return [forbidden(LABELS.child(names.PAUSED_VM_LABEL), MODIFY_LABEL_NOT_ALLOWED, Effect.PRIVILEGED)]


# ---- power-on and delete check annotations ----------------------------------------------------------
def check_annotations(req: VMRequest) -> list[FieldError]:
    """Power-on checks may be added by anyone when the VM is created; otherwise adding, changing or removing
    a power-on or delete check is for privileged accounts only."""
    errors = _check_annotations(req, names.CHECK_POWER_ON + "/", add_on_create=True)
    errors += _check_annotations(req, names.CHECK_DELETE + "/", add_on_create=False)
    if errors and is_privileged(req):
        return []
    return errors


def _check_annotations(req: VMRequest, prefix: str, *, add_on_create: bool) -> list[FieldError]:
    new, old = annotations_of(req.object), annotations_of(req.old)
    errors: list[FieldError] = []
    if req.old is not None:
        for key in old:
            if key.startswith(prefix) and key not in new:
                errors.append(forbidden(ANNOTATIONS.child(key), DELETE_RESTRICTED, Effect.PRIVILEGED))
    for key, value in new.items():
        if not key.startswith(prefix):
            continue
        if req.old is None:
            if not add_on_create:
                errors.append(forbidden(ANNOTATIONS.child(key), ADD_RESTRICTED, Effect.PRIVILEGED))
        elif key not in old:
            errors.append(forbidden(ANNOTATIONS.child(key), ADD_RESTRICTED, Effect.PRIVILEGED))
        elif old[key] != value:
            errors.append(forbidden(ANNOTATIONS.child(key), MODIFY_RESTRICTED, Effect.PRIVILEGED))
    return errors


def apply_power_state_time(req: VMRequest) -> list[FieldError]:
    """A scheduled power-state change time must be RFC 3339 with nanoseconds."""
    a = annotations_of(req.object)
    if names.APPLY_POWER_STATE_TIME not in a or is_rfc3339_nano(a[names.APPLY_POWER_STATE_TIME]):
        return []
    value = a[names.APPLY_POWER_STATE_TIME]
    return [invalid(ANNOTATIONS.key(names.APPLY_POWER_STATE_TIME), value, names.RFC3339_NANO)]


# ---- VM Operator's schema upgrade -------------------------------------------------------------------
NOT_UPGRADED = "modifying this VM is not allowed until it is upgraded"
_UPGRADE_ANNOTATIONS = (
    names.UPGRADED_TO_BUILD_VERSION,
    names.UPGRADED_TO_SCHEMA_VERSION,
    names.UPGRADED_TO_FEATURE_VERSION,
)


def schema_upgrade(req: VMRequest) -> list[FieldError]:
    """Only VM Operator and cluster admins may stamp the upgraded-to annotations (anyone may remove them);
    until VM Operator has upgraded a VM, the fields the upgrade fills in may not change."""
    new, old = annotations_of(req.object), annotations_of(req.old)
    errors = [
        forbidden(ANNOTATIONS.key(k), MODIFY_RESTRICTED, Effect.PRIVILEGED)
        for k in _UPGRADE_ANNOTATIONS
        if new.get(k, "") and new.get(k, "") != old.get(k, "")
    ]
    if not is_upgraded(req, req.old):
        errors += _fields_filled_by_upgrade(req)
    if errors and (is_vm_operator(req) or is_system_masters(req)):
        return []
    return errors


def _fields_filled_by_upgrade(req: VMRequest) -> list[FieldError]:
    new, old = spec(req.object), spec(req.old)
    errors: list[FieldError] = []
    if text(new.get("biosUUID")) != text(old.get("biosUUID")):
        errors.append(forbidden(path("spec", "biosUUID"), NOT_UPGRADED))
    hardware = [
        (key, node(new, "hardware", key), node(old, "hardware", key))
        for key in ("ideControllers", "nvmeControllers", "sataControllers", "scsiControllers")
    ]
    changed = [key for key, n, o in hardware if not same(n, o)]
    if changed and req.feature(names.VM_SHARED_DISKS):
        errors += [forbidden(path("spec", "hardware", key), NOT_UPGRADED) for key in changed]
    return errors
