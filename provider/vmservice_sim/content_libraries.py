"""A namespace's content libraries as a Supervisor shows them: imageregistry.vmware.com ContentLibrary objects.

On a Supervisor the image registry operator makes one `ContentLibrary` (v1alpha1) in a vSphere Namespace for
each content library vCenter assigns to it, named `cl-` and the first 17 hex digits of the library's UUID
(as images are `vmi-` and items `clitem-` of the item's), with `spec.uuid` the library id and
`spec.writable` as vCenter sets it for that namespace (the namespace's `content_libraries[].writable`,
vSphere 8.0 U2+; a library assigned without it is read-only). A VirtualMachinePublishRequest's target
location names such an object: VM Operator's publish controller reads it and refuses a read-only one.
"""

from __future__ import annotations

from typing import Any

from vmservice_sim.kube import CONTENT_LIBRARY, Kube, Obj
from vmservice_sim.objects import rfc3339

MANAGED_LABEL = "vmservice-sim.vmware.com/from-vcenter"


def content_library_name(library_id: str) -> str:
    """`cl-` and the first 17 hex digits of the library's UUID."""
    return "cl-" + library_id.replace("-", "").lower()[:17]


def writability(namespace_info: dict[str, Any]) -> dict[str, bool]:
    """Library id -> writable, from the namespace's Image Service list (absent: read-only)."""
    return {
        str(entry.get("content_library")): bool(entry.get("writable"))
        for entry in namespace_info.get("content_libraries") or []
        if isinstance(entry, dict) and entry.get("content_library")
    }


def content_library(namespace: str, library: dict[str, Any], writable: bool) -> tuple[Obj, Obj]:
    """The object and its status for a vCenter library (`/rest/com/vmware/content/library` info)."""
    library_id = str(library["id"])
    body: Obj = {
        "metadata": {
            "name": content_library_name(library_id),
            "namespace": namespace,
            "labels": {MANAGED_LABEL: "true"},
        },
        "spec": {"uuid": library_id, "writable": writable},
    }
    status: Obj = {
        "name": str(library.get("name") or ""),
        "description": str(library.get("description") or ""),
        "type": "Local" if str(library.get("type") or "LOCAL").upper() == "LOCAL" else "Subscribed",
        "storageBacking": {"type": "Datastore"},
        "state": "Active",
        **publishing(library),
        "conditions": [
            {
                "type": "Ready",
                "status": "True",
                "reason": "True",
                "message": "",
                "lastTransitionTime": rfc3339(),
            }
        ],
    }
    return body, status


def publishing(library: dict[str, Any]) -> Obj:
    """The library's publish and subscription info and last sync time in the ContentLibrary's status
    (image registry API v1alpha1 ContentLibraryStatus: publishInfo, subscriptionInfo, lastSyncTime)."""
    status: Obj = {}
    publish = library.get("publish_info") or {}
    if publish.get("published"):
        status["publishInfo"] = {"published": True, "URL": str(publish.get("publish_url") or "")}
    subscription = library.get("subscription_info") or {}
    if subscription.get("subscription_url"):
        status["subscriptionInfo"] = {
            "URL": str(subscription["subscription_url"]),
            "onDemand": bool(subscription.get("on_demand")),
            "automaticSync": subscription.get("automatic_sync_enabled") is not False,
        }
        if library.get("last_sync_time"):
            status["lastSyncTime"] = rfc3339_of(str(library["last_sync_time"]))
    return status


def rfc3339_of(timestamp: str) -> str:
    """vCenter's timestamp (RFC 3339 with fractions) as Kubernetes writes metav1.Time (whole seconds)."""
    whole = timestamp.split(".", 1)[0].rstrip("Z")
    return whole + "Z"


def sync(kube: Kube, namespace: str, libraries: list[dict[str, Any]], writable: dict[str, bool]) -> None:
    """Make the namespace's ContentLibrary objects those of `libraries` (only objects this sync made go)."""
    wanted: dict[str, tuple[Obj, Obj]] = {}
    for library in libraries:
        body, status = content_library(namespace, library, writable.get(str(library["id"]), False))
        wanted[body["metadata"]["name"]] = (body, status)
    existing = {obj["metadata"]["name"]: obj for obj in kube.list(CONTENT_LIBRARY, namespace)[0]}
    for name, (body, status) in wanted.items():
        live = existing.get(name)
        live_spec = (live or {}).get("spec") or {}
        if live is None or any(live_spec.get(k) != v for k, v in body["spec"].items()):
            live = kube.apply(CONTENT_LIBRARY, body)
        current = live.get("status") or {}
        if {k: v for k, v in current.items() if k != "conditions"} != {
            k: v for k, v in status.items() if k != "conditions"
        } or not current.get("conditions"):
            kube.replace_status(CONTENT_LIBRARY, namespace, name, status)
    for name, obj in existing.items():
        if name not in wanted and (obj["metadata"].get("labels") or {}).get(MANAGED_LABEL) == "true":
            kube.delete(CONTENT_LIBRARY, namespace, name)
