"""Field errors the way Kubernetes' apimachinery prints them, which is how VM Operator's webhooks answer.

    spec.className: Required value
    spec.network.interfaces[0].name: Duplicate value: "eth0"
    spec.imageName: Invalid value: "vmi-2": field is immutable

Each error also says what it means for a planned change (`Effect`), so a preview can tell a refusal to change a
field in place (a replacement) or a change that needs the VM powered off (a power cycle) from plain bad input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

IMMUTABLE = "field is immutable"


class Effect(StrEnum):
    """What an error means for a planned change of an existing object."""

    INVALID = "invalid"  # the object is refused as it is: the preview fails
    IMMUTABLE = "immutable"  # the field cannot change in place: the object must be replaced
    WHILE_OFF = "while-off"  # the change is refused while the VM is powered on: power it off first
    PRIVILEGED = "privileged"  # only a privileged account (VM Operator, cluster admins) may do this


class FieldPath:
    """A field path as apimachinery prints it: `spec.volumes[0].name`, `metadata.labels[a.b/c]`."""

    __slots__ = ("text",)

    def __init__(self, text: str = "") -> None:
        self.text = text

    def child(self, *names: str) -> FieldPath:
        text = self.text
        for name in names:
            text = f"{text}.{name}" if text else name
        return FieldPath(text)

    def index(self, i: int) -> FieldPath:
        return FieldPath(f"{self.text}[{i}]")

    def key(self, k: str) -> FieldPath:
        return FieldPath(f"{self.text}[{k}]")

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"FieldPath({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldPath) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def path(*names: str) -> FieldPath:
    return FieldPath().child(*names)


class GoValue:
    """A value printed the way Go's %#v prints it in `Invalid value: ...` (structs by field)."""

    def __init__(self, type_name: str, fields: list[tuple[str, Any]]) -> None:
        self.type_name = type_name
        self.fields = fields

    def __str__(self) -> str:
        inner = ", ".join(f"{name}:{go_literal(value)}" for name, value in self.fields)
        return f"{self.type_name}{{{inner}}}"


def go_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def go_literal(value: Any) -> str:
    if isinstance(value, GoValue):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return go_quote(value)
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class FieldError:
    """One refusal: the kind of error, the field, the value and the detail, and what it means for a change."""

    type: str  # "Required value", "Forbidden", "Invalid value", "Unsupported value", "Duplicate value", ...
    field: str
    value: Any = None
    detail: str = ""
    effect: Effect = Effect.INVALID

    def __str__(self) -> str:
        if not self.type:  # a refusal in the webhook's own words, not a field.Error
            return f"{self.field}: {self.detail}" if self.field else self.detail
        if self.type in ("Required value", "Forbidden", "Too long", "Internal error", "Too many"):
            body = self.type
        else:
            body = f"{self.type}: {go_literal(self.value)}"
        if self.detail:
            body += f": {self.detail}"
        return f"{self.field}: {body}"


def required(at: FieldPath, detail: str = "") -> FieldError:
    return FieldError("Required value", str(at), None, detail)


def forbidden(at: FieldPath, detail: str, effect: Effect = Effect.INVALID) -> FieldError:
    return FieldError("Forbidden", str(at), None, detail, effect)


def invalid(at: FieldPath, value: Any, detail: str, effect: Effect = Effect.INVALID) -> FieldError:
    return FieldError("Invalid value", str(at), value, detail, effect)


def not_supported(at: FieldPath, value: Any, valid: Iterable[str]) -> FieldError:
    quoted = ", ".join(go_quote(v) for v in valid)
    return FieldError("Unsupported value", str(at), value, f"supported values: {quoted}" if quoted else "")


def duplicate(at: FieldPath, value: Any) -> FieldError:
    return FieldError("Duplicate value", str(at), value)


def too_long(at: FieldPath, limit: int) -> FieldError:
    return FieldError("Too long", str(at), None, f"may not be more than {limit} bytes")


def semantic(value: Any) -> Any:
    """A value as apimachinery's semantic equality sees it: nil and empty are the same."""
    if isinstance(value, GoValue):
        return [(n, semantic(v)) for n, v in value.fields]
    if value in (None, "", [], {}, 0, False):
        return None
    if isinstance(value, dict):
        cleaned = {k: semantic(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v is not None} or None
    if isinstance(value, list):
        return [semantic(v) for v in value]
    return value


def immutable(new: Any, old: Any, at: FieldPath, shown: Any = None) -> list[FieldError]:
    """apimachinery's ValidateImmutableField: refused when the value changed (nil and empty are equal);
    `shown` is what the message prints (the new value by default)."""
    if semantic(new) == semantic(old):
        return []
    return [invalid(at, new if shown is None else shown, IMMUTABLE, Effect.IMMUTABLE)]


# ------------------------------------------------------------------------------------------ names

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")


def dns1123_subdomain(value: str) -> list[str]:
    """apimachinery's IsDNS1123Subdomain messages (empty when valid)."""
    errors = []
    if len(value) > 253:
        errors.append("must be no more than 253 characters")
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        errors.append(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
            "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
            "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        )
    return errors


def dns1123_label(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _DNS1123_LABEL.fullmatch(value):
        errors.append(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
            "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
            "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        )
    return errors


def dns1035_label(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _DNS1035_LABEL.fullmatch(value):
        errors.append(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
            "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
            "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        )
    return errors


def qualified_name(value: str) -> list[str]:
    """apimachinery's IsQualifiedName (label keys, annotation keys)."""
    errors: list[str] = []
    prefix, _, name = value.rpartition("/")
    if value.count("/") > 1:
        return [
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
            "and '/' (e.g. 'example.com/MyName')"
        ]
    if prefix or "/" in value:
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors += [f"prefix part {m}" for m in dns1123_subdomain(prefix)]
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part must be no more than 63 characters")
    elif not _QUALIFIED_NAME.fullmatch(name):
        errors.append(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
            "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        )
    return errors


def label_value(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not _LABEL_VALUE.fullmatch(value):
        errors.append(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
            "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        )
    return errors
