"""Property paths in Pulumi's syntax: `spec.network.interfaces[0].name`, `metadata.labels["a.b/c"]`."""

from __future__ import annotations

import json
import re

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
    """`metadata.labels[topology.kubernetes.io/zone]` -> `metadata.labels["topology.kubernetes.io/zone"]`."""
    return re.sub(
        r"\[([^\]]*)\]",
        lambda m: m.group(0) if m.group(1).isdigit() else f"[{json.dumps(m.group(1))}]",
        api_path,
    )
