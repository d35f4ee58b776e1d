"""A VM's power cycle: how a change that is applied only while the VM is powered off reaches it.

The VM kind owns this resource modifier; the engine only runs it over the planned changes:

- the VM is off, or powers off in the same update: the change takes effect at its next power-on;
- it stays on and `allowPowerCycle: true`: the provider powers it off, applies the change, powers it on;
- it stays on without `allowPowerCycle`: refused, naming the property and both ways out;
- it is suspended and stays so: refused (VM Operator applies such a change only to a powered-off VM, and a
  suspended VM cannot be suspended again after a power cycle).
"""

from __future__ import annotations

import dataclasses

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.plan import Disruption, PlannedChange
from pulumi_vmservice_provider.model.types import lookup

POWERED_ON = "PoweredOn"
POWERED_OFF = "PoweredOff"
CYCLED = "is applied with a power cycle of the VM (allowPowerCycle)"
AT_NEXT_POWER_ON = "takes effect at the VM's next power-on (it is applied while the VM is powered off)"


def power_state(inputs: JSONObject) -> str:
    state = lookup(inputs, "spec", "powerState")
    return state if isinstance(state, str) else POWERED_ON


def stays_on(old: JSONObject, new: JSONObject) -> bool:
    return power_state(old) == POWERED_ON and power_state(new) == POWERED_ON


def cycle_allowed(inputs: JSONObject) -> bool:
    return inputs.get("allowPowerCycle") is True


def suspended_refusal(path: str) -> str:
    return (
        f"{path} is applied only while the VM is powered off, and the VM is suspended; set "
        "spec.powerState: PoweredOff to apply it"
    )


def refusal(path: str) -> str:
    return (
        f"{path} is applied only while the VM is powered off; set allowPowerCycle: true to let the provider "
        "power-cycle it, or set spec.powerState: PoweredOff"
    )


class PowerCycle:
    """The resource modifier of VirtualMachine (see the module's docstring)."""

    def reclassify(self, change: PlannedChange, old: JSONObject, new: JSONObject) -> PlannedChange:
        if change.replaces or change.refused is not None or not change.applied_while_off:
            return change
        if POWERED_OFF in (power_state(old), power_state(new)):
            return dataclasses.replace(change, disruption=Disruption.NEXT_POWER_ON, warning=AT_NEXT_POWER_ON)
        if not stays_on(old, new):
            return dataclasses.replace(change, refused=suspended_refusal(change.path))
        if cycle_allowed(new):
            return dataclasses.replace(
                change, disruption=Disruption.POWER_CYCLE, reason=CYCLED, warning=CYCLED
            )
        return dataclasses.replace(change, disruption=Disruption.POWER_CYCLE, refused=refusal(change.path))
