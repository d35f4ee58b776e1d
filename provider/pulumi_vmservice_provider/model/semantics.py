"""Rules the Supervisor's API server and VM Operator's webhooks enforce, checked at preview with their
messages (`Required value`, `Duplicate value: "eth0"`, `Forbidden: ...`), so a preview fails where `up`
would. Values may be unknown during preview: a rule only judges what is known."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from typing import Any

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.types import known_list, lookup
from pulumi_vmservice_provider.wire import is_unknown

Problem = tuple[str, str]

LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def _quoted(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def required(path: str) -> Problem:
    return path, "Required value"


def duplicate(path: str, value: Any) -> Problem:
    return path, f"Duplicate value: {_quoted(value)}"


def invalid(path: str, value: Any, detail: str) -> Problem:
    return path, f"Invalid value: {_quoted(value)}: {detail}"


def forbidden(path: str, detail: str) -> Problem:
    return path, f"Forbidden: {detail}"


def _known_str(value: Any) -> str | None:
    return value if isinstance(value, str) and not is_unknown(value) else None


def labels(meta: Any, base: str = "metadata") -> Iterator[Problem]:
    """Kubernetes label keys (optional DNS subdomain prefix + name of at most 63) and values (at most 63)."""
    values = lookup(meta, "labels")
    if not isinstance(values, dict):
        return
    for key, value in values.items():
        at = f'{base}.labels["{key}"]'
        prefix, _, name = key.rpartition("/")
        if len(name) > 63 or not QUALIFIED_NAME.fullmatch(name):
            yield invalid(
                at,
                key,
                "name part must consist of alphanumeric characters, '-', '_' or '.', must start and end with "
                "an alphanumeric character and be no more than 63 characters",
            )
        if prefix and (len(prefix) > 253 or not DNS1123_SUBDOMAIN.fullmatch(prefix)):
            yield invalid(at, key, "prefix part must be a lowercase RFC 1123 subdomain")
        text = _known_str(value)
        if text is None:
            continue
        if len(text) > 63:
            yield invalid(at, text, "must be no more than 63 characters")
        elif not LABEL_VALUE.fullmatch(text):
            yield invalid(
                at,
                text,
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                "and must start and end with an alphanumeric character",
            )


def unique_names(items: Any, base: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, item in enumerate(known_list(items)):
        name = _known_str(lookup(item, "name"))
        if name is None:
            continue
        if name in seen:
            yield duplicate(f"{base}[{index}].name", name)
        seen.add(name)


def not_empty(value: Any, path: str) -> Iterator[Problem]:
    if value == "":
        yield required(path)


def ip_address(value: Any, path: str) -> Iterator[Problem]:
    text = _known_str(value)
    if text is None or text == "None":  # `None` is VM Operator's way to say "no gateway"
        return
    try:
        ipaddress.ip_address(text)
    except ValueError:
        yield invalid(path, text, "must be a valid IP address")


def cidr(
    value: Any, path: str, detail: str = "must be a valid IP address in CIDR notation"
) -> Iterator[Problem]:
    text = _known_str(value)
    if text is None:
        return
    if "/" not in text:
        yield invalid(path, text, detail)
        return
    try:
        ipaddress.ip_interface(text)
    except ValueError:
        yield invalid(path, text, detail)


def ip_list(values: Any, path: str) -> Iterator[Problem]:
    for index, value in enumerate(known_list(values)):
        yield from ip_address(value, f"{path}[{index}]")


def metadata_labels(inputs: JSONObject) -> list[Problem]:
    """A validator for kinds whose only server-side rules are on their metadata."""
    return list(labels(inputs.get("metadata")))
