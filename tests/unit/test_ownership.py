"""Apply conflicts: the stack takes back its own fields (drift) but not fields it never had."""

from __future__ import annotations

from pulumi_vmservice_provider.clients.supervisor import conflict_fields, conflict_managers
from pulumi_vmservice_provider.resources.ownership import had_field, reclaimer

OLD = {
    "metadata": {"name": "vm", "labels": {"team": "a", "app.kubernetes.io/name": "web"}},
    "spec": {"className": "small", "network": {"interfaces": [{"name": "eth0"}]}},
}


def test_fields_the_stack_had() -> None:
    assert had_field(OLD, ".metadata.labels.team")
    assert had_field(OLD, ".metadata.labels.app.kubernetes.io/name")
    assert had_field(OLD, ".spec.className")
    assert had_field(OLD, '.spec.network.interfaces[name="eth0"].addresses')
    assert not had_field(OLD, ".spec.powerState")
    assert not had_field(OLD, ".metadata.labels.owner")


def test_reclaim_only_when_every_conflicting_field_was_the_stacks() -> None:
    decide = reclaimer(OLD)
    assert decide is not None
    assert decide([".metadata.labels.team", ".spec.className"])
    assert not decide([".metadata.labels.team", ".spec.powerState"])
    assert reclaimer(None) is None


def test_conflict_messages_are_parsed() -> None:
    one = 'Apply failed with 1 conflict: conflict with "ops-console" using vmoperator.vmware.com/v1alpha2: .spec.powerState'
    assert conflict_managers(one) == ["ops-console"] and conflict_fields(one) == [".spec.powerState"]
    two = 'Apply failed with 2 conflicts: conflicts with "kubectl" using v1:\n- .metadata.labels.a\n- .spec.x'
    assert conflict_managers(two) == ["kubectl"] and conflict_fields(two) == [".metadata.labels.a", ".spec.x"]
