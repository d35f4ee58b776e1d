"""Which image a new VM's `spec.imageName` means: a `vmi-` object name, or an image's display name
(`status.name`) that must name exactly one image in the namespace or the cluster.

Upstream: pkg/util/vmopv1/vm.go ResolveImageName with webhooks/virtualmachine/mutation/virtualmachine_mutator.go
ResolveImageNameOnCreate (v1.10.0: fills `spec.image`), and webhooks/virtualmachine/v1alpha2/mutation/
virtualmachine_mutator.go ResolveImageName (v1.8.6: rewrites a display name in `spec.imageName` to the `vmi-`
name).
"""

from __future__ import annotations

from typing import Any

from vmservice_api.objects import JSONObject
from vmservice_api.rules.fielderrors import go_quote, invalid, path
from vmservice_api.rules.framework import Denied, Request
from vmservice_api.rules.kinds.virtualmachine import mutation_names as names
from vmservice_api.rules.kinds.virtualmachine.mutation_support import (
    part,
    spec,
    text,
    the_object,
    writable_spec,
)

NOT_THE_SAME_IMAGE = "must refer to the same resource as spec.image"


def _not_found(image_name: str) -> Denied:
    return Denied(f"no VM image exists for {go_quote(image_name)} in namespace or cluster scope")


def _by_display_name(req: Request[Any], image_name: str) -> tuple[str, str]:
    """The (kind, name) of the one image whose display name is `image_name`."""
    found: tuple[str, str] | None = None
    namespaced = [img for img in req.list(names.VM_IMAGE) if text(part(img, "status"), "name") == image_name]
    if len(namespaced) > 1:
        raise Denied(f"multiple VM images exist for {go_quote(image_name)} in namespace scope")
    if namespaced:
        found = (names.VM_IMAGE_KIND, _name(namespaced[0]))
    clustered = [
        img
        for img in req.list(names.CLUSTER_VM_IMAGE, None)
        if text(part(img, "status"), "name") == image_name
    ]
    if len(clustered) > 1:
        raise Denied(f"multiple VM images exist for {go_quote(image_name)} in cluster scope")
    if clustered:
        if found is not None:
            raise Denied(
                f"multiple VM images exist for {go_quote(image_name)} in namespace and cluster scope"
            )
        found = (names.CLUSTER_VM_IMAGE_KIND, _name(clustered[0]))
    if found is None:
        raise _not_found(image_name)
    return found


def _name(obj: JSONObject) -> str:
    return text(part(obj, "metadata"), "name")


def resolve_image(req: Request[Any], image_name: str) -> tuple[str, str]:
    """The (kind, name) of the image `image_name` means (v1.10.0): a `vmi-` name is looked up as an object
    name in the namespace, then in the cluster; anything else as a display name."""
    if image_name.startswith("vmi-"):
        if req.get(names.VM_IMAGE, image_name) is not None:
            return names.VM_IMAGE_KIND, image_name
        if req.get(names.CLUSTER_VM_IMAGE, image_name, None) is not None:
            return names.CLUSTER_VM_IMAGE_KIND, image_name
        raise _not_found(image_name)
    return _by_display_name(req, image_name)


def resolve_image_name_on_create(req: Request[Any]) -> bool:
    """Fill `spec.image` from `spec.imageName`, or refuse when the two name different images."""
    vm = the_object(req)
    image_name = text(spec(vm), "imageName")
    if not image_name:
        return False
    kind, name = resolve_image(req, image_name)
    image = spec(vm).get("image")
    if not isinstance(image, dict):
        writable_spec(vm)["image"] = {"kind": kind, "name": name}
        return True
    if text(image, "kind") != kind or text(image, "name") != name:
        raise Denied(str(invalid(path("spec", "imageName"), image_name, NOT_THE_SAME_IMAGE)))
    return False


def resolve_image_name_v1alpha2(req: Request[Any]) -> bool:
    """Rewrite a display name in `spec.imageName` to the name of the one image that has it (8.0u3)."""
    vm = the_object(req)
    image_name = text(spec(vm), "imageName")
    if not image_name or image_name.startswith("vmi-"):
        return False
    _, name = _by_display_name(req, image_name)
    writable_spec(vm)["imageName"] = name
    return True
