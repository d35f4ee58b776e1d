"""Why a connection failed, in words a user can act on: refused, DNS, TLS, timeout or reset.

HTTP libraries wrap the cause several layers deep (urllib3's MaxRetryError around a NewConnectionError around
a ConnectionRefusedError; httpx's ConnectError around an ssl error); this walks the chain once.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    queue: list[BaseException] = [error]
    while queue:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked += list(getattr(current, "args", ()))
        queue += [item for item in linked if isinstance(item, BaseException)]


def describe_failure(error: BaseException) -> str:
    """`connection refused`, `the host name could not be resolved (DNS)`, `TLS: ...`, `timed out`, ..."""
    causes = list(_chain(error))
    text = " ".join(str(c) for c in causes)
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError) or "Connection refused" in str(cause):
            return "connection refused (nothing listens at that address and port)"
        if isinstance(cause, socket.gaierror) or "Name or service not known" in str(cause):
            return "the host name could not be resolved (DNS)"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate verification failed ({getattr(cause, 'verify_message', None) or cause})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake failed ({getattr(cause, 'reason', None) or cause})"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset"
        if isinstance(cause, TimeoutError | socket.timeout):
            return "the connection timed out"
    if "NameResolutionError" in text or "Temporary failure in name resolution" in text:
        return "the host name could not be resolved (DNS)"
    if "timed out" in text.lower():
        return "the connection timed out"
    return f"{type(error).__name__}: {error}"
