"""The planned steps, diagnostics and policy results of one `pulumi preview`, read from its JSON.

Two shapes are understood: the digest `pulumi preview --json` prints, and the engine events it prints with
`PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1` (one JSON object per line). Only the events carry policy results, and
only they keep the steps when a mandatory policy fails the preview; the digest carries no policy results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from vmservice_api.objects import JSONObject

# Ops of one resource's replacement, folded into "replace".
_REPLACE_OPS = {"replace", "create-replacement", "delete-replaced", "discard-replaced"}
_OP_RANK = {
    "same": 0,
    "read": 1,
    "refresh": 1,
    "import": 2,
    "create": 3,
    "update": 4,
    "delete": 5,
    "replace": 6,
}


@dataclass
class Step:
    op: str
    urn: str
    type: str
    old: JSONObject  # inputs before (empty for creates)
    new: JSONObject  # inputs after (empty for deletes)
    detailed_diff: dict[str, str] | None  # path -> kind ("update", "update-replace", ...); None: not given
    replace_reasons: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class Diagnostic:
    urn: str
    severity: str
    message: str


@dataclass(frozen=True)
class Violation:
    policy: str
    pack: str
    level: str  # advisory, mandatory, remediate
    urn: str
    message: str


@dataclass
class Preview:
    steps: list[Step] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    policy_packs: list[str] = field(default_factory=list)
    policies_seen: bool = False  # the input could carry policy results (engine events)
    failed: bool = False

    def warnings_for(self, urn: str) -> list[str]:
        return [d.message for d in self.diagnostics if d.urn == urn and d.severity == "warning"]


def _inputs(state: Any) -> JSONObject:
    inputs = state.get("inputs") if isinstance(state, dict) else None
    return inputs if isinstance(inputs, dict) else {}


def _detailed(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    # the digest says "kind", engine events "diffKind"
    return {
        str(path): str((d or {}).get("kind") or (d or {}).get("diffKind") or "update")
        for path, d in value.items()
    }


def _step(op: str, urn: str, type_: str, old: Any, new: Any, detailed: Any, reasons: Any) -> Step:
    return Step(
        "replace" if op in _REPLACE_OPS else op,
        urn,
        type_,
        _inputs(old),
        _inputs(new),
        _detailed(detailed),
        [str(r) for r in reasons or []],
    )


def _message(text: Any) -> str:
    message = str(text or "").strip()
    for prefix in ("warning: ", "error: ", "info: "):
        message = message.removeprefix(prefix)
    return message


def _from_digest(digest: JSONObject) -> Preview:
    preview = Preview()
    for raw in digest.get("steps") or []:
        state = raw.get("newState") or raw.get("oldState") or {}
        preview.steps.append(
            _step(
                str(raw.get("op")),
                str(raw.get("urn")),
                str(state.get("type") or ""),
                raw.get("oldState"),
                raw.get("newState"),
                raw.get("detailedDiff"),
                raw.get("replaceReasons"),
            )
        )
    for raw in digest.get("diagnostics") or []:
        diagnostic = Diagnostic(
            str(raw.get("urn") or ""), str(raw.get("severity")), _message(raw.get("message"))
        )
        preview.diagnostics.append(diagnostic)
        preview.failed |= diagnostic.severity == "error"
    return preview


def _from_events(events: list[JSONObject]) -> Preview:
    preview = Preview(policies_seen=True)
    steps: dict[str, Step] = {}
    for event in events:
        if "resourcePreEvent" in event:
            meta = event["resourcePreEvent"].get("metadata") or {}
            old, new = meta.get("old") or {}, meta.get("new") or {}
            step = _step(
                str(meta.get("op")),
                str(meta.get("urn")),
                str(meta.get("type") or ""),
                old,
                new,
                meta.get("detailedDiff"),
                meta.get("replaceReasons"),
            )
            known = steps.get(step.urn)
            if known is None or _OP_RANK.get(step.op, 0) >= _OP_RANK.get(known.op, 0):
                if known is not None and step.op == known.op == "replace":
                    step.old = step.old or known.old
                    step.new = step.new or known.new
                    step.detailed_diff = step.detailed_diff or known.detailed_diff
                steps[step.urn] = step
        elif "diagnosticEvent" in event:
            raw = event["diagnosticEvent"]
            if raw.get("severity") in ("debug", "info#err"):
                continue
            diagnostic = Diagnostic(
                str(raw.get("urn") or ""), str(raw.get("severity")), _message(raw.get("message"))
            )
            preview.diagnostics.append(diagnostic)
            preview.failed |= diagnostic.severity == "error"
        elif "policyEvent" in event:
            raw = event["policyEvent"]
            preview.violations.append(
                Violation(
                    str(raw.get("policyName")),
                    str(raw.get("policyPackName")),
                    str(raw.get("enforcementLevel")),
                    str(raw.get("resourceUrn") or ""),
                    _message(raw.get("message")),
                )
            )
        elif "policyLoadEvent" in event or "policyAnalyzeSummaryEvent" in event:
            pack = (event.get("policyAnalyzeSummaryEvent") or {}).get("policyPackName")
            if pack and pack not in preview.policy_packs:
                preview.policy_packs.append(str(pack))
        elif "summaryEvent" in event:
            preview.failed |= event["summaryEvent"].get("result") == "failed"
    preview.steps = list(steps.values())
    return preview


def parse(text: str) -> Preview:
    """The preview from either JSON shape; ValueError when it is neither."""
    text = text.strip()
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        document = None
    if isinstance(document, dict) and ("steps" in document or "changeSummary" in document):
        return _from_digest(document)
    events: list[JSONObject] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"line {number}: neither `pulumi preview --json` output nor engine events ({error.msg})"
            ) from None
        if not isinstance(event, dict):
            raise ValueError(f"line {number}: expected a JSON object")
        events.append(event)
    return _from_events(events)


def plan_steps(plan: JSONObject) -> dict[str, list[str]]:
    """The steps a saved update plan (`pulumi preview --save-plan`) allows, by URN."""
    resource_plans = plan.get("resourcePlans") or {}
    return {str(urn): [str(s) for s in (p or {}).get("steps") or []] for urn, p in resource_plans.items()}
