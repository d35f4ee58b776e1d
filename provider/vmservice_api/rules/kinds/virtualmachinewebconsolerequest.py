"""VirtualMachineWebConsoleRequest admission: VM Operator's validating webhook (there is no mutating one).

A request names its VM and carries the RSA public key (PEM "PUBLIC KEY" block holding a PKCS #1 key) the
console ticket is encrypted with; neither may change afterwards, nor the UUID label the controller sets.
Upstream does not look the VM up (the CLI plugin does).

Sources: v1.10.0 webhooks/virtualmachinewebconsolerequest/validation/virtualmachinewebconsolerequest_validator.go
and v1.8.6's v1alpha2/validation/webconsolerequest_validator.go (the same checks). The older v1alpha1 kind,
WebConsoleRequest, gets the same checks from its own webhook (see webconsolerequest.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vmservice_api.rules.fielderrors import IMMUTABLE, Effect, FieldError, invalid, path, required
from vmservice_api.rules.framework import Request, validation
from vmservice_api.rules.kinds._support.pubkey import is_pkcs1_public_key, pem_block
from vmservice_api.types.release_9_1.virtualmachinewebconsolerequest import VirtualMachineWebConsoleRequest

KIND = "VirtualMachineWebConsoleRequest"
_VALIDATOR = (
    "webhooks/virtualmachinewebconsolerequest/validation/virtualmachinewebconsolerequest_validator.go"
)
UUID_LABEL = "vmoperator.vmware.com/webconsolerequest-uuid"


def spec_errors(spec: dict[str, Any], vm_name_field: str, vm_name_path: str) -> list[FieldError]:
    """validateSpec: a VM name and a readable PKCS #1 public key (`vm_name_path` is how the message names
    the VM-name field: `Name` in the newer kind, `virtualMachineName` in v1alpha1)."""
    errors: list[FieldError] = []
    if not spec.get(vm_name_field):
        errors.append(required(path("spec", vm_name_path)))
    key_at = path("spec", "publicKey")
    public_key = str(spec.get("publicKey") or "")
    if not public_key:
        errors.append(required(key_at))
        return errors
    block = pem_block(public_key)
    if block is None or block[0] != "PUBLIC KEY":
        errors.append(invalid(key_at, "", "invalid public key format"))
    elif not is_pkcs1_public_key(block[1]):
        errors.append(invalid(key_at, "", "invalid public key"))
    return errors


def unchanged_errors(new: Any, old: Any, vm_name_field: str, vm_name_path: str) -> list[FieldError]:
    """validateImmutableFields and validateUUIDLabel: the VM, the key and a set UUID label stay."""
    errors: list[FieldError] = []
    for field, at in ((vm_name_field, path("spec", vm_name_path)), ("publicKey", path("spec", "publicKey"))):
        value = str(new.spec.get(field) or "")
        if value != str(old.spec.get(field) or ""):
            errors.append(invalid(at, value, IMMUTABLE, Effect.IMMUTABLE))
    old_uuid = old.labels.get(UUID_LABEL, "")
    new_uuid = new.labels.get(UUID_LABEL, "")
    if old_uuid and new_uuid != old_uuid:
        errors.append(
            invalid(path("metadata", "labels").key(UUID_LABEL), new_uuid, IMMUTABLE, Effect.IMMUTABLE)
        )
    return errors


@validation(KIND, source=f"{_VALIDATOR}: validateSpec (and v1.8.6's)", operations=("CREATE",))
def vm_name_and_public_key(req: Request[VirtualMachineWebConsoleRequest]) -> Iterable[FieldError]:
    return spec_errors(dict(req.view.spec), "name", "Name")


@validation(
    KIND,
    source=f"{_VALIDATOR}: validateImmutableFields, validateUUIDLabel (and v1.8.6's)",
    operations=("UPDATE",),
)
def request_unchanged(req: Request[VirtualMachineWebConsoleRequest]) -> Iterable[FieldError]:
    return unchanged_errors(req.view, req.old_view, "name", "Name")
