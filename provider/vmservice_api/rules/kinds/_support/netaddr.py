"""IP addresses and CIDR ranges as Go and Kubernetes read them.

Two readings matter: the "sloppy" one of k8s.io/utils/net (Go's pre-1.17 parser: IPv4 parts may have
leading zeros) and the strict one of Go's net/netip (no leading zeros). apimachinery 0.34's IsValidIP accepts
only what both accept and what is written canonically; 0.29's accepted whatever the sloppy reading did.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_IPV4 = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)")


@dataclass(frozen=True)
class Address:
    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    leading_zeros: bool  # an IPv4 part written with a leading zero (only the sloppy reading takes it)

    @property
    def is_4in6(self) -> bool:
        return isinstance(self.address, ipaddress.IPv6Address) and self.address.ipv4_mapped is not None

    @property
    def bits(self) -> int:
        return 32 if isinstance(self.address, ipaddress.IPv4Address) else 128

    def go_string(self) -> str:
        """Go's net.IP String(): IPv4 (also IPv4-mapped) as dotted quad, IPv6 per RFC 5952."""
        if isinstance(self.address, ipaddress.IPv6Address) and self.address.ipv4_mapped is not None:
            return str(self.address.ipv4_mapped)
        return self.address.compressed


def _ipv4(text: str) -> tuple[ipaddress.IPv4Address, bool] | None:
    match = _IPV4.fullmatch(text)
    if not match:
        return None
    parts = [int(p) for p in match.groups()]
    if any(p > 255 for p in parts):
        return None
    leading = any(len(p) > 1 and p.startswith("0") for p in match.groups())
    return ipaddress.IPv4Address(".".join(str(p) for p in parts)), leading


def parse_ip(text: str) -> Address | None:
    """The address in the sloppy reading (None when not an address at all)."""
    if ":" not in text:
        found = _ipv4(text)
        return Address(found[0], found[1]) if found else None
    if "%" in text:
        return None
    head, _, tail = text.rpartition(":")
    leading = False
    if "." in tail:  # an embedded IPv4 tail, read the same way
        found = _ipv4(tail)
        if found is None:
            return None
        text, leading = f"{head}:{found[0]}", found[1]
    try:
        return Address(ipaddress.IPv6Address(text), leading)
    except ipaddress.AddressValueError:
        return None


def ip_errors(text: str) -> list[str]:
    """apimachinery 0.34 IsValidIP's messages for `text` (empty when valid)."""
    found = parse_ip(text)
    if found is None:
        return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
    errors = []
    if found.leading_zeros:
        errors.append("must not have leading 0s")
    if found.is_4in6:
        errors.append("must not be an IPv4-mapped IPv6 address")
    if errors:
        return errors
    canonical = found.go_string()
    return [] if canonical == text else [f'must be in canonical form ("{canonical}")']


def is_sloppy_ip(text: str) -> bool:
    """apimachinery 0.29 IsValidIP: whatever k8s.io/utils/net.ParseIPSloppy reads."""
    return parse_ip(text) is not None


def is_cidr(text: str, strict: bool) -> bool:
    """Whether Go's net.ParseCIDR (strict) or k8s.io/utils/net.ParseCIDRSloppy reads `text`."""
    address, slash, mask = text.partition("/")
    if not slash or not mask.isascii() or not mask.isdigit():
        return False
    found = parse_ip(address)
    if found is None or (strict and found.leading_zeros):
        return False
    return int(mask) <= found.bits
