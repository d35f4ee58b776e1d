"""The public key of a web console request: PEM text holding a PKCS #1 RSA public key.

Re-expresses what the webhook asks of Go's encoding/pem (the first PEM block) and crypto/x509's
ParsePKCS1PublicKey (a DER SEQUENCE of two positive INTEGERs, the exponent below 2^31).
"""

from __future__ import annotations

import base64
import binascii
import re

_BEGIN = re.compile(rb"^-----BEGIN ([^\r\n]*?)-----[ \t]*\r?\n", re.MULTILINE)


def pem_block(text: str) -> tuple[str, bytes] | None:
    """The type and bytes of the first well-formed PEM block in `text` (Go's pem.Decode), or None."""
    data = text.encode()
    start = 0
    while True:
        begin = _BEGIN.search(data, start)
        if begin is None:
            return None
        block_type = begin.group(1)
        end_marker = b"-----END " + block_type + b"-----"
        end = data.find(end_marker, begin.end())
        if end < 0:
            return None
        body = data[begin.end() : end]
        lines = body.splitlines()
        if lines and b":" in lines[0]:  # RFC 1421 headers, up to a blank line
            while lines and lines[0].strip():
                lines.pop(0)
        try:
            return block_type.decode(), base64.b64decode(
                b"".join(line.strip() for line in lines), validate=True
            )
        except (binascii.Error, ValueError):
            start = begin.end()


def _der_item(data: bytes, at: int) -> tuple[int, bytes, int] | None:
    """(tag, content, next offset) of the DER item at `at`, or None when malformed."""
    if at + 2 > len(data):
        return None
    tag, length, at = data[at], data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or at + count > len(data) or data[at] == 0:
            return None
        length = int.from_bytes(data[at : at + count], "big")
        if length < 0x80:
            return None  # DER wants the short form
        at += count
    if at + length > len(data):
        return None
    return tag, data[at : at + length], at + length


def _positive_integer(item: tuple[int, bytes, int] | None) -> int | None:
    if item is None or item[0] != 0x02 or not item[1]:
        return None
    content = item[1]
    if len(content) > 1 and (
        (content[0] == 0 and content[1] < 0x80) or (content[0] == 0xFF and content[1] >= 0x80)
    ):
        return None  # not minimally encoded
    value = int.from_bytes(content, "big", signed=True)
    return value if value > 0 else None


def is_pkcs1_public_key(der: bytes) -> bool:
    """Whether x509.ParsePKCS1PublicKey accepts `der`."""
    outer = _der_item(der, 0)
    if outer is None or outer[0] != 0x30 or outer[2] != len(der):
        return False
    content = outer[1]
    modulus_item = _der_item(content, 0)
    modulus = _positive_integer(modulus_item)
    if modulus is None or modulus_item is None:
        return False
    exponent = _positive_integer(_der_item(content, modulus_item[2]))
    return exponent is not None and exponent <= 2**31 - 1
