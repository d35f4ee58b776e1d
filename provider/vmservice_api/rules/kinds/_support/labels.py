"""Labels, annotations and label selectors as apimachinery validates and matches them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vmservice_api.rules.fielderrors import (
    FieldError,
    FieldPath,
    invalid,
    label_value,
    qualified_name,
    too_long,
)

ANNOTATIONS_SIZE_LIMIT = 256 * 1024


def validate_labels(labels: Mapping[str, str] | None, at: FieldPath) -> list[FieldError]:
    """metav1validation.ValidateLabels: every key a qualified name, every value a label value (all errors
    name the map itself, as apimachinery does)."""
    errors: list[FieldError] = []
    for key, value in sorted((labels or {}).items()):
        errors += [invalid(at, key, message) for message in qualified_name(key)]
        errors += [invalid(at, value, message) for message in label_value(str(value))]
    return errors


def validate_annotations(annotations: Mapping[str, str] | None, at: FieldPath) -> list[FieldError]:
    """apivalidation.ValidateAnnotations: keys are qualified names in any case; the total stays under 256 KiB."""
    errors: list[FieldError] = []
    for key in sorted(annotations or {}):
        errors += [invalid(at, key, message) for message in qualified_name(key.lower())]
    size = sum(len(k.encode()) + len(str(v).encode()) for k, v in (annotations or {}).items())
    if size > ANNOTATIONS_SIZE_LIMIT:
        errors.append(too_long(at, ANNOTATIONS_SIZE_LIMIT))
    return errors


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str  # "=", "in", "notin", "exists", "!"
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        if self.operator in ("=", "in"):
            return present and labels[self.key] in self.values
        if self.operator == "notin":
            return not present or labels[self.key] not in self.values
        if self.operator == "exists":
            return present
        return not present

    def __str__(self) -> str:
        if self.operator == "exists":
            return self.key
        if self.operator == "!":
            return f"!{self.key}"
        if self.operator == "=":
            return f"{self.key}={self.values[0]}"
        return f"{self.key} {self.operator} ({','.join(sorted(self.values))})"


@dataclass(frozen=True)
class Selector:
    """A parsed selector: None requirements is labels.Nothing(), () is labels.Everything()."""

    requirements: tuple[Requirement, ...] | None

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self.requirements is None:
            return False
        return all(r.matches(labels or {}) for r in self.requirements)

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements or ())


class SelectorError(ValueError):
    """metav1.LabelSelectorAsSelector's error, worded as apimachinery words it."""


_OPERATORS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}


def as_selector(selector: Mapping[str, Any] | None) -> Selector:
    """metav1.LabelSelectorAsSelector: nil selects nothing, an empty selector everything."""
    if selector is None:
        return Selector(None)
    match_labels = selector.get("matchLabels") or {}
    expressions = selector.get("matchExpressions") or []
    requirements: list[Requirement] = []
    for key, value in match_labels.items():
        requirements.append(_requirement(key, "=", [str(value)]))
    for expression in expressions:
        operator = str(expression.get("operator") or "")
        if operator not in _OPERATORS:
            raise SelectorError(f'"{operator}" is not a valid label selector operator')
        values = [str(v) for v in expression.get("values") or []]
        requirements.append(_requirement(str(expression.get("key") or ""), _OPERATORS[operator], values))
    return Selector(tuple(sorted(requirements, key=lambda r: r.key)))


def _requirement(key: str, operator: str, values: list[str]) -> Requirement:
    errors: list[str] = []
    key_messages = qualified_name(key)
    if key_messages:
        errors.append(str(invalid(FieldPath("key"), key, "; ".join(key_messages))))
    if operator in ("in", "notin") and not values:
        errors.append(
            str(
                invalid(FieldPath("values"), values, "for 'in', 'notin' operators, values set can't be empty")
            )
        )
    if operator == "=" and len(values) != 1:
        errors.append(
            str(invalid(FieldPath("values"), values, "exact-match compatibility requires one single value"))
        )
    if operator in ("exists", "!") and values:
        errors.append(
            str(
                invalid(FieldPath("values"), values, "values set must be empty for exists and does not exist")
            )
        )
    for i, value in enumerate(values):
        value_messages = label_value(value)
        if value_messages:
            at = FieldPath("values").index(i).key(key)
            errors.append(str(invalid(at, value, "; ".join(value_messages))))
    if len(errors) == 1:
        raise SelectorError(errors[0])
    if errors:
        unique = list(dict.fromkeys(errors))
        raise SelectorError(unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]")
    return Requirement(key, operator, tuple(values))
