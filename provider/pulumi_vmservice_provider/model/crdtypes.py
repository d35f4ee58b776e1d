"""Generate typed shapes (TypedDicts) of every VM Operator kind, per API release, from the CRDs.

    python -m pulumi_vmservice_provider.model.crdgen      (writes these beside the property trees)

For each release the project supports (8.0u3: VM Operator v1.8.6, 9.1: v1.10.0) and each CRD `make tools`
generated for it, `vmservice_api/types/release_<release>/<kind>.py` gets one TypedDict per object of the
kind's newest served version: the whole object (named after the kind), its `spec` and `status`, and every nested
object. They are TypedDicts rather than dataclasses because the same shapes are read from three wires at
once (Pulumi property maps, Kubernetes JSON, admission reviews) and a TypedDict *is* that JSON: nothing is
copied or converted, fields the provider does not know survive a round trip, and mypy still checks every key.
Every field is optional (`total=False`): the rules that read them judge incomplete and invalid objects too.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from pathlib import Path

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.crdgen import GROUP, describe

TYPES_PACKAGE = Path(__file__).resolve().parents[2] / "vmservice_api" / "types"
RELEASES = {"8.0u3": "v1.8.6", "9.1": "v1.10.0"}

# The objects every kind shares, written by hand in vmservice_api.objects.
SHARED = {"metadata": "ObjectMeta", "conditions": "list[Condition]"}


def release_package(release: str) -> str:
    """`9.1` -> `release_9_1` (a release name is not a Python identifier)."""
    return "release_" + release.replace(".", "_")


def module_name(kind: str) -> str:
    """The one naming rule for a kind's files: its name in lower case (`SomeKindName` ->
    `somekindname`), in the provider's `kinds/`, the simulator's `kinds/` and here."""
    return kind.lower()


# Shapes that recur across kinds keep the name Kubernetes gives them (matched by their set of fields).
WELL_KNOWN = {
    frozenset({"key", "operator", "values"}): "LabelSelectorRequirement",
    frozenset({"matchExpressions", "matchLabels"}): "LabelSelector",
    frozenset({"apiVersion", "kind", "name"}): "ObjectReference",
}


@dataclass
class _Module:
    kind: str
    classes: dict[str, str] = field(default_factory=dict)
    # The fields of each well-known class emitted so far -> its name: it is not emitted twice.
    shapes: dict[tuple[tuple[str, str], ...], str] = field(default_factory=dict)
    uses_any: bool = False
    uses_shared: set[str] = field(default_factory=set)


def _schema_kind(schema: JSONObject) -> str:
    if schema.get("x-kubernetes-int-or-string"):
        return "int-or-string"
    declared = schema.get("type")
    if declared == "object" or (declared is None and "properties" in schema):
        if schema.get("properties"):
            return "object"
        additional = schema.get("additionalProperties")
        return "map" if isinstance(additional, dict) and additional else "any"
    return "any" if declared is None else str(declared)


def _cap(part: str) -> str:
    """A field name as part of a class name: `write_files` -> `WriteFiles`."""
    return "".join(word[:1].upper() + word[1:] for word in part.split("_"))


def _singular(key: str) -> str:
    """The name of one item of a list field: `interfaces` -> `interface`, `policies` -> `policy`."""
    for plural, single in (("addresses", "address"), ("ies", "y"), ("sses", "ss"), ("ss", "ss"), ("s", "")):
        if key.endswith(plural) and len(key) > len(plural):
            return key[: -len(plural)] + single
    return key + "Item"


def _annotation(module: _Module, name: str, key: str, schema: JSONObject) -> str:
    """The Python type of one field; nested objects become classes named after their path."""
    if key == "conditions" and _schema_kind(schema) == "array":
        module.uses_shared.add("Condition")
        return SHARED["conditions"]
    kind = _schema_kind(schema)
    if kind == "string":
        return "str"
    if kind == "int-or-string":
        return "int | str"
    if kind == "integer":
        return "int"
    if kind == "number":
        return "float"
    if kind == "boolean":
        return "bool"
    if kind == "object":
        return _class(module, name + _cap(key), schema)
    if kind == "map":
        return f"dict[str, {_annotation(module, name, key + 'Value', schema['additionalProperties'])}]"
    if kind == "array":
        item = schema.get("items") or {}
        return f"list[{_annotation(module, name, _singular(key), item)}]"
    module.uses_any = True
    return "Any"


def _class(module: _Module, name: str, schema: JSONObject) -> str:
    properties: JSONObject = schema.get("properties") or {}
    fields: list[tuple[str, str, str]] = []
    for key in sorted(properties):
        sub = properties[key]
        annotation = SHARED["metadata"] if key == "metadata" else _annotation(module, name, key, sub)
        if key == "metadata":
            module.uses_shared.add("ObjectMeta")
        fields.append((key, annotation, describe(sub.get("description"), "")))
    shape = tuple((k, a) for k, a, _ in fields)
    well_known = WELL_KNOWN.get(frozenset(k for k, _, _ in fields))
    if well_known is not None:
        if shape in module.shapes:
            return module.shapes[shape]
        name = well_known if well_known not in module.classes else name
    doc = describe(schema.get("description"), f"`{name}` of a {module.kind}.")
    if any(keyword.iskeyword(k) or not k.isidentifier() for k, _, _ in fields):
        # Field names Python reserves (`from`, `class`): the functional form takes any key.
        body = "".join(f"        {k!r}: {a},\n" for k, a, _ in fields)
        text = f"{name} = TypedDict(\n    {name!r},\n    {{\n{body}    }},\n    total=False,\n)\n"
        text += f"{name}.__doc__ = {doc!r}\n"
    else:
        lines = [f'class {name}(TypedDict, total=False):\n    """{_docstring(doc)}"""\n\n']
        for key, annotation, _ in fields:
            lines.append(f"    {key}: {annotation}\n")
        if not fields:
            lines.append("    pass\n")
        text = "".join(lines)
    previous = module.classes.get(name)
    if previous is not None and previous != text:
        raise ValueError(f"{module.kind}: two differently shaped objects are both named {name}")
    module.classes[name] = text
    if well_known is not None:
        module.shapes[shape] = name
    return name


def _docstring(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', "'''")


HEADER = '''"""{kind} as served by a vSphere {release} Supervisor (VM Operator {tag}, API {version}).

Generated by `python -m pulumi_vmservice_provider.model.crdgen` from the CRD; do not edit.
"""

from __future__ import annotations

'''


def generate_module(kind: str, release: str, version: str, schema: JSONObject) -> str:
    module = _Module(kind)
    _class(module, kind, schema)
    imports = []
    if module.uses_any:
        imports.append("from typing import Any, TypedDict\n")
    else:
        imports.append("from typing import TypedDict\n")
    if module.uses_shared:
        imports.append(f"\nfrom vmservice_api.objects import {', '.join(sorted(module.uses_shared))}\n")
    # Children were emitted before their parents; the kind's own class last.
    body = "\n\n".join(module.classes.values())
    header = HEADER.format(kind=kind, release=release, tag=RELEASES[release], version=version)
    return header + "".join(imports) + "\n\n" + body


def _newest_served(document: JSONObject) -> tuple[str, JSONObject] | None:
    served = [v for v in document["spec"]["versions"] if v.get("served", True)]
    storage = [v for v in served if v.get("storage")] or served[-1:]
    if not storage:
        return None
    return storage[0]["name"], storage[0]["schema"]["openAPIV3Schema"]


def generate_types(crds: Path) -> dict[str, str]:
    """Relative path under `vmservice_api/types/` -> content, for every kind of every release."""
    import yaml

    files: dict[str, str] = {
        "__init__.py": '"""Typed shapes of the VM Operator kinds per API release, generated from the CRDs '
        '(model/crdtypes.py); do not edit."""\n'
    }
    for release in RELEASES:
        package = release_package(release)
        files[f"{package}/__init__.py"] = (
            f'"""The VM Operator kinds as a vSphere {release} Supervisor serves them '
            f'(VM Operator {RELEASES[release]}); generated, do not edit."""\n'
        )
        folder = crds / release
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} is missing; run `make tools`")
        for path in sorted(folder.glob(f"{GROUP}_*.yaml")):
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            document = yaml.load(path.read_text(), Loader=loader)
            newest = _newest_served(document)
            if newest is None:
                continue
            kind = document["spec"]["names"]["kind"]
            files[f"{package}/{module_name(kind)}.py"] = generate_module(kind, release, *newest)
    return files
