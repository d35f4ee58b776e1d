"""Diff: compare old inputs with new checked inputs, property by property.

Only inputs are compared, never live outputs, so fields the server fills in (defaults, UUIDs, rewritten
image names) cannot show up as drift. A change at or below a property with a `replace` reason is a
replacement with that reason; a `replace_if` rule on such a property decides per change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pulumi_vmservice_provider.model import paths
from pulumi_vmservice_provider.model.types import (
    DiffContext,
    NoServer,
    Prop,
    RefuseIf,
    ReplaceIf,
    ServerFacts,
)
from pulumi_vmservice_provider.wire import UNKNOWN, contains_unknown, reveal

ChangeKind = Literal["add", "delete", "update"]
# What a property says about replacement: an unconditional reason or a rule (None: in place).
ReplaceRule = str | ReplaceIf | None


@dataclass(frozen=True)
class Change:
    path: str
    kind: ChangeKind
    replace_reason: str | None = None
    applied_while_off: bool = False  # some property on the path is applied only while powered off
    data_loss: bool = False
    refusal: str | None = None  # why the Supervisor would refuse this change as planned

    @property
    def replaces(self) -> bool:
        return self.replace_reason is not None


@dataclass
class _Diff:
    old: dict[str, Any]
    new: dict[str, Any]
    server: ServerFacts
    changes: list[Change]

    def record(self, path: str, kind: ChangeKind, rule: ReplaceRule, flags: _Flags) -> None:
        if isinstance(rule, ReplaceIf):
            reason = rule.decide(DiffContext(path, kind, self.old, self.new, self.server))
        else:
            reason = rule
        context = DiffContext(path, kind, self.old, self.new, self.server)
        refusal = flags.refuse_if.decide(context) if flags.refuse_if is not None else None
        self.changes.append(Change(path, kind, reason, flags.applied_while_off, flags.data_loss, refusal))


@dataclass(frozen=True)
class _Flags:
    """What the properties along a change's path say about how it is applied."""

    applied_while_off: bool = False
    data_loss: bool = False
    refuse_if: RefuseIf | None = None
    shape_only: bool = False  # below a property with `rules_below=False`: nested rules do not apply

    def under(self, prop: Prop | None) -> _Flags:
        if prop is None or self.shape_only:
            return self
        if not (prop.applied_while_off or prop.data_loss or prop.refuse_if or not prop.rules_below):
            return self
        return _Flags(
            self.applied_while_off or prop.applied_while_off,
            self.data_loss or prop.data_loss,
            prop.refuse_if or self.refuse_if,
            not prop.rules_below,
        )


def diff_properties(
    props: Mapping[str, Prop],
    old: dict[str, Any],
    new: dict[str, Any],
    server: ServerFacts | None = None,
) -> list[Change]:
    plain_old, plain_new = reveal(old), reveal(new)
    diff = _Diff(plain_old, plain_new, server or NoServer(), [])
    _diff_object(props, plain_old, plain_new, "", None, _Flags(), diff)
    return diff.changes


def _rule(prop: Prop | None, inherited: ReplaceRule, flags: _Flags) -> ReplaceRule:
    if prop is None or flags.shape_only:
        return inherited
    return prop.replace or prop.replace_if or inherited


def _diff_object(
    props: Mapping[str, Prop] | None,
    old: dict[str, Any],
    new: dict[str, Any],
    base: str,
    inherited: ReplaceRule,
    flags: _Flags,
    diff: _Diff,
) -> None:
    for key in sorted(set(old) | set(new)):
        if key.startswith("__"):
            continue
        prop = props.get(key) if props is not None else None
        rule, own = _rule(prop, inherited, flags), flags.under(prop)
        _diff_value(prop, old.get(key), new.get(key), paths.join(base, key), rule, own, diff)


def _diff_value(
    prop: Prop | None, old: Any, new: Any, path: str, rule: ReplaceRule, flags: _Flags, diff: _Diff
) -> None:
    if old == new and not contains_unknown(new):
        return
    if old is None:
        diff.record(path, "add", rule, flags)
        return
    if new is None:
        diff.record(path, "delete", rule, flags)
        return
    if new is UNKNOWN or type(old) is not type(new):
        diff.record(path, "update", rule, flags)
        return
    if isinstance(old, dict):
        if prop is not None and prop.kind == "object" and prop.obj is not None:
            _diff_object(prop.obj.properties, old, new, path, rule, flags, diff)
        else:
            child = prop.items if prop is not None and prop.kind == "map" else None
            for key in sorted(set(old) | set(new)):
                _diff_value(child, old.get(key), new.get(key), paths.join(path, key), rule, flags, diff)
        return
    if isinstance(old, list):
        item = prop.items if prop is not None else None
        item_rule, item_flags = _rule(item, rule, flags), flags.under(item)
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else None
            after = new[index] if index < len(new) else None
            _diff_value(item, before, after, paths.join(path, index), item_rule, item_flags, diff)
        return
    diff.record(path, "update", rule, flags)


def strip_server_defaults(props: Mapping[str, Prop], values: dict[str, Any]) -> dict[str, Any]:
    """`values` without the fields whose value is what the server fills in when they are left out."""
    stripped: dict[str, Any] = {}
    for key, value in values.items():
        prop = props.get(key)
        if prop is not None and prop.server_default is not None and value == prop.server_default:
            continue
        if prop is not None and prop.kind == "object" and prop.obj is not None and isinstance(value, dict):
            value = strip_server_defaults(prop.obj.properties, value)
        stripped[key] = value
    return stripped
