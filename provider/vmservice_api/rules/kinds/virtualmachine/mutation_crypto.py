"""Encryption (9.1, with bring-your-own-key on): a new VM on an encrypted storage class is encrypted with
its namespace's default EncryptionClass unless it names one.

Upstream: webhooks/virtualmachine/mutation/virtualmachine_mutator.go (SetDefaultEncryptionClass) with
pkg/util/kube/storage.go (IsEncryptedStorageClass, IsEncryptedStorageProfile, GetStoragePolicyObjectName)
and pkg/util/kube/crypto.go (GetDefaultEncryptionClassForNamespace).
"""

from __future__ import annotations

import re
from typing import Any

from vmservice_api.rules.fielderrors import go_quote
from vmservice_api.rules.framework import Denied, Request
from vmservice_api.rules.kinds.virtualmachine import mutation_names as names
from vmservice_api.rules.kinds.virtualmachine.mutation_support import (
    child,
    part,
    spec,
    text,
    the_object,
    writable_spec,
)

_HEX = "[0-9a-fA-F]"
# The textual UUID forms Go's uuid.Parse accepts: plain, in braces, as a URN, and without hyphens.
_UUID_FORMS = (
    re.compile(f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"),
    re.compile(f"\\{{{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}\\}}"),
    re.compile(f"(?i:urn:uuid:){_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"),
    re.compile(f"{_HEX}{{32}}"),
)


def storage_policy_object_name(profile_id: str) -> str:
    """The name of the StoragePolicy object VM Operator keeps for a storage profile ("" when the profile ID
    is not a UUID)."""
    if not any(form.fullmatch(profile_id) for form in _UUID_FORMS):
        return ""
    compact = profile_id.lower().replace("-", "")
    return f"pol-{compact[0:8]}-{compact[16:32]}"


def _policy_id(storage_class: dict[str, Any]) -> str:
    return text(part(storage_class, "parameters"), names.STORAGE_POLICY_ID_PARAMETER)


def is_encrypted_storage_class(req: Request[Any], name: str) -> bool:
    """Whether VM Operator has marked the storage class's policy as encrypted."""
    storage_class = req.get(names.STORAGE_CLASS, name, None)
    if storage_class is None:
        return False
    profile_id = _policy_id(storage_class)
    if not profile_id:
        return False
    for other in req.list(names.STORAGE_CLASS, None):
        if _policy_id(other) != profile_id:
            continue
        policy_name = storage_policy_object_name(profile_id)
        if policy_name:
            policy = req.get(names.STORAGE_POLICY, policy_name, names.VMOP_NAMESPACE)
            return policy is not None and part(policy, "status").get("encrypted") is True
    return False


def _default_encryption_class(req: Request[Any]) -> str | None:
    label = f"{go_quote(names.DEFAULT_ENCRYPTION_CLASS)}: {go_quote('true')}"
    defaults = [
        text(part(ec, "metadata"), "name")
        for ec in req.list(names.ENCRYPTION_CLASS)
        if part(ec, "metadata", "labels").get(names.DEFAULT_ENCRYPTION_CLASS) == "true"
    ]
    if len(defaults) > 1:
        raise Denied(f"multiple EncryptionClass resources have the label {label}")
    return defaults[0] if defaults else None


def set_default_encryption_class(req: Request[Any]) -> bool:
    """A new VM without an EncryptionClass, on an encrypted storage class, gets the namespace's default."""
    if not req.feature(names.BRING_YOUR_OWN_ENCRYPTION_KEY):
        return False
    vm = the_object(req)
    if text(part(spec(vm), "crypto"), "encryptionClassName"):
        return False
    storage_class = text(spec(vm), "storageClass")
    if not storage_class or not is_encrypted_storage_class(req, storage_class):
        return False
    default = _default_encryption_class(req)
    if default is None:
        return False
    child(writable_spec(vm), "crypto")["encryptionClassName"] = default
    return True
