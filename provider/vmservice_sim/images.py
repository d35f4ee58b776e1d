"""VirtualMachineImage objects for content library items, named as VM Operator names them (vmi-<17 hex>)."""

from __future__ import annotations

from typing import Any

from vmservice_sim.context import EmulatorContext
from vmservice_sim.objects import rfc3339

MANAGED_LABEL = "vmservice-sim.vmware.com/content-library"


def image_name(item_id: str) -> str:
    return "vmi-" + item_id.replace("-", "").lower()[:17]


def _os_info(display_name: str) -> dict[str, str]:
    name = display_name.lower()
    if "ubuntu" in name:
        return {"id": "ubuntu64Guest", "type": "linux", "version": name.split("-")[-1]}
    if "photon" in name:
        return {"id": "vmwarePhoton64Guest", "type": "linux", "version": name.split("-")[-1]}
    if "windows" in name:
        return {"id": "windows2019srvNext_64Guest", "type": "windows", "version": name.split("-")[-1]}
    return {"id": "otherLinux64Guest", "type": "linux"}


def ensure_image(ctx: EmulatorContext, namespace: str, item: dict[str, Any]) -> str:
    """Create (or refresh) the namespace's VirtualMachineImage for a library item; returns its name."""
    kube = ctx.kube
    kind = ctx.kinds.image
    item_id = str(item["id"])
    name = image_name(item_id)
    display = str(item.get("name") or name)
    body = {
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {MANAGED_LABEL: str(item.get("library_id") or "")},
        },
        "spec": {
            "providerRef": {
                "apiVersion": "imageregistry.vmware.com/v1alpha1",
                "kind": "ContentLibraryItem",
                "name": "clitem-" + item_id.replace("-", "").lower()[:17],
            }
        },
    }
    live, _ = kube.create_or_get(kind, body)
    status = {
        "name": display,
        "providerItemID": item_id,
        "providerContentVersion": str(item.get("content_version") or "1"),
        "firmware": "efi",
        "hardwareVersion": 19,
        "osInfo": _os_info(display),
        "productInfo": {"product": display, "vendor": "vmservice-sim", "version": "1.0"},
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
    current = live.get("status") or {}
    comparable = {k: v for k, v in current.items() if k != "conditions"}
    wanted = {k: v for k, v in status.items() if k != "conditions"}
    ready = any(
        c.get("type") == "Ready" and c.get("status") == "True" for c in current.get("conditions") or []
    )
    if comparable != wanted or not ready:
        if ready:
            status["conditions"] = current["conditions"]
        kube.replace_status(kind, namespace, name, status)
    return name
