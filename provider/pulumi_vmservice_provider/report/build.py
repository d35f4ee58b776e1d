"""From the preview text (and optionally the saved plan and class data) to the report and its verdict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.context import Redactor
from pulumi_vmservice_provider.model.plan import Disruption
from pulumi_vmservice_provider.model.registry import RESOURCES
from pulumi_vmservice_provider.model.types import Prop
from pulumi_vmservice_provider.report.capacity import capacity_deltas, missing_references
from pulumi_vmservice_provider.report.classify import Classified, classify
from pulumi_vmservice_provider.report.inventory import Inventory
from pulumi_vmservice_provider.report.preview import Preview, Step, plan_steps
from pulumi_vmservice_provider.report.render import MAX_BYTES, ReportInput, render

FAIL_ON = (*(d.value for d in Disruption), "delete", "policy")


@dataclass(frozen=True)
class Options:
    fail_on: tuple[str, ...] = ()
    fail_on_namespaces: tuple[str, ...] = ()  # empty: every namespace
    full_diff_url: str | None = None
    title: str = "Pulumi preview"
    max_bytes: int = MAX_BYTES


@dataclass(frozen=True)
class Result:
    markdown: str
    failures: list[str]


def _secret_strings(props: Mapping[str, Prop], value: Any, found: set[str]) -> None:
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        prop = props.get(key)
        if prop is None:
            continue
        _prop_secrets(prop, item, found)


def _prop_secrets(prop: Prop, value: Any, found: set[str]) -> None:
    if prop.secret:
        found |= {s for s in _strings(value) if s != "[secret]"}
    elif prop.obj is not None:
        _secret_strings(prop.obj.properties, value, found)
    elif prop.items is not None:
        values = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
        for item in values:
            _prop_secrets(prop.items, item, found)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def secret_values(steps: list[Step]) -> set[str]:
    """Values of properties the model marks secret, should the preview have shown them (`--show-secrets`)."""
    found: set[str] = set()
    for step in steps:
        definition = RESOURCES.get(step.type)
        if definition is not None:
            for inputs in (step.old, step.new):
                _secret_strings(definition.inputs, inputs, found)
    return found


def failures(classified: list[Classified], preview: Preview, options: Options) -> list[str]:
    def counted(c: Classified) -> bool:
        return not options.fail_on_namespaces or c.namespace in options.fail_on_namespaces

    found = []
    for condition in options.fail_on:
        if condition == "policy":
            hits = [
                v.urn.rsplit("::", 1)[-1] or "(stack)" for v in preview.violations if v.level == "mandatory"
            ]
        elif condition == "delete":
            hits = [c.step.name for c in classified if c.step.op == "delete" and counted(c)]
        else:
            level = Disruption(condition).rank
            hits = [
                c.step.name for c in classified if c.disruption and c.disruption.rank >= level and counted(c)
            ]
        if hits:
            found.append(f"{condition} ({', '.join(sorted(set(hits)))})")
    return found


def plan_notes(preview: Preview, plan: JSONObject | None) -> list[str]:
    if plan is None:
        return []
    planned = plan_steps(plan)
    changing = {u: s for u, s in planned.items() if s and s != ["same"]}
    notes = [
        f"\nSaved update plan: `pulumi up --plan` applies exactly these {len(changing)} changes and refuses others."
    ]
    previewed = {s.urn: s.op for s in preview.steps if s.op != "same"}
    for urn in sorted(set(changing) ^ set(previewed)):
        notes.append(f"- ⚠️ plan and preview differ for **{urn.rsplit('::', 1)[-1]}**")
    return notes


def build(
    preview: Preview,
    inventory: Inventory,
    inventory_note: str | None,
    plan: JSONObject | None,
    options: Options,
) -> Result:
    classified = [classify(step, preview.warnings_for(step.urn)) for step in preview.steps]
    hits = failures(classified, preview, options)
    markdown = render(
        ReportInput(
            preview=preview,
            classified=classified,
            deltas=capacity_deltas(preview.steps, inventory),
            missing=missing_references(preview.steps, inventory),
            inventory_note=inventory_note,
            plan_notes=plan_notes(preview, plan),
            failures=hits,
            full_diff_url=options.full_diff_url,
            title=options.title,
        ),
        options.max_bytes,
    )
    return Result(Redactor(secret_values(preview.steps))(markdown), hits)
