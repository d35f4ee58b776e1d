"""Helpers for the fields the emulator reads and writes: metav1 conditions and times, resource quantities."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

Obj = dict[str, Any]

_SUFFIXES: dict[str, Decimal | int] = {
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "Pi": 2**50,
    "Ei": 2**60,
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "P": 10**15,
    "E": 10**18,
}
_QUANTITY = re.compile(
    r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$"
)


def parse_quantity(value: Any) -> Decimal:
    """A Kubernetes resource.Quantity ("4Gi", "500m", 2) as a Decimal; ValueError when malformed."""
    if isinstance(value, bool):
        raise ValueError(f"invalid quantity {value!r}")
    if isinstance(value, int | float):
        return Decimal(str(value))
    match = _QUANTITY.match(str(value).strip())
    if not match:
        raise ValueError(f"quantities must match the regular expression '{_QUANTITY.pattern}'")
    number, exponent, suffix = match.groups()
    if exponent:
        return Decimal(number + exponent)
    return Decimal(number) * Decimal(_SUFFIXES[suffix or ""])  # exact: the table holds ints and Decimals


def quantity_mib(value: Any, default: int = 0) -> int:
    try:
        return int(parse_quantity(value) / Decimal(2**20))
    except (ValueError, ArithmeticError):
        return default


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def rfc3339(moment: datetime.datetime | None = None) -> str:
    """metav1.Time: seconds precision, UTC, 'Z'."""
    return (moment or now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339nano(moment: datetime.datetime | None = None) -> str:
    """Go's time.RFC3339Nano (trailing zeros of the fraction trimmed)."""
    moment = moment or now()
    fraction = f"{moment.microsecond:06d}000".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def parse_time(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    match = re.match(r"^(.*?\.\d{1,6})\d*(\+.*)$", text)  # Python accepts at most microseconds
    if match:
        text = match.group(1) + match.group(2)
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


def conditions(obj: Obj) -> dict[str, Obj]:
    return {str(c.get("type")): c for c in ((obj.get("status") or {}).get("conditions") or [])}


def set_condition(
    status: Obj, kind: str, state: bool | None, reason: str = "", message: str = "", generation: Any = None
) -> None:
    """Set one metav1.Condition in `status.conditions` (True/False/Unknown), keeping its transition time
    when the status does not change. True conditions get reason "True" as VM Operator's helpers do."""
    value = "True" if state is True else "False" if state is False else "Unknown"
    reason = reason or ("True" if state is True else "Unknown")
    current = list(status.get("conditions") or [])
    for index, condition in enumerate(current):
        if condition.get("type") == kind:
            changed = condition.get("status") != value
            updated = {
                **condition,
                "status": value,
                "reason": reason,
                "message": message,
                "lastTransitionTime": rfc3339()
                if changed
                else condition.get("lastTransitionTime") or rfc3339(),
            }
            if generation is not None:
                updated["observedGeneration"] = generation
            current[index] = updated
            status["conditions"] = current
            return
    new: Obj = {
        "type": kind,
        "status": value,
        "reason": reason,
        "message": message,
        "lastTransitionTime": rfc3339(),
    }
    if generation is not None:
        new["observedGeneration"] = generation
    current.append(new)
    status["conditions"] = current


def remove_condition(status: Obj, kind: str) -> None:
    remaining = [c for c in status.get("conditions") or [] if c.get("type") != kind]
    if remaining:
        status["conditions"] = remaining
    else:
        status.pop("conditions", None)


def is_true(obj: Obj, kind: str) -> bool:
    return conditions(obj).get(kind, {}).get("status") == "True"


def spec_of(obj: Obj) -> Obj:
    """obj["spec"] ({} when absent or not a mapping)."""
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}
