"""vmservice:vcenter:ContentLibrary — a local (optionally published) or subscribed content library.

A subscribed library is synchronized when it is created, when its URL or `syncTriggers` change, and by
vCenter on its own (`automaticSync`). A sync that vCenter refuses leaves the library in state with the
probe's verdict in `subscriptionStatus` and fails the operation with vCenter's words, so the next `up`
synchronizes again.
"""

from __future__ import annotations

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.clients.content_library import Library, Subscription
from pulumi_vmservice_provider.clients.vcenter import Deadline, VCenterError
from pulumi_vmservice_provider.clients.vsphere_soap import NotFoundInInventory
from pulumi_vmservice_provider.context import OperationContext
from pulumi_vmservice_provider.errors import PartialFailure
from pulumi_vmservice_provider.kinds.vcenter_contentlibrary.declaration import CONTENT_LIBRARY
from pulumi_vmservice_provider.model.decode import Marks
from pulumi_vmservice_provider.operations import (
    CreateRequest,
    CreateResult,
    DeleteRequest,
    Planned,
    PreviewRequest,
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
SERVER_DEFAULTS = frozenset(
    {"onDemand", "automaticSync", "subscriptionThumbprint", "authentication", "published"}
)
# Not vCenter's: only the program knows them.
PROGRAM_ONLY = frozenset({"syncTriggers"})


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
        published=plain.get("published"),
    )


def needs_sync(old_inputs: JSONObject, news: JSONObject) -> bool:
    """Whether an update of a subscribed library asks for a sync: a new URL or new `syncTriggers`."""
    return bool(news.get("subscriptionUrl")) and any(
        old_inputs.get(key) != news.get(key) for key in ("subscriptionUrl", "syncTriggers")
    )


@handles(CONTENT_LIBRARY)
class ContentLibraryHandler(VCenterHandler):
    def preview(self, request: PreviewRequest) -> Planned:
        planned = super().preview(request)
        olds = request.state.value if request.state is not None else {}
        news = request.inputs.value
        # The publish URL follows from the library id: known unless publishing is switched on now.
        unknown = set(planned.unknown.unknowns)
        outputs = dict(planned.outputs)
        published = news.get("published")
        if published is False or (published is None and (request.state is None or "publishUrl" in olds)):
            outputs["publishUrl"] = olds.get("publishUrl") if published is None else None
            unknown.discard(("publishUrl",))
        elif published is True and olds.get("publishUrl"):
            outputs["publishUrl"] = olds["publishUrl"]
            unknown.discard(("publishUrl",))
        if request.state is not None and not needs_sync(request.state.value, news):
            for key in ("lastSyncTime", "subscriptionStatus", "itemCount"):
                if key in olds:
                    outputs[key] = olds[key]
                    unknown.discard((key,))
        return Planned(outputs, Marks(unknowns=frozenset(unknown)))

    def outputs(self, inputs: JSONObject, library_id: str, live: Library, ctx: Deadline) -> JSONObject:
        content = self.state.content_library
        status = None
        if live.subscription is not None:
            probe_of = to_library(inputs, live.datastore_id).subscription or live.subscription
            status = content.probe_subscription(probe_of, ctx).describe
        return {
            **inputs,
            "libraryId": library_id,
            "type": live.type,
            "datastoreId": live.datastore_id,
            "publishUrl": live.publish_url,
            "lastSyncTime": live.last_sync_time,
            "subscriptionStatus": status,
            "itemCount": content.count_items(library_id, ctx),
        }

    def _synchronized(
        self, inputs: JSONObject, library_id: str, ctx: OperationContext, doing: str
    ) -> JSONObject:
        """Synchronize the subscribed library; its outputs, or a partial failure with vCenter's words."""
        content = self.state.content_library
        ctx.status(f"synchronizing content library {inputs['name']}")
        failure: VCenterError | None = None
        try:
            content.sync_library(library_id, ctx)
        except VCenterError as error:
            failure = error
        live = content.get_library(library_id, ctx)
        if live is None:
            raise PartialFailure(library_id, inputs, inputs, f"content library {library_id} disappeared")
        outputs = self.outputs(inputs, library_id, live, ctx)
        if failure is not None:
            raise PartialFailure(
                library_id,
                outputs,
                inputs,
                f"{doing}, but synchronizing it with {inputs['subscriptionUrl']} failed: {failure}",
            )
        return outputs

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
        if library.subscription is not None:
            doing = f"created subscribed library {library.name!r}"
            return CreateResult(library_id, self._synchronized(inputs, library_id, ctx, doing))
        live = content.get_library(library_id, ctx) or library
        return CreateResult(library_id, self.outputs(inputs, library_id, live, ctx))

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
            "published": live.published,
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
            inputs,
            current,
            unmanaged_when_unset=SERVER_DEFAULTS,
            unreported=PROGRAM_ONLY,
            secret=secret_keys(request.inputs),
        )
        return ReadResult(resource_id, self.outputs(new_inputs, resource_id, live, ctx), new_inputs)

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
        if library.subscription and (
            needs_sync(old_inputs, news) or olds.get("subscriptionStatus") != "SUCCESS"
        ):
            doing = f"updated subscribed library {library.name!r}"
            return UpdateResult(self._synchronized(news, resource_id, ctx, doing))
        live = content.get_library(resource_id, ctx) or library
        return UpdateResult(self.outputs(news, resource_id, live, ctx))

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
