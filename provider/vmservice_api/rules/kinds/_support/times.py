"""Go's durations (`metav1.Duration`, `time.ParseDuration`) and RFC 3339 times, as the webhooks read them."""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime

_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,  # µs (micro sign)
    "\u03bcs": 1_000,  # μs (Greek mu)
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_MAX_NS = (1 << 63) - 1


class DurationError(ValueError):
    """A duration Go's time.ParseDuration refuses; the message is Go's."""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_duration(text: str) -> int:
    """Nanoseconds, as Go's time.ParseDuration reads `text` (`1h30m`, `10m0s`, `1.5s`, `-2ms`)."""
    rest, negative = text, False
    if rest[:1] in ("-", "+"):
        negative, rest = rest[0] == "-", rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise DurationError(f"time: invalid duration {_quote(text)}")
    total = 0
    while rest:
        match = re.match(r"([0-9]*)(?:\.([0-9]*))?", rest)
        assert match is not None
        whole, fraction = match.group(1), match.group(2)
        if not whole and not fraction:
            raise DurationError(f"time: invalid duration {_quote(text)}")
        rest = rest[match.end() :]
        unit_match = re.match(r"[^0-9.]*", rest)
        unit = unit_match.group(0) if unit_match else ""
        if not unit:
            raise DurationError(f"time: missing unit in duration {_quote(text)}")
        rest = rest[len(unit) :]
        if unit not in _UNITS:
            raise DurationError(f"time: unknown unit {_quote(unit)} in duration {_quote(text)}")
        scale = _UNITS[unit]
        value = int(whole or "0") * scale
        if fraction:
            value += int(int(fraction) * scale / 10 ** len(fraction))
        total += value
        if total > _MAX_NS + (1 if negative else 0):
            raise DurationError(f"time: invalid duration {_quote(text)}")
    return -total if negative else total


def format_duration(ns: int) -> str:
    """Go's Duration.String(): `0s`, `1.5ms`, `2m0s`, `1h0m0s`."""
    if ns == 0:
        return "0s"
    sign, u = ("-" if ns < 0 else ""), abs(ns)
    if u < 1_000_000_000:
        for limit, digits, unit in ((1_000, 0, "ns"), (1_000_000, 3, "\u00b5s"), (1_000_000_000, 6, "ms")):
            if u < limit:
                return sign + _with_fraction(u, digits) + unit
    seconds, nanos = divmod(u, 1_000_000_000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = _with_fraction(seconds * 1_000_000_000 + nanos, 9) + "s"
    if hours or minutes:
        text = f"{minutes}m" + text
    if hours:
        text = f"{hours}h" + text
    return sign + text


def _with_fraction(value: int, digits: int) -> str:
    whole, fraction = divmod(value, 10**digits)
    tail = str(fraction).rjust(digits, "0").rstrip("0") if digits else ""
    return f"{whole}.{tail}" if tail else str(whole)


_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:Z|[+-](\d{2}):(\d{2}))"
)


def is_rfc3339(text: str) -> bool:
    """Whether Go's time.Parse(time.RFC3339Nano, text) accepts `text`."""
    match = _RFC3339.fullmatch(text)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    zone_hour, zone_minute = match.group(8), match.group(9)
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    if hour > 23 or minute > 59 or second > 59:
        return False
    return zone_hour is None or (int(zone_hour) <= 23 and int(zone_minute) <= 59)


def now_rfc3339nano() -> str:
    """The current UTC time the way Go formats it with time.RFC3339Nano (trailing zeros dropped)."""
    ns = time.time_ns()
    seconds, nanos = divmod(ns, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = str(nanos).rjust(9, "0").rstrip("0")
    return f"{stamp}.{fraction}Z" if fraction else f"{stamp}Z"


def duration_error(value: object) -> str | None:
    """Why a `metav1.Duration` field's JSON value does not decode (Go's words), None when it does."""
    if value is None:
        return None
    if not isinstance(value, str):
        json_type = {bool: "bool", int: "number", float: "number", dict: "object", list: "array"}.get(
            type(value), "value"
        )
        return f"json: cannot unmarshal {json_type} into Go value of type string"
    try:
        parse_duration(value)
    except DurationError as error:
        return str(error)
    return None
