"""Value formats the VirtualMachine webhooks check, parsed the way their Go libraries parse them: IP addresses
and CIDRs (`net`), host and domain names (VM Operator's `pkg/util/network.go`), RFC 3339 times (`time`),
UUIDs (`google/uuid`), API group/versions (`schema.ParseGroupVersion`) and quantities (`resource`)."""

from __future__ import annotations

import calendar
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation


# ---- IP addresses -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class IP:
    """A parsed address; `v4` is Go's `ip.To4() != nil` (IPv4, or IPv4 mapped into IPv6)."""

    v4: bool


def parse_ip(value: str) -> IP | None:
    """Go's net.ParseIP: dotted IPv4 without leading zeros, or IPv6 without a zone; None when invalid."""
    if "%" in value:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        return IP(v4=address.ipv4_mapped is not None)
    return IP(v4=True)


def parse_cidr(value: str) -> tuple[IP | None, str]:
    """Go's net.ParseCIDR: the address and "" when valid, else None and Go's error text."""
    failure = None, f"invalid CIDR address: {value}"
    address, slash, prefix = value.partition("/")
    if not slash or not re.fullmatch(r"[0-9]+", prefix):
        return failure
    ip = parse_ip(address)
    if ip is None:
        return failure
    bits = 32 if ":" not in address else 128
    if int(prefix) > bits:
        return failure
    return ip, ""


# ---- host and domain names --------------------------------------------------------------------------
def _host_rune(char: str) -> bool:
    """A character a host name label may hold: ASCII letters and digits, or any Unicode letter or symbol."""
    return (char.isascii() and char.isalnum()) or unicodedata.category(char)[0] in ("L", "S")


def _host_label(label: str) -> bool:
    if not 1 <= len(label) <= 63:
        return False
    if len(label) <= 2:
        return all(_host_rune(c) for c in label)
    return _host_rune(label[0]) and _host_rune(label[-1]) and all(_host_rune(c) or c == "-" for c in label)


def is_valid_host_name(value: str) -> bool:
    """An IP address, or one RFC 1123 label that may hold Unicode letters and symbols (no dots, no "_")."""
    return parse_ip(value) is not None or _host_label(value)


def is_valid_domain_name(value: str) -> bool:
    """RFC 1034 names: labels like host names, and a top-level domain of two or more ASCII letters or digits
    (dashes only inside); at most 253 bytes."""
    if len(value.encode()) > 253:
        return False
    *labels, top = value.split(".")
    if not all(_host_label(label) for label in labels):
        return False
    return re.fullmatch(r"[a-zA-Z0-9]{2}|[a-zA-Z0-9][-a-zA-Z0-9]{0,61}[a-zA-Z0-9]", top) is not None


# ---- times, UUIDs, group/versions -------------------------------------------------------------------
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))",
)


def is_rfc3339_nano(value: str) -> bool:
    """Go's time.Parse(time.RFC3339Nano, value) succeeds."""
    match = _RFC3339.fullmatch(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    offset_hour, offset_minute = match.group(7), match.group(8)
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    if hour > 23 or minute > 59 or second > 59:
        return False
    return offset_hour is None or (int(offset_hour) <= 23 and int(offset_minute) <= 59)


_HEX = "[0-9a-fA-F]"
_UUID = re.compile(rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}")


def is_uuid(value: str) -> bool:
    """google/uuid's Validate: the canonical form, optionally braced or "urn:uuid:" prefixed, or 32 hex."""
    if len(value) == 45 and value[:9].lower() == "urn:uuid:":
        value = value[9:]
    elif len(value) == 38 and value[0] == "{" and value[-1] == "}":
        value = value[1:-1]
    elif len(value) == 32:
        return re.fullmatch(f"{_HEX}{{32}}", value) is not None
    return _UUID.fullmatch(value) is not None


def group_of(api_version: str) -> tuple[str, str]:
    """schema.ParseGroupVersion: the group and "", or "" and the parse error."""
    if not api_version or api_version == "/":
        return "", ""
    if api_version.count("/") == 0:
        return "", ""
    if api_version.count("/") == 1:
        return api_version.split("/")[0], ""
    return "", f"unexpected GroupVersion string: {api_version}"


# ---- quantities -------------------------------------------------------------------------------------
_SUFFIXES = {
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50,
    "Ei": Decimal(2) ** 60,
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
_QUANTITY = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?")


def quantity_value(value: object) -> int | None:
    """resource.Quantity's Value(): the amount rounded up to a whole number (None when not a quantity)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        value = repr(value)
    if not isinstance(value, str):
        return None
    match = _QUANTITY.fullmatch(value.strip())
    if match is None:
        return None
    number, suffix = match.group(1), match.group(2) or ""
    try:
        amount = Decimal(number)
        scale = _SUFFIXES[suffix] if suffix in _SUFFIXES else Decimal(10) ** int(suffix[1:])
    except (InvalidOperation, ValueError):
        return None
    return int((amount * scale).to_integral_value(rounding=ROUND_CEILING))
