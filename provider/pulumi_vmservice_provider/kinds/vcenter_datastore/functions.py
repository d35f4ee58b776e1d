"""getDatastore: the lookup in vCenter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_vmservice_provider.clients.vsphere_soap import NotFoundInInventory
from pulumi_vmservice_provider.kinds.vcenter_datastore.declaration import GET_DATASTORE
from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.registry import implements
from pulumi_vmservice_provider.resources.vcenter_common import lookup_failure

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.state import ProviderState


@implements(GET_DATASTORE)
def get_datastore(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    try:
        found = state.soap.datastore_info(str((request.args.value)["name"]))
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
