"""vCenter lookups: getSupervisor, getStoragePolicy and getDatastore (called as fn(state, ctx, args))."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_vmservice_provider.clients.vsphere_soap import NotFoundInInventory
from pulumi_vmservice_provider.model.vcenter_lookups import GET_DATASTORE, GET_STORAGE_POLICY, GET_SUPERVISOR
from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.registry import implements
from pulumi_vmservice_provider.resources.vcenter_common import (
    lookup_failure,
    resolve_supervisor,
)
from pulumi_vmservice_provider.wire import reveal

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.state import ProviderState


@implements(GET_SUPERVISOR)
def get_supervisor(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    ctx, args = request.ctx, request.args
    name = str(reveal(args)["name"])
    cluster_id, cluster_name, summary = resolve_supervisor(state.vcenter, state.soap, name, "name", ctx)
    return {
        "id": cluster_id,
        "name": cluster_name,
        "configStatus": summary.config_status,
        "kubernetesStatus": summary.kubernetes_status,
    }


@implements(GET_STORAGE_POLICY)
def get_storage_policy(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    try:
        policy = state.soap.storage_policy(str(reveal(request.args)["name"]))
    except NotFoundInInventory as error:
        raise lookup_failure("name", error) from None
    return {"id": policy.id, "name": policy.name, "description": policy.description}


@implements(GET_DATASTORE)
def get_datastore(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    try:
        found = state.soap.datastore_info(str(reveal(request.args)["name"]))
    except NotFoundInInventory as error:
        raise lookup_failure("name", error) from None
    return {
        "id": found.id,
        "name": found.name,
        "type": found.type,
        "capacityBytes": found.capacity_bytes,
        "freeSpaceBytes": found.free_space_bytes,
        "url": found.url,
    }
