"""The GuestBootstrap condition: what a guest reports about its own bootstrap through the guestinfo key
`guestinfo.vmservice.bootstrap.condition` ("status[,reason[,message]]"), which VM Operator turns into the
condition (v1.10.0 `pkg/util/bootstrap_condition.go` GetBootstrapConditionValues, `pkg/providers/vsphere/
vmlifecycle/update_status.go` MarkBootstrapCondition). Without the key the condition is absent.

The simulator runs none of a cloud-config (no guest OS), except the one command by which a guest reports its
bootstrap: a `runcmd` entry `vmware-rpctool "info-set guestinfo.vmservice.bootstrap.condition VALUE"`, inline
(`cloudInit.cloudConfig.runcmd`) or in raw user data (`rawCloudConfig`, a `#cloud-config` document). The
emulated guest runs it once the VM is on and has its address, as cloud-init would at the end of first boot,
and the key then stays (guestinfo keys outlive a power-off).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from vmservice_sim.kube import SECRET, Kube, Obj
from vmservice_sim.objects import remove_condition, set_condition

CONDITION = "GuestBootstrap"
KEY = "guestinfo.vmservice.bootstrap.condition"
_INFO_SET = re.compile(r"info-set\s+" + re.escape(KEY) + r"\s+(.*)")
GO_TRUE = {"1", "t", "T", "TRUE", "true", "True"}


def _commands(kube: Kube, vm: Obj) -> list[Any]:
    cloud_init = ((vm.get("spec") or {}).get("bootstrap") or {}).get("cloudInit") or {}
    inline = (cloud_init.get("cloudConfig") or {}).get("runcmd")
    if isinstance(inline, list):
        return inline
    raw = cloud_init.get("rawCloudConfig")
    if not isinstance(raw, dict) or not raw.get("name"):
        return []
    secret = kube.get(SECRET, vm["metadata"]["namespace"], str(raw["name"]))
    encoded = ((secret or {}).get("data") or {}).get(str(raw.get("key") or "user-data"))
    try:
        text = base64.b64decode(str(encoded or "")).decode()
    except (binascii.Error, ValueError):
        return []
    if not text.lstrip().startswith("#cloud-config"):
        return []
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    commands = document.get("runcmd") if isinstance(document, dict) else None
    return commands if isinstance(commands, list) else []


def reported(kube: Kube, vm: Obj) -> str | None:
    """The value the guest's bootstrap writes to the key, or None when it writes none."""
    found = None
    for command in _commands(kube, vm):
        line = " ".join(str(part) for part in command) if isinstance(command, list) else str(command)
        match = _INFO_SET.search(line)
        if match:
            found = match.group(1).strip().rstrip("\"'").strip()
    return found


def mark(kube: Kube, vm: Obj, status: Obj, guest_up: bool) -> None:
    value = reported(kube, vm)
    if value is None:
        remove_condition(status, CONDITION)
        return
    if not guest_up and not any(c.get("type") == CONDITION for c in status.get("conditions") or []):
        return  # the guest has not run its bootstrap yet
    parts = [part.strip() for part in value.split(",", 2)]
    ok = parts[0] in GO_TRUE
    reason = parts[1] if len(parts) > 1 else ""
    message = parts[2] if len(parts) > 2 else ""
    set_condition(status, CONDITION, ok, reason, message, vm["metadata"].get("generation"))
