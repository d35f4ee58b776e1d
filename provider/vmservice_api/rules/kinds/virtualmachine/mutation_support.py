"""What the VirtualMachine mutation rules share: reading and building parts of the JSON object, the values
upstream generates (UUIDs, timestamps), Go's JSON text for annotations, and whether VM Operator has already
upgraded an object to the running build.

The object travels as plain JSON. A part that is absent or null reads as empty, the way Go's decoder leaves
a nil pointer or zero value; where upstream tells a nil pointer from an empty struct, the rules check for
an object (`isinstance(..., dict)`).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, cast

from vmservice_api.objects import JSONObject
from vmservice_api.rules.framework import Request
from vmservice_api.rules.kinds.virtualmachine import mutation_names as names


def the_object(req: Request[Any]) -> JSONObject:
    return cast(JSONObject, req.object)


def the_old_object(req: Request[Any]) -> JSONObject:
    return cast(JSONObject, req.old) if req.old is not None else {}


# ---- reading ------------------------------------------------------------------------------------------
def part(parent: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    """The object at `keys` below `parent`, or an empty (detached) mapping."""
    value: Any = parent
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return cast(Mapping[str, Any], value) if isinstance(value, dict) else {}


def text(parent: Mapping[str, Any], key: str) -> str:
    value = parent.get(key)
    return value if isinstance(value, str) else ""


def number(parent: Mapping[str, Any], key: str) -> int | None:
    """An optional integer field (Go's *int32): None when absent or null."""
    value = parent.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def entries(parent: Mapping[str, Any], key: str) -> list[JSONObject]:
    """The objects of a list field (a live list when it exists: changing an entry changes the object)."""
    value = parent.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def annotations_of(obj: Mapping[str, Any]) -> Mapping[str, str]:
    return cast(Mapping[str, str], part(obj, "metadata", "annotations"))


def spec(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    return part(obj, "spec")


# ---- building ------------------------------------------------------------------------------------------
def child(parent: JSONObject, key: str) -> JSONObject:
    """The object at `key`, created empty when absent or null."""
    value = parent.get(key)
    if not isinstance(value, dict):
        value = {}
        parent[key] = value
    return cast(JSONObject, value)


def writable_spec(obj: JSONObject) -> JSONObject:
    return child(obj, "spec")


def writable_annotations(obj: JSONObject) -> dict[str, str]:
    return cast(dict[str, str], child(child(obj, "metadata"), "annotations"))


def append(parent: JSONObject, key: str, item: JSONObject) -> None:
    value = parent.get(key)
    if not isinstance(value, list):
        value = []
        parent[key] = value
    value.append(item)


def without_empty(**fields: str) -> JSONObject:
    """A reference built the way upstream's structs serialise (empty strings are left out)."""
    return {key: value for key, value in fields.items() if value}


# ---- generated values -------------------------------------------------------------------------------------
def random_uuid() -> str:
    """A random (version 4) UUID, as upstream generates instance and BIOS UUIDs."""
    return str(uuid.uuid4())


def utc_now() -> str:
    """The current time in Go's RFC 3339 "nano" layout, in UTC (trailing zeros of the fraction dropped)."""
    now = datetime.now(UTC)
    fraction = f"{now.microsecond:06d}".rstrip("0")
    return now.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def go_json(value: Any) -> str:
    """`encoding/json.Marshal`'s text: compact, with the characters Go escapes for HTML escaped."""
    encoded = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        encoded = encoded.replace(raw, escaped)
    return encoded.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# ---- VM Operator's upgrade marks ---------------------------------------------------------------------------
_BASE, _SHARED_DISKS, _ALL_DISKS_ARE_PVCS = 1, 2, 4
_ALL_FEATURE_BITS = _BASE | _SHARED_DISKS | _ALL_DISKS_ARE_PVCS


def activated_feature_version(req: Request[Any]) -> int:
    """The feature bits the running VM Operator has on (pkg/util/vmopv1 ActivatedFeatureVersion)."""
    version = _BASE
    shared_disks = req.feature(names.VM_SHARED_DISKS)
    if shared_disks:
        version |= _SHARED_DISKS
    if shared_disks or req.feature(names.ALL_DISKS_ARE_PVCS):
        version |= _ALL_DISKS_ARE_PVCS
    return version


def _feature_version(value: str) -> int:
    if not re.fullmatch(r"[0-9]+", value) or int(value) > 0xFFFF:
        return 0
    parsed = int(value)
    return parsed if parsed and not parsed & ~_ALL_FEATURE_BITS else 0


def is_upgraded(req: Request[Any], obj: Mapping[str, Any]) -> bool:
    """Whether VM Operator has upgraded the object to its build, schema and feature versions
    (pkg/util/vmopv1 IsObjectUpgraded): mutations that depend on new fields wait until it has."""
    marks = annotations_of(obj)
    build = marks.get(names.UPGRADED_TO_BUILD_VERSION) or ""
    schema = marks.get(names.UPGRADED_TO_SCHEMA_VERSION) or ""
    have = _feature_version(marks.get(names.UPGRADED_TO_FEATURE_VERSION) or "")
    want = activated_feature_version(req)
    return (
        build != ""
        and build == names.BUILD_VERSION[req.release]
        and schema != ""
        and schema == names.SCHEMA_VERSION[req.release]
        and have != 0
        and have & want == want
    )


def named(objects: list[JSONObject]) -> Iterator[JSONObject]:
    """Objects in the order the apiserver lists them (by name)."""
    return iter(sorted(objects, key=lambda o: str(part(o, "metadata").get("name") or "")))
