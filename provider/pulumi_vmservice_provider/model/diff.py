"""Diff: compare old inputs with new checked inputs, property by property.

Only inputs are compared, never live outputs, so fields the server fills in (defaults, UUIDs, rewritten
image names) cannot show up as drift. A change under a property with a `replace` reason is reported as a
replacement together with that reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pulumi_vmservice_provider.model import paths
from pulumi_vmservice_provider.model.types import Prop
from pulumi_vmservice_provider.wire import UNKNOWN, contains_unknown, reveal

ChangeKind = Literal["add", "delete", "update"]


@dataclass(frozen=True)
class Change:
    path: str
    kind: ChangeKind
    replace_reason: str | None = None

    @property
    def replaces(self) -> bool:
        return self.replace_reason is not None


def diff_properties(props: Mapping[str, Prop], old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    _diff_object(props, reveal(old), reveal(new), "", None, changes)
    return changes


def _diff_object(
    props: Mapping[str, Prop] | None,
    old: dict[str, Any],
    new: dict[str, Any],
    base: str,
    inherited_reason: str | None,
    changes: list[Change],
) -> None:
    for key in sorted(set(old) | set(new)):
        if key.startswith("__"):
            continue
        prop = props.get(key) if props is not None else None
        reason = (prop.replace if prop else None) or inherited_reason
        _diff_value(prop, old.get(key), new.get(key), paths.join(base, key), reason, changes)


def _diff_value(
    prop: Prop | None,
    old: Any,
    new: Any,
    path: str,
    reason: str | None,
    changes: list[Change],
) -> None:
    if old == new and not contains_unknown(new):
        return
    if old is None:
        changes.append(Change(path, "add", reason))
        return
    if new is None:
        changes.append(Change(path, "delete", reason))
        return
    if new is UNKNOWN or type(old) is not type(new):
        changes.append(Change(path, "update", reason))
        return
    if isinstance(old, dict):
        if prop is not None and prop.kind == "object" and prop.obj is not None:
            _diff_object(prop.obj.properties, old, new, path, reason, changes)
        else:
            child = prop.items if prop is not None and prop.kind == "map" else None
            for key in sorted(set(old) | set(new)):
                _diff_value(child, old.get(key), new.get(key), paths.join(path, key), reason, changes)
        return
    if isinstance(old, list):
        item = prop.items if prop is not None else None
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else None
            after = new[index] if index < len(new) else None
            _diff_value(item, before, after, paths.join(path, index), reason, changes)
        return
    changes.append(Change(path, "update", reason))
