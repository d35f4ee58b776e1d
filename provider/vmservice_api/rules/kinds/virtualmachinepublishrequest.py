"""VirtualMachinePublishRequest admission: VM Operator's validating webhook (there is no mutating one).

A publish request names its source (a VirtualMachine) and its target (a ContentLibrary); both are fixed once
created. In 9.1 a request a VirtualMachineGroupPublishRequest manages (by label and owner reference) is
guarded, and only administrators may set the asynchronous storage-quota annotations.

The webhook reads nothing of the cluster but, in 9.1 and only for callers who are not privileged, the
`kube-system/wcp-cluster-config` ConfigMap (to know the Supervisor provider administrators' group). It does
not look at the source VM or the target library: the controller checks those later.

Sources: v1.10.0 webhooks/virtualmachinepublishrequest/validation/virtualmachinepublishrequest_validator.go
and v1.8.6 webhooks/virtualmachinepublishrequest/v1alpha2/validation/virtualmachinepublishrequest_validator.go.
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
    semantic,
)
from vmservice_api.rules.framework import Release, Request, validation
from vmservice_api.rules.kinds._support import govalues
from vmservice_api.rules.kinds._support.refusals import refusal
from vmservice_api.rules.kinds._support.supervisor import is_admin
from vmservice_api.types.release_9_1.virtualmachinepublishrequest import VirtualMachinePublishRequest

KIND = "VirtualMachinePublishRequest"
_VALIDATOR = "webhooks/virtualmachinepublishrequest/validation/virtualmachinepublishrequest_validator.go"
_VALIDATOR_8 = (
    "webhooks/virtualmachinepublishrequest/v1alpha2/validation/virtualmachinepublishrequest_validator.go"
)

MANAGED_BY_LABEL = "vmoperator.vmware.com/virtualmachinepublishrequest-managed-by"
GROUP_PUBLISH_REQUEST = "VirtualMachineGroupPublishRequest"
QUOTA_ANNOTATIONS = (
    "vmware-system-vcfa-storage-quota",
    "vcfa.storage.quota.check.vmware.com/requested-capacity",
    "vcfa.storage.quota.check.vmware.com/status",
    "vcfa.storage.quota.check.vmware.com/message",
)
NOT_FOR_NON_ADMINS = "modifying this annotation is not allowed for non-admin users"

_VMOP = "vmoperator.vmware.com/"
# The source API versions each release names as supported, and those it actually takes: v1.10.0 lists
# v1alpha4 but its check leaves it out (reproduced as the Supervisor does it).
SOURCE_API_VERSIONS_LISTED: dict[Release, tuple[str, ...]] = {
    "8.0u3": (f"{_VMOP}v1alpha1", f"{_VMOP}v1alpha2", ""),
    "9.1": (
        f"{_VMOP}v1alpha1",
        f"{_VMOP}v1alpha2",
        f"{_VMOP}v1alpha3",
        f"{_VMOP}v1alpha4",
        f"{_VMOP}v1alpha5",
        "",
    ),
}
SOURCE_API_VERSIONS_TAKEN: dict[Release, tuple[str, ...]] = {
    "8.0u3": (f"{_VMOP}v1alpha1", f"{_VMOP}v1alpha2"),
    "9.1": (f"{_VMOP}v1alpha1", f"{_VMOP}v1alpha2", f"{_VMOP}v1alpha3", f"{_VMOP}v1alpha5"),
}
LIBRARY_API_VERSIONS: dict[Release, tuple[str, ...]] = {
    "8.0u3": ("imageregistry.vmware.com/v1alpha1",),
    "9.1": ("imageregistry.vmware.com/v1alpha1", "imageregistry.vmware.com/v1alpha2"),
}

SOURCE = govalues.Struct(
    "VirtualMachinePublishRequestSource",
    (
        govalues.Field("Name", "name", "string"),
        govalues.Field("APIVersion", "apiVersion", "string"),
        govalues.Field("Kind", "kind", "string"),
    ),
)
TARGET = govalues.Struct(
    "VirtualMachinePublishRequestTarget",
    (
        govalues.Field(
            "Item",
            "item",
            govalues.Struct(
                "VirtualMachinePublishRequestTargetItem",
                (
                    govalues.Field("Name", "name", "string"),
                    govalues.Field("Description", "description", "string"),
                ),
            ),
        ),
        govalues.Field(
            "Location",
            "location",
            govalues.Struct("VirtualMachinePublishRequestTargetLocation", SOURCE.fields),
        ),
    ),
)


def _spec(view: Any) -> dict[str, Any]:
    return dict(view.spec)


# ---------------------------------------------------------------------------------------------- ownership
def _create_ownership_refused(req: Request[VirtualMachinePublishRequest]) -> bool:
    labels = req.view.labels
    if MANAGED_BY_LABEL not in labels:
        return False
    owners = req.view.metadata.get("ownerReferences") or []
    return not any(
        o.get("kind") == GROUP_PUBLISH_REQUEST and str(o.get("uid") or "") == labels[MANAGED_BY_LABEL]
        for o in owners
    )


def _update_ownership_refusal(req: Request[VirtualMachinePublishRequest]) -> str | None:
    if MANAGED_BY_LABEL in req.old_view.labels:
        reason = "cannot update VirtualMachineGroupPublishRequest owned VirtualMachinePublishRequest"
    elif MANAGED_BY_LABEL in req.view.labels:
        reason = _label_without_owner()
    else:
        return None
    return None if is_admin(req) else reason


def _label_without_owner() -> str:
    return f'cannot add the "{MANAGED_BY_LABEL}" label without a {GROUP_PUBLISH_REQUEST} owner reference'


def _refused(req: Request[VirtualMachinePublishRequest]) -> bool:
    """Whether the ownership check answers the request on its own (the field checks then do not run)."""
    if req.release != "9.1":
        return False
    if req.operation == "CREATE":
        return _create_ownership_refused(req)
    return _update_ownership_refusal(req) is not None


_LABEL = path("metadata", "labels").key(MANAGED_BY_LABEL)


@validation(
    KIND,
    source=f"{_VALIDATOR}: validateCreateVMGroupPublishRequestOwnership",
    operations=("CREATE",),
    releases=("9.1",),
)
def managed_by_label_needs_group_owner(req: Request[VirtualMachinePublishRequest]) -> Iterable[FieldError]:
    return [refusal(_LABEL, _label_without_owner(), 403)] if _create_ownership_refused(req) else []


@validation(
    KIND,
    source=f"{_VALIDATOR}: validateUpdateVMGroupPublishRequestOwnership",
    operations=("UPDATE",),
    releases=("9.1",),
)
def group_managed_requests_are_left_alone(req: Request[VirtualMachinePublishRequest]) -> Iterable[FieldError]:
    reason = _update_ownership_refusal(req)
    return [refusal(_LABEL, reason, 403, Effect.PRIVILEGED)] if reason else []


# ---------------------------------------------------------------------------------------------- create
@validation(KIND, source=f"{_VALIDATOR}: validateSource (and v1.8.6's)", operations=("CREATE",))
def source_is_a_virtual_machine(req: Request[VirtualMachinePublishRequest]) -> Iterable[FieldError]:
    if _refused(req):
        return []
    source = dict(_spec(req.view).get("source") or {})
    at = path("spec", "source")
    errors: list[FieldError] = []
    api_version = str(source.get("apiVersion") or "")
    if api_version and api_version not in SOURCE_API_VERSIONS_TAKEN[req.release]:
        errors.append(
            not_supported(at.child("apiVersion"), api_version, SOURCE_API_VERSIONS_LISTED[req.release])
        )
    kind = str(source.get("kind") or "")
    if kind not in ("VirtualMachine", ""):
        errors.append(not_supported(at.child("kind"), kind, ("VirtualMachine", "")))
    return errors


@validation(KIND, source=f"{_VALIDATOR}: validateTargetLocation (and v1.8.6's)", operations=("CREATE",))
def target_is_a_content_library(req: Request[VirtualMachinePublishRequest]) -> Iterable[FieldError]:
    if _refused(req):
        return []
    location = dict(dict(_spec(req.view).get("target") or {}).get("location") or {})
    at = path("spec", "target", "location")
    errors: list[FieldError] = []
    if not location.get("name"):
        errors.append(required(at.child("name")))
    api_version = str(location.get("apiVersion") or "")
    if api_version not in LIBRARY_API_VERSIONS[req.release]:
        errors.append(
            not_supported(at.child("apiVersion"), api_version, (*LIBRARY_API_VERSIONS[req.release], ""))
        )
    kind = str(location.get("kind") or "")
    if kind != "ContentLibrary":
        errors.append(not_supported(at.child("kind"), kind, ("ContentLibrary", "")))
    return errors


# ---------------------------------------------------------------------------------------------- update
@validation(KIND, source=f"{_VALIDATOR}: validateImmutableFields (and v1.8.6's)", operations=("UPDATE",))
def source_and_target_unchanged(req: Request[VirtualMachinePublishRequest]) -> Iterable[FieldError]:
    if _refused(req):
        return []
    new, old = _spec(req.view), _spec(req.old_view)
    errors: list[FieldError] = []
    for name, struct in (("source", SOURCE), ("target", TARGET)):
        if semantic(new.get(name)) != semantic(old.get(name)):
            shown = govalues.render(req.release, struct, new.get(name))
            errors.append(invalid(path("spec", name), shown, IMMUTABLE, Effect.IMMUTABLE))
    return errors


# ---------------------------------------------------------------------------------------------- both
@validation(KIND, source=f"{_VALIDATOR}: validateAsyncQuotaAnnotations", releases=("9.1",))
def quota_annotations_only_by_admins(req: Request[VirtualMachinePublishRequest]) -> Iterable[FieldError]:
    if _refused(req):
        return []
    new, old = req.view.annotations, req.old_view.annotations
    changed = [key for key in QUOTA_ANNOTATIONS if new.get(key, "") != old.get(key, "")]
    if not changed or is_admin(req):
        return []
    at = path("metadata", "annotations")
    return [forbidden(at.key(key), NOT_FOR_NON_ADMINS, Effect.PRIVILEGED) for key in changed]
