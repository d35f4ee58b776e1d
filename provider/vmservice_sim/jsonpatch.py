"""The RFC 6902 JSON patch that turns one JSON document into another (what a mutating webhook answers)."""

from __future__ import annotations

from typing import Any

Patch = list[dict[str, Any]]


def pointer(*tokens: str | int) -> str:
    """An RFC 6901 JSON pointer: "~" and "/" in keys are escaped."""
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


def diff(before: Any, after: Any) -> Patch:
    """Operations that make `before` equal to `after`: objects are compared key by key, anything else (lists
    included) is replaced whole when it differs."""
    ops: Patch = []
    _diff(before, after, (), ops)
    return ops


def _diff(before: Any, after: Any, at: tuple[str | int, ...], ops: Patch) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in before:
            if key not in after:
                ops.append({"op": "remove", "path": pointer(*at, key)})
        for key, value in after.items():
            if key not in before:
                ops.append({"op": "add", "path": pointer(*at, key), "value": value})
            else:
                _diff(before[key], value, (*at, key), ops)
        return
    if before != after or type(before) is not type(after):
        ops.append({"op": "replace", "path": pointer(*at), "value": after})
