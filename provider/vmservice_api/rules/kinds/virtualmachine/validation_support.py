"""What the VirtualMachine validation rules share: reading a VM's JSON the way Go decodes it, who is asking,
whether VM Operator has upgraded the object, and Go's rendering of values in refusals.

Rules read facts lazily: a feature switch, the caller's identity or a cluster object is consulted only once
the object makes it matter, so an offline preview (where those reads raise `Unjudged`) still judges
everything that does not depend on them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from vmservice_api.rules.fielderrors import GoValue, semantic
from vmservice_api.rules.framework import SYSTEM_MASTERS, VMOP_SERVICE_ACCOUNT_PREFIX, Request
from vmservice_api.rules.kinds.virtualmachine import names

VMRequest = Request[Any]


# ---- reading JSON as Go decodes it ------------------------------------------------------------------
def node(value: Any, *keys: str) -> Any:
    """The value at `keys` below `value` (None when any step is missing or not an object)."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def text(value: Any) -> str:
    """A Go string field: absent (or not a string) reads as ""."""
    return value if isinstance(value, str) else ""


def integer(value: Any) -> int | None:
    """A Go *int32 field: None when absent."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def truthy(value: Any) -> bool:
    """A Go bool field."""
    return value is True


def spec(obj: Any) -> Mapping[str, Any]:
    return mapping(node(obj, "spec"))


def annotations_of(obj: Any) -> Mapping[str, str]:
    return {k: text(v) for k, v in mapping(node(obj, "metadata", "annotations")).items()}


def labels_of(obj: Any) -> Mapping[str, str]:
    return {k: text(v) for k, v in mapping(node(obj, "metadata", "labels")).items()}


def same(a: Any, b: Any) -> bool:
    """apimachinery's semantic equality of two values (nil and empty are the same)."""
    return bool(semantic(a) == semantic(b))


def same_pointer(a: Any, b: Any) -> bool:
    """Equality of two Go pointer fields: set and unset differ even when the set value is empty."""
    return (a is None) == (b is None) and same(a, b)


# ---- who is asking ----------------------------------------------------------------------------------
def is_privileged(req: VMRequest) -> bool:
    """VM Operator's IsPrivilegedAccount, as each release decides it (see `Request.privileged`)."""
    return req.privileged


def is_vm_operator(req: VMRequest) -> bool:
    """The request comes from VM Operator's own service account."""
    return req.is_service_account(VMOP_SERVICE_ACCOUNT_PREFIX)


def is_system_masters(req: VMRequest) -> bool:
    return req.in_group(SYSTEM_MASTERS)


_CAPV_SERVICE_ACCOUNT = re.compile(r"system:serviceaccount:svc-tkg-domain-[^:]+:default")


def is_capv_service_account(req: VMRequest) -> bool:
    """The default service account of a VKS (Tanzu Kubernetes) domain: Cluster API's vSphere provider."""
    if not req.is_service_account("system:serviceaccount:svc-tkg-domain-"):
        return False
    assert req.user is not None
    return _CAPV_SERVICE_ACCOUNT.fullmatch(req.user.username) is not None


# ---- VM Operator's schema upgrade of existing objects -----------------------------------------------
_FEATURE_BASE, _FEATURE_SHARED_DISKS, _FEATURE_ALL_DISKS_ARE_PVCS = 1, 2, 4
_FEATURE_ALL = _FEATURE_BASE | _FEATURE_SHARED_DISKS | _FEATURE_ALL_DISKS_ARE_PVCS


def _feature_version(value: str) -> int:
    if not re.fullmatch(r"[0-9]+", value) or int(value) > 0xFFFF:
        return 0
    version = int(value)
    return version if version and not version & ~_FEATURE_ALL else 0


def _activated_feature_version(req: VMRequest) -> int:
    version = _FEATURE_BASE
    if req.feature(names.VM_SHARED_DISKS):
        version |= _FEATURE_SHARED_DISKS | _FEATURE_ALL_DISKS_ARE_PVCS
    elif req.feature(names.ALL_DISKS_ARE_PVCS):
        version |= _FEATURE_ALL_DISKS_ARE_PVCS
    return version


def is_upgraded(req: VMRequest, obj: Any) -> bool:
    """VM Operator's IsObjectUpgraded: the object carries the upgraded-to annotations of the running build,
    schema and activated features.

    The running build's version is not a fact the rules are given: VM Operator stamps its own build version
    on every object it upgrades (and users may not set it), so any stamped build version is taken as the
    running one.
    """
    a = annotations_of(obj)
    if not a.get(names.UPGRADED_TO_BUILD_VERSION):
        return False
    if a.get(names.UPGRADED_TO_SCHEMA_VERSION) != names.SCHEMA_VERSION_9_1:
        return False
    version = _feature_version(a.get(names.UPGRADED_TO_FEATURE_VERSION, ""))
    if not version:
        return False
    if version == _FEATURE_ALL:
        return True
    target = _activated_feature_version(req)
    return version & target == target


# ---- Go's rendering of values in `Invalid value: ...` -----------------------------------------------
class GoJSON(GoValue):
    """A composite value as apimachinery v0.34 (VM Operator v1.10.0) prints it: JSON, fields in the Go
    struct's order, empty optional fields left out."""

    def __init__(self, value: Any) -> None:
        super().__init__("", [])
        self.value = value

    def __str__(self) -> str:
        return json.dumps(self.value, ensure_ascii=False, separators=(",", ":"))


def image_ref(value: Any) -> GoJSON | None:
    """A *VirtualMachineImageRef (nil: None)."""
    if value is None:
        return None
    ref = mapping(value)
    return GoJSON({"kind": text(ref.get("kind")), "name": text(ref.get("name"))})
