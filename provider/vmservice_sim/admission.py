"""Admission results the way VM Operator's webhooks word them.

Field errors print like Kubernetes' `field.Error` (`spec.className: Invalid value: "x": field is immutable`).
A validating denial is code 422 with the comma-joined errors as the status *reason* (VM Operator's
`BuildValidationResponse`); a mutating denial is `admission.Denied` (403, the text as the message). The
apiserver turns both into `admission webhook "<name>" denied the request: <text>`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

IMMUTABLE = "field is immutable"


class Path:
    """A field path: spec.network.interfaces[0].name, metadata.labels[topology.kubernetes.io/zone]."""

    def __init__(self, text: str = "") -> None:
        self.text = text

    def child(self, *names: str) -> Path:
        text = self.text
        for name in names:
            text = f"{text}.{name}" if text else name
        return Path(text)

    def index(self, i: int) -> Path:
        return Path(f"{self.text}[{i}]")

    def key(self, k: str) -> Path:
        return Path(f"{self.text}[{k}]")

    def __str__(self) -> str:
        return self.text


def path(*names: str) -> Path:
    return Path().child(*names)


class GoStruct:
    """A value printed the way Go's %#v prints a struct (for errors that carry whole structs)."""

    def __init__(self, type_name: str, fields: list[tuple[str, Any]]) -> None:
        self.type_name = type_name
        self.fields = fields

    def __str__(self) -> str:
        inner = ", ".join(f"{name}:{go_literal(value)}" for name, value in self.fields)
        return f"{self.type_name}{{{inner}}}"


def go_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def go_literal(value: Any) -> str:
    if isinstance(value, GoStruct):
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
    kind: str  # "Required value", "Forbidden", "Invalid value", "Unsupported value", "Duplicate value"
    field: str
    value: Any = None
    detail: str = ""

    def __str__(self) -> str:
        if self.kind in ("Required value", "Forbidden", "Too long", "Internal error"):
            body = self.kind
        else:
            body = f"{self.kind}: {go_literal(self.value)}"
        if self.detail:
            body += f": {self.detail}"
        return f"{self.field}: {body}"


def required(at: Path, detail: str = "") -> FieldError:
    return FieldError("Required value", str(at), None, detail)


def forbidden(at: Path, detail: str) -> FieldError:
    return FieldError("Forbidden", str(at), None, detail)


def invalid(at: Path, value: Any, detail: str) -> FieldError:
    return FieldError("Invalid value", str(at), value, detail)


def not_supported(at: Path, value: Any, valid: Iterable[str]) -> FieldError:
    quoted = ", ".join(go_quote(v) for v in valid)
    return FieldError("Unsupported value", str(at), value, f"supported values: {quoted}" if quoted else "")


def duplicate(at: Path, value: Any) -> FieldError:
    return FieldError("Duplicate value", str(at), value)


def immutable(new: Any, old: Any, at: Path) -> list[FieldError]:
    """apimachinery's ValidateImmutableField (semantic equality: None and empty are the same)."""
    return [] if semantic(new) == semantic(old) else [invalid(at, new, IMMUTABLE)]


def semantic(value: Any) -> Any:
    if isinstance(value, GoStruct):
        return [(n, semantic(v)) for n, v in value.fields]
    if value in (None, "", [], {}, 0, False):
        return None
    if isinstance(value, dict):
        cleaned = {k: semantic(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v is not None} or None
    if isinstance(value, list):
        return [semantic(v) for v in value]
    return value


# ------------------------------------------------------------------------------------------ reading objects


def spec_of(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def metadata_map(obj: dict[str, Any], key: str) -> dict[str, str]:
    """metadata.labels or metadata.annotations ({} when absent)."""
    value = (obj.get("metadata") or {}).get(key)
    return value if isinstance(value, dict) else {}


def dig(obj: Any, *keys: str) -> Any:
    """obj[k1][k2]...; None when a level is missing or not a mapping."""
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


# ------------------------------------------------------------------------------------------ names

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")


def dns1123_subdomain(value: str) -> list[str]:
    errors = []
    if len(value) > 253:
        errors.append("must be no more than 253 characters")
    if not _DNS1123_SUBDOMAIN.match(value):
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
    if not _DNS1123_LABEL.match(value):
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
    if not _DNS1035_LABEL.match(value):
        errors.append(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
            "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
            "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        )
    return errors


# ------------------------------------------------------------------------------------------ responses


@dataclass
class Verdict:
    """The outcome of one admission call."""

    allowed: bool = True
    code: int = 200
    reason: str = ""
    message: str = ""
    patch: list[dict[str, Any]] | None = None

    @classmethod
    def validation(cls, errors: list[FieldError]) -> Verdict:
        if not errors:
            return cls()
        return cls(allowed=False, code=422, reason=", ".join(str(e) for e in errors))

    @classmethod
    def denied(cls, message: str) -> Verdict:
        return cls(allowed=False, code=403, reason="Forbidden", message=message)

    @classmethod
    def errored(cls, code: int, message: str) -> Verdict:
        return cls(allowed=False, code=code, message=message)

    def response(self, uid: str) -> dict[str, Any]:
        import base64

        body: dict[str, Any] = {"uid": uid, "allowed": self.allowed}
        if not self.allowed:
            status: dict[str, Any] = {"code": self.code}
            if self.reason:
                status["reason"] = self.reason
            if self.message:
                status["message"] = self.message
            body["status"] = status
        elif self.patch:
            body["patchType"] = "JSONPatch"
            body["patch"] = base64.b64encode(json.dumps(self.patch).encode()).decode()
        return body


def replace_patch(original: dict[str, Any], mutated: dict[str, Any]) -> list[dict[str, Any]]:
    """A JSON patch turning `original` into `mutated`, at the granularity of metadata.labels/annotations and
    spec (enough for what the mutating webhook changes)."""
    ops: list[dict[str, Any]] = []
    old_meta, new_meta = original.get("metadata") or {}, mutated.get("metadata") or {}
    for key in ("labels", "annotations"):
        if old_meta.get(key) != new_meta.get(key) and new_meta.get(key) is not None:
            ops.append({"op": "add", "path": f"/metadata/{key}", "value": new_meta[key]})
    if original.get("spec") != mutated.get("spec") and mutated.get("spec") is not None:
        ops.append({"op": "add", "path": "/spec", "value": mutated["spec"]})
    return ops
