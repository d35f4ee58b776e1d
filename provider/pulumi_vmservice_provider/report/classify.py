"""How disruptive each planned step is, as the provider said when it planned it.

The provider's Diff builds one plan per resource and warns about every disruptive change in it
(`<path> forces a replacement: <why>`, `<path> discards ...`, and the VM's power-cycle and next-power-on
lines); the engine's detailed diff lists every changed path. The report reads both and computes nothing
again: a path the provider did not warn about updates in place, unless the engine says it replaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pulumi_vmservice_provider.kinds.virtualmachine.power import AT_NEXT_POWER_ON, CYCLED
from pulumi_vmservice_provider.model.plan import Disruption
from pulumi_vmservice_provider.report.preview import Step

_SAID = re.compile(r"^(?P<path>\S+) (?P<what>.+)$", re.DOTALL)
_REPLACES = "forces a replacement: "


@dataclass(frozen=True)
class FieldChange:
    path: str
    disruption: Disruption
    reason: str | None = None  # why it replaces or discards data


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


def said_by_provider(warnings: list[str]) -> dict[str, FieldChange]:
    """The disruptive changes the provider warned about, by path."""
    found: dict[str, FieldChange] = {}
    for warning in warnings:
        match = _SAID.match(warning.strip())
        if match is None:
            continue
        path, what = match.group("path"), match.group("what").strip()
        if what.startswith(_REPLACES):
            found[path] = FieldChange(path, Disruption.REPLACE, what.removeprefix(_REPLACES))
        elif what.startswith("discards "):
            found[path] = FieldChange(path, Disruption.DATA_LOSS, what)
        elif what == CYCLED:
            found[path] = FieldChange(path, Disruption.POWER_CYCLE)
        elif what == AT_NEXT_POWER_ON:
            found[path] = FieldChange(path, Disruption.NEXT_POWER_ON)
    return found


def classify(step: Step, warnings: list[str]) -> Classified:
    """The field changes of one step with their disruption class (none for creates, deletes, sames)."""
    result = Classified(step)
    if step.op not in ("update", "replace"):
        return result
    said = said_by_provider(warnings)
    engine = step.detailed_diff or {}
    for path in sorted(set(engine) | set(said)):
        if path in said:
            result.changes.append(said[path])
        elif engine[path].endswith("-replace"):
            result.changes.append(
                FieldChange(path, Disruption.REPLACE, "the provider requires a replacement")
            )
        else:
            result.changes.append(FieldChange(path, Disruption.IN_PLACE))
    if step.op == "replace" and not any(c.disruption.rank >= Disruption.REPLACE.rank for c in result.changes):
        why = "; ".join(step.replace_reasons) or "the provider requires a replacement"
        result.changes.append(
            FieldChange(", ".join(step.replace_reasons) or "(resource)", Disruption.REPLACE, why)
        )
    return result
