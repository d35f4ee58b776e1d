"""The GuestCustomization condition of a VM customized by VMware Tools (Sysprep, LinuxPrep), as VM Operator
reports it from the guest's customization status (pkg/providers/vsphere/vmlifecycle/update_status.go:
MarkCustomizationInfoCondition; bootstrap.go for a customization vSphere refuses outright).

The simulator has no guest, so it decides what the guest would report: nothing while the VM is off (Unknown,
NoGuestInfo); after power-on, success, unless the customization cannot work in that guest: Sysprep on an
image that is not Windows, LinuxPrep on a Windows image, or a raw Sysprep answer file that is not XML. Then
the condition is False with GuestCustomizationFailed and, as the guest gives no message, VM Operator's own
text for that case.
"""

from __future__ import annotations

import base64
import binascii
import xml.etree.ElementTree as ElementTree
from typing import Any

from vmservice_sim.kube import SECRET, Kube, Obj
from vmservice_sim.objects import remove_condition, set_condition

CONDITION = "GuestCustomization"
FAILED = "GuestCustomizationFailed"
NO_GUEST_INFO = "NoGuestInfo"
UNKNOWN_FAILURE = "vSphere VM Customization failed due to an unknown error."


def sysprep_secret_refs(bootstrap: Obj) -> list[tuple[str, str]]:
    """(Secret, key) of each value an inline sysprep takes from a Secret (product key, passwords, script)."""
    inline = (bootstrap.get("sysprep") or {}).get("sysprep")
    if not isinstance(inline, dict):
        return []
    refs = [
        ((inline.get("userData") or {}).get("productID") or {}),
        ((inline.get("guiUnattended") or {}).get("password") or {}),
        ((inline.get("identification") or {}).get("domainAdminPassword") or {}),
        ((inline.get("scriptText") or {}).get("from") or {}),
    ]
    return [(str(r["name"]), str(r.get("key") or "")) for r in refs if isinstance(r, dict) and r.get("name")]


def _is_windows(image: Obj | None) -> bool:
    return (
        str((((image or {}).get("status") or {}).get("osInfo") or {}).get("type") or "").lower() == "windows"
    )


def _decoded(secret: Obj | None, key: str) -> str | None:
    if secret is None:
        return None
    if key in (secret.get("stringData") or {}):
        return str(secret["stringData"][key])
    value = (secret.get("data") or {}).get(key)
    if value is None:
        return None
    try:
        return base64.b64decode(str(value)).decode(errors="replace")
    except (binascii.Error, ValueError):
        return None


def _guest_refuses(kube: Kube, vm: Obj, image: Obj | None, bootstrap: Obj) -> bool:
    if "sysprep" in bootstrap:
        if not _is_windows(image):
            return True
        raw: Any = (bootstrap.get("sysprep") or {}).get("rawSysprep")
        if isinstance(raw, dict) and raw.get("name"):
            secret = kube.get(SECRET, vm["metadata"]["namespace"], str(raw["name"]))
            text = _decoded(secret, str(raw.get("key") or ""))
            if text is not None:
                try:
                    ElementTree.fromstring(text)
                except ElementTree.ParseError:
                    return True
        return False
    return _is_windows(image)  # LinuxPrep


def mark(kube: Kube, vm: Obj, image: Obj | None, status: Obj, power_state: str) -> None:
    bootstrap = (vm.get("spec") or {}).get("bootstrap") or {}
    if "sysprep" not in bootstrap and "linuxPrep" not in bootstrap:
        remove_condition(status, CONDITION)
        return
    generation = vm["metadata"].get("generation")
    if power_state != "PoweredOn":
        set_condition(status, CONDITION, None, NO_GUEST_INFO, "", generation)
    elif _guest_refuses(kube, vm, image, bootstrap):
        set_condition(status, CONDITION, False, FAILED, UNKNOWN_FAILURE, generation)
    else:
        set_condition(status, CONDITION, True, generation=generation)
