"""WebConsoleRequest (API v1alpha1) admission: the older name of VirtualMachineWebConsoleRequest keeps its
own validating webhook in both releases, with the same checks on `spec.virtualMachineName`.

Source: webhooks/virtualmachinewebconsolerequest/v1alpha1/validation/webconsolerequest_validator.go (v1.10.0
and v1.8.6, the same).
"""

from __future__ import annotations

from collections.abc import Iterable

from vmservice_api.rules.fielderrors import FieldError
from vmservice_api.rules.framework import Request, validation
from vmservice_api.rules.kinds.virtualmachinewebconsolerequest import spec_errors, unchanged_errors
from vmservice_api.types.release_9_1.webconsolerequest import WebConsoleRequest

KIND = "WebConsoleRequest"
_VALIDATOR = "webhooks/virtualmachinewebconsolerequest/v1alpha1/validation/webconsolerequest_validator.go"


@validation(KIND, source=f"{_VALIDATOR}: validateSpec", operations=("CREATE",))
def vm_name_and_public_key(req: Request[WebConsoleRequest]) -> Iterable[FieldError]:
    return spec_errors(dict(req.view.spec), "virtualMachineName", "virtualMachineName")


@validation(KIND, source=f"{_VALIDATOR}: validateImmutableFields, validateUUIDLabel", operations=("UPDATE",))
def request_unchanged(req: Request[WebConsoleRequest]) -> Iterable[FieldError]:
    return unchanged_errors(req.view, req.old_view, "virtualMachineName", "virtualMachineName")
