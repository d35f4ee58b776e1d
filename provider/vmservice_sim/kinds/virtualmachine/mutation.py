"""VM Operator's mutating VirtualMachine webhook: defaults on create (power state, the default NIC, the
image's vmi- name, build annotations; on 9.1 `spec.image` and the UUIDs) and `nextRestartTime: now`."""

from __future__ import annotations

import copy
import uuid

from vmservice_sim.admission import (
    FieldError,
    Verdict,
    dig,
    invalid,
    metadata_map,
    path,
    replace_patch,
    spec_of,
)
from vmservice_sim.context import NETWORK_API_VERSION, NETWORK_KIND
from vmservice_sim.kinds.virtualmachine.kind import (
    CREATED_AT_BUILD,
    CREATED_AT_SCHEMA,
    NO_DEFAULT_NIC,
    ON,
    VIRTUAL_MACHINE,
)
from vmservice_sim.kube import Obj
from vmservice_sim.objects import rfc3339nano
from vmservice_sim.registry import AdmissionRequest


@VIRTUAL_MACHINE.mutate
def mutate(request: AdmissionRequest) -> Verdict:
    vm, old = request.object, request.old_object
    mutated = copy.deepcopy(vm)
    spec = mutated.setdefault("spec", {})
    release = request.release
    if request.operation == "CREATE":
        annotations = dict(metadata_map(mutated, "annotations"))
        annotations[CREATED_AT_BUILD] = release.build_version
        annotations[CREATED_AT_SCHEMA] = release.storage_version
        mutated.setdefault("metadata", {})["annotations"] = annotations
        _default_network(mutated, request.default_network)
        if not spec.get("powerState"):
            spec["powerState"] = ON
        try:
            _resolve_image(request, mutated)
        except ValueError as error:
            return Verdict.denied(str(error))
        if release.image_ref:
            _default_identity(spec)
    elif old is not None:
        problem = _next_restart_time(spec, spec_of(old))
        if problem is not None:
            return Verdict.denied(str(problem))
    patch = replace_patch(vm, mutated)
    return Verdict(patch=patch or None)


def _default_network(vm: Obj, default_net: str) -> None:
    spec = vm["spec"]
    network = spec.get("network")
    interfaces = (network or {}).get("interfaces") or []
    if interfaces:
        for interface in interfaces:  # fill what the user left out of each interface's network
            if not isinstance(interface, dict):
                continue
            net = interface.get("network")
            if not isinstance(net, dict):
                net = interface["network"] = {}
            net.setdefault("name", default_net)
            if not net.get("kind") and not net.get("apiVersion"):
                net["kind"], net["apiVersion"] = NETWORK_KIND, NETWORK_API_VERSION
        return
    if NO_DEFAULT_NIC in metadata_map(vm, "annotations") or (network or {}).get("disabled"):
        return
    network = spec.setdefault("network", {}) if isinstance(network, dict) or network is None else network
    spec["network"] = network
    network["interfaces"] = [
        {
            "name": "eth0",
            "network": {"name": default_net, "kind": NETWORK_KIND, "apiVersion": NETWORK_API_VERSION},
        }
    ]


def _resolve_image(request: AdmissionRequest, vm: Obj) -> None:
    """A display name in spec.imageName becomes the vmi- name of the one image that carries it."""
    spec = vm["spec"]
    name = spec.get("imageName")
    image_ref = request.release.image_ref
    if not isinstance(name, str) or not name or name.startswith("vmi-"):
        if image_ref and isinstance(name, str) and name and not spec.get("image"):
            spec["image"] = {"kind": _image_kind(request, name), "name": name}
        return
    kinds = request.kinds
    images = request.cluster.list(kinds.image, request.namespace)
    local = [i["metadata"]["name"] for i in images if (i.get("status") or {}).get("name") == name]
    cluster_images = request.cluster.list(kinds.cluster_image)
    cluster = [i["metadata"]["name"] for i in cluster_images if (i.get("status") or {}).get("name") == name]
    if len(local) > 1:
        raise ValueError(f'multiple VM images exist for "{name}" in namespace scope')
    if len(cluster) > 1:
        raise ValueError(f'multiple VM images exist for "{name}" in cluster scope')
    if local and cluster:
        raise ValueError(f'multiple VM images exist for "{name}" in namespace and cluster scope')
    if not local and not cluster:
        raise ValueError(f'no VM image exists for "{name}" in namespace or cluster scope')
    spec["imageName"] = (local or cluster)[0]
    if image_ref and not spec.get("image"):
        spec["image"] = {
            "kind": "VirtualMachineImage" if local else "ClusterVirtualMachineImage",
            "name": spec["imageName"],
        }


def _image_kind(request: AdmissionRequest, name: str) -> str:
    found = request.cluster.get(request.kinds.image, request.namespace, name)
    return "VirtualMachineImage" if found is not None else "ClusterVirtualMachineImage"


def _default_identity(spec: Obj) -> None:
    spec.setdefault("instanceUUID", str(uuid.uuid4()))
    bios = spec.setdefault("biosUUID", str(uuid.uuid4()))
    cloud_init = dig(spec, "bootstrap", "cloudInit")
    if isinstance(cloud_init, dict) and not cloud_init.get("instanceID"):
        cloud_init["instanceID"] = bios


def _next_restart_time(spec: Obj, old_spec: Obj) -> FieldError | None:
    new, previous = spec.get("nextRestartTime") or "", old_spec.get("nextRestartTime") or ""
    at = path("spec", "nextRestartTime")
    if not new:
        if previous:
            spec["nextRestartTime"] = previous
        return None
    if new.lower() == "now":
        if old_spec.get("powerState") != ON:
            return invalid(at, new, "can only restart powered on vm")
        spec["nextRestartTime"] = rfc3339nano()
        return None
    if new == previous:
        return None
    return invalid(at, new, 'may only be set to "now"')
