"""What every provider operation carries: its deadline, cancellation, progress reporting and redaction."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pulumi_vmservice_provider.errors import OperationCancelled, OperationTimedOut

LogSink = Callable[[str, str, str, bool], None]  # (severity, message, urn, ephemeral)


def quoted_forms(secret: str) -> set[str]:
    """The secret as a message may carry it: plain, or quoted with escapes up to twice (Python's repr, JSON
    or Go's %q, and one inside another: a wrongly typed value holding the secret is rendered as a Python
    dict that a Go-style message then quotes)."""
    forms = {secret}
    for _ in range(2):
        forms |= {
            quoted
            for form in forms
            for quoted in (
                repr(form)[1:-1],
                json.dumps(form)[1:-1],
                json.dumps(form, ensure_ascii=False)[1:-1],
            )
        }
    return forms


class Redactor:
    """Replaces known secret strings, also in their quoted forms, in any text that leaves the provider."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._given = {s for s in secrets if s}
        forms = {form for secret in self._given for form in quoted_forms(secret)}
        self._secrets = sorted(forms, key=len, reverse=True)

    def add(self, secrets: Iterable[str]) -> Redactor:
        return Redactor([*self._given, *secrets])

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "[secret]")
        return text


@dataclass
class OperationContext:
    urn: str
    cancelled: threading.Event
    timeout_seconds: float
    log_sink: LogSink
    redact: Redactor = field(default_factory=Redactor)
    started: float = field(default_factory=time.monotonic)

    @property
    def deadline(self) -> float:
        return self.started + self.timeout_seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self, doing: str) -> None:
        """Raise if the operation was cancelled or its time is up."""
        if self.cancelled.is_set():
            raise OperationCancelled(f"cancelled while {doing}")
        if self.remaining() <= 0:
            raise OperationTimedOut(f"timed out after {self.timeout_seconds:g}s while {doing}")

    def sleep(self, seconds: float, doing: str) -> None:
        """Wait up to `seconds`, returning early (with an error) on cancellation or timeout."""
        self.check(doing)
        if self.cancelled.wait(min(seconds, max(self.remaining(), 0))):
            self.check(doing)

    def status(self, message: str) -> None:
        """Show the current phase as the resource's status line in `pulumi up`."""
        self.log_sink("INFO", self.redact(message), self.urn, True)

    def info(self, message: str) -> None:
        self.log_sink("INFO", self.redact(message), self.urn, False)

    def warn(self, message: str) -> None:
        self.log_sink("WARNING", self.redact(message), self.urn, False)

    def debug(self, message: str) -> None:
        self.log_sink("DEBUG", self.redact(message), self.urn, False)
