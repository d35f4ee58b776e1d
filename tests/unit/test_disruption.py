"""The disruption class of a change: one plan per change (model/plan.py), which Diff answers and warns from,
Update executes and the PR report reads."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_vmservice_provider.core import Provider
from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.model import plan
from pulumi_vmservice_provider.model.plan import Disruption, build_plan
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
    return [c.disruption for c in build_plan(VM, old, new).changes]


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
    assert build_plan(VM, vm(), vm(imageName="photon-5")).worst is Disruption.REPLACE


def test_a_power_cycle_that_is_not_allowed_fails_the_preview_naming_the_property() -> None:
    provider = Provider(lambda *args: None)
    with pytest.raises(InvalidInputs) as refused:
        provider.diff(TOKEN, vm(), vm(minHardwareVersion=21))
    ((path, reason),) = refused.value.failures
    assert path == "spec.minHardwareVersion" and "allowPowerCycle: true" in reason


def test_power_cycles_and_replacements_are_warned_about() -> None:
    provider = Provider(lambda *args: None)
    result = provider.diff(TOKEN, vm(allowPowerCycle=True), vm(minHardwareVersion=21, allowPowerCycle=True))
    assert result.warnings() == [
        "spec.minHardwareVersion is applied with a power cycle of the VM (allowPowerCycle)"
    ]
    replaced = provider.diff(TOKEN, vm(), vm(imageName="photon-5"))
    assert replaced.warnings() == [
        "spec.imageName forces a replacement: the image of a VM cannot change after creation (the Supervisor "
        'refuses to change it in place: spec.imageName: Invalid value: "photon-5": field is immutable)'
    ]
    stopped = provider.diff(
        TOKEN, vm(powerState="PoweredOff"), vm(powerState="PoweredOff", minHardwareVersion=21)
    )
    assert stopped.warnings() == [
        "spec.minHardwareVersion takes effect at the VM's next power-on (it is applied while the VM is powered off)"
    ]


def test_a_restart_of_a_stopped_vm_fails_the_preview_with_the_webhooks_words() -> None:
    provider = Provider(lambda *args: None)
    with pytest.raises(InvalidInputs) as refused:
        provider.diff(TOKEN, vm(powerState="PoweredOff"), vm(powerState="PoweredOff", nextRestartTime="now"))
    ((path, reason),) = refused.value.failures
    assert path == "spec.nextRestartTime" and "can only restart powered on vm" in reason
    running = provider.diff(TOKEN, vm(), vm(nextRestartTime="now"))
    assert [c.disruption for c in running.changes] == [Disruption.IN_PLACE]


def test_diff_and_update_of_one_resource_compute_one_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Update executes the plan Diff made (kept by the provider), never a second computation."""
    provider = Provider(lambda *args: None)
    urn = "urn:pulumi:dev::shop::vmservice:index:VirtualMachine::web"
    old, new = vm(allowPowerCycle=True), vm(minHardwareVersion=21, allowPowerCycle=True)
    before = plan.PLANS_BUILT[0]
    made = provider.diff(TOKEN, old, new, "dev/web-1", urn)
    assert plan.PLANS_BUILT[0] == before + 1
    executed: list[plan.Plan] = []

    class Recorder:
        def admission(self, inputs: Any, old_inputs: Any) -> Any:
            from pulumi_vmservice_provider.resources.admission import Verdict

            return Verdict()

        def server_facts(self) -> Any:
            from pulumi_vmservice_provider.model.modifiers import NoServer

            return NoServer()

        def update(self, request: Any) -> Any:
            executed.append(request.plan)
            return type("Result", (), {"outputs": {}})()

    monkeypatch.setattr(provider, "handler", lambda token: Recorder())
    ctx = provider.context(urn, 5)
    provider.update(TOKEN, ctx, "dev/web-1", {}, old, new)
    assert executed == [made]
    assert plan.PLANS_BUILT[0] == before + 1
    # Without a Diff in this process (a plugin started for the update alone), the plan is made once, here.
    provider.update(TOKEN, ctx, "dev/web-1", {}, old, new)
    assert plan.PLANS_BUILT[0] == before + 2 and executed[1].changes == made.changes


def test_a_replacement_the_supervisor_would_refuse_to_create_fails_the_preview_offline() -> None:
    # A new bootstrap provider replaces the VM (it cannot change in place), and the new VM is judged as a
    # create: cloud-init may not be combined with sysprep (webhooks/virtualmachine/validation,
    # validateBootstrap), so the preview fails instead of planning a delete that the create cannot follow.
    both = {
        "cloudInit": {"rawCloudConfig": {"name": "boot", "key": "user-data"}},
        "sysprep": {"rawSysprep": {"name": "boot", "key": "unattend"}},
    }
    provider = Provider(lambda *args: None)
    with pytest.raises(InvalidInputs) as refused:
        provider.diff(TOKEN, vm(), vm(bootstrap=both))
    reasons = dict(refused.value.failures)
    assert (
        "the replacement's new VirtualMachine would be refused by the Supervisor"
        in (reasons["spec.bootstrap.cloudInit"])
    )
    assert (
        "CloudInit may not be used with any other bootstrap provider" in reasons["spec.bootstrap.cloudInit"]
    )
    # One bootstrap provider: the same replacement is planned as before.
    assert provider.diff(TOKEN, vm(), vm(bootstrap={"cloudInit": both["cloudInit"]})).replaces


def test_a_refusal_the_update_and_the_replacement_share_is_said_once() -> None:
    provider = Provider(lambda *args: None)
    probe = {"tcpSocket": {"port": 22}, "guestHeartbeat": {"thresholdStatus": "green"}}
    with pytest.raises(InvalidInputs) as refused:
        provider.diff(TOKEN, vm(), vm(imageName="photon-5", readinessProbe=probe))
    assert [path for path, _ in refused.value.failures] == ["spec.readinessProbe"]
