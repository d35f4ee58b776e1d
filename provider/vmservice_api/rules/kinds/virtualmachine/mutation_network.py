"""The default network of a VM: the interface a VM gets when it names none, and the network kind filled
into interfaces that name none, both chosen by the Supervisor's network provider.

Upstream: webhooks/virtualmachine/mutation/virtualmachine_mutator.go (v1.10.0: AddDefaultNetworkInterface,
SetDefaultNetworkOnUpdate, setDefaultNetworkInterfaceNetwork, getDefaultNetworkRef) and
webhooks/virtualmachine/v1alpha2/mutation/virtualmachine_mutator.go (v1.8.6: AddDefaultNetworkInterface).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vmservice_api.objects import JSONObject
from vmservice_api.rules.framework import Release, Request, Unjudged
from vmservice_api.rules.kinds.virtualmachine import mutation_names as names
from vmservice_api.rules.kinds.virtualmachine.mutation_support import (
    annotations_of,
    child,
    entries,
    part,
    spec,
    text,
    the_object,
    without_empty,
    writable_spec,
)

DEFAULT_INTERFACE_NAME = "eth0"
DEFAULT_NAMED_NETWORK = "VM Network"


@dataclass(frozen=True)
class NetworkRef:
    """The network an interface gets by default: a kind of network object, or (named networks) a name."""

    kind: str = ""
    api_version: str = ""
    name: str = ""

    def as_json(self) -> JSONObject:
        return network_ref(self.kind, self.api_version, self.name)


def network_ref(kind: str = "", api_version: str = "", name: str = "") -> JSONObject:
    """A network reference as upstream's webhook writes it back: its PartialObjectRef serialises `kind` and
    `apiVersion` only when set but `name` always (an empty string; the CRD requires the key)."""
    return {**without_empty(kind=kind, apiVersion=api_version), "name": name}


def _vpc_api_version(release: Release) -> str:
    # NSX Operator moved its VPC types to a group of their own between the two releases.
    return "crd.nsx.vmware.com/v1alpha1" if release == "9.1" else "nsx.vmware.com/v1alpha1"


def default_network(req: Request[Any]) -> NetworkRef | None:
    """The network of the Supervisor's provider, None when no provider is configured."""
    if req.features is None:
        raise Unjudged("the Supervisor's network provider")
    if req.feature(names.NETWORK_PROVIDER_NSXT):
        return NetworkRef("VirtualNetwork", "vmware.com/v1alpha1")
    if req.feature(names.NETWORK_PROVIDER_VDS):
        return NetworkRef("Network", "netoperator.vmware.com/v1alpha1")
    if req.feature(names.NETWORK_PROVIDER_VPC):
        return NetworkRef("SubnetSet", _vpc_api_version(req.release))
    if req.feature(names.NETWORK_PROVIDER_NAMED):
        config = req.get(names.CONFIG_MAP, names.PROVIDER_CONFIG_MAP, names.VMOP_NAMESPACE) or {}
        return NetworkRef(name=text(part(config, "data"), "Network") or DEFAULT_NAMED_NETWORK)
    return None


def _fill_interface_network(interface: JSONObject, ref: NetworkRef) -> bool:
    """Complete one interface's network reference from the default (v1.10.0 semantics)."""
    network = interface.get("network")
    if not ref.kind:
        if not isinstance(network, dict):
            interface["network"] = network_ref(name=ref.name)
            return True
        if ref.name and not text(network, "name"):
            network["name"] = ref.name
            return True
        return False
    if not isinstance(network, dict):
        interface["network"] = network_ref(ref.kind, ref.api_version)
        return True
    changed = False
    if not text(network, "apiVersion"):
        network["apiVersion"] = ref.api_version
        changed = True
    if not text(network, "kind"):
        network["kind"] = ref.kind
        changed = True
    return changed


def add_default_network_interface(req: Request[Any]) -> bool:
    """On create: an interface on the provider's network when the VM has none; otherwise each interface's
    network completed. The v1alpha1 no-default-nic annotation only stops the first."""
    vm = the_object(req)
    network = part(vm, "spec", "network")
    interfaces = entries(network, "interfaces")
    if names.NO_DEFAULT_NIC in annotations_of(vm) and not interfaces:
        return False
    if network.get("disabled") is True:
        return False
    ref = default_network(req)
    if ref is None:
        return False
    writable = child(writable_spec(vm), "network")
    if not interfaces:
        writable["interfaces"] = [{"name": DEFAULT_INTERFACE_NAME, "network": ref.as_json()}]
        return True
    changed = False
    for interface in interfaces:
        changed = _fill_interface_network(interface, ref) or changed
    return changed


def add_default_network_interface_v1alpha2(req: Request[Any]) -> bool:
    """On create (8.0u3): the same default interface, but the no-default-nic annotation stops all of it, and
    an interface's kind and apiVersion are only filled when both are empty."""
    vm = the_object(req)
    if names.NO_DEFAULT_NIC in annotations_of(vm):
        return False
    if part(vm, "spec", "network").get("disabled") is True:
        return False
    ref = default_network(req)
    if ref is None:
        return False
    writable = child(writable_spec(vm), "network")
    interfaces = entries(writable, "interfaces")
    if not interfaces:
        writable["interfaces"] = [{"name": DEFAULT_INTERFACE_NAME, "network": ref.as_json()}]
        return True
    changed = False
    for interface in interfaces:
        network = part(interface, "network")
        if ref.kind and not text(network, "kind") and not text(network, "apiVersion"):
            target = child(interface, "network")
            target["kind"], target["apiVersion"] = ref.kind, ref.api_version
            target.setdefault("name", "")
            changed = True
        if ref.name and not text(network, "name"):
            child(interface, "network")["name"] = ref.name
            changed = True
    if changed:
        # Go re-marshals the whole object: every interface's network (a struct, not a pointer) gets its name.
        for interface in interfaces:
            child(interface, "network").setdefault("name", "")
    return changed


def set_default_network_on_update(req: Request[Any]) -> bool:
    """On update, with mutable networks: interfaces added without a network get the provider's network."""
    if not req.feature(names.MUTABLE_NETWORKS):
        return False
    network = part(spec(the_object(req)), "network")
    interfaces = entries(network, "interfaces")
    if not interfaces or network.get("disabled") is True:
        return False
    ref = default_network(req)
    if ref is None:
        return False
    changed = False
    for interface in interfaces:
        changed = _fill_interface_network(interface, ref) or changed
    return changed
