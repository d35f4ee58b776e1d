"""vmservice:vcenter:ContentLibraryItem — an OVA/OVF/ISO item in a content library."""

from __future__ import annotations

import re

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.modifiers import ChangeContext, ReplaceIf
from pulumi_vmservice_provider.model.types import ResourceDef, integer, string
from pulumi_vmservice_provider.model.vcenter_common import ITEM_SUFFIXES
from pulumi_vmservice_provider.wire import is_unknown

SOURCE_CHANGE = "the item's content comes from its source; a new source uploads a new item"
SOURCES = ("filePath", "url")


def _new_source(change: ChangeContext) -> str | None:
    # An imported item has no source; naming one afterwards records it without uploading again.
    imported = not any(change.old.get(key) for key in SOURCES)
    return None if imported and change.kind == "add" else SOURCE_CHANGE


NEW_SOURCE = ReplaceIf(
    _new_source,
    f"a changed source replaces the item ({SOURCE_CHANGE}); naming the source of an imported item does not",
)


def source_name(source: str) -> str:
    return re.split(r"[?#]", source)[0].rstrip("/").rsplit("/", 1)[-1]


def validate_item(inputs: JSONObject) -> list[tuple[str, str]]:
    failures: list[tuple[str, str]] = []
    if inputs.get("filePath") is not None and inputs.get("url") is not None:
        failures.append(("url", "set either filePath or url, not both"))
    for key in ("filePath", "url"):
        value = inputs.get(key)
        if value is None or is_unknown(value):
            continue
        if key == "url" and not re.match(r"https?://", str(value)):
            failures.append((key, f"{value!r} is not an http:// or https:// URL"))
        elif not source_name(str(value)).lower().endswith(ITEM_SUFFIXES):
            failures.append((key, f"{value!r} must name a file ending in {', '.join(ITEM_SUFFIXES)}"))
    url = inputs.get("url")
    if (
        inputs.get("sslThumbprint") is not None
        and not is_unknown(url)
        and not str(url or "").startswith("https://")
    ):
        failures.append(("sslThumbprint", "only applies to an https url"))
    return failures


def require_item_source(inputs: JSONObject) -> list[tuple[str, str]]:
    # Only on create: an imported item has no source until the program names one.
    if inputs.get("filePath") is None and inputs.get("url") is None:
        return [("filePath", "set filePath (a local .ova, .ovf or .iso) or url: a new item needs content")]
    return []


CONTENT_LIBRARY_ITEM = ResourceDef(
    token="vmservice:vcenter:ContentLibraryItem",
    description=(
        "An OVF/OVA template (or ISO image) in a local content library, uploaded from a local file or pulled "
        "by vCenter from a URL. Creation waits until vCenter has the content. Name and description update in "
        "place; a new source, or another library, replaces the item. Import with the item id (the source is "
        "not recorded by vCenter, so an imported item has none until you add one, which does not re-upload)."
    ),
    inputs={
        "library": string(
            "Id of the local library (e.g. `${library.id}`).",
            required=True,
            min_length=1,
            replace="an item cannot move to another library",
        ),
        "name": string("Name of the item in the library.", required=True, min_length=1),
        "description": string("Description of the item."),
        "filePath": string(
            "Local `.ova`, `.ovf` (with its disk files beside it) or `.iso` file to upload.",
            replace_if=NEW_SOURCE,
        ),
        "url": string(
            "http(s) URL of an `.ova`, `.ovf` or `.iso` file that vCenter downloads itself.",
            replace_if=NEW_SOURCE,
        ),
        "sslThumbprint": string(
            "For an https `url`: SHA-1 thumbprint of the server's certificate when vCenter does not trust it."
        ),
    },
    outputs={
        "itemId": string("The item id (also the resource id).", stable=True),
        "type": string("Item type: ovf or iso.", stable=True),
        "sizeBytes": integer("Size of the item's content in bytes, as vCenter reports it."),
        "contentVersion": string("Version of the item's content."),
    },
    validators=(validate_item,),
    create_validators=(require_item_source,),
)
