"""Counting one client's Supervisor API requests from kube-apiserver's audit log (`vmservice-sim up --audit-log`).

The apiserver's own metrics also count the simulator's controllers; the audit log names the user and user agent
of each request, so a phase's requests can be told apart by who made them."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any


def request_key(event: dict[str, Any]) -> str | None:
    """`verb resource[/subresource]` of a finished request (a watch counts when it starts); None otherwise."""
    stage, verb = event.get("stage"), event.get("verb", "")
    if not (stage == "ResponseComplete" and verb != "watch") and not (
        stage == "ResponseStarted" and verb == "watch"
    ):
        return None
    ref = event.get("objectRef") or {}
    resource = ref.get("resource") or event.get("requestURI", "?").split("?")[0]
    if ref.get("subresource"):
        resource += "/" + ref["subresource"]
    return f"{verb} {resource}"


class AuditLog:
    """The requests a user made while an action ran, by `verb resource`."""

    def __init__(self, path: Path, user: str):
        self.path, self.user = path, user

    def _size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def during(self, action: Callable[[], Any]) -> Counter[str]:
        start = self._size()
        action()
        counts: Counter[str] = Counter()
        with self.path.open("rb") as handle:
            handle.seek(start)
            for line in handle:
                event = json.loads(line)
                if (event.get("user") or {}).get("username") != self.user:
                    continue
                key = request_key(event)
                if key is not None:
                    counts[key] += 1
        return counts


def per_object(counts: Counter[str], resource: str, objects: int) -> str:
    """`N requests (M GET/object)`: the figure a per-object request pattern shows at once."""
    gets = counts.get(f"get {resource}", 0)
    return f"{sum(counts.values())} requests, {gets / max(objects, 1):.2f} GET per {resource[:-1]}"
