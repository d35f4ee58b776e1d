"""The provider's offline previews against the corpus translated from VM Operator's webhook tests.

Each case becomes what a Pulumi program would send: Check of the object's metadata and spec (and, for an
update, Diff from the old object's). No Supervisor is configured, so the provider knows no cluster objects,
caller, features or release: a case whose verdict depends on them agrees when the provider's answer matches
or when it says which rules it could not judge; every other case must match exactly:

- a create upstream refuses fails Check naming the field; one it admits passes;
- an update upstream refuses because a field cannot change plans a replacement that quotes upstream;
- an update refused while the VM is powered on fails the preview naming the field (no allowPowerCycle);
- any other refused update fails Check or Diff; an admitted one updates in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from pulumi_vmservice_provider.core import Provider
from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.model.decode import decode
from pulumi_vmservice_provider.model.paths import from_api
from pulumi_vmservice_provider.model.registry import RESOURCES
from vmservice_api import rules

from tests.fidelity.corpus import Case, load, schema_errors

CASES, _ = load()
TOKENS = {d.kube.kind: token for token, d in RESOURCES.items() if d.kube is not None}
# Kinds the provider has no resource for: it only ever creates them inside a lookup.
NOT_RESOURCES = {
    "VirtualMachineWebConsoleRequest": "getWebConsoleUrl creates it; there is no resource to preview",
    "WebConsoleRequest": "the v1alpha1 web console request: no resource, no lookup uses it",
}
OFFLINE_CASES = [c for c in CASES if c.kind not in NOT_RESOURCES]


def inputs_of(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj.get("metadata") or {}
    inputs: dict[str, Any] = {
        "metadata": {k: meta[k] for k in ("name", "namespace", "labels", "annotations") if meta.get(k)}
    }
    if obj.get("spec") is not None:
        inputs["spec"] = obj["spec"]
    return inputs


@dataclass
class Answer:
    refused: list[str]  # the properties a failure names
    replaced: list[str]  # the replaced properties (with upstream's words in the reason)
    unjudged: list[str]
    messages: str


def preview(case: Case) -> Answer:
    logged: list[str] = []
    provider = Provider(lambda severity, message, urn, ephemeral: logged.append(message))
    token = TOKENS[case.kind]
    news = inputs_of(case.object)
    olds = inputs_of(case.old) if case.old is not None else {}
    checked, failures = provider.check(
        token, "res", olds, news, b"seed", urn=f"urn:pulumi:s::p::{token}::res"
    )
    if failures:
        return Answer([f.path for f in failures], [], [], "; ".join(f.reason for f in failures))
    if not olds:
        unjudged = provider.handler(token).admission(decode(checked), None).unjudged
        return Answer([], [], list(unjudged), "")
    old_checked, _ = provider.check(token, "res", {}, olds, b"seed")
    try:
        plan = provider.diff(token, old_checked, checked)
    except InvalidInputs as error:
        return Answer([path for path, _ in error.failures], [], [], "; ".join(r for _, r in error.failures))
    replaced = [c.path for c in plan.replaces if "the Supervisor refuses" in (c.reason or "")]
    return Answer([], replaced, list(plan.unjudged), "; ".join(c.reason or "" for c in plan.replaces))


def request(case: Case) -> rules.Request[Any]:
    """The case as a real Supervisor gets it: its identity, features and cluster objects."""
    return rules.Request(
        case.kind,
        case.operation,  # type: ignore[arg-type]
        case.object,
        case.release,  # type: ignore[arg-type]
        old=case.old,
        user=rules.Identity(case.user["username"], tuple(case.user.get("groups") or ())),
        cluster=rules.StaticCluster(case.cluster),
        features=case.features,
        privileged_users=case.privileged_users,
    )


def fact_dependent(case: Case) -> bool:
    """Whether upstream's verdict needs what an offline preview cannot know (cluster, caller, features)."""
    unknowing = rules.Request(case.kind, case.operation, case.object, case.release, old=case.old)  # type: ignore[arg-type]
    mutated, validated = rules.admit(unknowing)
    return bool(mutated.unjudged or validated.unjudged)


def supervisor_schema_errors(case: Case, release: str | None = None) -> list[str]:
    """What the apiserver's schema validation refuses: it runs after the mutating webhooks, on what they
    made of the object."""
    req = request(case)
    if release is not None:
        req.release = release  # type: ignore[assignment]
    mutated = rules.mutate(req)
    obj = mutated.object if mutated.denied is None and not mutated.unjudged else case.object
    return schema_errors(case.kind, req.release, obj)


def schema_fact_dependent(case: Case) -> bool:
    """Whether every schema error is about a field a mutation may fill, given what an offline preview cannot
    know (the network provider fills an interface's network name, or not)."""
    unknowing = rules.Request(case.kind, case.operation, case.object, case.release, old=case.old)  # type: ignore[arg-type]
    mutated = rules.mutate(unknowing)
    errors = supervisor_schema_errors(case)
    return bool(errors) and all(rules.undecided_by(mutated, error) is not None for error in errors)


def expected_denied(case: Case) -> bool:
    """What a real Supervisor answers: its CRD schema first (the webhook tests call the webhook directly, so
    some of their objects never pass the apiserver's schema), then the webhooks."""
    if supervisor_schema_errors(case):
        return True
    if case.chain is not None:
        return case.chain.get("expect") == "denied"
    if case.webhook == "validating":
        mutated = rules.mutate(request(case))
        if mutated.denied is not None:
            return True  # the mutating webhook, which runs first, refuses what the validating test was given
        if mutated.changed and not mutated.unjudged:
            return bool(chain_errors(case))  # it changed the object: the validating verdict is on that one
    if case.webhook == "mutating" and case.expect == "allowed":
        return bool(chain_errors(case))
    return case.expect == "denied"


def chain_errors(case: Case) -> list[str]:
    """For a case from the mutating webhook's tests: what the validating webhook (whose rules the rest of the
    corpus proves) then says of the mutated object, as a real Supervisor runs both."""
    mutated, validated = rules.admit(request(case))
    return [] if mutated.unjudged or validated.unjudged else [e.field for e in validated.errors]


def expected_paths(case: Case) -> set[str]:
    schema = supervisor_schema_errors(case)
    if schema:
        return {from_api(p) for p in schema}
    # Every field upstream's webhooks name for this request (the test may assert only some of them).
    return {from_api(p) for p in [*case.errors, *chain_errors(case)]}


def not_expressible(case: Case) -> str | None:
    """Why no Pulumi program can send this request, or None."""
    if (case.object.get("metadata") or {}).get("deletionTimestamp"):
        return "an object being deleted: no program sets deletionTimestamp, and the Supervisor admits any update then"
    if case.operation == "DELETE":
        return "a delete: the provider deletes, it does not preview a delete's admission"
    return None


def release_dependent(case: Case) -> bool:
    """Whether the other release's webhooks answer this request differently (offline, the release is not
    known: the provider says it could not judge such a rule)."""
    other = next(r for r in ("8.0u3", "9.1") if r != case.release)
    here, there = request(case), request(case)
    there.release = other  # type: ignore[assignment]

    def verdict(req: rules.Request[Any]) -> tuple[object, ...]:
        mutated, validated = rules.admit(req)
        schema = supervisor_schema_errors(case, req.release)
        return (mutated.denied is None, *schema, *sorted((e.field, e.type) for e in validated.errors))

    return verdict(here) != verdict(there)


@pytest.mark.parametrize("case", OFFLINE_CASES, ids=[c.test_id for c in OFFLINE_CASES])
def test_offline_preview_agrees_with_upstream(case: Case) -> None:
    reason = not_expressible(case)
    if reason:
        pytest.skip(f"not expressible as a Pulumi program: {reason}")
    if case.operation == "UPDATE" and case.old is not None and inputs_of(case.old) == inputs_of(case.object):
        # A program that does not change sends no update: the provider must plan nothing and refuse nothing
        # (beyond what the apiserver's schema refuses of the inputs themselves).
        answer = preview(case)
        assert not answer.replaced and (not answer.refused or supervisor_schema_errors(case))
        return
    answer = preview(case)
    if answer.unjudged and release_dependent(case):
        return  # offline the release is not known, and the provider said which rules it could not judge
    schema = supervisor_schema_errors(case)
    if (
        (not schema or schema_fact_dependent(case))
        and fact_dependent(case)
        and (answer.unjudged or not (answer.refused or answer.replaced))
    ):
        if expected_denied(case):
            assert answer.refused or answer.replaced or answer.unjudged
        return
    if not expected_denied(case):
        assert not answer.refused, f"upstream admits it; the provider refuses: {answer.messages}"
        assert not answer.replaced, f"upstream updates it in place; the provider replaces: {answer.messages}"
        return
    assert answer.refused or answer.replaced, "upstream refuses it; the provider's preview lets it through"
    # Upstream's messages spell some fields after the Go struct (`spec.clusterIP`) or in lower case
    # (`spec.resourcepool`); the provider names the Pulumi property (`spec.clusterIp`): compared without case.
    named = {path.lower() for path in expected_paths(case)}
    said = {path.lower() for path in (*answer.refused, *answer.replaced)}
    assert not named or any(any(n == s or n.startswith(s) or s.startswith(n) for s in said) for n in named), (
        f"upstream names {sorted(named)}; the provider names {sorted(said)}: {answer.messages}"
    )


def test_kinds_without_a_resource_are_the_only_ones_left_out() -> None:
    left_out = {c.kind for c in CASES} - {c.kind for c in OFFLINE_CASES}
    assert left_out <= set(NOT_RESOURCES)
