"""vmservice:vcenter:ContentLibrary — a local or subscribed content library."""

from __future__ import annotations

import re

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.modifiers import ReplaceIf
from pulumi_vmservice_provider.model.types import (
    FunctionDef,
    ObjectType,
    ResourceDef,
    any_value,
    array,
    boolean,
    integer,
    obj,
    string,
)
from pulumi_vmservice_provider.model.vcenter_common import MODULE
from pulumi_vmservice_provider.wire import is_unknown

SubscriptionAuth = ObjectType(
    "ContentLibraryAuthentication",
    "HTTP basic authentication for the published library a subscribed library pulls from.",
    {
        "username": string("User name (vCenter publishes libraries with the user `vcsp`).", required=True),
        "password": string("Password.", required=True, secret=True),
    },
    module=MODULE,
)

TYPE_CHANGE = "a library cannot change between local and subscribed"
SUBSCRIPTION_ADDED_OR_REMOVED = ReplaceIf(
    lambda change: TYPE_CHANGE if change.kind != "update" else None,
    f"adding or removing it replaces the library ({TYPE_CHANGE}); a new URL updates it in place",
)
SUBSCRIPTION_ONLY = ("onDemand", "automaticSync", "subscriptionThumbprint", "authentication", "syncTriggers")


def validate_library(inputs: JSONObject) -> list[tuple[str, str]]:
    if is_unknown(inputs.get("subscriptionUrl")):
        return []  # known at update time, checked then
    if inputs.get("subscriptionUrl"):
        url = str(inputs["subscriptionUrl"])
        if not re.match(r"https?://", url):
            return [("subscriptionUrl", f"{url!r} is not an http:// or https:// URL")]
        if inputs.get("published") is True:
            return [("published", "only local libraries are published; a subscribed library cannot be")]
        return []
    return [
        (key, "only applies to subscribed libraries; set subscriptionUrl or remove it")
        for key in SUBSCRIPTION_ONLY
        if inputs.get(key) is not None
    ]


CONTENT_LIBRARY = ResourceDef(
    token="vmservice:vcenter:ContentLibrary",
    description=(
        "A content library holding VM images for VM Service: a local library (published with `published`), "
        "or a subscribed library when `subscriptionUrl` is set, synchronized by vCenter when it is created, "
        "automatically (`automaticSync`) and whenever `syncTriggers` change. Name, description, publishing and "
        "subscription settings update in place; changing the datastore, or between local and subscribed, "
        "replaces the library. Import with the library id."
    ),
    inputs={
        "name": string("Name of the library.", required=True, min_length=1),
        "description": string("Description of the library."),
        "datastore": string(
            "Datastore that stores the library's files: its name (e.g. `vsanDatastore`) or managed object id "
            "(e.g. `datastore-46`).",
            required=True,
            min_length=1,
            replace="a library's storage backing cannot change",
        ),
        "subscriptionUrl": string(
            "URL of a published library's `lib.json`; makes this a subscribed library.",
            replace_if=SUBSCRIPTION_ADDED_OR_REMOVED,
        ),
        "onDemand": boolean(
            "Subscribed libraries: download item content only when it is used (default false: download all)."
        ),
        "automaticSync": boolean(
            "Subscribed libraries: synchronize automatically (vCenter's default: true)."
        ),
        "subscriptionThumbprint": string(
            "Subscribed libraries: SHA-1 thumbprint of the publisher's TLS certificate, when vCenter does not "
            "trust it already."
        ),
        "authentication": obj(SubscriptionAuth),
        "syncTriggers": array(
            any_value(),
            "Subscribed libraries: any change of these values synchronizes the library with its published "
            "library at the next update (vCenter's sync), e.g. a release number of the images the program "
            "expects. A subscribed library is also synchronized when it is created and when its URL changes.",
        ),
        "published": boolean(
            "Local libraries: publish the library so that subscribed libraries can synchronize from it "
            "(`publishUrl`). Unset leaves it as vCenter has it."
        ),
    },
    outputs={
        "libraryId": string("The library id (also the resource id).", stable=True),
        "type": string("LOCAL or SUBSCRIBED.", stable=True),
        "datastoreId": string("Managed object id of the datastore."),
        "publishUrl": string(
            "Published libraries: the URL subscribed libraries use as `subscriptionUrl` (its `lib.json`)."
        ),
        "lastSyncTime": string("Subscribed libraries: when vCenter last synchronized the library."),
        "subscriptionStatus": string(
            "Subscribed libraries: whether vCenter can reach the published library, as its probe reports it: "
            "SUCCESS, or INVALID_URL, TIMED_OUT, HOST_NOT_FOUND, RESOURCE_NOT_FOUND, INVALID_CREDENTIALS, "
            "CERTIFICATE_ERROR or UNKNOWN_ERROR followed by vCenter's message. A failed sync fails the update "
            "that asked for it with the same words."
        ),
        "itemCount": integer(
            "Number of items in the library (for a subscribed library, as last synchronized)."
        ),
    },
    validators=(validate_library,),
)


GET_CONTENT_LIBRARY = FunctionDef(
    token="vmservice:vcenter:getContentLibrary",
    description=(
        "Look up a content library in vCenter by name or id, e.g. an existing image library to assign to a "
        "vSphere Namespace."
    ),
    inputs={"name": string("Library name or id.", required=True, min_length=1)},
    outputs={
        "id": string("The library id (what a Namespace's `contentLibraries` takes)."),
        "name": string("The library name."),
        "description": string("The library description."),
        "type": string("LOCAL or SUBSCRIBED."),
        "datastoreId": string("Managed object id of the datastore that stores the library."),
        "publishUrl": string("For a published library, the URL subscribed libraries use."),
        "subscriptionUrl": string("For a subscribed library, the URL it synchronizes from."),
        "itemCount": integer("Number of items in the library."),
    },
)
