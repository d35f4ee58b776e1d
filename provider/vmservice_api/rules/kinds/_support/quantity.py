"""Kubernetes resource quantities (`resource.Quantity`): parsing, comparison and the canonical text.

The canonical text is what `Quantity.String()` prints: a binary-suffixed quantity stays binary when it is a
whole number of at least 1024 (`2Gi`, `1536Mi`), anything else is printed with the largest decimal suffix
that keeps an integer mantissa (`1500m`, `2k`, `4G`).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

_NUMBER = re.compile(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)")
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {exponent: suffix for suffix, exponent in _DECIMAL.items()}
_BINARY_SUFFIX = {exponent: suffix for suffix, exponent in _BINARY.items()}


class Quantity:
    __slots__ = ("amount", "format")

    def __init__(self, amount: Decimal, format: str) -> None:
        self.amount = amount
        self.format = format  # BinarySI | DecimalSI | DecimalExponent

    @property
    def value(self) -> int:
        """`Quantity.Value()`: the amount rounded up to a whole number."""
        return math.ceil(self.amount)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quantity) and other.amount == self.amount

    def __hash__(self) -> int:
        return hash(self.amount)

    def __str__(self) -> str:
        return _canonical(self)


def parse(value: Any) -> Quantity | None:
    """A quantity from its JSON form (a string or a number); None when it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    match = _NUMBER.fullmatch(str(value).strip())
    if not match:
        return None
    number, suffix = match.groups()
    try:
        amount = Decimal(number)
    except InvalidOperation:
        return None
    if suffix in _BINARY:
        return Quantity(amount * (2 ** _BINARY[suffix]), "BinarySI")
    if suffix in _DECIMAL:
        return Quantity(amount.scaleb(_DECIMAL[suffix]), "DecimalSI")
    exponent = re.fullmatch(r"[eE]([+-]?[0-9]+)", suffix)
    if exponent:
        return Quantity(amount.scaleb(int(exponent.group(1))), "DecimalExponent")
    return None


def canonical(value: Any) -> str:
    """The canonical text of a quantity given as JSON (the text itself when it does not parse)."""
    quantity = parse(value)
    return str(value) if quantity is None else str(quantity)


def _canonical(q: Quantity) -> str:
    if q.amount == 0:
        return "0"
    fmt = q.format
    if fmt == "BinarySI" and (abs(q.amount) < 1024 or q.amount != q.amount.to_integral_value()):
        fmt = "DecimalSI"
    if fmt == "BinarySI":
        mantissa, exponent = int(q.amount), 0
        while mantissa % 1024 == 0 and exponent < 60:
            mantissa //= 1024
            exponent += 10
        return f"{mantissa}{_BINARY_SUFFIX.get(exponent, '')}"
    amount, exponent = q.amount, 0
    while amount != amount.to_integral_value():
        amount *= 1000
        exponent -= 3
    mantissa = int(amount)
    while mantissa % 1000 == 0:
        mantissa //= 1000
        exponent += 3
    if fmt == "DecimalSI" and exponent in _DECIMAL_SUFFIX:
        return f"{mantissa}{_DECIMAL_SUFFIX[exponent]}"
    return f"{mantissa}e{exponent}" if exponent else str(mantissa)
