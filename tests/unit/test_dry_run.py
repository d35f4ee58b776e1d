"""Reading a dry run's denial (which fields the Supervisor refuses to change in place) and turning the
refusals into replacements in the diff; no I/O."""

from __future__ import annotations

from pulumi_vmservice_provider.kinds.virtualmachine.declaration import VIRTUAL_MACHINE as VM
from pulumi_vmservice_provider.model.paths import from_api as pulumi_path
from pulumi_vmservice_provider.model.plan import Plan, PlannedChange
from pulumi_vmservice_provider.operations import Refusal
from pulumi_vmservice_provider.resources.dryrun import field_errors, is_immutable, refusals

WEBHOOK = (
    'admission webhook "default.validating.virtualmachine.v1alpha2.vmoperator.vmware.com" denied the request'
)
PREFIX = f"the Supervisor would reject VirtualMachine dev/web: {WEBHOOK}"


def test_each_field_error_of_a_denial_is_read_with_its_path() -> None:
    message = (
        f'{PREFIX}: spec.imageName: Invalid value: "vmi-0123": field is immutable, '
        "spec.network.interfaces[0].name: Forbidden: field is immutable, "
        'spec.powerState: Invalid value: "": cannot set power state to empty string'
    )
    prefix, errors = field_errors(message)
    assert prefix == PREFIX
    assert errors == [
        ("spec.imageName", 'spec.imageName: Invalid value: "vmi-0123": field is immutable'),
        ("spec.network.interfaces[0].name", "spec.network.interfaces[0].name: Forbidden: field is immutable"),
        ("spec.powerState", 'spec.powerState: Invalid value: "": cannot set power state to empty string'),
    ]


def test_the_apiservers_own_validation_in_brackets_is_read_too() -> None:
    message = (
        'VirtualMachine.vmoperator.vmware.com "web" is invalid: [spec.storageClass: Invalid value: "gold": '
        "field is immutable, spec.className: Required value]"
    )
    _, errors = field_errors(message)
    assert [path for path, _ in errors] == ["spec.storageClass", "spec.className"]
    assert errors[1][1] == "spec.className: Required value"


def test_immutability_is_recognised_in_the_detail_not_in_the_value() -> None:
    assert is_immutable('spec.imageName: Invalid value: "x": field is immutable')
    assert is_immutable("spec.bootstrap: Forbidden: bootstrap provider type cannot be changed")
    assert is_immutable("spec.network.interfaces: Forbidden: network interfaces cannot be added or removed")
    assert not is_immutable(
        'metadata.labels[team]: Invalid value: "immutable": must be no more than 63 characters'
    )
    assert not is_immutable(
        "spec.bootstrap: Forbidden: updates to this field is not allowed when VM power is on"
    )


def test_api_paths_become_pulumi_paths() -> None:
    assert pulumi_path("metadata.labels[topology.kubernetes.io/zone]") == (
        'metadata.labels["topology.kubernetes.io/zone"]'
    )
    assert pulumi_path("spec.network.interfaces[0].network") == "spec.network.interfaces[0].network"


def test_only_refusals_to_change_in_place_are_refusals() -> None:
    message = (
        f'{PREFIX}: metadata.labels[topology.kubernetes.io/zone]: Invalid value: "zone-b": field is immutable, '
        "spec.minHardwareVersion: Invalid value: 13: cannot downgrade hardware version"
    )
    assert refusals(message) == (
        Refusal(
            'metadata.labels["topology.kubernetes.io/zone"]',
            f'{PREFIX}: metadata.labels[topology.kubernetes.io/zone]: Invalid value: "zone-b": field is immutable',
        ),
    )
    assert refusals(f"{PREFIX}: spec.minHardwareVersion: Invalid value: 13: cannot downgrade") == ()
    assert refusals("virtualmachines is forbidden: User cannot patch resource") == ()


def test_refusals_turn_in_place_changes_into_replacements_with_the_servers_words() -> None:
    zone = 'metadata.labels["topology.kubernetes.io/zone"]'
    plan = Plan((PlannedChange(zone, "add"), PlannedChange("spec.powerState", "update")))
    replaced = plan.with_refusals([(zone, "webhook says: field is immutable")], VM.inputs).changes
    assert replaced[0].replace_reason == (
        "the Supervisor refuses to change it in place (dry run): webhook says: field is immutable"
    )
    assert not replaced[1].replaces
    # A refused field below a changed one marks that change; one the model did not see is added.
    nested = Plan((PlannedChange("spec.network", "update"),)).with_refusals(
        [("spec.network.interfaces[0].name", "a"), ("spec.storageclass", "b")], VM.inputs
    )
    assert [(c.path, c.replaces) for c in nested.changes] == [
        ("spec.network", True),
        ("spec.storageClass", True),
    ]
