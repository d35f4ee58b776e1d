"""getContentLibrary: a namespace's ContentLibrary objects, filtered by the library's vCenter name or id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject, view

from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.kinds.contentlibrary.declaration import GET_CONTENT_LIBRARY
from pulumi_vmservice_provider.model.types import KindRef
from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.lookups import list_objects, namespace_of
from pulumi_vmservice_provider.resources.registry import implements

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.state import ProviderState

# The version VM Operator's publish controller reads (imgregv1a1).
CONTENT_LIBRARIES = KindRef("ContentLibrary", "contentlibraries", "imageregistry.vmware.com", ("v1alpha1",))
SELECTORS = ("displayName", "libraryId", "name")


def summary(library: JSONObject) -> JSONObject:
    spec, status = library.get("spec") or {}, library.get("status") or {}
    return {
        "name": library["metadata"]["name"],
        "displayName": status.get("name"),
        "libraryId": spec.get("uuid"),
        "writable": bool(spec.get("writable")),
        "type": status.get("type"),
        "ready": view(library).condition_is("Ready"),
        "status": status,
    }


def _matches(found: JSONObject, args: JSONObject) -> bool:
    if any(args.get(k) is not None and found[k] != args[k] for k in SELECTORS):
        return False
    return args.get("writable") is None or found["writable"] == args["writable"]


def _describe(found: JSONObject) -> str:
    access = "writable" if found["writable"] else "read-only"
    return f"{found['displayName'] or '?'} ({found['name']}, {access})"


def _query(args: JSONObject) -> str:
    return " and ".join(f"{k}={args[k]!r}" for k in (*SELECTORS, "writable") if args.get(k) is not None)


@implements(GET_CONTENT_LIBRARY)
def get_content_library(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    ctx, args = request.ctx, request.args.value
    namespace = namespace_of(state, args)
    asked = [k for k in (*SELECTORS, "writable") if args.get(k) is not None]
    if not asked:
        raise InvalidInputs(
            [("displayName", "pass displayName, libraryId, name or writable to select a library")]
        )
    libraries = [summary(found) for found in list_objects(state, CONTENT_LIBRARIES, namespace, ctx)]
    matching = [found for found in libraries if _matches(found, args)]
    if len(matching) == 1:
        return matching[0]
    candidates = ", ".join(sorted(_describe(found) for found in (matching or libraries))) or "none"
    if not matching:
        message = f"no content library of namespace {namespace} matches {_query(args)}; it has: {candidates}"
    else:
        message = f"{len(matching)} content libraries match {_query(args)}; narrow the query to one of: {candidates}"
    raise InvalidInputs([(asked[0], message)])
