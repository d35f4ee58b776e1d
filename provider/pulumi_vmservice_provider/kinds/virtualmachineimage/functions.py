"""getVirtualMachineImage: find an image by display name, name or OS, as the webhook resolves names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.lookups import (
    CLUSTER_VIRTUAL_MACHINE_IMAGES,
    VIRTUAL_MACHINE_IMAGES,
    list_objects,
    namespace_of,
)
from pulumi_vmservice_provider.resources.registry import implements

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.state import ProviderState
from vmservice_api.objects import JSONObject, view

from pulumi_vmservice_provider.kinds.virtualmachineimage.declaration import GET_VIRTUAL_MACHINE_IMAGE

IMAGE_QUERY_KEYS = ("displayName", "name", "osType", "osVersion")


def _query(args: JSONObject) -> str:
    return " and ".join(f"{k}={args[k]!r}" for k in IMAGE_QUERY_KEYS if args.get(k))


def _image_summary(image: JSONObject) -> str:
    status = image.get("status") or {}
    return f"{image['metadata']['name']} ({status.get('name') or 'no display name'}, {image.get('kind')})"


@implements(GET_VIRTUAL_MACHINE_IMAGE)
def get_virtual_machine_image(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    ctx, args = request.ctx, request.args.value
    namespace = namespace_of(state, args)
    if not any(args.get(k) for k in IMAGE_QUERY_KEYS):
        raise InvalidInputs(
            [("displayName", "pass displayName, name, osType or osVersion to select an image")]
        )
    # Failures name the property the query used, so the user knows which argument to change.
    queried = next(k for k in IMAGE_QUERY_KEYS if args.get(k))
    images = [
        {**i, "kind": "VirtualMachineImage"}
        for i in list_objects(state, VIRTUAL_MACHINE_IMAGES, namespace, ctx)
    ]
    images += [
        {**i, "kind": "ClusterVirtualMachineImage"}
        for i in list_objects(state, CLUSTER_VIRTUAL_MACHINE_IMAGES, None, ctx)
    ]

    def matches(image: JSONObject) -> bool:
        status = image.get("status") or {}
        labels = image["metadata"].get("labels") or {}
        os_info = status.get("osInfo") or {}
        if args.get("name") and image["metadata"]["name"] != args["name"]:
            return False
        if args.get("displayName") and status.get("name") != args["displayName"]:
            return False
        os_type = labels.get("os.image.vmoperator.vmware.com/type") or os_info.get("type") or ""
        os_version = labels.get("os.image.vmoperator.vmware.com/version") or os_info.get("version") or ""
        if args.get("osType") and str(args["osType"]).lower() not in str(os_type).lower():
            return False
        return not (args.get("osVersion") and str(args["osVersion"]) != str(os_version))

    found = [i for i in images if matches(i)]
    # A namespace image wins over a cluster image of the same display name, as the webhook resolves them.
    if len(found) > 1 and len({i["kind"] for i in found}) > 1:
        found = [i for i in found if i["kind"] == "VirtualMachineImage"] or found
    if not found:
        candidates = ", ".join(sorted(_image_summary(i) for i in images)) or "none"
        raise InvalidInputs(
            [(queried, f"no image matches {_query(args)} in namespace {namespace}; candidates: {candidates}")]
        )
    if len(found) > 1:
        candidates = ", ".join(sorted(_image_summary(i) for i in found))
        raise InvalidInputs(
            [
                (
                    queried,
                    f"{len(found)} images match {_query(args)}; narrow the query to one of: {candidates}",
                )
            ]
        )
    image = found[0]
    status = image.get("status") or {}
    return {
        "imageName": image["metadata"]["name"],
        "kind": image["kind"],
        "displayName": status.get("name"),
        "osInfo": status.get("osInfo"),
        "firmware": status.get("firmware"),
        "hardwareVersion": status.get("hardwareVersion"),
        "ready": view(image).condition_is("Ready"),
        "status": status,
    }
