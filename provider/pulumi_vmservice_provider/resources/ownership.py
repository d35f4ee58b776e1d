"""Whose fields are these? A server-side apply conflict names field paths (`.spec.replicas`,
`.metadata.labels.app.kubernetes.io/name`); fields the stack's last inputs already had are the stack's own,
changed by another tool since (drift, which `up` takes back). Fields the stack never had belong to the other
tool until the user says otherwise (`pulumi.com/patchForce`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from vmservice_api.objects import JSONObject


def had_field(inputs: Any, path: str) -> bool:
    """Whether `inputs` holds the field at the apply path `path` (map keys may contain dots)."""
    rest = path.lstrip(".")
    node = inputs
    while rest:
        if isinstance(node, list):
            return True  # a list the stack set: its items are the stack's
        if not isinstance(node, dict):
            return False
        key = next(
            (
                k
                for k in sorted(node, key=len, reverse=True)
                if rest == k or rest.startswith((k + ".", k + "["))
            ),
            None,
        )
        if key is None:
            return False
        node, rest = node[key], rest[len(key) :].lstrip(".")
        if rest.startswith("["):
            return isinstance(node, list)
    return True


def reclaimer(old_inputs: JSONObject | None) -> Callable[[Sequence[str]], bool] | None:
    """For a conflict: are all these fields ones the stack's last inputs (plain values) had?"""
    if not old_inputs:
        return None
    return lambda fields: all(had_field(old_inputs, field) for field in fields)
