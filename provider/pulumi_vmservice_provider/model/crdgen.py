"""Generate the typed model of the VM Operator kinds from the CRDs' OpenAPI schemas (`make model`).

    python -m pulumi_vmservice_provider.model.crdgen [--crds .tools/crds] [--check]

reads the CustomResourceDefinitions `make tools` builds for the API releases the project supports and writes
`kinds/<kind>/generated.py`: one `ObjectType` per object in a kind's spec and status, the union of every API
version the provider understands, each field with the version that introduced it (`since`) and, where a newer
version of its parent dropped it, the last version that has it (`until`). The hand-written
layer (`kinds/<kind>/declaration.py`) adds behaviour on top: replace rules, server defaults, secrets, provider-only inputs.

Only this generator reads YAML; the provider imports the generated modules, never the CRDs.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vmservice_api.objects import JSONObject

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).resolve().parents[1] / "kinds"
GROUP = "vmoperator.vmware.com"

# Which release's CRD defines each API version as the Supervisor that serves it as its newest has it:
# v1alpha2 as vSphere 8.0 Update 3 (VM Operator v1.8.6) has it, the newer ones as 9.1 (v1.10.0) has them.
# A field 9.1 added to its own copy of v1alpha2 (for round trips) is therefore not served by an 8.0U3
# Supervisor, and gets the version that introduced it on 9.1.
VERSION_SOURCES = (("v1alpha2", "8.0u3"), ("v1alpha3", "9.1"), ("v1alpha4", "9.1"), ("v1alpha5", "9.1"))
VERSIONS = tuple(version for version, _ in VERSION_SOURCES)
# The versions the provider writes: the newest each supported release serves (8.0 U3: v1alpha2, 9.1:
# v1alpha5). A value is valid when one of them admits it; versions in between only add fields.
WRITTEN_VERSIONS = ("v1alpha2", "v1alpha5")
DESCRIPTION_LIMIT = 400


@dataclass(frozen=True)
class KindSource:
    kind: str
    plural: str
    module: str
    sections: tuple[str, ...] = ("spec", "status")
    # CRD path (dotted, array items add nothing) -> ObjectType name, where it differs from the derived one:
    # today's names stay so the SDKs stay compatible.
    names: dict[str, str] = field(default_factory=dict)
    # CRD paths generated as untyped values (`any_value`), which the hand layer types: a replica set's VM
    # template is a whole spec of another kind, typed once by that kind's own model.
    opaque: tuple[str, ...] = ()


def kind_sources() -> list[KindSource]:
    """The CRD source of every kind that declares one (`kinds/<kind>/crd.py`), in `KINDS` order."""
    import importlib

    from pulumi_vmservice_provider.kinds import KINDS

    sources = []
    for name in KINDS:
        try:
            module = importlib.import_module(f"pulumi_vmservice_provider.kinds.{name}.crd")
        except ModuleNotFoundError as error:
            if error.name != f"pulumi_vmservice_provider.kinds.{name}.crd":
                raise
            continue
        sources.append(module.SOURCE)
    return sources


# Objects that several fields share (one ObjectType under one name) describe themselves, not the field.
SHARED_TYPES = {
    "SecretKeySelector": "A key in a Secret in the object's namespace.",
    "VMAffinityTerm": "VMs (selected by label) that a VM is placed near or away from, in a topology domain.",
    "LabelSelector": "A Kubernetes label selector: matchLabels and matchExpressions, ANDed.",
    "LabelSelectorRequirement": "A label selector requirement: a key, an operator and values.",
}

# What a pattern means, for the message Check gives when a value does not match it.
QUANTITY = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
PATTERN_HINTS = {QUANTITY: "must be a Kubernetes quantity such as `2`, `512Mi` or `1.5Gi`"}

# The range of an integer of each OpenAPI format, which the apiserver holds a value to.
INTEGER_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}

# Fields whose type differs between API versions, and the type the model gives them (with why). The
# generator fails on any other difference, so a new one is decided here rather than silently.
TYPE_CONFLICTS: dict[tuple[str, str], tuple[str, str]] = {}


class GenerationError(Exception):
    pass


@dataclass
class Occurrence:
    version: str
    schema: JSONObject


@dataclass
class Emitter:
    """The ObjectTypes of one module, children before parents, and the names taken so far."""

    source: KindSource
    blocks: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"types": 0, "fields": 0})


def _kind_of(schema: JSONObject) -> str:
    if schema.get("x-kubernetes-int-or-string"):
        return "int-or-string"
    declared = schema.get("type")
    if declared == "object" or (declared is None and "properties" in schema):
        if schema.get("properties"):
            return "object"
        additional = schema.get("additionalProperties")
        if isinstance(additional, dict) and additional:
            return "map"
        return "any"
    if declared is None:
        return "any"  # x-kubernetes-preserve-unknown-fields without a type: untyped in the CRD itself
    return str(declared)


def describe(text: str | None, fallback: str) -> str:
    """The first paragraph of a CRD description on one line, cut at a sentence end when long."""
    if not text or not text.strip():
        return fallback
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    first = " ".join(paragraphs[0].split())
    if len(first) > DESCRIPTION_LIMIT:
        cut = first.rfind(". ", 0, DESCRIPTION_LIMIT)
        first = first[: cut + 1] if cut > 0 else first[:DESCRIPTION_LIMIT].rsplit(" ", 1)[0] + " ..."
    if any(p.lstrip().startswith("Deprecated") for p in paragraphs[1:]) and "eprecated" not in first:
        first += " Deprecated."
    return first


def _python_pattern(pattern: str | None) -> str | None:
    if not pattern:
        return None
    try:
        re.compile(pattern)
    except re.error:
        return None  # a Go (RE2) construct Python lacks: the Supervisor checks it
    return pattern


def _union(values: Iterator[tuple[str, ...]]) -> tuple[str, ...]:
    merged: list[str] = []
    for group in values:
        merged += [v for v in group if v not in merged]
    return tuple(merged)


def _cap(part: str) -> str:
    return part[:1].upper() + part[1:]


def _type_name(source: KindSource, path: str) -> str:
    if path in source.names:
        return source.names[path]
    section, *parts = path.split(".")
    return source.kind + "".join(_cap(p) for p in parts) + _cap(section)


def _enum(schema: JSONObject) -> tuple[str, ...]:
    """The values a string may take: its enum, narrowed by every enum in its `allOf` (kubebuilder puts a
    type's own enum and a field's narrower one there)."""
    allowed = list(schema.get("enum") or ())
    for part in schema.get("allOf") or ():
        narrower = part.get("enum") if isinstance(part, dict) else None
        if narrower:
            allowed = [v for v in (allowed or narrower) if v in narrower]
    return tuple(allowed)


def _written(occurrences: list[Occurrence]) -> list[Occurrence]:
    """The occurrences in the versions the provider writes (all of them when the field is in neither)."""
    return [o for o in occurrences if o.version in WRITTEN_VERSIONS] or occurrences


def _kwargs(**values: Any) -> str:
    return "".join(f", {key}={value!r}" for key, value in values.items() if value not in (None, (), False))


def _prop(
    emitter: Emitter,
    path: str,
    key: str,
    occurrences: list[Occurrence],
    parent: tuple[str, str],
    required: bool,
) -> str:
    """The constructor expression of one field (`string("...", since="v1alpha3")`); `parent` is the first and
    the last version that has the parent object."""
    parent_since, parent_last = parent
    newest = occurrences[-1].schema
    if path in emitter.source.opaque:
        emitter.counts["fields"] += 1
        description = describe(newest.get("description"), f"The `{key}` field.")
        return f"any_value({description!r}{_kwargs(required=required)})"
    kinds = {_kind_of(o.schema) for o in occurrences}
    if len(kinds) > 1:
        resolved = TYPE_CONFLICTS.get((emitter.source.kind, path))
        if resolved is None:
            raise GenerationError(f"{emitter.source.kind} {path}: the type differs between versions: {kinds}")
        kinds = {resolved[0]}
    kind = kinds.pop()
    first = occurrences[0].version
    since = first if VERSIONS.index(first) > VERSIONS.index(parent_since) else None
    last = occurrences[-1].version
    until = last if VERSIONS.index(last) < VERSIONS.index(parent_last) else None
    description = describe(newest.get("description"), f"The `{key}` field.")
    if kind == "int-or-string":
        description += " An integer or a string."
    emitter.counts["fields"] += 1
    common = _kwargs(required=required, since=since, until=until)
    if kind in ("string", "int-or-string"):
        extra = _kwargs(
            int_or_string=kind == "int-or-string",
            enum=_union(_enum(o.schema) for o in _written(occurrences)),
            pattern=_python_pattern(newest.get("pattern")),
            pattern_hint=PATTERN_HINTS.get(newest.get("pattern") or ""),
            max_length=newest.get("maxLength"),
            server_default=newest.get("default") if isinstance(newest.get("default"), str) else None,
        )
        return f"string({description!r}{extra}{common})"
    if kind in ("integer", "number"):
        low, high = INTEGER_FORMATS.get(newest.get("format") or "", (None, None))
        extra = _kwargs(
            minimum=newest.get("minimum", low),
            maximum=newest.get("maximum", high),
            server_default=newest.get("default") if isinstance(newest.get("default"), int | float) else None,
        )
        return f"{kind}({description!r}{extra}{common})"
    if kind == "boolean":
        default = newest.get("default")
        return f"boolean({description!r}{_kwargs(server_default=default if isinstance(default, bool) else None)}{common})"
    if kind == "any":
        return f"any_value({description!r}{common})"
    if kind == "object":
        type_name = _object(emitter, path, occurrences)
        return f"obj({type_name}, {description!r}{common})"
    if kind == "map":
        values = [Occurrence(o.version, o.schema["additionalProperties"]) for o in occurrences]
        item = _element(emitter, path, values)
        return f'Prop("map", {description!r}, items={item}{common})'
    if kind == "array":
        items = [Occurrence(o.version, o.schema.get("items") or {}) for o in occurrences]
        if key == "conditions" and "type" in (items[-1].schema.get("properties") or {}):
            return f"array(obj(Condition), {description!r}{common})"
        item = _element(emitter, path, items)
        keys = (
            tuple(newest.get("x-kubernetes-list-map-keys") or ())
            if newest.get("x-kubernetes-list-type") == "map"
            else ()
        )
        limits = _kwargs(list_keys=keys, max_items=newest.get("maxItems"))
        return f"array({item}, {description!r}{limits}{common})"
    raise GenerationError(f"{emitter.source.kind} {path}: unsupported type {kind!r}")


def _element(emitter: Emitter, path: str, occurrences: list[Occurrence]) -> str:
    """An array item or a map value (no description or flags of its own)."""
    kind = _kind_of(occurrences[-1].schema)
    if kind == "object":
        return f"obj({_object(emitter, path, occurrences)})"
    if kind == "array":
        return f"array({_element(emitter, path, [Occurrence(o.version, o.schema.get('items') or {}) for o in occurrences])})"
    if kind == "map":
        values = [Occurrence(o.version, o.schema["additionalProperties"]) for o in occurrences]
        return f'Prop("map", items={_element(emitter, path, values)})'
    return {"int-or-string": 'Prop("string", int_or_string=True)', "any": 'Prop("any")'}.get(
        kind, f"Prop({kind!r})"
    )


def _object(emitter: Emitter, path: str, occurrences: list[Occurrence]) -> str:
    """Emit the ObjectType of an object (once per name) and return its name."""
    name = _type_name(emitter.source, path)
    keys: list[str] = sorted({key for o in occurrences for key in o.schema.get("properties") or {}})
    lines = []
    for key in keys:
        having = [
            Occurrence(o.version, o.schema["properties"][key])
            for o in occurrences
            if key in (o.schema.get("properties") or {})
        ]
        required = len(having) == len(occurrences) and all(
            key in (o.schema.get("required") or ()) for o in occurrences
        )
        lines.append(
            f"        {key!r}: {_prop(emitter, f'{path}.{key}', key, having, (occurrences[0].version, occurrences[-1].version), required)},\n"
        )
    description = SHARED_TYPES.get(name) or describe(
        occurrences[-1].schema.get("description"), f"{name}: `{path}` of a {emitter.source.kind}."
    )
    block = f"{name} = ObjectType(\n    {name!r},\n    {description!r},\n    {{\n{''.join(lines)}    }},\n)\n"
    if name in emitter.blocks:
        if emitter.blocks[name] != block:
            raise GenerationError(
                f"{emitter.source.kind}: {name} is used for differently shaped objects ({path}):\n{emitter.blocks[name]}\n{block}"
            )
        return name
    emitter.blocks[name] = block
    emitter.counts["types"] += 1
    return name


def load_versions(crds: Path, plural: str) -> list[Occurrence]:
    """The kind's schema in each API version the provider understands, from the release that defines it."""
    import yaml

    found: list[Occurrence] = []
    for version, release in VERSION_SOURCES:
        path = crds / release / f"{GROUP}_{plural}.yaml"
        if not path.exists():
            if (crds / release).is_dir():
                continue  # a kind newer than this release (e.g. snapshots are 9.1-only): not served there
            raise GenerationError(f"{path} is missing; run `make tools`")
        document = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for served in document["spec"]["versions"]:
            if served["name"] == version and served.get("served", True):
                found.append(Occurrence(version, served["schema"]["openAPIV3Schema"]))
    if not found:
        raise GenerationError(f"no CRD of {plural} serves any of {', '.join(VERSIONS)}")
    return found


HEADER = '''"""{kind}: spec and status as the VM Operator CRDs define them (API {versions}).

Generated by `python -m pulumi_vmservice_provider.model.crdgen` from the CRDs of VM Operator v1.8.6 (vSphere 8.0
Update 3) and v1.10.0; do not edit. Behaviour (replace rules, server defaults, secrets) is added in `kinds/{module}/declaration.py`.
"""

from __future__ import annotations

from pulumi_vmservice_provider.model.common import Condition
from pulumi_vmservice_provider.model.types import ObjectType, Prop, any_value, array, boolean, integer, number, obj, string

'''


def generate_kind(crds: Path, source: KindSource) -> tuple[str, dict[str, int]]:
    occurrences = load_versions(crds, source.plural)
    emitter = Emitter(source)
    for section in source.sections:
        having = [
            Occurrence(o.version, o.schema["properties"][section])
            for o in occurrences
            if section in o.schema.get("properties", {})
        ]
        if having:
            _object(emitter, section, having)
    text = HEADER.format(
        kind=source.kind, versions=", ".join(o.version for o in occurrences), module=source.module
    )
    return text + "\n\n".join(emitter.blocks.values()), emitter.counts


def generate(crds: Path) -> dict[str, str]:
    """File name -> content of every generated module."""
    files: dict[str, str] = {}
    for source in kind_sources():
        files[f"{source.module}/generated.py"], _ = generate_kind(crds, source)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--crds", type=Path, default=ROOT / ".tools" / "crds")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--types-out", type=Path, default=None)
    parser.add_argument("--check", action="store_true", help="fail when the committed modules are stale")
    args = parser.parse_args(argv)
    if args.types_out is None:
        from pulumi_vmservice_provider.model.crdtypes import TYPES_PACKAGE

        args.types_out = TYPES_PACKAGE
    from pulumi_vmservice_provider.model.crdtypes import generate_types

    outputs = [(args.out, generate(args.crds)), (args.types_out, generate_types(args.crds))]
    stale = [
        (folder, name)
        for folder, files in outputs
        for name, text in files.items()
        if not (folder / name).exists() or (folder / name).read_text() != text
    ]
    if args.check:
        if stale:
            names = ", ".join(str(folder / name) for folder, name in stale)
            print(f"stale generated model: {names}; run `make model`", file=sys.stderr)
        return 1 if stale else 0
    for folder, files in outputs:
        for name in [n for f, n in stale if f == folder]:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(files[name])
    total = sum(len(files) for _, files in outputs)
    print(f"{len(stale)} of {total} generated modules written to {args.out} and {args.types_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
