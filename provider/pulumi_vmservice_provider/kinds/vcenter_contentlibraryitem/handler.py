"""vmservice:vcenter:ContentLibraryItem — an OVF/OVA template or ISO in a local library, from a file or a URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.clients.content_library import LibraryItem
from pulumi_vmservice_provider.errors import (
    InvalidInputs,
    OperationCancelled,
    OperationTimedOut,
    PartialFailure,
    ProviderError,
)
from pulumi_vmservice_provider.kinds.vcenter_contentlibraryitem.declaration import (
    CONTENT_LIBRARY_ITEM,
    source_name,
)
from pulumi_vmservice_provider.kinds.vcenter_contentlibraryitem.item_files import item_type_for, plan_upload
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
from pulumi_vmservice_provider.resources.vcenter_common import VCenterHandler, refresh_inputs, secret_keys

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext

SOURCES = ("filePath", "url")
# vCenter does not record where an item's content came from.
UNREPORTED = frozenset({*SOURCES, "sslThumbprint"})


@handles(CONTENT_LIBRARY_ITEM)
class ContentLibraryItemHandler(VCenterHandler):
    def outputs(self, inputs: JSONObject, item_id: str, live: LibraryItem | None) -> JSONObject:
        return {
            **inputs,
            "itemId": item_id,
            "type": live.type if live else None,
            "sizeBytes": live.size if live else None,
            "contentVersion": live.content_version if live else None,
        }

    def create(self, request: CreateRequest) -> CreateResult:
        ctx, inputs = request.ctx, request.inputs.value
        plain = inputs
        if not any(plain.get(key) for key in SOURCES):
            raise InvalidInputs([("filePath", "set filePath or url: an item needs content to be created")])
        content = self.state.content_library
        library = content.get_library(plain["library"], ctx)
        if library is None:
            raise InvalidInputs([("library", f"no content library with id {plain['library']!r}")])
        if library.subscription is not None:
            raise InvalidInputs(
                [
                    (
                        "library",
                        f"{library.name!r} is a subscribed library; items can only be added to local ones",
                    )
                ]
            )
        if plain.get("filePath"):
            item_type, files = plan_upload(plain["filePath"])
        else:
            item_type, files = item_type_for(plain["url"]), []
        ctx.status(f"creating library item {plain['name']}")
        item_id = content.create_item(
            plain["library"], plain["name"], item_type, plain.get("description"), ctx
        )
        try:
            if files:
                content.upload_files(item_id, files, ctx, progress=ctx.status)
            else:
                url = plain["url"]
                content.pull_file(item_id, source_name(url), url, plain.get("sslThumbprint"), ctx, ctx.status)
        except ProviderError as error:
            self._discard(ctx, item_id, inputs, error)
        return CreateResult(item_id, self.outputs(inputs, item_id, content.get_item(item_id, ctx)))

    def _discard(self, ctx: OperationContext, item_id: str, inputs: JSONObject, error: ProviderError) -> None:
        """A failed upload leaves an empty item: delete it, or keep it in state when that is impossible."""
        if isinstance(error, OperationTimedOut | OperationCancelled):
            # No time left to clean up: the next `pulumi up` replaces or deletes it.
            raise PartialFailure(item_id, self.outputs(inputs, item_id, None), inputs, str(error)) from None
        try:
            self.state.content_library.delete_item(item_id, ctx)
        except ProviderError as cleanup:
            raise PartialFailure(
                item_id,
                self.outputs(inputs, item_id, None),
                inputs,
                f"{error}; deleting the item failed: {cleanup}",
            ) from None
        raise error

    def read(self, request: ReadRequest) -> ReadResult | None:
        ctx, resource_id, inputs = request.ctx, request.id, request.inputs.value
        live = self.state.content_library.get_item(resource_id, ctx)
        if live is None:
            return None
        current = {"library": live.library_id, "name": live.name, "description": live.description}
        new_inputs = refresh_inputs(
            inputs, current, unreported=UNREPORTED, secret=secret_keys(request.inputs)
        )
        return ReadResult(resource_id, self.outputs(new_inputs, resource_id, live), new_inputs)

    def update(self, request: UpdateRequest) -> UpdateResult:
        ctx, resource_id, old_inputs, news = (
            request.ctx,
            request.id,
            request.old_inputs.value,
            request.inputs.value,
        )
        plain = news
        old = old_inputs
        content = self.state.content_library
        if (plain.get("name"), plain.get("description")) != (old.get("name"), old.get("description")):
            ctx.status(f"updating library item {plain['name']}")
            content.update_item(resource_id, plain["name"], plain.get("description"), ctx)
        return UpdateResult(self.outputs(news, resource_id, content.get_item(resource_id, ctx)))

    def delete(self, request: DeleteRequest) -> None:
        ctx, resource_id = request.ctx, request.id
        ctx.status("deleting library item")
        self.state.content_library.delete_item(resource_id, ctx)
