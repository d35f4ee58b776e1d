"""Per-kind readiness on objects recorded from the simulator (record_fixtures.py; a few still hand-written,
as their `_recorded` key says): the status line users see, when the wait is done, and which
states end it at once with VM Operator's reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pulumi_vmservice_provider.kinds.vcenter_namespace.readiness import namespace_deleted, namespace_running
from pulumi_vmservice_provider.kinds.virtualmachine.readiness import (
    default_wait_for,
    power_off_readiness,
    virtual_machine_readiness,
)
from pulumi_vmservice_provider.kinds.virtualmachinepublishrequest.readiness import publish_readiness
from pulumi_vmservice_provider.kinds.virtualmachineservice.readiness import load_balancer_readiness
from pulumi_vmservice_provider.kinds.virtualmachinewebconsolerequest.readiness import web_console_readiness
from pulumi_vmservice_provider.readiness import Readiness, ReadinessFailed
from pulumi_vmservice_provider.readiness.deletion import deletion_readiness

FIXTURES = Path(__file__).parent / "fixtures"
SPEC = {"className": "best-effort-small", "imageName": "vmi-0a1b2c3d4e5f60718", "powerState": "PoweredOn"}
DONE = None  # expected status line of an object that is done


def recorded(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return loaded


def status_line(readiness: Readiness[Any], obj: Any) -> str | None:
    check = readiness.evaluate(obj)
    return None if check.ok else check.message


def vm(target: str, **spec: Any) -> Readiness[dict[str, Any]]:
    return virtual_machine_readiness(target, {**SPEC, **spec}, "dev/web")


@pytest.mark.parametrize(
    ("fixture", "target", "expected"),
    [
        pytest.param("vm-creating", "created", "waiting for the vSphere VM to be created", id="creating"),
        pytest.param(
            "vm-image-not-ready",
            "ipAssigned",
            "waiting: VirtualMachineImageReady is False (NotReady)",
            id="prerequisite-not-ready-yet",
        ),
        pytest.param("vm-powered-off", "created", DONE, id="created-is-enough"),
        pytest.param(
            "vm-powered-off", "poweredOn", "waiting for power state PoweredOn (PoweredOff)", id="off"
        ),
        pytest.param("vm-powered-on-without-ip", "poweredOn", DONE, id="powered-on"),
        pytest.param(
            "vm-powered-on-without-ip", "ipAssigned", "waiting for IP address (PoweredOn)", id="no-ip-yet"
        ),
        pytest.param(
            "vm-powered-on-without-ip", "ready", "waiting for IP address (PoweredOn)", id="ip-first"
        ),
        pytest.param("vm-ip-probe-pending", "ipAssigned", DONE, id="ip-assigned"),
        pytest.param(
            "vm-ip-probe-pending", "ready", "waiting for the readiness probe (PoweredOn)", id="probe-pending"
        ),
        pytest.param("vm-ready", "ready", DONE, id="ready"),
    ],
)
def test_virtual_machine_status_line(fixture: str, target: str, expected: str | None) -> None:
    assert status_line(vm(target), recorded(fixture)) == expected


def test_a_vm_meant_to_stay_off_is_done_when_off_without_an_address() -> None:
    assert status_line(vm("ipAssigned", powerState="PoweredOff"), recorded("vm-powered-off")) is DONE


def test_a_vm_without_network_needs_no_address() -> None:
    readiness = vm("ipAssigned", network={"disabled": True})
    assert status_line(readiness, recorded("vm-powered-on-without-ip")) is DONE


def test_a_missing_class_fails_at_once_with_vm_operators_reason() -> None:
    with pytest.raises(ReadinessFailed) as failed:
        vm("created").evaluate(recorded("vm-class-not-found"))
    # The simulator's words (recorded); the hand-written fixture before it had made up a message of its own.
    assert str(failed.value) == (
        "VirtualMachineClassReady is False (NotFound): Failed to get VirtualMachineClass dev/best-effort-huge: "
        'virtualmachineclasses.vmoperator.vmware.com "best-effort-huge" not found'
    )


def test_a_sysprep_secret_without_its_key_fails_at_once() -> None:
    """VM Operator reports an inline Sysprep answer whose Secret lacks the key as BootstrapReady GetError; it
    stays so until the Secret changes, so the wait ends now instead of at its timeout."""
    with pytest.raises(ReadinessFailed) as failed:
        vm("ipAssigned").evaluate(recorded("vm-sysprep-key-missing"))
    assert str(failed.value) == (
        'VirtualMachineBootstrapReady is False (GetError): no data found for key "password" for secret '
        "dev/win-sysprep"
    )


def test_a_vm_deleted_while_waiting_fails() -> None:
    with pytest.raises(ReadinessFailed, match="VirtualMachine dev/web was deleted before it was ready"):
        vm("poweredOn").evaluate(None)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, "ipAssigned"),
        ({"powerState": "PoweredOff"}, "poweredOn"),
        ({"powerState": "Suspended"}, "poweredOn"),
        ({"network": {"disabled": True}}, "poweredOn"),
    ],
)
def test_default_wait_target(spec: dict[str, Any], expected: str) -> None:
    assert default_wait_for(spec) == expected


def test_power_off_waits_for_powered_off() -> None:
    assert status_line(power_off_readiness(), recorded("vm-ready")) == "waiting for power-off (PoweredOn)"
    assert status_line(power_off_readiness(), recorded("vm-powered-off")) is DONE


def test_load_balancer_waits_for_an_ingress_address() -> None:
    readiness = load_balancer_readiness()
    assert status_line(readiness, recorded("service-pending")) == "waiting for a load-balancer IP address"
    assert status_line(readiness, recorded("service-ingress")) is DONE


def test_publish_request_reports_pending_conditions_until_ready() -> None:
    readiness = publish_readiness("dev/web-golden")
    assert status_line(readiness, recorded("publish-uploading")) == (
        "waiting for publishing to complete (Uploaded, ImageAvailable, Complete)"
    )
    assert status_line(readiness, recorded("publish-ready")) is DONE


def test_publish_failure_ends_the_wait_with_the_reason() -> None:
    with pytest.raises(ReadinessFailed) as failed:
        publish_readiness("dev/web-golden").evaluate(recorded("publish-failed"))
    assert str(failed.value) == (
        "publishing failed: SourceValid is False (SourceVirtualMachineNotExist): The source VirtualMachine "
        "dev/web does not exist"
    )


def test_a_publish_request_removed_before_completing_fails() -> None:
    with pytest.raises(ReadinessFailed, match="was deleted before completing"):
        publish_readiness("dev/web-golden").evaluate(None)


def test_deletion_names_the_finalizers_still_at_work() -> None:
    assert status_line(deletion_readiness(), recorded("vm-deleting")) == (
        "waiting for deletion (vmoperator.vmware.com/virtualmachine)"
    )
    assert status_line(deletion_readiness(), None) is DONE


def test_web_console_request_waits_for_its_ticket() -> None:
    readiness = web_console_readiness("dev/web-console-1a2b3c")
    assert status_line(readiness, {"status": {}}) == "waiting for the web console ticket"
    assert status_line(readiness, {"status": {"response": "b64"}}) is DONE
    with pytest.raises(ReadinessFailed, match="was deleted before"):
        readiness.evaluate(None)


class Namespace:
    def __init__(self, config_status: str | None, messages: list[str] | None = None):
        self.config_status = config_status
        self.messages = messages or []


def test_namespace_is_running_or_in_error() -> None:
    running = namespace_running("dev")
    assert status_line(running, Namespace("CONFIGURING")) == "namespace is CONFIGURING"
    assert status_line(running, Namespace("RUNNING")) is DONE
    assert status_line(running, Namespace(None)) is DONE  # older vCenters report no status
    with pytest.raises(ReadinessFailed, match="namespace dev is in ERROR: no storage policy"):
        running.evaluate(Namespace("ERROR", ["no storage policy"]))
    with pytest.raises(ReadinessFailed, match="was deleted before it was configured"):
        running.evaluate(None)


def test_namespace_deletion() -> None:
    assert status_line(namespace_deleted(), Namespace("REMOVING")) == "namespace is REMOVING"
    assert status_line(namespace_deleted(), None) is DONE
