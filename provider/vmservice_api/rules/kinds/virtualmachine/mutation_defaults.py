"""The defaults every VM gets: its power state, its instance and BIOS UUIDs (and cloud-init instance ID),
the annotations that record which VM Operator created it, and `spec.nextRestartTime: now` turned into the
time of the request.

Upstream: webhooks/virtualmachine/mutation/virtualmachine_mutator.go (SetDefaultPowerState,
SetDefaultInstanceUUID, SetDefaultBiosUUID, SetCreatedAtAnnotations, SetNextRestartTime) and v1.8.6's
webhooks/virtualmachine/v1alpha2/mutation/virtualmachine_mutator.go (the same, less the UUIDs).
"""

from __future__ import annotations

from typing import Any

from vmservice_api.rules.fielderrors import forbidden, invalid, path
from vmservice_api.rules.framework import Denied, Request
from vmservice_api.rules.kinds.virtualmachine import mutation_names as names
from vmservice_api.rules.kinds.virtualmachine.mutation_support import (
    part,
    random_uuid,
    spec,
    text,
    the_object,
    the_old_object,
    utc_now,
    writable_annotations,
    writable_spec,
)

POWERED_ON = "PoweredOn"


def set_default_power_state(req: Request[Any]) -> bool:
    """A new VM without a power state is powered on."""
    vm = the_object(req)
    if text(spec(vm), "powerState"):
        return False
    writable_spec(vm)["powerState"] = POWERED_ON
    return True


def set_default_instance_uuid(req: Request[Any]) -> bool:
    """A new VM gets a random instance UUID; only privileged accounts may choose one."""
    vm = the_object(req)
    if text(spec(vm), "instanceUUID"):
        if not req.privileged:
            raise Denied(
                str(forbidden(path("spec", "instanceUUID"), "only privileged users may set this field"))
            )
        return False
    writable_spec(vm)["instanceUUID"] = random_uuid()
    return True


def set_default_bios_uuid(req: Request[Any]) -> bool:
    """A new VM gets a random BIOS UUID unless it chose one; with cloud-init, that UUID is also its
    instance ID unless one was given."""
    vm = the_object(req)
    changed = False
    if not text(spec(vm), "biosUUID"):
        writable_spec(vm)["biosUUID"] = random_uuid()
        changed = True
    cloud_init = part(spec(vm), "bootstrap").get("cloudInit")
    if isinstance(cloud_init, dict) and not text(cloud_init, "instanceID"):
        cloud_init["instanceID"] = text(spec(vm), "biosUUID")
        changed = True
    return changed


def set_created_at_annotations(req: Request[Any]) -> bool:
    """A new VM records the VM Operator build and API version it was created with (overwriting any)."""
    marks = writable_annotations(the_object(req))
    marks[names.CREATED_AT_BUILD_VERSION] = names.BUILD_VERSION[req.release]
    marks[names.CREATED_AT_SCHEMA_VERSION] = names.SCHEMA_VERSION[req.release]
    return True


def set_next_restart_time(req: Request[Any]) -> bool:
    """`spec.nextRestartTime` may only be kept, cleared (which keeps the old value) or set to "now" (any
    case) on a powered-on VM, which becomes the current time and restarts the VM."""
    vm, old = the_object(req), the_old_object(req)
    wanted = text(spec(vm), "nextRestartTime")
    previous = text(spec(old), "nextRestartTime")
    at = path("spec", "nextRestartTime")
    if not wanted:
        if not previous:
            return False
        writable_spec(vm)["nextRestartTime"] = previous
        return True
    if wanted.lower() == "now":
        if text(spec(old), "powerState") != POWERED_ON:
            raise Denied(str(invalid(at, wanted, "can only restart powered on vm")))
        writable_spec(vm)["nextRestartTime"] = utc_now()
        return True
    if wanted == previous:
        return False
    raise Denied(str(invalid(at, wanted, 'may only be set to "now"')))
