"""Decode a request's Pulumi values once, into plain typed JSON plus a map of what was secret or unknown;
re-apply that map on the way out (as pulumi-go-provider's `infer` encoder does).

Handlers work on plain values of their kind's TypedDicts: no `Secret` wrapper or unknown sentinel ever
reaches them. The core keeps each request's `Marks` and wraps the answer's values at the same paths again,
so a secret stays secret in state and outputs whatever the handler did with the value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from vmservice_api.objects import JSON, JSONObject

from pulumi_vmservice_provider.wire import UNKNOWN, Secret, secret_strings

Path = tuple[str | int, ...]
T = TypeVar("T", bound=Mapping[str, Any])


@dataclass(frozen=True)
class Marks:
    """Where a value held secrets, and where it held values not known yet (previews)."""

    secrets: frozenset[Path] = frozenset()
    unknowns: frozenset[Path] = frozenset()
    # The plaintext of every secret (for redacting messages; never output).
    secret_texts: frozenset[str] = field(default=frozenset(), repr=False)

    def __or__(self, other: Marks) -> Marks:
        return Marks(
            self.secrets | other.secrets,
            self.unknowns | other.unknowns,
            self.secret_texts | other.secret_texts,
        )

    def is_secret(self, *path: str | int) -> bool:
        """Whether the value at `path`, or anything around or inside it, is secret."""
        return any(_prefix(p, path) or _prefix(path, p) for p in self.secrets)

    def is_unknown(self, *path: str | int) -> bool:
        return any(_prefix(p, path) or _prefix(path, p) for p in self.unknowns)

    def under(self, *path: str | int) -> Marks:
        """The marks of the value at `path`, relative to it."""
        size = len(path)
        return Marks(
            frozenset(p[size:] for p in self.secrets if p[:size] == path),
            frozenset(p[size:] for p in self.unknowns if p[:size] == path),
            self.secret_texts,
        )


def _prefix(shorter: Path, longer: Path) -> bool:
    return len(shorter) <= len(longer) and longer[: len(shorter)] == shorter


@dataclass(frozen=True)
class Decoded(Generic[T]):
    """A request's values as plain JSON of the kind's shape, and where they were secret or unknown."""

    value: T
    marks: Marks = Marks()

    @property
    def known(self) -> bool:
        return not self.marks.unknowns


def _walk(value: Any, path: Path, secrets: set[Path], unknowns: set[Path]) -> Any:
    if isinstance(value, Secret):
        secrets.add(path)
        return _walk(value.value, path, secrets, unknowns)
    if value is UNKNOWN:
        unknowns.add(path)
        return None
    if isinstance(value, dict):
        plain: JSONObject = {}
        for key, item in value.items():
            decoded = _walk(item, (*path, key), secrets, unknowns)
            if decoded is not None or item is None:
                plain[key] = decoded
        return plain
    if isinstance(value, list):
        return [_walk(item, (*path, index), secrets, unknowns) for index, item in enumerate(value)]
    return value


def decode(values: Mapping[str, Any] | None) -> Decoded[JSONObject]:
    """Pulumi values as plain JSON (unknown values left out) and their marks."""
    secrets: set[Path] = set()
    unknowns: set[Path] = set()
    plain = _walk(dict(values or {}), (), secrets, unknowns)
    texts = frozenset(secret_strings(dict(values or {})))
    return Decoded(cast(JSONObject, plain), Marks(frozenset(secrets), frozenset(unknowns), texts))


def _step(value: JSON, step: str | int) -> tuple[bool, JSON]:
    """(found, the value one step down) in an object or a list."""
    if isinstance(value, dict):
        return (step in value, value.get(step))  # type: ignore[call-overload]
    if isinstance(value, list) and isinstance(step, int):
        return (step < len(value), value[step] if step < len(value) else None)
    return (False, None)


def _at(value: JSON, path: Path) -> Iterator[JSON]:
    """The container holding `path`'s last step, when the whole path exists."""
    for step in path[:-1]:
        found, value = _step(value, step)
        if not found:
            return
    if _step(value, path[-1])[0]:
        yield value


def _set(container: JSON, step: str | int, item: object) -> None:
    if isinstance(container, dict) and isinstance(step, str):  # noqa: SIM114 (each branch narrows the types)
        container[step] = item
    elif isinstance(container, list) and isinstance(step, int) and step < len(container):
        container[step] = item


def encode(value: Mapping[str, Any], marks: Marks) -> JSONObject:
    """Plain JSON as Pulumi values: every path `marks` says was secret is wrapped again (where the answer
    still has it), and unknown paths are unknown again."""
    result: JSONObject = _copy(dict(value))
    for path in sorted(marks.unknowns, key=len):
        if path:
            _set(_ensure_parent(result, path), path[-1], UNKNOWN)
    for path in sorted(marks.secrets, key=len):  # outermost first: what is inside goes with it
        if not path:
            return {key: Secret(item) for key, item in result.items()}
        for container in _at(result, path):
            current = _step(container, path[-1])[1]
            if not isinstance(current, Secret) and current is not None:
                _set(container, path[-1], Secret(current))
    return result


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _ensure_parent(result: JSONObject, path: Path) -> JSON:
    container: JSON = result
    for step in path[:-1]:
        if isinstance(container, dict) and isinstance(step, str):
            container = container.setdefault(step, {})
        elif isinstance(container, list) and isinstance(step, int) and step < len(container):
            container = container[step]
        else:
            return None
    return container
