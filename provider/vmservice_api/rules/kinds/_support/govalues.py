"""How a webhook prints a structured value in `Invalid value: ...` or `Duplicate value: ...`.

apimachinery 0.29 (VM Operator v1.8.6, vSphere 8.0u3) prints a struct with Go's `%#v`
(`v1alpha2.VirtualMachineServicePort{Name:"", Protocol:"TCP", Port:80, TargetPort:0}`); apimachinery 0.34
(v1.10.0, vSphere 9.1) marshals it to JSON in the struct's field order, honouring `omitempty`
(`{"name":"","protocol":"TCP","port":80,"targetPort":0}`). A `Struct` describes a Go type once and renders
an object's value either way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from vmservice_api.rules.fielderrors import GoValue, go_quote
from vmservice_api.rules.framework import Release
from vmservice_api.rules.kinds._support.quantity import canonical
from vmservice_api.rules.kinds._support.times import format_duration, parse_duration

Kind = Literal["string", "int", "bool", "strings", "stringmap", "quantity", "duration"]


@dataclass(frozen=True)
class Field:
    go: str  # the Go field name (%#v)
    json: str  # the JSON key
    kind: Kind | Struct
    omitempty: bool = True
    pointer: bool = False  # a *T field: nil prints as null / (*T)(nil)


@dataclass(frozen=True)
class Struct:
    name: str  # the Go type without package, e.g. "VirtualMachineServicePort"
    fields: tuple[Field, ...]
    package: str = "v1alpha2"  # the API package of v1.8.6 (only %#v names it)


class GoJSON(GoValue):
    """A value printed as Go's encoding/json prints it (object keys in the order given)."""

    def __init__(self, value: Any) -> None:
        super().__init__("", [("json", value)])
        self.value = value

    def __str__(self) -> str:
        text = json.dumps(self.value, ensure_ascii=False, separators=(",", ":"))
        # encoding/json escapes HTML-significant characters and the JS line separators.
        for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            text = text.replace(char, escaped)
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class GoSyntax(GoValue):
    """A value printed as Go's %#v prints it (already rendered)."""

    def __init__(self, text: str, plain: Any) -> None:
        super().__init__("", [("value", plain)])
        self.text = text

    def __str__(self) -> str:
        return self.text


def render(
    release: Release, struct: Struct, value: Mapping[str, Any] | None, pointer: bool = False
) -> GoValue:
    """`value` (an object's JSON) as the release's webhook prints a value of Go type `struct`."""
    if release == "8.0u3":
        return GoSyntax(_go_syntax(struct, value, pointer), value)
    return GoJSON(_json(struct, value) if value is not None or not pointer else None)


def render_list(release: Release, values: list[str] | None) -> Any:
    """A []string: %#v `[]string{"a", "b"}` at 8.0u3, JSON at 9.1."""
    if release == "8.0u3":
        if values is None:
            return GoSyntax("[]string(nil)", None)
        return GoSyntax("[]string{" + ", ".join(go_quote(v) for v in values) + "}", values)
    return GoJSON(values)


# ---------------------------------------------------------------------------------------------- JSON
def _json(struct: Struct, value: Mapping[str, Any] | None) -> dict[str, Any]:
    data = value or {}
    out: dict[str, Any] = {}
    for f in struct.fields:
        item = data.get(f.json)
        if isinstance(f.kind, Struct):
            if item is None and f.pointer:
                if not f.omitempty:
                    out[f.json] = None
                continue
            out[f.json] = _json(f.kind, item)  # omitempty never drops a struct
            continue
        rendered = _json_scalar(f.kind, item)
        if f.omitempty and _empty(f.kind, rendered, f.pointer, item):
            continue
        out[f.json] = rendered
    return out


def _json_scalar(kind: Kind, item: Any) -> Any:
    if kind == "quantity":
        return canonical(item) if item is not None else "0"
    if kind == "duration":
        return format_duration(parse_duration(str(item))) if item is not None else "0s"
    if kind == "string":
        return "" if item is None else str(item)
    if kind == "int":
        return 0 if item is None else item
    if kind == "bool":
        return bool(item)
    if kind == "strings":
        return None if item is None else list(item)
    return None if item is None else dict(item)  # stringmap


def _empty(kind: Kind, rendered: Any, pointer: bool, raw: Any) -> bool:
    if kind == "quantity":
        return False  # resource.Quantity is a struct: omitempty keeps it
    if pointer:
        return raw is None
    return rendered in ("", 0, False, None) or rendered == [] or rendered == {}


# ---------------------------------------------------------------------------------------------- %#v
def _go_syntax(struct: Struct, value: Mapping[str, Any] | None, pointer: bool = False) -> str:
    type_name = f"{struct.package}.{struct.name}"
    if value is None and pointer:
        return f"(*{type_name})(nil)"
    data = value or {}
    parts = [f"{f.go}:{_go_field(f, data.get(f.json))}" for f in struct.fields]
    return ("&" if pointer else "") + type_name + "{" + ", ".join(parts) + "}"


def _go_field(f: Field, item: Any) -> str:
    if isinstance(f.kind, Struct):
        return _go_syntax(f.kind, item, f.pointer)
    if f.kind == "string":
        return go_quote("" if item is None else str(item))
    if f.kind == "int":
        return str(0 if item is None else item)
    if f.kind == "bool":
        return "true" if item else "false"
    if f.kind == "strings":
        if item is None:
            return "[]string(nil)"
        return "[]string{" + ", ".join(go_quote(str(v)) for v in item) + "}"
    if f.kind == "stringmap":
        if item is None:
            return "map[string]string(nil)"
        inner = ", ".join(f"{go_quote(k)}:{go_quote(str(v))}" for k, v in sorted(item.items()))
        return "map[string]string{" + inner + "}"
    # A resource.Quantity prints its internals under %#v; its canonical text is what a reader needs.
    if f.kind == "quantity":
        return go_quote(canonical(item) if item is not None else "0")
    return go_quote(str(item))
