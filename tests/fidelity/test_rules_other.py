"""What the corpus cannot hold for the rules of services, publish requests, resource policies, snapshots,
groups, replica sets and web console requests: time stamps written at admission, and how the rules behave
when the cluster is not known (an offline preview)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from vmservice_api import rules
from vmservice_api.rules.fielderrors import Effect

from tests.fidelity.corpus import load

CASES, _ = load()
STAMP = "vmoperator.vmware.com.protected/last-updated-power-state-time"


def _case(case_id: str) -> Any:
    return next(c for c in CASES if c.id == case_id)


def _request(case_id: str, **overrides: Any) -> rules.Request[Any]:
    case = _case(case_id)
    fields: dict[str, Any] = {
        "kind": case.kind,
        "operation": case.operation,
        "object": case.object,
        "old": case.old,
        "release": case.release,
        "user": rules.Identity(case.user["username"], tuple(case.user.get("groups") or ())),
        "cluster": rules.StaticCluster(case.cluster),
        "features": case.features,
    }
    fields.update(overrides)
    return rules.Request(**fields)


def _parse_go_time(text: str) -> datetime:
    """An RFC 3339 time as Go's RFC3339Nano writes it (up to nine fraction digits, `Z` for UTC)."""
    assert text.endswith("Z"), text
    whole, _, fraction = text[:-1].partition(".")
    assert fraction == fraction.rstrip("0") and len(fraction) <= 9, text
    return datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC) + timedelta(
        microseconds=int((fraction or "0").ljust(9, "0")) / 1000
    )


def _recent(text: str) -> bool:
    return abs(datetime.now(UTC) - _parse_go_time(text)) < timedelta(seconds=5)


def test_a_power_state_change_is_stamped_with_the_current_utc_time() -> None:
    for case_id in ("vmgroup/mutate/create/power-state", "vmgroup/mutate/update/power-state"):
        outcome = rules.mutate(_request(case_id))
        assert outcome.denied is None
        assert _recent(outcome.object["metadata"]["annotations"][STAMP]), case_id


def test_a_forced_sync_takes_the_same_time_as_the_stamp() -> None:
    for case_id in ("vmgroup/mutate/create/sync-now", "vmgroup/mutate/update/sync-now"):
        outcome = rules.mutate(_request(case_id))
        spec, annotations = outcome.object["spec"], outcome.object["metadata"]["annotations"]
        assert spec["nextForcePowerStateSyncTime"] == annotations[STAMP]
        assert _recent(annotations[STAMP]), case_id


def test_a_stamped_object_passes_the_validating_webhook() -> None:
    mutated, validated = rules.admit(_request("vmgroup/mutate/update/power-state"))
    assert validated.allowed, validated.reason
    assert STAMP in mutated.object["metadata"]["annotations"]


def test_offline_a_snapshot_of_an_unknown_vm_is_not_judged() -> None:
    outcome = rules.validate(_request("vmsnapshot/validate/create/vks-node", cluster=rules.UnknownCluster()))
    assert outcome.allowed
    assert [s.rule.name for s in outcome.unjudged] == ["vm_can_be_snapshotted"]


def test_offline_a_publish_request_without_guarded_labels_or_annotations_is_judged() -> None:
    # The wcp-cluster-config ConfigMap is only read when an administrator's change is at stake.
    outcome = rules.validate(
        _request("vmpub/validate/create/target-kind-unsupported", cluster=rules.UnknownCluster())
    )
    assert not outcome.unjudged
    assert [e.field for e in outcome.errors] == ["spec.target.location.kind"]


def test_offline_a_quota_annotation_set_by_an_unknown_user_is_not_judged() -> None:
    case_id = "vmpub/validate/create/quota-annotation-status-devops"
    outcome = rules.validate(_request(case_id, cluster=rules.UnknownCluster(), user=None))
    assert outcome.allowed
    assert [s.rule.name for s in outcome.unjudged] == ["quota_annotations_only_by_admins"]


def test_immutable_fields_are_tagged_for_a_replacement() -> None:
    for case_id in (
        "vmservice/validate/update/type-changed",
        "vmpub/validate/update/source-and-target-changed",
        "vmrp/validate/update/cpu-changed-9.1",
        "vmsnapshot/validate/update/vm-name",
        "vmwcr/validate/update/vm-name",
    ):
        outcome = rules.validate(_request(case_id))
        assert outcome.errors and all(e.effect is Effect.IMMUTABLE for e in outcome.errors)
