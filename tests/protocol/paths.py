"""Whether a Check failure's `property` names a place in the resource: a path the model declares
(`spec.network.interfaces[0].name`, `metadata.labels["app"]`), or an undeclared key the inputs really have (a
typo is reported under its own name). Anything else (an empty path, a made-up field, an index into a scalar)
would leave the user guessing which input is wrong."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pulumi_vmservice_provider.model.types import Prop
from pulumi_vmservice_provider.wire import SECRET_SIG, SIG_KEY

_SEGMENT = re.compile(r'([^.\[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.')


def _segments(path: str) -> list[str | int] | None:
    found: list[str | int] = []
    position = 0
    while position < len(path):
        match = _SEGMENT.match(path, position)
        if match is None:
            return None
        name, index, key = match.groups()
        if name is not None:
            found.append(name)
        elif index is not None:
            found.append(int(index))
        elif key is not None:
            found.append(json.loads(f'"{key}"'))  # the provider quotes odd keys as JSON strings
        position = match.end()
    return found


def _unwrap(value: Any) -> Any:
    if isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
        return value.get("value")
    return value


def why_not_a_property(props: Mapping[str, Prop], inputs: Any, path: str) -> str | None:
    """None when `path` names a declared property or a key present in `inputs`; else why not."""
    segments = _segments(path)
    if not segments:
        return f"{path!r} is not a property path"
    prop: Prop | None = None
    fields: Mapping[str, Prop] | None = props
    value: Any = _unwrap(inputs)
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        if prop is not None and prop.kind == "any":
            return None  # free-form below: any path the user wrote
        if isinstance(segment, int):
            if prop is None or prop.kind != "array":
                return f"{path!r} indexes {'the top level' if prop is None else 'a ' + prop.kind}"
            prop, fields = prop.items, None
            value = _unwrap(value[segment]) if isinstance(value, list) and segment < len(value) else None
        elif prop is not None and prop.kind == "map":
            prop, fields = prop.items, None
            value = _unwrap(value.get(segment)) if isinstance(value, dict) else None
        else:
            if fields is None and prop is not None and prop.obj is not None:
                fields = prop.obj.properties
            if fields is None:
                return f"{path!r} goes below a {prop.kind if prop else 'value'} at {segment!r}"
            present = isinstance(value, dict) and segment in value
            if segment not in fields:
                return None if last and present else f"{path!r}: {segment!r} is neither declared nor given"
            prop, fields = fields[segment], None
            value = _unwrap(value.get(segment)) if isinstance(value, dict) else None
    return None
