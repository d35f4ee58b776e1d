"""Reading the Supervisor's verdict on a dry-run apply: which fields it refuses to change in place.

The apiserver words an admission denial as `admission webhook "<name>" denied the request: <errors>` and its
own validation as `<Kind> "<name>" is invalid: [<errors>]`, where each error prints like Kubernetes'
`field.Error` (`spec.className: Invalid value: "x": field is immutable`) and several are joined with ", ".
A field error whose detail says the field cannot change (apimachinery's "field is immutable", VM Operator's
"cannot be changed", "cannot be added or removed", ...) is a refusal to change that field in place: the
preview replaces the object, with the server's words as the reason.
"""

from __future__ import annotations

import re

from pulumi_vmservice_provider.model import paths
from pulumi_vmservice_provider.operations import Refusal

_KINDS = (
    "Invalid value",
    "Forbidden",
    "Required value",
    "Unsupported value",
    "Duplicate value",
    "Too long",
    "Too many",
    "Not found",
    "Internal error",
)
# A field error starts at the beginning, after "...: " (the denial's prefix), ", " (the next error) or "[".
_FIELD_ERROR = re.compile(
    r"(?:^|(?<=: )|(?<=, )|(?<=\[))(?P<path>(?:metadata|spec|status)(?:[.\[][^\s:,]*)?): "
    rf"(?P<kind>{'|'.join(_KINDS)})\b"
)
_IMMUTABLE = re.compile(
    r"immutable|cannot be changed|cannot change|can ?not be modified|may not be changed|"
    r"cannot be added or removed|must not change|is not allowed to change",
    re.IGNORECASE,
)


def field_errors(message: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first field error (e.g. `admission webhook "x" denied the request`) and each field
    error as (API path, the error's text)."""
    matches = list(_FIELD_ERROR.finditer(message))
    if not matches:
        return message, []
    prefix = message[: matches[0].start()].rstrip(" :[")
    errors = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(message)
        text = message[match.start() : end].rstrip()
        text = text.removesuffix(",") if index + 1 < len(matches) else text.removesuffix("]")
        errors.append((match.group("path"), text.rstrip()))
    return prefix, errors


def is_immutable(text: str) -> bool:
    """Whether a field error says that the field cannot change after creation."""
    match = _FIELD_ERROR.match(text)
    detail = text[match.end() :] if match else text
    if detail.startswith(': "') and '": ' in detail:  # skip a quoted value: only the detail counts
        detail = detail.split('": ', 1)[1]
    return bool(_IMMUTABLE.search(detail))


def refusals(message: str) -> tuple[Refusal, ...]:
    """The fields a server's denial refuses to change in place, each with the denial's prefix and its own
    error (the server's words); empty when the denial is about anything else."""
    prefix, errors = field_errors(message)
    return tuple(
        Refusal(paths.from_api(path), f"{prefix}: {text}" if prefix else text)
        for path, text in errors
        if is_immutable(text)
    )
