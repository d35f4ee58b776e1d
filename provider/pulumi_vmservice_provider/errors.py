"""Errors the provider raises; the gRPC layer maps each to a status code that does not mark the stack
as possibly corrupt unless something really unexpected happened."""

from __future__ import annotations

from vmservice_api.objects import JSONObject


class ProviderError(Exception):
    """A clean failure: nothing was changed, or what changed is reported."""

    code = "FAILED_PRECONDITION"


class InvalidInputs(ProviderError):
    code = "INVALID_ARGUMENT"

    def __init__(self, failures: list[tuple[str, str]]):
        self.failures = failures
        super().__init__("; ".join(f"{path}: {reason}" for path, reason in failures))


class ServerRejected(ProviderError):
    """The Supervisor or vCenter refused the request; the message is the server's own."""


class OperationTimedOut(ProviderError):
    code = "DEADLINE_EXCEEDED"


class OperationCancelled(ProviderError):
    code = "CANCELLED"


class PartialFailure(ProviderError):
    """The object exists but did not reach the desired state; it stays in state so the next run continues."""

    def __init__(self, resource_id: str, outputs: JSONObject, inputs: JSONObject, reason: str):
        self.resource_id = resource_id
        self.outputs = outputs
        self.inputs = inputs
        self.reason = reason
        super().__init__(reason)
