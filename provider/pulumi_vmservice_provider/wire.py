"""Pulumi property values on the wire (google.protobuf.Struct) <-> plain Python values.

Secrets become `Secret` wrappers and every typed unknown sentinel becomes `UNKNOWN`, so the rest of the
provider works on ordinary dicts, lists and scalars and never loses track of which values are secret.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"

UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN_SENTINELS = frozenset(
    {
        UNKNOWN_STRING,
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # bool
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)


class _Unknown:
    """A value that is not known yet (preview)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()

PropertyMap = dict[str, Any]
"""Pulumi property values keyed by name: plain values with `Secret` wrappers and `UNKNOWN` in them."""


@dataclass(frozen=True)
class Secret:
    """A value the engine must keep encrypted; `repr` never shows it."""

    value: Any

    def __repr__(self) -> str:
        return "Secret([secret])"


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, Secret):
        return contains_unknown(value.value)
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def reveal(value: Any) -> Any:
    """The value with every secret wrapper removed (for API calls and comparisons, never for output)."""
    if isinstance(value, Secret):
        return reveal(value.value)
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def secret_strings(value: Any, inside_secret: bool = False) -> set[str]:
    """Every plaintext string held under a secret wrapper (for redacting messages)."""
    found: set[str] = set()
    if isinstance(value, Secret):
        return secret_strings(value.value, True)
    if isinstance(value, dict):
        for v in value.values():
            found |= secret_strings(v, inside_secret)
    elif isinstance(value, list):
        for v in value:
            found |= secret_strings(v, inside_secret)
    elif inside_secret and isinstance(value, str) and len(value) >= 3:
        found.add(value)
    return found


def _decode(value: Any) -> Any:
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, float):
        return int(value) if value.is_integer() and math.isfinite(value) and abs(value) < 2**53 else value
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        sig = value.get(SIG_KEY)
        if sig == SECRET_SIG:
            return Secret(_decode(value.get("value")))
        if sig == OUTPUT_SIG:
            if "value" not in value:
                return UNKNOWN
            inner = _decode(value["value"])
            return Secret(inner) if value.get("secret") else inner
        if sig == RESOURCE_SIG:
            ref_id = value.get("id")
            return ref_id if ref_id else value.get("urn", UNKNOWN)
        return {k: _decode(v) for k, v in value.items()}
    return value


def _encode(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN_STRING
    if isinstance(value, Secret):
        return {SIG_KEY: SECRET_SIG, "value": _encode(value.value)}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """A google.protobuf.Value as Python data. Read field by field rather than through JSON, which cannot
    represent NaN or infinities (Check rejects those with a failure naming the property)."""
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        return {k: _plain(v) for k, v in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_plain(v) for v in value.list_value.values]
    if kind in ("number_value", "string_value", "bool_value"):
        return getattr(value, kind)
    return None


def struct_to_dict(struct: Any) -> PropertyMap:
    """Decode a google.protobuf.Struct into plain values (ints where the number is integral)."""
    if struct is None:
        return {}
    decoded = _decode({k: _plain(v) for k, v in struct.fields.items()})
    return decoded if isinstance(decoded, dict) else {}


def dict_to_struct(values: PropertyMap) -> Any:
    from google.protobuf import struct_pb2

    struct = struct_pb2.Struct()
    struct.update(_encode(values))
    return struct
