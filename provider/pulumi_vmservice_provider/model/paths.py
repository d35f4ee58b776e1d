"""Property paths in Pulumi's syntax: `spec.network.interfaces[0].name`, `metadata.labels["a.b/c"]`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def join(base: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{base}[{key}]"
    if _IDENT.fullmatch(key):
        return f"{base}.{key}" if base else key
    return f"{base}[{json.dumps(key)}]"


def join_all(keys: tuple[str | int, ...]) -> str:
    """`("spec", "volumes", 0)` -> `spec.volumes[0]`."""
    text = ""
    for key in keys:
        text = join(text, key)
    return text


def top_level(path: str) -> str:
    match = re.match(r"[^.\[]+", path)
    return match.group(0) if match else path


def related(path: str, other: str) -> bool:
    """Whether one property path is the other or lies below it."""
    shorter, longer = sorted((path, other), key=len)
    return longer == shorter or longer.startswith((f"{shorter}.", f"{shorter}["))


def from_api(api_path: str) -> str:
    """`metadata.labels[topology.kubernetes.io/zone]` -> `metadata.labels["topology.kubernetes.io/zone"]`
    (a key already quoted stays as it is)."""
    return re.sub(
        r"\[([^\]]*)\]",
        lambda m: (
            m.group(0)
            if m.group(1).isdigit() or m.group(1).startswith('"')
            else f"[{json.dumps(m.group(1))}]"
        ),
        api_path,
    )


_SEGMENT = re.compile(r'\.?([^.\[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def to_property(api_path: str, props: Mapping[str, Any]) -> str:
    """An API field path as the Pulumi property it names. Upstream's messages spell some fields after the Go
    struct (`spec.clusterIP` for `clusterIp`) or in lower case (`spec.resourcepool`); each name is matched to
    the model's declared properties (`props`: name -> Prop) without regard to case, and kept as written when
    nothing matches."""
    text = from_api(api_path)
    keys: list[str | int] = []
    prop: Any = None
    fields: Mapping[str, Any] | None = props
    position = 0
    while position < len(text):
        match = _SEGMENT.match(text, position)
        if match is None:
            return text
        name, index, quoted = match.groups()
        position = match.end()
        if index is not None:
            keys.append(int(index))
            prop, fields = (prop.items if prop is not None and prop.kind == "array" else None), None
            continue
        key = json.loads(quoted) if quoted is not None else name
        if prop is not None and prop.kind == "map":
            keys.append(key)
            prop, fields = prop.items, None
            continue
        if fields is None and prop is not None and prop.obj is not None:
            fields = prop.obj.properties
        declared = _declared(fields or {}, key) if quoted is None else None
        keys.append(declared or key)
        prop, fields = (fields or {}).get(declared or key), None
    return join_all(tuple(keys))


def _declared(fields: Mapping[str, Any], name: str) -> str | None:
    if name in fields:
        return name
    lowered = name.lower()
    return next(
        (
            key
            for key, prop in fields.items()
            if lowered in (key.lower(), (getattr(prop, "wire_name", None) or "").lower())
        ),
        None,
    )
