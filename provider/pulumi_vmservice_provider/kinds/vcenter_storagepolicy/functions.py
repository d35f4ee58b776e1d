"""getStoragePolicy: the lookup in vCenter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_vmservice_provider.clients.vsphere_soap import NotFoundInInventory
from pulumi_vmservice_provider.kinds.vcenter_storagepolicy.declaration import GET_STORAGE_POLICY
from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.registry import implements
from pulumi_vmservice_provider.resources.vcenter_common import lookup_failure

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.state import ProviderState


@implements(GET_STORAGE_POLICY)
def get_storage_policy(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    try:
        policy = state.soap.storage_policy(str((request.args.value)["name"]))
    except NotFoundInInventory as error:
        raise lookup_failure("name", error) from None
    return {"id": policy.id, "name": policy.name, "description": policy.description}
