"""getVirtualMachine: any VM of a namespace, including VMs this stack does not manage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.lookups import (
    VIRTUAL_MACHINES,
    get_object,
    namespace_of,
)
from pulumi_vmservice_provider.resources.registry import implements

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.state import ProviderState
from pulumi_vmservice_provider.kinds.virtualmachine.declaration import GET_VIRTUAL_MACHINE
from pulumi_vmservice_provider.resources.kubefields import LIVE_METADATA_KEYS


@implements(GET_VIRTUAL_MACHINE)
def get_virtual_machine(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    ctx, args = request.ctx, request.args.value
    namespace = namespace_of(state, args)
    vm = get_object(state, VIRTUAL_MACHINES, namespace, str(args["name"]), ctx)
    status = vm.get("status") or {}
    network = status.get("network") or {}
    meta = vm.get("metadata") or {}
    return {
        "metadata": {k: meta[k] for k in LIVE_METADATA_KEYS if k in meta},
        "spec": vm.get("spec"),
        "status": {
            **status,
            "conditions": status.get("conditions") or [],
            "primaryIP4": network.get("primaryIP4"),
            "primaryIP6": network.get("primaryIP6"),
            "raw": status,
        },
    }
