"""The Supervisor's own admission rules (VM Operator's webhooks, re-expressed in `vmservice_api.rules`), run by
the provider where it does not ask the Supervisor: Check refuses what a real Supervisor refuses, and Diff
plans what upstream refuses to change in place as a replacement and what it allows only while a VM is off
as a power cycle, each with upstream's words.

Offline nothing is known of the cluster, the caller, or the Supervisor's features: a rule that needs one of
them stays silent (never a false refusal) and the verdict lists it as not judged. The release is not known
either: the rules run at every release the kind exists in, and an error only some releases give is not
judged.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from vmservice_api import rules
from vmservice_api.objects import JSON, JSONObject, KubeObject, clone
from vmservice_api.rules.fielderrors import Effect, FieldError, FieldPath, required
from vmservice_api.rules.framework import Operation

from pulumi_vmservice_provider.model.modifiers import NoServer, ServerFacts
from pulumi_vmservice_provider.resources.kubefields import unfilled_required, with_crd_defaults
from pulumi_vmservice_provider.resources.versions import fields_outside_version

if TYPE_CHECKING:
    from pulumi_vmservice_provider.model.decode import Path
    from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler

# The newest VM Operator API version each release serves.
# Offline, the caller is a person or a pipeline running a program: none of the Supervisor's own accounts.
PROGRAM = rules.Identity.a_program()
RELEASE_VERSIONS: dict[rules.Release, str] = {"8.0u3": "v1alpha2", "9.1": "v1alpha5"}
# The apiserver's answer (strict field validation) to a field the served version's schema lacks.
NOT_DECLARED = "field not declared in schema"
REFUSING = (Effect.INVALID, Effect.PRIVILEGED)


@dataclass(frozen=True)
class Verdict:
    """What the rules say about a planned create or update, at every release that could be asked."""

    errors: tuple[FieldError, ...] = ()
    unjudged: tuple[str, ...] = ()

    def refusals(self) -> list[FieldError]:
        return [e for e in self.errors if e.effect in REFUSING]


def api_path(path: Path) -> str:
    """A path of the inputs as apimachinery prints it: `spec.volumes[0].name`, `metadata.labels[a/b]`."""
    text = ""
    for key in path:
        if isinstance(key, int):
            text += f"[{key}]"
        elif key.isidentifier():
            text = f"{text}.{key}" if text else key
        else:
            text += f"[{key}]"
    return text


def _server_side_apply(live: JSONObject, written_before: JSONObject, body: JSONObject) -> JSONObject:
    """The object after applying `body` over `live` as the owner of `written_before` (what it applied last):
    fields it wrote before and leaves out now are removed, the rest merges (lists are replaced whole)."""
    result: JSONObject = clone(live)
    _remove_dropped(result, written_before, body)
    _merge(result, body)
    return result


def _remove_dropped(target: JSONObject, before: JSON, after: JSON) -> None:
    if not isinstance(before, dict):
        return
    for key, value in before.items():
        if not isinstance(after, dict) or key not in after:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _remove_dropped(target[key], value, after[key])


def _merge(target: JSONObject, patch: Mapping[str, JSON]) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = clone(value)


# The Supervisor's published capabilities, by the feature switch of VM Operator's each stands for.
CAPABILITY_FEATURES = {
    "VMResize": "VMResize",
    "MutableNetworks": "MutableNetworks",
    "VMSnapshots": "VMSnapshots",
    "VMGroups": "VMGroups",
    "ImmutableClasses": "ImmutableClasses",
    "BYOK": "BringYourOwnEncryptionKey",
}


def known_features(facts: ServerFacts) -> dict[str, bool]:
    """The feature switches a reachable Supervisor's published capabilities tell (none offline)."""
    found: dict[str, bool] = {}
    for capability, feature in CAPABILITY_FEATURES.items():
        value = facts.capability(capability)
        if value is not None:
            found[feature] = value
    return found


def _at_release(
    engine: KubeObjectHandler,
    release: rules.Release,
    inputs: JSONObject,
    old_inputs: JSONObject | None,
    unknown: frozenset[str],
    features: Mapping[str, bool],
    served_fields: bool = True,
) -> tuple[rules.Validated, tuple[rules.Skipped, ...]]:
    """`served_fields`: also refuse fields the release's API version lacks (offline; a reachable Supervisor's
    Check says so itself, naming the version it serves)."""
    kind = engine.kind_ref.kind
    version = f"{engine.kind_ref.group}/{RELEASE_VERSIONS[release]}"

    def request(operation: Operation, obj: KubeObject, old: JSONObject | None) -> rules.Request[Any]:
        return rules.Request(
            kind,
            operation,
            cast(JSONObject, obj),
            release,
            old=old,
            user=PROGRAM,
            unknown=unknown,  # type: ignore[arg-type]
        )

    definition = engine.definition
    outside = (
        fields_outside_version(definition.inputs, inputs, RELEASE_VERSIONS[release]) if served_fields else []
    )
    undeclared = tuple(FieldError("", at, None, f"{NOT_DECLARED} ({why})") for at, why in outside)
    if old_inputs is None:
        body = with_crd_defaults(definition, engine.create_body(inputs, version))
        mutated, validated = rules.admit(request("CREATE", body, None))
        return _undeclared(
            undeclared, _with_schema(engine, mutated, _with_denial(mutated, validated))
        ), mutated.unjudged
    written_before = engine.create_body(old_inputs, version)
    created = rules.mutate(request("CREATE", with_crd_defaults(definition, written_before), None))
    live = created.object if created.denied is None else cast(JSONObject, written_before)
    body = engine.update_body(old_inputs, inputs, cast(KubeObject, live), version)
    updated = _server_side_apply(live, cast(JSONObject, written_before), cast(JSONObject, body))
    defaulted = with_crd_defaults(definition, cast(KubeObject, updated))
    mutated, validated = rules.admit(request("UPDATE", defaulted, live))
    return _undeclared(
        undeclared, _with_schema(engine, mutated, _with_denial(mutated, validated))
    ), mutated.unjudged


def _undeclared(undeclared: tuple[FieldError, ...], validated: rules.Validated) -> rules.Validated:
    """The apiserver refuses a field its schema lacks before any webhook runs; the webhooks' own errors are kept
    too, so that a preview names everything the program has to fix."""
    return rules.Validated((*undeclared, *validated.errors), validated.unjudged) if undeclared else validated


_LEADING_PATH = re.compile(r"^((?:metadata|spec)[^\s:]*): ")


def _with_denial(mutated: rules.Mutated, validated: rules.Validated) -> rules.Validated:
    """A mutating webhook's denial as an error of the field it names (the object's spec otherwise)."""
    if mutated.denied is None:
        return validated
    found = _LEADING_PATH.match(mutated.denied)
    at = found.group(1) if found else "spec"
    detail = mutated.denied[found.end() :] if found else mutated.denied
    return rules.Validated((FieldError("", at, None, detail),), validated.unjudged)


def _with_schema(
    engine: KubeObjectHandler, mutated: rules.Mutated, validated: rules.Validated
) -> rules.Validated:
    """The apiserver's schema runs after the mutating webhooks: a required field the program left for them to
    fill that they did not fill is refused, unless a mutation that could not be judged may have filled it."""
    if mutated.denied is not None:
        return validated
    errors, unjudged = list(validated.errors), list(validated.unjudged)
    for at in unfilled_required(engine.definition, cast(KubeObject, mutated.object)):
        blocker = rules.undecided_by(mutated, at)
        if blocker is None:
            errors.append(required(FieldPath(at)))
        else:
            unjudged.append(rules.Skipped(blocker.rule, f"{blocker.fact}, which decides {at}"))
    return rules.Validated(tuple(errors), tuple(unjudged))


RELEASE_NAMES: dict[rules.Release, str] = {"8.0u3": "vSphere 8.0 U3", "9.1": "vSphere 9.1"}


def _key(error: FieldError) -> tuple[str, str, Effect]:
    return (error.field, error.type, error.effect)


def offline_verdict(
    engine: KubeObjectHandler,
    inputs: JSONObject,
    old_inputs: JSONObject | None,
    unknown: frozenset[str],
    facts: ServerFacts | None = None,
) -> Verdict:
    """The rules' verdict on creating the object `inputs` describe (`old_inputs` None) or on updating it, at
    every release that serves the kind. An error every release gives stands (in the newest release's words);
    a field only some releases refuse to change in place is still planned as a replacement (the safe
    prediction, naming the releases); any other error only some releases give is not judged (even where every
    release refuses the object, each for a reason of its own: a release's rule may read a fact the preview
    lacks, such as the VM's status)."""
    facts = facts or NoServer()
    told = facts.release()
    served = [
        r for r in rules.RELEASES if RELEASE_VERSIONS[r] in engine.kind_ref.versions and told in (None, r)
    ]
    features = known_features(facts)
    judged: dict[rules.Release, tuple[FieldError, ...]] = {}
    unjudged: dict[str, None] = {}
    for release in served:
        try:
            validated, skipped = _at_release(
                engine, release, inputs, old_inputs, unknown, features, served_fields=told is None
            )
        except (TypeError, AttributeError, KeyError, ValueError) as malformed:
            # Inputs that do not have the API's shape (Check reports them; old state may be anything): the
            # rules cannot read them, so they judge nothing here.
            return Verdict(
                unjudged=(f"every rule: the inputs do not have the API's shape ({type(malformed).__name__})",)
            )
        judged[release] = validated.errors
        for skip in (*skipped, *validated.unjudged):
            unjudged[f"{skip.rule.name} ({skip.fact})"] = None
    if not judged:
        return Verdict()
    keys = {release: {_key(e) for e in errors} for release, errors in judged.items()}
    errors: list[FieldError] = []
    seen: set[tuple[str, str, Effect]] = set()
    for release in reversed(served):  # the newest release's words first
        for error in judged[release]:
            if _key(error) in seen:
                continue
            seen.add(_key(error))
            refusing = [r for r in served if _key(error) in keys[r]]
            if len(refusing) == len(served):
                errors.append(error)
            elif error.effect is Effect.IMMUTABLE:
                where = " and ".join(RELEASE_NAMES[r] for r in refusing)
                errors.append(dataclasses.replace(error, detail=f"{error.detail} (on a {where} Supervisor)"))
            else:
                unjudged[f"only a {RELEASE_NAMES[release]} Supervisor refuses {error}"] = None
    return Verdict(tuple(errors), tuple(unjudged))
