"""The Markdown report: counts, destructive changes first, then power cycles, then in-place updates; capacity
per namespace, missing references, policy results. Always under the size limit (rows are left out from the
least important tables first, with a pointer to the full diff); never a secret value."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pulumi_vmservice_provider.model.plan import Disruption
from pulumi_vmservice_provider.report.capacity import Delta, MissingReference
from pulumi_vmservice_provider.report.classify import Classified
from pulumi_vmservice_provider.report.preview import Preview

MARKER = "<!-- vmservice-preview-report -->"  # finds the sticky comment to update
MAX_BYTES = 60_000  # GitHub comments take 65,536 characters
ANCHOR = "full-diff"


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list[str]]
    intro: list[str] = field(default_factory=list)
    empty: str = ""
    omitted: int = 0

    def render(self, more: str) -> str:
        lines = [f"### {self.title}", ""]
        for paragraph in self.intro:
            lines += [paragraph, ""]
        if self.rows:
            lines.append("| " + " | ".join(self.header) + " |")
            lines.append("|" + "---|" * len(self.header))
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in self.rows]
        elif self.empty:
            lines.append(self.empty)
        if self.omitted:
            lines += ["", f"… and {self.omitted} more rows, {more}."]
        return "\n".join(lines) + "\n"


@dataclass
class ReportInput:
    preview: Preview
    classified: list[Classified]
    deltas: dict[str, Delta]
    missing: list[MissingReference]
    inventory_note: str | None  # why class data is missing or partial (None: complete)
    plan_notes: list[str]
    failures: list[str]  # the --fail-on conditions that were met
    full_diff_url: str | None
    title: str = "Pulumi preview"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip() or " "


def _resource(classified: Classified) -> str:
    step = classified.step
    return f"`{step.type.rsplit(':', 1)[-1]}` **{step.name}**"


def _signed(value: float, unit: str = "") -> str:
    text = f"{value:+.1f}".replace(".0", "") if value else "0"
    return text + unit


def _mib(value: float) -> str:
    return _signed(value / 1024, " GiB") if value and value % 1024 == 0 else _signed(value, " MiB")


def counts(preview: Preview) -> str:
    ops = Counter(step.op for step in preview.steps if not step.type.startswith("pulumi:"))
    order = ["create", "update", "replace", "delete", "import", "same"]
    parts = [f"{ops[op]} to {op}" for op in order if ops[op]]
    parts += [f"{n} {op}" for op, n in sorted(ops.items()) if op not in order]
    return ", ".join(parts) or "no resources"


def destructive(items: list[Classified]) -> Section:
    rows = []
    ranked = sorted(items, key=lambda c: -(c.disruption.rank if c.disruption else -1))
    for c in ranked:
        if c.step.op == "delete":
            rows.append(
                [_resource(c), c.namespace, "**delete**", "(whole resource)", "removed from the program"]
            )
            continue
        if c.disruption is None or c.disruption.rank < Disruption.REPLACE.rank:
            continue
        for change in c.changes:
            if change.disruption.rank >= Disruption.REPLACE.rank:
                what = "**data loss**" if change.disruption is Disruption.DATA_LOSS else "**replace**"
                rows.append(
                    [
                        _resource(c),
                        c.namespace,
                        what,
                        f"`{change.path}`",
                        change.reason or "discards the guest's data",
                    ]
                )
    return Section(
        "Destructive changes",
        ["resource", "namespace", "change", "field", "reason"],
        rows,
        empty="None: no VM or object is replaced or deleted, no data is discarded.",
    )


def by_class(items: list[Classified], classes: tuple[Disruption, ...], title: str, empty: str) -> Section:
    rows = []
    for c in items:
        if c.step.op != "update":
            continue
        for change in c.changes:
            if change.disruption in classes:
                note = {
                    Disruption.POWER_CYCLE: "the provider powers the VM off and on (allowPowerCycle)",
                    Disruption.NEXT_POWER_ON: "applied while the VM is off; takes effect at its next power-on",
                    Disruption.IN_PLACE: "",
                }[change.disruption]
                rows.append([_resource(c), c.namespace, change.disruption.value, f"`{change.path}`", note])
    return Section(title, ["resource", "namespace", "class", "field", "note"], rows, empty=empty)


def capacity(deltas: dict[str, Delta], note: str | None) -> Section:
    rows = [
        [
            f"`{namespace}`",
            _signed(d.cpus),
            _mib(d.memory_mib),
            _signed(d.reserved_cpus),
            _mib(d.reserved_memory_mib),
            ", ".join(f"`{n}`" for n in sorted(d.unknown_classes)) or "",
        ]
        for namespace, d in sorted(deltas.items())
        if not d.zero or d.unknown_classes
    ]
    intro = ["From the VM classes' hardware and reservations (`spec.policies.resources.requests`)."]
    if note:
        intro.append(f"⚠️ Class data unavailable: {note}")
    return Section(
        "Capacity by namespace",
        ["namespace", "vCPU", "memory", "reserved vCPU", "reserved memory", "classes without data"],
        rows,
        intro=intro,
        empty="No change in VM capacity.",
    )


def references(missing: list[MissingReference]) -> Section:
    rows = [[f"`{m.namespace}`", f"**{m.urn.rsplit('::', 1)[-1]}**", m.what, f"`{m.name}`"] for m in missing]
    return Section(
        "References the namespace does not have",
        ["namespace", "resource", "kind", "name"],
        rows,
        empty="None (every class, image and storage class checked is offered by its namespace).",
    )


def policies(preview: Preview) -> Section:
    order = {"mandatory": 0, "remediate": 1, "advisory": 2}
    rows = [
        [v.level, f"`{v.policy}`", f"**{v.urn.rsplit('::', 1)[-1]}**" if v.urn else "(stack)", v.message]
        for v in sorted(preview.violations, key=lambda v: (order.get(v.level, 3), v.policy, v.urn))
    ]
    if preview.policies_seen:
        packs = ", ".join(f"`{p}`" for p in preview.policy_packs) or "none"
        intro, empty = [f"Policy packs: {packs}."], "No violations."
    else:
        intro = [
            "Not available: `pulumi preview --json` leaves policy results out; run it with "
            "`PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1` to include them."
        ]
        empty = ""
    return Section("Policy", ["level", "policy", "resource", "message"], rows, intro=intro, empty=empty)


def render(report: ReportInput, max_bytes: int = MAX_BYTES) -> str:
    preview = report.preview
    head = [MARKER, f"## {report.title}", ""]
    status = "❌ preview failed" if preview.failed else "✅ preview succeeded"
    head.append(f"{status}: {counts(preview)}.")
    if report.failures:
        head += ["", "**Approval required** (`--fail-on`): " + "; ".join(report.failures) + "."]
    errors = [
        d.message for d in preview.diagnostics if d.severity == "error" and d.message != "preview failed"
    ]
    if errors:
        head += ["", "Errors:", *[f"- {_cell(e)}" for e in errors[:20]]]
    head += [f"{note}" for note in report.plan_notes]
    head.append("")
    items = report.classified
    sections = [
        destructive(items),
        policies(preview),
        by_class(
            items,
            (Disruption.POWER_CYCLE, Disruption.NEXT_POWER_ON),
            "Power cycles and next power-on",
            "None.",
        ),
        capacity(report.deltas, report.inventory_note),
        references(report.missing),
        by_class(items, (Disruption.IN_PLACE,), "In-place updates", "None."),
    ]
    where = (
        f"see the [full diff]({report.full_diff_url})"
        if report.full_diff_url
        else f'see the full diff (`pulumi preview --diff`, <a href="#{ANCHOR}">{ANCHOR}</a>)'
    )
    footer = f'\n<a id="{ANCHOR}"></a>Full diff: {report.full_diff_url or "run `pulumi preview --diff` for every property"}.\n'
    text = _fit("\n".join(head) + "\n", sections, footer, where, max_bytes)
    return text


def _fit(head: str, sections: list[Section], footer: str, where: str, max_bytes: int) -> str:
    """Leave out table rows, least important section (last) first, until the report fits."""

    def size() -> int:
        return len((head + "\n".join(s.render(where) for s in sections) + footer).encode())

    for section in reversed(sections):
        while size() > max_bytes and section.rows:
            drop = max(1, len(section.rows) // 4) if size() > 2 * max_bytes else 1
            del section.rows[-drop:]
            section.omitted += drop
    text = head + "\n".join(s.render(where) for s in sections) + footer
    return text.encode()[:max_bytes].decode(errors="ignore")
