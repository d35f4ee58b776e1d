"""vmservice:vcenter:ContentLibrary — a local or subscribed content library."""

from __future__ import annotations

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.clients.content_library import Library, Subscription
from pulumi_vmservice_provider.clients.vsphere_soap import NotFoundInInventory
from pulumi_vmservice_provider.kinds.vcenter_contentlibrary.declaration import CONTENT_LIBRARY
from pulumi_vmservice_provider.operations import (
    CreateRequest,
    CreateResult,
    DeleteRequest,
    ReadRequest,
    ReadResult,
    UpdateRequest,
    UpdateResult,
)
from pulumi_vmservice_provider.resources.registry import handles
from pulumi_vmservice_provider.resources.vcenter_common import (
    VCenterHandler,
    lookup_failure,
    refresh_inputs,
    secret_keys,
)

# Left alone unless the program sets them: vCenter fills in its own defaults.
SERVER_DEFAULTS = frozenset({"onDemand", "automaticSync", "subscriptionThumbprint", "authentication"})


def to_library(inputs: JSONObject, datastore_id: str) -> Library:
    plain = inputs
    subscription = None
    if plain.get("subscriptionUrl"):
        auth = plain.get("authentication") or {}
        subscription = Subscription(
            url=plain["subscriptionUrl"],
            on_demand=plain.get("onDemand"),
            automatic_sync=plain.get("automaticSync"),
            ssl_thumbprint=plain.get("subscriptionThumbprint"),
            username=auth.get("username"),
            password=auth.get("password"),
        )
    return Library(
        name=plain["name"],
        datastore_id=datastore_id,
        description=plain.get("description"),
        subscription=subscription,
    )


@handles(CONTENT_LIBRARY)
class ContentLibraryHandler(VCenterHandler):
    def outputs(self, inputs: JSONObject, library_id: str, library: Library) -> JSONObject:
        return {**inputs, "libraryId": library_id, "type": library.type, "datastoreId": library.datastore_id}

    def create(self, request: CreateRequest) -> CreateResult:
        ctx, inputs = request.ctx, request.inputs.value
        try:
            datastore = self.soap.datastore((inputs)["datastore"])
        except NotFoundInInventory as error:
            raise lookup_failure("datastore", error) from None
        library = to_library(inputs, datastore.id)
        content = self.state.content_library
        existing = content.find_libraries(library.name, ctx)
        if existing:
            raise self.already_exists(f"content library {library.name!r}", existing[0])
        ctx.status(f"creating {library.type.lower()} content library {library.name}")
        library_id = content.create_library(library, ctx)
        return CreateResult(library_id, self.outputs(inputs, library_id, library))

    def read(self, request: ReadRequest) -> ReadResult | None:
        ctx, resource_id, state, inputs = request.ctx, request.id, request.state.value, request.inputs.value
        live = self.state.content_library.get_library(resource_id, ctx)
        if live is None:
            return None
        mine = inputs or {}
        current: JSONObject = {
            "name": live.name,
            "description": live.description,
            "datastore": live.datastore_id,
        }
        # The datastore as the user named it, as long as it is still the one it resolved to.
        if mine.get("datastore") and state.get("datastoreId") == live.datastore_id:
            current["datastore"] = mine["datastore"]
        subscription = live.subscription
        if subscription:
            current.update(
                subscriptionUrl=subscription.url,
                onDemand=subscription.on_demand,
                automaticSync=subscription.automatic_sync,
                subscriptionThumbprint=subscription.ssl_thumbprint,
            )
            # vCenter never returns the password: keep the user's while the user name is unchanged.
            auth = mine.get("authentication")
            if isinstance(auth, dict) and (auth).get("username") == subscription.username:
                current["authentication"] = auth
            elif subscription.username and isinstance(auth, dict):
                current["authentication"] = {**auth, "username": subscription.username}
        new_inputs = refresh_inputs(
            inputs, current, unmanaged_when_unset=SERVER_DEFAULTS, secret=secret_keys(request.inputs)
        )
        library = Library(live.name, live.datastore_id, live.description, subscription)
        return ReadResult(resource_id, self.outputs(new_inputs, resource_id, library), new_inputs)

    def update(self, request: UpdateRequest) -> UpdateResult:
        ctx, resource_id, olds, old_inputs, news = (
            request.ctx,
            request.id,
            request.state.value,
            request.old_inputs.value,
            request.inputs.value,
        )
        library = to_library(news, str(olds.get("datastoreId") or ""))
        ctx.status(f"updating content library {library.name}")
        content = self.state.content_library
        content.update_library(resource_id, library, ctx)
        if library.subscription and (old_inputs).get("subscriptionUrl") != library.subscription.url:
            content.sync_library(resource_id, ctx)
        return UpdateResult(self.outputs(news, resource_id, library))

    def delete(self, request: DeleteRequest) -> None:
        ctx, resource_id, olds, old_inputs = (
            request.ctx,
            request.id,
            request.state.value,
            request.inputs.value,
        )
        subscribed = olds.get("type") == "SUBSCRIBED" or bool(old_inputs.get("subscriptionUrl"))
        ctx.status("deleting content library")
        self.state.content_library.delete_library(resource_id, subscribed, ctx)
