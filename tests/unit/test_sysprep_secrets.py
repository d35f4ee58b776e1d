"""`sysprepSecrets`: an inline Sysprep answer's passwords and product key given inline, kept in a Secret the
provider owns, planned as the bootstrap change VM Operator makes of them (Check, Diff, the manifest; no I/O)."""

from __future__ import annotations

import json
from typing import Any

from pulumi_vmservice_provider.core import Provider
from pulumi_vmservice_provider.kinds.virtualmachine import sysprep
from pulumi_vmservice_provider.model.plan import Disruption, build_plan
from pulumi_vmservice_provider.model.registry import RESOURCES
from pulumi_vmservice_provider.schema import generate
from pulumi_vmservice_provider.wire import Secret, reveal

VM = RESOURCES["vmservice:index:VirtualMachine"]
TOKEN = VM.token
PASSWORD = "Adm1n-passw0rd!"
NEW_PASSWORD = "An0ther-passw0rd!"
ANSWER = {"guiUnattended": {"autoLogon": False}, "userData": {"fullName": "Ops", "orgName": "Example"}}


def windows(power: str = "PoweredOn", allow: bool | None = None, **secrets: Any) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "metadata": {"name": "win-1", "namespace": "dev"},
        "spec": {
            "className": "best-effort-large",
            "imageName": "windows-2022",
            "storageClass": "wcp-storage",
            "powerState": power,
            "bootstrap": {"sysprep": {"sysprep": json.loads(json.dumps(ANSWER))}},
        },
        "sysprepSecrets": secrets or {"password": PASSWORD},
    }
    if allow is not None:
        inputs["allowPowerCycle"] = allow
    return inputs


def check(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    provider = Provider(lambda *args: None)
    _, failures = provider.check(TOKEN, "win", {}, inputs, b"seed")
    return [(f.path, f.reason) for f in failures]


def test_a_valid_answer_checks_and_the_values_come_back_secret() -> None:
    provider = Provider(lambda *args: None)
    checked, failures = provider.check(TOKEN, "win", {}, windows(), b"seed")
    assert failures == []
    assert isinstance(checked["sysprepSecrets"], Secret)
    assert reveal(checked)["sysprepSecrets"] == {"password": PASSWORD}


def test_the_values_need_the_inline_answer() -> None:
    no_answer = windows()
    no_answer["spec"].pop("bootstrap")
    ((path, reason),) = check(no_answer)
    assert path == "sysprepSecrets" and "needs spec.bootstrap.sysprep.sysprep" in reason

    raw = windows()
    raw["spec"]["bootstrap"] = {"sysprep": {"rawSysprep": {"name": "unattend", "key": "unattend"}}}
    ((path, reason),) = check(raw)
    assert path == "sysprepSecrets" and "rawSysprep" in reason and PASSWORD not in reason


def test_a_value_and_the_selector_it_fills_are_mutually_exclusive() -> None:
    both = windows(productID="ABCDE-FGHIJ-KLMNO-PQRST-UVWXY")
    both["spec"]["bootstrap"]["sysprep"]["sysprep"]["userData"]["productID"] = {"name": "mine", "key": "k"}
    ((path, reason),) = check(both)
    assert path == "sysprepSecrets.productID"
    assert "spec.bootstrap.sysprep.sysprep.userData.productID are mutually exclusive" in reason
    assert "ABCDE" not in reason


def test_an_empty_password_is_refused_before_any_call() -> None:
    ((path, reason),) = check(windows(password=""))
    assert (path, reason) == ("sysprepSecrets.password", "must not be empty")


def test_the_manifest_points_each_selector_at_the_providers_secret() -> None:
    body: Any = {"metadata": {"name": "win-1", "namespace": "dev"}, "spec": windows()["spec"]}
    inputs = windows(password=PASSWORD, domainAdminPassword="d0main-Passw0rd", productID="KEY-1")
    sysprep.point_selectors_at_secret(body, inputs)
    answer = body["spec"]["bootstrap"]["sysprep"]["sysprep"]
    assert answer["guiUnattended"] == {
        "autoLogon": False,
        "password": {"name": "win-1-sysprep", "key": "password"},
    }
    assert answer["identification"]["domainAdminPassword"] == {
        "name": "win-1-sysprep",
        "key": "domain_admin_password",
    }
    assert answer["userData"]["productID"] == {"name": "win-1-sysprep", "key": "product_id"}
    assert PASSWORD not in json.dumps(body)


def classes(old: dict[str, Any], new: dict[str, Any]) -> list[Disruption]:
    return [c.disruption for c in build_plan(VM, old, new).changes]


def test_a_changed_password_is_a_bootstrap_change_as_vm_operator_applies_one() -> None:
    """VM Operator customizes again only when the VM next powers on: a powered-off VM takes the new password
    then, a running one is power-cycled when allowed, and replaced otherwise."""
    assert classes(windows(), windows()) == []
    assert classes(windows("PoweredOff"), windows("PoweredOff", password=NEW_PASSWORD)) == [
        Disruption.NEXT_POWER_ON
    ]
    assert classes(windows(allow=True), windows(allow=True, password=NEW_PASSWORD)) == [
        Disruption.POWER_CYCLE
    ]
    (replaced,) = build_plan(VM, windows(), windows(password=NEW_PASSWORD)).changes
    assert replaced.disruption is Disruption.REPLACE
    assert "bootstrap data is applied at power-on" in str(replaced.reason)
    assert PASSWORD not in repr(replaced) and NEW_PASSWORD not in repr(replaced)


def test_diff_warns_without_showing_the_values() -> None:
    provider = Provider(lambda *args: None)
    old = {**windows(allow=True), "sysprepSecrets": Secret({"password": PASSWORD})}
    new = {**windows(allow=True), "sysprepSecrets": Secret({"password": NEW_PASSWORD})}
    result = provider.diff(TOKEN, old, new)
    assert result.warnings() == [
        "sysprepSecrets.password is applied with a power cycle of the VM (allowPowerCycle)"
    ]
    assert PASSWORD not in repr(result) and NEW_PASSWORD not in repr(result)
    replaced = provider.diff(TOKEN, windows(), windows(password=NEW_PASSWORD))
    (warning,) = replaced.warnings()
    assert warning.startswith(
        "sysprepSecrets.password forces a replacement: bootstrap data is applied at power-on"
    )
    assert NEW_PASSWORD not in repr(replaced)


def test_schema_marks_the_values_secret_and_describes_the_bootstrap_change() -> None:
    schema = generate()
    prop = schema["resources"][TOKEN]["inputProperties"]["sysprepSecrets"]
    assert prop["secret"] is True and "next powers on" in prop["description"]
    fields = schema["types"]["vmservice:index:VirtualMachineSysprepSecrets"]["properties"]
    assert all(fields[name]["secret"] is True for name in ("password", "domainAdminPassword", "productID"))
