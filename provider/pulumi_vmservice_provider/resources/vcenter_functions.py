"""vCenter lookups: getSupervisor, getStoragePolicy and getDatastore (called as fn(state, ctx, args))."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi_vmservice_provider.clients.vsphere_soap import NotFoundInInventory
from pulumi_vmservice_provider.resources.vcenter_common import (
    lookup_failure,
    resolve_supervisor,
    rest_client,
    soap_client,
)
from pulumi_vmservice_provider.wire import reveal

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.core import ProviderState


def get_supervisor(state: ProviderState, ctx: OperationContext, args: dict[str, Any]) -> dict[str, Any]:
    name = str(reveal(args)["name"])
    cluster_id, cluster_name, summary = resolve_supervisor(
        rest_client(state), soap_client(state), name, "name", ctx
    )
    return {
        "id": cluster_id,
        "name": cluster_name,
        "configStatus": summary.config_status,
        "kubernetesStatus": summary.kubernetes_status,
    }


def get_storage_policy(state: ProviderState, ctx: OperationContext, args: dict[str, Any]) -> dict[str, Any]:
    try:
        policy = soap_client(state).storage_policy(str(reveal(args)["name"]))
    except NotFoundInInventory as error:
        raise lookup_failure("name", error) from None
    return {"id": policy.id, "name": policy.name, "description": policy.description}


def get_datastore(state: ProviderState, ctx: OperationContext, args: dict[str, Any]) -> dict[str, Any]:
    try:
        found = soap_client(state).datastore_info(str(reveal(args)["name"]))
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
