"""What a VM is made from and placed on: its image, class (and class instance), storage class and encryption."""

from __future__ import annotations

from typing import Any

from vmservice_api.rules.fielderrors import (
    Effect,
    FieldError,
    FieldPath,
    forbidden,
    immutable,
    invalid,
    path,
    required,
)
from vmservice_api.rules.kinds.virtualmachine import names
from vmservice_api.rules.kinds.virtualmachine.validation_formats import is_uuid
from vmservice_api.rules.kinds.virtualmachine.validation_support import (
    GoJSON,
    VMRequest,
    annotations_of,
    image_ref,
    is_privileged,
    items,
    mapping,
    node,
    same_pointer,
    spec,
    text,
)

IMAGE = path("spec", "image")
IMAGE_NAME = path("spec", "imageName")
CLASS_NAME = path("spec", "className")
CLASS_INSTANCE = path("spec", "class", "name")
STORAGE_CLASS = path("spec", "storageClass")
CRYPTO = path("spec", "crypto")
INVALID_IMAGE_KIND = f"supported: {names.VMI_KIND}; {names.CVMI_KIND}"


def _imageless(vm: Any) -> bool:
    return node(spec(vm), "image") is None and not text(spec(vm).get("imageName"))


def _restricted(at: FieldPath) -> FieldError:
    return forbidden(at, names.RESTRICTED_TO_PRIVILEGED_USERS, Effect.PRIVILEGED)


# ---- image ------------------------------------------------------------------------------------------
def image_on_create(req: VMRequest) -> list[FieldError]:
    """A VM names its image by kind (VirtualMachineImage or ClusterVirtualMachineImage); only privileged
    accounts may create a VM without one (imported, restored or failed-over VMs), and only when the Supervisor
    can import or restore VMs."""
    image = spec(req.object).get("image")
    if _imageless(req.object) and (
        req.feature(names.VM_IMPORT_NEW_NET) or req.feature(names.VM_INCREMENTAL_RESTORE)
    ):
        return [] if is_privileged(req) else [_restricted(IMAGE)]
    if image is None:
        return [required(IMAGE)]
    kind = text(mapping(image).get("kind"))
    if not kind:
        return [required(IMAGE.child("kind"), INVALID_IMAGE_KIND)]
    if kind not in (names.VMI_KIND, names.CVMI_KIND):
        return [invalid(IMAGE.child("kind"), kind, INVALID_IMAGE_KIND)]
    return []


def image_on_update(req: VMRequest) -> list[FieldError]:
    """A VM's image never changes, except that a privileged account may drop the image of a failed-over VM
    when the Supervisor restores VMs incrementally."""
    new, old = spec(req.object), spec(req.old)
    if (
        _imageless(req.object)
        and names.FAILED_OVER_VM in annotations_of(req.object)
        and req.feature(names.VM_INCREMENTAL_RESTORE)
    ):
        errors: list[FieldError] = []
        if not same_pointer(new.get("image"), old.get("image")):
            errors.append(_restricted(IMAGE))
        if text(new.get("imageName")) != text(old.get("imageName")):
            errors.append(_restricted(IMAGE_NAME))
        return errors if errors and not is_privileged(req) else []
    errors = immutable(text(new.get("imageName")), text(old.get("imageName")), IMAGE_NAME)
    if not same_pointer(new.get("image"), old.get("image")):
        errors.append(invalid(IMAGE, image_ref(new.get("image")), "field is immutable", Effect.IMMUTABLE))
    return errors


def image_name_required(req: VMRequest) -> list[FieldError]:
    """v1.8.6: a VM names its image."""
    return [] if text(spec(req.object).get("imageName")) else [required(IMAGE_NAME)]


def image_name_immutable(req: VMRequest) -> list[FieldError]:
    """v1.8.6: a VM's image never changes."""
    return immutable(
        text(spec(req.object).get("imageName")), text(spec(req.old).get("imageName")), IMAGE_NAME
    )


# ---- class ------------------------------------------------------------------------------------------
def class_on_create(req: VMRequest) -> list[FieldError]:
    """A VM names its class (only privileged accounts may create a classless VM, and only when the
    Supervisor imports VMs); a class instance it names must be an active instance of that class."""
    errors: list[FieldError] = []
    if not text(spec(req.object).get("className")):
        if not req.feature(names.VM_IMPORT_NEW_NET):
            errors.append(required(CLASS_NAME))
        elif not is_privileged(req):
            errors.append(_restricted(CLASS_NAME))
    return errors + _class_instance(req)


def class_on_update(req: VMRequest) -> list[FieldError]:
    """A VM's class changes only when the Supervisor resizes VMs; it may not become empty (but for privileged
    accounts when the Supervisor imports VMs), and a class instance it names must be an active instance of
    the new class."""
    new, old = text(spec(req.object).get("className")), text(spec(req.old).get("className"))
    if new == old:
        return []
    if not req.feature(names.VM_RESIZE) and not req.feature(names.VM_RESIZE_CPU_MEMORY):
        return immutable(new, old, CLASS_NAME)
    errors: list[FieldError] = []
    if not new and not (req.feature(names.VM_IMPORT_NEW_NET) and is_privileged(req)):
        errors.append(required(CLASS_NAME))
    return errors + _class_instance(req)


def _class_instance(req: VMRequest) -> list[FieldError]:
    instance = node(spec(req.object), "class")
    if instance is None or not req.feature(names.IMMUTABLE_CLASSES):
        return []
    name = text(mapping(instance).get("name"))
    found = req.get(names.CLASS_INSTANCE, name)
    if found is None:
        return [
            invalid(
                CLASS_INSTANCE,
                name,
                "must specify a valid reference to a VirtualMachineClassInstance object",
            )
        ]
    if names.CLASS_INSTANCE_ACTIVE_LABEL not in mapping(node(found, "metadata", "labels")):
        return [
            invalid(
                CLASS_INSTANCE,
                name,
                "must specify a reference to a VirtualMachineClassInstance object that is active",
            )
        ]
    class_name = text(spec(req.object).get("className"))
    for owner in items(node(found, "metadata", "ownerReferences")):
        if text(node(owner, "kind")) == "VirtualMachineClass" and text(node(owner, "name")) == class_name:
            return []
    return [
        invalid(
            CLASS_INSTANCE,
            name,
            "VirtualMachineClassInstance must be an instance of the VM Class specified by spec.class",
        )
    ]


def class_name_required(req: VMRequest) -> list[FieldError]:
    """v1.8.6: a VM names its class."""
    return [] if text(spec(req.object).get("className")) else [required(CLASS_NAME)]


def class_name_immutable(req: VMRequest) -> list[FieldError]:
    """v1.8.6: a VM's class never changes."""
    return immutable(
        text(spec(req.object).get("className")), text(spec(req.old).get("className")), CLASS_NAME
    )


# ---- storage class ----------------------------------------------------------------------------------
def storage_class(req: VMRequest) -> list[FieldError]:
    """The storage class exists and is one the namespace may use (it has a storage quota there)."""
    name = text(spec(req.object).get("storageClass"))
    if not name:
        return []
    found = req.get(names.STORAGE_CLASS, name, namespace=None)
    if found is None:
        return [invalid(STORAGE_CLASS, name, f"Storage policy {name} does not exist")]
    if req.feature(names.POD_VM_ON_STRETCHED_SUPERVISOR):
        assigned = _in_storage_policy_quota(req, found, name)
        if isinstance(assigned, FieldError):
            return [assigned]
    else:
        assigned = any(
            str(resource).startswith(f"{name}.storageclass.storage.k8s.io/")
            for quota in req.list(names.RESOURCE_QUOTA)
            for resource in mapping(node(quota, "spec", "hard"))
        )
    if assigned:
        return []
    return [
        invalid(STORAGE_CLASS, name, f"Storage policy is not associated with the namespace {req.namespace}")
    ]


def _in_storage_policy_quota(req: VMRequest, storage_class_: Any, name: str) -> bool | FieldError:
    quotas = req.list(names.STORAGE_POLICY_QUOTA)
    if req.release == "8.0u3":
        return any(
            text(node(status, "storageClassName")) == name
            for quota in quotas
            for status in items(node(quota, "status", "scLevelQuotaStatuses"))
        )
    policy = text(node(storage_class_, "parameters", "storagePolicyID"))
    if not policy:
        return invalid(STORAGE_CLASS, name, "StorageClass does not have policy ID")
    return any(text(node(quota, "spec", "storagePolicyId")) == policy for quota in quotas)


# ---- encryption -------------------------------------------------------------------------------------
def crypto(req: VMRequest) -> list[FieldError]:
    """Encryption settings need Bring Your Own Key; an encryption class needs an encryption storage class."""
    settings = spec(req.object).get("crypto")
    if settings is None:
        return []
    if not req.feature(names.BRING_YOUR_OWN_ENCRYPTION_KEY):
        shown = {
            k: mapping(settings)[k]
            for k in ("encryptionClassName", "useDefaultKeyProvider")
            if mapping(settings).get(k) not in (None, "")
        }
        return [
            invalid(CRYPTO, GoJSON(shown), names.FEATURE_NOT_ENABLED.format("Bring Your Own Key (Provider)"))
        ]
    encryption_class = text(mapping(settings).get("encryptionClassName"))
    if not encryption_class or is_encrypted_storage_class(req, text(spec(req.object).get("storageClass"))):
        return []
    return [
        invalid(
            CRYPTO.child("encryptionClassName"),
            encryption_class,
            "requires spec.storageClass specify an encryption storage class",
        )
    ]


def is_encrypted_storage_class(req: VMRequest, name: str) -> bool:
    """Whether VM Operator recorded the storage class's policy as an encryption policy (a StoragePolicy
    object named after the policy ID, in VM Operator's namespace, with status.encrypted)."""
    found = req.get(names.STORAGE_CLASS, name, namespace=None) if name else None
    policy = text(node(found, "parameters", "storagePolicyID"))
    if not policy:
        return False
    for storage_class_ in req.list(names.STORAGE_CLASS, namespace=None):
        if text(node(storage_class_, "parameters", "storagePolicyID")) != policy:
            continue
        record = _storage_policy_object_name(policy)
        if record:
            for obj in req.list(names.STORAGE_POLICY, namespace=None):
                if text(node(obj, "metadata", "name")) == record:
                    return node(obj, "status", "encrypted") is True
            return False
    return False


def _storage_policy_object_name(policy: str) -> str:
    if not is_uuid(policy):
        return ""
    compact = policy.lower().replace("-", "")
    if compact.startswith("urn:uuid:"):
        compact = compact[9:]
    compact = compact.strip("{}")
    return f"pol-{compact[0:8]}-{compact[16:32]}"
