"""The rules package against the corpus translated from VM Operator's webhook tests (pure, no I/O)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from vmservice_api import rules

from tests.fidelity.corpus import Case, at_path, load, same_value

CASES, SKIPS = load()


def request(case: Case) -> rules.Request[Any]:
    return rules.Request(
        kind=case.kind,
        operation=case.operation,  # type: ignore[arg-type]
        object=case.object,
        old=case.old,
        release=case.release,  # type: ignore[arg-type]
        user=rules.Identity(case.user["username"], tuple(case.user.get("groups") or ())),
        cluster=rules.StaticCluster(case.cluster),
        features=case.features,
        privileged_users=case.privileged_users,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.test_id for c in CASES])
def test_case(case: Case) -> None:
    if case.webhook == "mutating":
        outcome = rules.mutate(request(case))
        assert not outcome.unjudged, [str(s) for s in outcome.unjudged]
        if case.expect == "denied":
            assert outcome.denied is not None, "the mutating webhook should deny the request"
            for text in case.message:
                assert text in outcome.denied
            return
        assert outcome.denied is None, outcome.denied
        for dotted, expected in case.mutated.items():
            assert same_value(at_path(outcome.object, dotted), expected), dotted
        for dotted, pattern in case.mutated_matches.items():
            value = at_path(outcome.object, dotted)
            assert isinstance(value, str) and re.fullmatch(pattern, value), (dotted, value)
        for dotted, other in case.mutated_same_as.items():
            value = at_path(outcome.object, dotted)
            assert value is not None and value == at_path(outcome.object, other), (dotted, other)
        return
    result = rules.validate(request(case))
    assert not result.unjudged, [str(s) for s in result.unjudged]
    if case.expect == "allowed":
        assert result.allowed, result.reason
        return
    assert not result.allowed, "upstream refuses this request"
    named = {e.field for e in result.errors}
    for expected in case.errors:
        assert expected in named, f"{expected} not among {sorted(named)}: {result.reason}"
    for text in case.message:
        assert text in result.reason


def test_every_rule_names_its_upstream_source() -> None:
    for rule in rules.rules():
        assert rule.source.startswith("webhooks/") and ":" in rule.source, rule


def test_the_corpus_covers_every_kind_with_admission_rules() -> None:
    kinds = {c.kind for c in CASES}
    for kind in (
        "VirtualMachine",
        "VirtualMachineService",
        "VirtualMachinePublishRequest",
        "VirtualMachineSetResourcePolicy",
        "VirtualMachineSnapshot",
        "VirtualMachineGroup",
        "VirtualMachineReplicaSet",
        "VirtualMachineWebConsoleRequest",
    ):
        assert kind in kinds, f"no corpus cases for {kind}"
