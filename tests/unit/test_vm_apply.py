"""What the provider sends on apply (no I/O): one-shot restart requests, and which errors are worth a retry."""

from __future__ import annotations

import copy
import ssl
from typing import Any

from pulumi_vmservice_provider.clients.supervisor import is_connection_error
from pulumi_vmservice_provider.errors import ProviderError
from pulumi_vmservice_provider.model.registry import RESOURCES
from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler, failure_reason
from pulumi_vmservice_provider.resources.registry import make_handler
from pulumi_vmservice_provider.resources.state import ProviderState

STAMP = "2025-01-02T03:04:05.123456Z"


def handler() -> KubeObjectHandler:
    found = make_handler(RESOURCES["vmservice:index:VirtualMachine"], ProviderState())
    assert isinstance(found, KubeObjectHandler)
    return found


def inputs(**spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "namespace": "dev"},
        "spec": {"className": "best-effort-small", "imageName": "vmi-0123456789abcdef0", **spec},
    }


def body_after_align(old: dict[str, Any], new: dict[str, Any], live_spec: dict[str, Any]) -> dict[str, Any]:
    body: Any = handler().update_body(old, new, {"spec": live_spec}, "vmoperator.vmware.com/v1alpha2")  # type: ignore[typeddict-unknown-key]
    result: dict[str, Any] = body["spec"]
    return result


def test_a_new_restart_request_is_sent_as_now() -> None:
    spec = body_after_align(inputs(), inputs(nextRestartTime="now"), {"nextRestartTime": ""})
    assert spec["nextRestartTime"] == "now"


def test_an_unchanged_restart_request_is_sent_as_the_servers_timestamp() -> None:
    # Resending `now` with an unrelated change would restart the VM again.
    old = inputs(nextRestartTime="now")
    new = copy.deepcopy(old)
    new["metadata"]["labels"] = {"tier": "web"}
    spec = body_after_align(old, new, {"nextRestartTime": STAMP})
    assert spec["nextRestartTime"] == STAMP


def test_an_unchanged_request_the_server_never_saw_is_left_out() -> None:
    spec = body_after_align(inputs(nextRestartTime="now"), inputs(nextRestartTime="now"), {})
    assert "nextRestartTime" not in spec


def test_a_new_vm_is_created_without_a_restart_request() -> None:
    body: Any = handler().create_body(inputs(nextRestartTime="now"), "vmoperator.vmware.com/v1alpha2")
    assert "nextRestartTime" not in body["spec"]


def test_connection_errors_are_retried_but_tls_failures_are_not() -> None:
    from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError
    from urllib3.exceptions import SSLError as Urllib3SSLError

    refused = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    assert is_connection_error(ConnectionRefusedError(111, "refused"))
    assert is_connection_error(MaxRetryError(None, "/apis", refused))  # type: ignore[arg-type]
    assert is_connection_error(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))
    assert not is_connection_error(MaxRetryError(None, "/apis", Urllib3SSLError("certificate verify failed")))  # type: ignore[arg-type]
    assert not is_connection_error(ssl.SSLCertVerificationError("certificate verify failed"))
    assert not is_connection_error(ValueError("bad"))


def test_failure_reasons_name_unexpected_errors() -> None:
    assert failure_reason(ProviderError("VirtualMachineCreated is False (Error): injected fault")) == (
        "VirtualMachineCreated is False (Error): injected fault"
    )
    assert failure_reason(KeyError("status")) == "unexpected error while waiting: KeyError: 'status'"
