"""How disruptive a planned change is: one function of the model, used by Diff's warnings and errors and by
the pull-request report (`vmservice preview-report`).

Classes, least to most disruptive:
- `in-place`: applied to the running object;
- `next-power-on`: applied while the VM is off, so it takes effect when the VM powers on;
- `power-cycle`: the provider powers the VM off, applies the change and powers it on (`allowPowerCycle`);
- `replace`: a new object replaces the old one (the reason comes from the field's replace rule);
- `data-loss`: the guest's data is discarded (a snapshot revert, or replacing a VM with one).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pulumi_vmservice_provider.model.diff import Change
from pulumi_vmservice_provider.model.types import lookup


class Disruption(StrEnum):
    IN_PLACE = "in-place"
    NEXT_POWER_ON = "next-power-on"
    POWER_CYCLE = "power-cycle"
    REPLACE = "replace"
    DATA_LOSS = "data-loss"

    @property
    def rank(self) -> int:
        return list(Disruption).index(self)


@dataclass(frozen=True)
class Assessment:
    change: Change
    disruption: Disruption
    # Why `up` would refuse the change as planned (None: it goes through), e.g. a power cycle not allowed.
    blocked: str | None = None


def _power_state(inputs: dict[str, Any]) -> str:
    state = lookup(inputs, "spec", "powerState")
    return state if isinstance(state, str) else "PoweredOn"


def assess(change: Change, old_inputs: dict[str, Any], new_inputs: dict[str, Any]) -> Assessment:
    """The disruption of one change; `old_inputs`/`new_inputs` are the resource's revealed inputs."""
    if change.refusal is not None and not change.replaces:
        return Assessment(change, Disruption.IN_PLACE, blocked=change.refusal)
    if change.replaces:
        return Assessment(change, Disruption.DATA_LOSS if change.data_loss else Disruption.REPLACE)
    if change.data_loss:
        return Assessment(change, Disruption.DATA_LOSS)
    if not change.applied_while_off:
        return Assessment(change, Disruption.IN_PLACE)
    stays_on = _power_state(old_inputs) == "PoweredOn" and _power_state(new_inputs) == "PoweredOn"
    if not stays_on:
        return Assessment(change, Disruption.NEXT_POWER_ON)
    if lookup(new_inputs, "allowPowerCycle") is True:
        return Assessment(change, Disruption.POWER_CYCLE)
    return Assessment(
        change,
        Disruption.POWER_CYCLE,
        blocked=(
            f"{change.path} is applied only while the VM is powered off; set allowPowerCycle: true to let "
            "the provider power-cycle it, or set spec.powerState: PoweredOff"
        ),
    )


def assess_all(
    changes: list[Change], old_inputs: dict[str, Any], new_inputs: dict[str, Any]
) -> list[Assessment]:
    return [assess(change, old_inputs, new_inputs) for change in changes]


def worst(assessments: list[Assessment]) -> Disruption | None:
    """The most disruptive class among the changes, or None when nothing changes."""
    return max((a.disruption for a in assessments), key=lambda d: d.rank, default=None)
