"""The VM class (9.1): `spec.className` and `spec.class` (a class instance) completed from each other, and
the annotations that tell VM Operator's controller a VM is being resized from its previous class.

Upstream: webhooks/virtualmachine/mutation/virtualmachine_mutator.go (ResolveClassAndClassName,
SetLastResizeAnnotations) with pkg/util/vmopv1/resize.go (the last-resized annotations).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from vmservice_api.objects import JSONObject
from vmservice_api.rules.framework import Denied, Request
from vmservice_api.rules.kinds.virtualmachine import mutation_names as names
from vmservice_api.rules.kinds.virtualmachine.mutation_support import (
    annotations_of,
    entries,
    go_json,
    named,
    part,
    spec,
    text,
    the_object,
    the_old_object,
    without_empty,
    writable_annotations,
    writable_spec,
)


def _class_owner(instance: Mapping[str, Any]) -> str | None:
    """The name of the VM class that owns a class instance."""
    for owner in entries(part(instance, "metadata"), "ownerReferences"):
        if text(owner, "kind") == names.VM_CLASS_KIND:
            return text(owner, "name")
    return None


def resolve_class_and_class_name(req: Request[Any]) -> bool:
    """With immutable classes on: a VM naming only its class gets the class's active instance in
    `spec.class`; a VM naming only an instance gets the instance's class in `spec.className`."""
    if not req.feature(names.IMMUTABLE_CLASSES):
        return False
    vm = the_object(req)
    class_name = text(spec(vm), "className")
    instance_ref = spec(vm).get("class")
    has_instance = isinstance(instance_ref, dict)
    if not class_name and not has_instance:
        return False
    if has_instance and not text(part(spec(vm), "class"), "name"):
        raise Denied("empty class instance name")
    if class_name and has_instance:
        return False
    if class_name:
        for instance in named(req.list(names.CLASS_INSTANCE)):
            metadata = part(instance, "metadata")
            if part(metadata, "labels").get(names.CLASS_INSTANCE_ACTIVE) != "":
                continue
            owned = any(
                text(owner, "name") == class_name and text(owner, "kind") == names.VM_CLASS_KIND
                for owner in entries(metadata, "ownerReferences")
            )
            if owned:
                writable_spec(vm)["class"] = without_empty(
                    apiVersion=text(instance, "apiVersion"),
                    name=text(metadata, "name"),
                    kind=text(instance, "kind"),
                )
                return True
        return False
    instance_name = text(part(spec(vm), "class"), "name")
    chosen = req.get(names.CLASS_INSTANCE, instance_name)
    if chosen is None:
        raise Denied(f'virtualmachineclassinstances.vmoperator.vmware.com "{instance_name}" not found')
    if names.CLASS_INSTANCE_ACTIVE not in part(chosen, "metadata", "labels"):
        raise Denied("must specify a VirtualMachineClassInstance that is active")
    owner = _class_owner(chosen)
    if owner is None:
        return False
    writable_spec(vm)["className"] = owner
    return True


# ---- resize -------------------------------------------------------------------------------------------
def _readable_resize_mark(value: str | None) -> bool:
    """Whether a last-resized annotation holds what VM Operator can read back (JSON `{name, uid,
    generation}`, or null); anything else counts as absent and is overwritten."""
    if value is None:
        return False
    try:
        decoded = json.loads(value)
    except ValueError:
        return False
    if decoded is None:
        return True
    if not isinstance(decoded, dict):
        return False
    for key, field in decoded.items():
        kind = key.lower()
        if field is None:
            continue
        if kind in ("name", "uid") and not isinstance(field, str):
            return False
        if kind == "generation" and (not isinstance(field, int) or isinstance(field, bool)):
            return False
    return True


def _instance_name(vm: JSONObject) -> str:
    return text(part(spec(vm), "class"), "name")


def set_last_resize_annotations(req: Request[Any]) -> bool:
    """With resize on: when the class (or, with immutable classes, the class instance) changes, record the
    class and instance the VM is resized from, unless a previous resize already did."""
    if not (req.feature(names.VM_RESIZE) or req.feature(names.VM_RESIZE_CPU_MEMORY)):
        return False
    vm, old = the_object(req), the_old_object(req)
    old_class = text(spec(old), "className")
    if text(spec(vm), "className") == old_class:
        if not req.feature(names.IMMUTABLE_CLASSES):
            return False
        both_have_instances = isinstance(spec(vm).get("class"), dict) and isinstance(
            spec(old).get("class"), dict
        )
        if both_have_instances and _instance_name(vm) == _instance_name(old):
            return False
    changed = False
    marks = annotations_of(vm)
    if not _readable_resize_mark(marks.get(names.LAST_RESIZED_CLASS)):
        writable_annotations(vm)[names.LAST_RESIZED_CLASS] = go_json({"name": old_class})
        changed = True
    if req.feature(names.IMMUTABLE_CLASSES) and not _readable_resize_mark(
        marks.get(names.LAST_RESIZED_CLASS_INSTANCE)
    ):
        writable_annotations(vm)[names.LAST_RESIZED_CLASS_INSTANCE] = go_json({"name": _instance_name(old)})
        changed = True
    return changed
