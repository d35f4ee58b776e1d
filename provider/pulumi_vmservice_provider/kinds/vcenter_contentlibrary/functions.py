"""getContentLibrary: a content library in vCenter by name or id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_vmservice_provider.clients.vcenter import VCenterError
from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.kinds.vcenter_contentlibrary.declaration import GET_CONTENT_LIBRARY
from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.registry import implements

if TYPE_CHECKING:
    from pulumi_vmservice_provider.clients.content_library import Library
    from pulumi_vmservice_provider.resources.state import ProviderState


@implements(GET_CONTENT_LIBRARY)
def get_content_library(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    content = state.content_library
    wanted = str(request.args.value["name"])
    found: Library | None = None
    ids = content.find_libraries(wanted)
    if len(ids) > 1:
        raise InvalidInputs([("name", f"{len(ids)} content libraries are named {wanted!r}; give the id")])
    try:
        found = content.get_library(ids[0] if ids else wanted)
    except VCenterError as error:
        if error.status != 400:  # vCenter's answer to a name that is not an id at all
            raise
    if found is None or not found.id:
        raise InvalidInputs([("name", f"no content library named {wanted!r} (or with that id) in vCenter")])
    return {
        "id": found.id,
        "name": found.name,
        "description": found.description,
        "type": found.type,
        "datastoreId": found.datastore_id,
        "publishUrl": found.publish_url,
        "subscriptionUrl": found.subscription.url if found.subscription else None,
        "itemCount": content.count_items(found.id),
    }
