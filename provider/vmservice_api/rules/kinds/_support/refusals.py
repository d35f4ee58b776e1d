"""Refusals that are not field errors: a validating webhook answering `webhook.Errored(code, err)`.

Upstream returns such an answer before (and instead of) its field checks, with the error's text as the whole
message and an HTTP code other than 422. The rule that finds one reports it as a `RequestRefusal`, whose text
is the message alone; the kind's later rules stay silent when it applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from vmservice_api.rules.fielderrors import Effect, FieldError, FieldPath


@dataclass(frozen=True)
class RequestRefusal(FieldError):
    code: int = 400  # the HTTP status upstream answers with

    def __str__(self) -> str:
        return self.detail


def refusal(at: FieldPath, message: str, code: int, effect: Effect = Effect.INVALID) -> RequestRefusal:
    """A refusal of the whole request, tied to the field it is about (`at`) for previews."""
    return RequestRefusal("Refused", str(at), None, message, effect, code)
