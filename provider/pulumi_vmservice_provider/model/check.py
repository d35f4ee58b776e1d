"""Check: validate new inputs against a definition, fill defaults and mark secrets.

Unknown values (preview) are accepted wherever a value is expected and checked again at update time.
Every failure names the property path and says what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_vmservice_provider.model import paths
from pulumi_vmservice_provider.model.types import Prop
from pulumi_vmservice_provider.wire import UNKNOWN, PropertyMap, Secret


@dataclass(frozen=True)
class Failure:
    path: str
    reason: str


def check_properties(
    props: Mapping[str, Prop], values: PropertyMap, base: str = ""
) -> tuple[PropertyMap, list[Failure]]:
    failures: list[Failure] = []
    checked = _check_object(props, values, base, failures)
    return checked, failures


def _check_object(
    props: Mapping[str, Prop], values: PropertyMap, base: str, failures: list[Failure]
) -> PropertyMap:
    result: PropertyMap = {}
    for key, value in values.items():
        path = paths.join(base, key)
        if key.startswith("__"):
            result[key] = value
            continue
        prop = props.get(key)
        if prop is None:
            allowed = ", ".join(sorted(props)) or "none"
            failures.append(Failure(path, f"unknown property {key!r}; allowed properties: {allowed}"))
            continue
        if value is None:
            continue
        result[key] = _check_value(prop, value, path, failures)
    for key, prop in props.items():
        if key in result:
            continue
        if prop.default is not None:
            result[key] = Secret(prop.default) if prop.secret else prop.default
        elif prop.program_required:
            failures.append(Failure(paths.join(base, key), "missing required property"))
    return result


def _check_value(prop: Prop, value: Any, path: str, failures: list[Failure]) -> Any:
    if isinstance(value, Secret):
        inner = _check_value(prop, value.value, path, failures)
        return inner if isinstance(inner, Secret) else Secret(inner)
    if value is UNKNOWN:
        return Secret(value) if prop.secret else value
    checked = _check_plain(prop, value, path, failures)
    return Secret(checked) if prop.secret else checked


def _check_plain(prop: Prop, value: Any, path: str, failures: list[Failure]) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        failures.append(Failure(path, f"{value} is not a number the API accepts (expected a finite number)"))
        return value
    if prop.kind == "any":
        failures.extend(_non_finite_numbers(value, path))
        return value
    if prop.kind == "object":
        if not isinstance(value, dict):
            failures.append(Failure(path, "expected an object"))
            return value
        assert prop.obj is not None
        return _check_object(prop.obj.properties, value, path, failures)
    if prop.kind == "array":
        if not isinstance(value, list):
            failures.append(Failure(path, "expected a list"))
            return value
        assert prop.items is not None
        if prop.max_items is not None and len(value) > prop.max_items:
            failures.append(
                Failure(path, f"Too many: {len(value)}: must have at most {prop.max_items} items")
            )
        failures.extend(_duplicate_keys(prop.list_keys, value, path))
        return [_check_value(prop.items, item, paths.join(path, i), failures) for i, item in enumerate(value)]
    if prop.kind == "map":
        if not isinstance(value, dict):
            failures.append(Failure(path, "expected a map of names to values"))
            return value
        assert prop.items is not None
        return {k: _check_value(prop.items, v, paths.join(path, k), failures) for k, v in value.items()}
    problem = prop.check_scalar(value)
    if problem:
        failures.append(Failure(path, problem))
    return value


def _duplicate_keys(keys: tuple[str, ...], items: list[Any], path: str) -> Iterator[Failure]:
    """The apiserver keeps one item per key in a list-map (network interfaces by name, ...)."""
    if not keys:
        return
    seen: set[tuple[Any, ...]] = set()
    for index, item in enumerate(items):
        plain = item.value if isinstance(item, Secret) else item
        if not isinstance(plain, dict) or any(plain.get(k) is UNKNOWN for k in keys):
            continue
        key = tuple(plain.get(k) for k in keys)
        if key in seen:
            shown = ", ".join(f"{k}={v!r}" for k, v in zip(keys, key, strict=True))
            yield Failure(paths.join(path, index), f"Duplicate value: another item has {shown}")
        seen.add(key)


def _non_finite_numbers(value: Any, path: str) -> Iterator[Failure]:
    if isinstance(value, Secret):
        value = value.value
    if isinstance(value, float) and not math.isfinite(value):
        yield Failure(path, f"{value} is not a number the API accepts (expected a finite number)")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite_numbers(item, paths.join(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite_numbers(item, paths.join(path, index))
