"""How disruptive each planned step is, from the provider's model (`model.disruption`, the function Diff
uses), corrected by what the engine reported: the provider answered the preview with the Supervisor at hand,
so its detailed diff decides replace-or-not (offline, the model cannot know whether the Supervisor resizes)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pulumi_vmservice_provider.model.diff import Change, diff_properties
from pulumi_vmservice_provider.model.disruption import Disruption, assess
from pulumi_vmservice_provider.model.registry import RESOURCES
from pulumi_vmservice_provider.model.types import Prop
from pulumi_vmservice_provider.report.preview import Step

_FORCES = re.compile(r"^(?P<path>\S+) forces a replacement: (?P<reason>.+)$", re.DOTALL)
_SEGMENT = re.compile(r'\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|([^.\[\]]+)')


@dataclass(frozen=True)
class FieldChange:
    path: str
    disruption: Disruption
    reason: str | None = None  # why it replaces
    blocked: str | None = None  # why `up` would refuse it as planned


@dataclass
class Classified:
    step: Step
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def disruption(self) -> Disruption | None:
        """The step's worst class; deletions count as replacements (the object and its disks go)."""
        if self.step.op == "delete":
            return Disruption.REPLACE
        found = [c.disruption for c in self.changes]
        if self.step.op == "replace":
            found.append(Disruption.REPLACE)
        return max(found, key=lambda d: d.rank, default=None)

    @property
    def namespace(self) -> str:
        for inputs in (self.step.new, self.step.old):
            namespace = (inputs.get("metadata") or {}).get("namespace")
            if isinstance(namespace, str) and namespace:
                return namespace
        return "-"


def _segments(path: str) -> list[str]:
    return [m.group(1) or m.group(2) or m.group(3) for m in _SEGMENT.finditer(path)]


def _prop_flags(props: Mapping[str, Prop], path: str) -> tuple[bool, bool, str | None]:
    """(applied while off, data loss, unconditional replace reason) of the properties along `path`."""
    off = loss = False
    reason: str | None = None
    current: Prop | None = None
    level: Mapping[str, Prop] | None = props
    for segment in _segments(path):
        if segment.isdigit() and current is not None and current.items is not None:
            current = current.items
        elif level is not None and segment in level:
            current = level[segment]
        elif current is not None and current.kind == "map" and current.items is not None:
            current = current.items
        else:
            break
        off, loss = off or current.applied_while_off, loss or current.data_loss
        reason = reason or current.replace
        level = current.obj.properties if current.obj is not None else None
    return off, loss, reason


def _engine_reasons(warnings: list[str]) -> dict[str, str]:
    reasons = {}
    for warning in warnings:
        match = _FORCES.match(warning)
        if match:
            reasons[match.group("path")] = match.group("reason").strip()
    return reasons


def _covers(engine_path: str, model_path: str) -> bool:
    return model_path == engine_path or model_path.startswith((engine_path + ".", engine_path + "["))


def classify(step: Step, warnings: list[str]) -> Classified:
    """The field changes of one step with their disruption class (none for creates, deletes, sames)."""
    result = Classified(step)
    definition = RESOURCES.get(step.type)
    if step.op not in ("update", "replace") or definition is None:
        return result
    model = diff_properties(definition.inputs, step.old, step.new)
    engine = step.detailed_diff
    reasons = _engine_reasons(warnings)
    changes: list[Change] = []
    if engine is None:
        changes = model
    else:
        for path, kind in sorted(engine.items()):
            replaces = kind.endswith("-replace")
            matching = [c for c in model if _covers(path, c.path)]
            if not matching:
                off, loss, rule_reason = _prop_flags(definition.inputs, path)
                matching = [Change(path, "update", rule_reason, off, loss)]
            for change in matching:
                if replaces:
                    why = reasons.get(path) or reasons.get(change.path) or change.replace_reason
                    changes.append(
                        replace(change, replace_reason=why or "the provider requires a replacement")
                    )
                else:
                    changes.append(replace(change, replace_reason=None))
    result.changes = [_field(assess(change, step.old, step.new)) for change in changes]
    if step.op == "replace" and not any(c.disruption.rank >= Disruption.REPLACE.rank for c in result.changes):
        why = "; ".join(step.replace_reasons) or "the provider requires a replacement"
        result.changes.append(
            FieldChange(", ".join(step.replace_reasons) or "(resource)", Disruption.REPLACE, why)
        )
    return result


def _field(assessment: Any) -> FieldChange:
    change = assessment.change
    return FieldChange(change.path, assessment.disruption, change.replace_reason, assessment.blocked)
