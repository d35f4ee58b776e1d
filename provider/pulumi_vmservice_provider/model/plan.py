"""The plan of an update: one typed answer per changed property, computed once per resource and operation.

Diff builds it (`build_plan`), answers the engine from it and warns from it; Update executes it (the plan is
handed to the handler, never recomputed); the pull-request report reads the warnings it produced.

Only inputs are compared, never live outputs, so fields the server fills in (defaults, UUIDs, rewritten
image names) cannot show up as drift. Each change gets a disruption class, least to most disruptive:

- `in-place`: applied to the running object;
- `next-power-on`: applied while the object is stopped, so it takes effect when it starts again;
- `power-cycle`: the provider stops the object, applies the change and starts it;
- `replace`: a new object replaces the old one (the reason comes from the field's modifiers);
- `data-loss`: data is discarded (a snapshot revert, or replacing an object that holds it);

and, when the Supervisor would refuse it as planned, a refusal: the preview fails naming the property.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from vmservice_api.objects import JSON, JSONObject
from vmservice_api.rules.fielderrors import Effect, FieldError

from pulumi_vmservice_provider.model import paths
from pulumi_vmservice_provider.model.modifiers import (
    AppliedWhileOff,
    ChangeContext,
    ChangeKind,
    DataLoss,
    NoServer,
    RefuseIf,
    Replace,
    ReplaceIf,
    ServerFacts,
)
from pulumi_vmservice_provider.model.types import Prop, ResourceDef
from pulumi_vmservice_provider.wire import UNKNOWN, contains_unknown, reveal


class Disruption(StrEnum):
    IN_PLACE = "in-place"
    NEXT_POWER_ON = "next-power-on"
    POWER_CYCLE = "power-cycle"
    REPLACE = "replace"
    DATA_LOSS = "data-loss"

    @property
    def rank(self) -> int:
        return list(Disruption).index(self)


@dataclass(frozen=True)
class PlannedChange:
    """One changed property: how it is applied and why."""

    path: str
    kind: ChangeKind
    disruption: Disruption = Disruption.IN_PLACE
    replaces: bool = False
    reason: str | None = None  # why it replaces, discards data, or needs the object stopped
    refused: str | None = None  # why it would be refused as planned: the preview fails
    applied_while_off: bool = False  # some property on the path is applied only while stopped
    warning: str | None = None  # what the preview warns (after the path), when it is disruptive

    @property
    def replace_reason(self) -> str | None:
        return self.reason if self.replaces else None

    def replacing(self, reason: str) -> PlannedChange:
        """This change as a replacement for `reason` (data loss stays data loss)."""
        disruption = Disruption.DATA_LOSS if self.disruption is Disruption.DATA_LOSS else Disruption.REPLACE
        return dataclasses.replace(
            self,
            replaces=True,
            disruption=disruption,
            reason=reason,
            refused=None,
            warning=f"forces a replacement: {reason}",
        )


@dataclass(frozen=True)
class Plan:
    """Every planned change of one resource, and how a replacement is ordered."""

    changes: tuple[PlannedChange, ...] = ()
    # Whether a replacement deletes the old object first (a fixed name cannot exist twice).
    delete_before_replace: bool = False
    # Admission rules the provider could not judge without the Supervisor (what each lacked).
    unjudged: tuple[str, ...] = ()

    @property
    def replaces(self) -> list[PlannedChange]:
        return [c for c in self.changes if c.replaces]

    @property
    def refused(self) -> list[tuple[str, str]]:
        """(path, why) of every change the Supervisor would refuse as planned."""
        return [(c.path, c.refused) for c in self.changes if c.refused is not None]

    @property
    def deletes_first(self) -> bool:
        return self.delete_before_replace and bool(self.replaces)

    def has(self, disruption: Disruption) -> bool:
        return any(c.disruption is disruption and not c.replaces for c in self.changes)

    @property
    def worst(self) -> Disruption | None:
        return max((c.disruption for c in self.changes), key=lambda d: d.rank, default=None)

    def warnings(self) -> list[str]:
        """What a preview warns about, one line per disruptive change: `<path> <what happens>`."""
        return [f"{c.path} {c.warning}" for c in self.changes if c.warning]

    def with_admission(
        self,
        errors: Iterable[FieldError],
        definition: ResourceDef,
        old_inputs: JSONObject,
        new_inputs: JSONObject,
    ) -> Plan:
        """The plan as the Supervisor's admission rules judge the update: a field it refuses to change in place
        is replaced (upstream's words the reason), a change it allows only while the VM is off goes through the
        resource's modifiers as one applied while off, anything else it refuses fails the plan."""
        changes = list(self.changes)
        old, new = reveal(old_inputs), reveal(new_inputs)
        for error in errors:
            path = paths.to_property(error.field, definition.inputs)
            related = [i for i, c in enumerate(changes) if paths.related(c.path, path)]
            if not related:
                changes.append(PlannedChange(path, "update"))
                related = [len(changes) - 1]
            for index in related:
                change = changes[index]
                if error.effect is Effect.IMMUTABLE:
                    upstream = f"the Supervisor refuses to change it in place: {error}"
                    reason = f"{change.reason} ({upstream})" if change.replaces else upstream
                    changes[index] = change.replacing(reason)
                elif change.replaces:
                    continue
                elif error.effect is Effect.WHILE_OFF:
                    change = dataclasses.replace(change, applied_while_off=True)
                    for modifier in definition.modifiers:
                        change = modifier.reclassify(change, old, new)
                    if change.disruption not in (Disruption.POWER_CYCLE, Disruption.NEXT_POWER_ON):
                        change = dataclasses.replace(change, refused=str(error))
                    changes[index] = change
                else:
                    changes[index] = dataclasses.replace(change, refused=str(error))
        return dataclasses.replace(self, changes=tuple(changes))

    def with_create_refusals(self, errors: Iterable[FieldError], definition: ResourceDef) -> Plan:
        """A replacement creates the object anew, which the Supervisor judges as a create: each refusal of the
        new object fails the plan, naming its field, whether or not that field changed."""
        kind = definition.kube.kind if definition.kube is not None else definition.token
        said = [c.refused for c in self.changes if c.refused is not None]
        refused = [
            PlannedChange(
                paths.to_property(error.field, definition.inputs) if error.field else "spec",
                "update",
                refused=f"the replacement's new {kind} would be refused by the Supervisor: {error}",
            )
            for error in errors
            if not any(str(error) in text for text in said)  # the update's refusal already says it
        ]
        return dataclasses.replace(self, changes=(*self.changes, *refused)) if refused else self

    def redacted(self, redact: Callable[[str], str]) -> Plan:
        """The plan with every message passed through `redact` (upstream's errors quote values, which may be
        secret)."""

        def clean(text: str | None) -> str | None:
            return None if text is None else redact(text)

        changes = tuple(
            dataclasses.replace(c, reason=clean(c.reason), refused=clean(c.refused), warning=clean(c.warning))
            for c in self.changes
        )
        return dataclasses.replace(self, changes=changes, unjudged=tuple(redact(u) for u in self.unjudged))

    def with_refusals(self, refusals: Iterable[tuple[str, str]], props: Mapping[str, Prop]) -> Plan:
        """The plan with each field the server refuses to change in place as a replacement, the server's
        words its reason (a refused field the plan did not see change is added as an update)."""
        changes = list(self.changes)
        for api_path, message in refusals:
            path = paths.to_property(api_path, props)
            reason = f"the Supervisor refuses to change it in place (dry run): {message}"
            matched = False
            for index, change in enumerate(changes):
                if paths.related(change.path, path):
                    matched = True
                    if not change.replaces:
                        changes[index] = change.replacing(reason)
            if not matched:
                changes.append(PlannedChange(path, "update").replacing(reason))
        return dataclasses.replace(self, changes=tuple(changes))


@dataclass(frozen=True)
class _Rules:
    """What the properties along a change's path say about it."""

    replace: Replace | ReplaceIf | None = None
    refuse_if: RefuseIf | None = None
    applied_while_off: bool = False
    data_loss: DataLoss | None = None
    shape_only: bool = False  # below a property used for its shape only: nested rules do not apply

    def under(self, prop: Prop | None) -> _Rules:
        if prop is None or self.shape_only:
            return self
        replace = prop.modifier(Replace) or prop.modifier(ReplaceIf) or self.replace
        return _Rules(
            replace,
            prop.modifier(RefuseIf) or self.refuse_if,
            self.applied_while_off or prop.has(AppliedWhileOff),
            prop.modifier(DataLoss) or self.data_loss,
            not prop.rules_below,
        )


@dataclass
class _Planner:
    old: JSONObject
    new: JSONObject
    server: ServerFacts
    changes: list[PlannedChange]

    def record(self, path: str, kind: ChangeKind, rules: _Rules) -> None:
        context = ChangeContext(path, kind, self.old, self.new, self.server)
        change = PlannedChange(path, kind, applied_while_off=rules.applied_while_off)
        if rules.data_loss is not None:
            change = dataclasses.replace(
                change,
                disruption=Disruption.DATA_LOSS,
                reason=f"discards {rules.data_loss.what}",
                warning=f"discards {rules.data_loss.what}",
            )
        reason = rules.replace.reason if isinstance(rules.replace, Replace) else None
        if isinstance(rules.replace, ReplaceIf):
            reason = rules.replace.decide(context)
        if reason is not None:
            change = change.replacing(reason)
        elif rules.refuse_if is not None:
            change = dataclasses.replace(change, refused=rules.refuse_if.decide(context))
        self.changes.append(change)

    def object(
        self, props: Mapping[str, Prop] | None, old: JSON, new: JSON, base: str, rules: _Rules
    ) -> None:
        assert isinstance(old, dict) and isinstance(new, dict)
        for key in sorted(set(old) | set(new)):
            if key.startswith("__"):
                continue
            prop = props.get(key) if props is not None else None
            self.value(prop, old.get(key), new.get(key), paths.join(base, key), rules.under(prop))

    def value(self, prop: Prop | None, old: JSON, new: JSON, path: str, rules: _Rules) -> None:
        if old == new and not contains_unknown(new):
            return
        if old is None:
            self.record(path, "add", rules)
        elif new is None:
            self.record(path, "delete", rules)
        elif new is UNKNOWN or type(old) is not type(new):
            self.record(path, "update", rules)
        elif isinstance(old, dict):
            if prop is not None and prop.kind == "object" and prop.obj is not None:
                self.object(prop.obj.properties, old, new, path, rules)
            else:
                assert isinstance(new, dict)
                child = prop.items if prop is not None and prop.kind == "map" else None
                for key in sorted(set(old) | set(new)):
                    self.value(child, old.get(key), new.get(key), paths.join(path, key), rules.under(child))
        elif isinstance(old, list):
            assert isinstance(new, list)
            item = prop.items if prop is not None else None
            item_rules = rules.under(item)
            for index in range(max(len(old), len(new))):
                before = old[index] if index < len(old) else None
                after = new[index] if index < len(new) else None
                self.value(item, before, after, paths.join(path, index), item_rules)
        else:
            self.record(path, "update", rules)


PLANS_BUILT = [0]
"""How many plans this process computed (a test holds Diff and Update to one per resource)."""


def build_plan(
    definition: ResourceDef,
    old_inputs: JSONObject,
    new_inputs: JSONObject,
    server: ServerFacts | None = None,
    delete_before_replace: bool = False,
) -> Plan:
    """The plan of changing a resource from `old_inputs` to `new_inputs` (Pulumi values: secrets and unknowns
    allowed), by its properties' modifiers, then its resource modifiers."""
    PLANS_BUILT[0] += 1
    old, new = reveal(old_inputs), reveal(new_inputs)
    planner = _Planner(old, new, server or NoServer(), [])
    planner.object(definition.inputs, old, new, "", _Rules())
    changes = planner.changes
    for modifier in definition.modifiers:
        changes = [modifier.reclassify(change, old, new) for change in changes]
    return Plan(
        tuple(changes), delete_before_replace=delete_before_replace and any(c.replaces for c in changes)
    )


def planned_changes(
    definition: ResourceDef, old_inputs: JSONObject, new_inputs: JSONObject, server: ServerFacts | None = None
) -> list[PlannedChange]:
    """The changes of `build_plan`, for callers that only look at them (tests, the differential test)."""
    return list(build_plan(definition, old_inputs, new_inputs, server).changes)


def plan_key(urn: str, old_inputs: JSONObject, new_inputs: JSONObject) -> str:
    """What identifies a plan: the resource and both sets of inputs (Update gets the plan Diff made)."""
    text = json.dumps([urn, reveal(old_inputs), reveal(new_inputs)], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def strip_server_defaults(props: Mapping[str, Prop], values: JSONObject) -> JSONObject:
    """`values` without the fields whose value is what the server fills in when they are left out."""
    from pulumi_vmservice_provider.model.modifiers import ServerDefault

    stripped: JSONObject = {}
    for key, value in values.items():
        prop = props.get(key)
        default = prop.modifier(ServerDefault) if prop is not None else None
        if default is not None and default.is_default(value):
            continue
        if prop is not None and prop.kind == "object" and prop.obj is not None and isinstance(value, dict):
            inner = strip_server_defaults(prop.obj.properties, value)
            if value and not inner:
                continue  # held only what the server fills in
            value = inner
        stripped[key] = value
    return stripped
