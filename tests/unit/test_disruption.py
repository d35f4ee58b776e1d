"""The disruption class of a change (one function of the model, shared by Diff and the PR report)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_vmservice_provider.core import Provider, disruption_warnings
from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.model.diff import diff_properties
from pulumi_vmservice_provider.model.disruption import Disruption, assess_all, worst
from pulumi_vmservice_provider.model.registry import RESOURCES

VM = RESOURCES["vmservice:index:VirtualMachine"]
TOKEN = VM.token


def vm(**spec: Any) -> dict[str, Any]:
    allow = spec.pop("allowPowerCycle", None)
    inputs: dict[str, Any] = {
        "metadata": {"name": "web-1", "namespace": "dev"},
        "spec": {"className": "best-effort-small", "imageName": "ubuntu-22.04", **spec},
    }
    if allow is not None:
        inputs["allowPowerCycle"] = allow
    return inputs


def classes(old: dict[str, Any], new: dict[str, Any]) -> list[Disruption]:
    return [a.disruption for a in assess_all(diff_properties(VM.inputs, old, new), old, new)]


def test_labels_and_power_state_change_in_place() -> None:
    assert classes(vm(), vm(powerState="PoweredOff")) == [Disruption.IN_PLACE]


def test_hardware_version_on_a_running_vm_needs_a_power_cycle() -> None:
    before, after = vm(allowPowerCycle=True), vm(minHardwareVersion=21, allowPowerCycle=True)
    assert classes(before, after) == [Disruption.POWER_CYCLE]


def test_hardware_version_of_a_stopped_vm_applies_at_next_power_on() -> None:
    before, after = vm(powerState="PoweredOff"), vm(powerState="PoweredOff", minHardwareVersion=21)
    assert classes(before, after) == [Disruption.NEXT_POWER_ON]


def test_image_change_replaces() -> None:
    assert classes(vm(), vm(imageName="photon-5")) == [Disruption.REPLACE]
    assert worst(assess_all(diff_properties(VM.inputs, vm(), vm(imageName="photon-5")), vm(), vm())) is (
        Disruption.REPLACE
    )


def test_a_power_cycle_that_is_not_allowed_fails_the_preview_naming_the_property() -> None:
    provider = Provider(lambda *args: None)
    with pytest.raises(InvalidInputs) as refused:
        provider.diff(TOKEN, vm(), vm(minHardwareVersion=21))
    ((path, reason),) = refused.value.failures
    assert path == "spec.minHardwareVersion" and "allowPowerCycle: true" in reason


def test_power_cycles_and_replacements_are_warned_about() -> None:
    provider = Provider(lambda *args: None)
    result = provider.diff(TOKEN, vm(allowPowerCycle=True), vm(minHardwareVersion=21, allowPowerCycle=True))
    assert disruption_warnings(result.assessments) == [
        "spec.minHardwareVersion is applied with a power cycle of the VM (allowPowerCycle)"
    ]
    replaced = provider.diff(TOKEN, vm(), vm(imageName="photon-5"))
    assert disruption_warnings(replaced.assessments) == [
        "spec.imageName forces a replacement: the image of a VM cannot change after creation"
    ]


def test_a_restart_of_a_stopped_vm_fails_the_preview_with_the_webhooks_words() -> None:
    provider = Provider(lambda *args: None)
    with pytest.raises(InvalidInputs) as refused:
        provider.diff(TOKEN, vm(powerState="PoweredOff"), vm(powerState="PoweredOff", nextRestartTime="now"))
    ((path, reason),) = refused.value.failures
    assert path == "spec.nextRestartTime" and "can only restart powered on vm" in reason
    running = provider.diff(TOKEN, vm(), vm(nextRestartTime="now"))
    assert [a.disruption for a in running.assessments] == [Disruption.IN_PLACE]
