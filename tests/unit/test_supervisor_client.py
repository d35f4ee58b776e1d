"""The Supervisor client maps the library's answers once: not found, server rejections in the server's own
words, retries of what may heal, and unreachable endpoints by name (a scripted library, no sockets)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from kubernetes.client.exceptions import ApiException
from pulumi_vmservice_provider.clients.supervisor import (
    SECRET,
    ApplyConflict,
    SupervisorClient,
    SupervisorUnreachable,
)
from pulumi_vmservice_provider.context import OperationContext
from pulumi_vmservice_provider.errors import ProviderError, ServerRejected
from pulumi_vmservice_provider.model.types import KindRef
from pulumi_vmservice_provider.settings import Settings
from urllib3.exceptions import MaxRetryError, NewConnectionError

VMS = KindRef("VirtualMachine", "virtualmachines", "vmoperator.vmware.com", ("v1alpha2", "v1alpha3"))
ENDPOINT = "https://supervisor.example:6443"


def api_error(status: int, message: str = "") -> ApiException:
    error = ApiException(status=status, reason="Reason")
    error.body = json.dumps({"kind": "Status", "message": message}) if message else None
    return error


class Script:
    """Answers calls in order: an exception is raised, anything else returned."""

    def __init__(self, *answers: Any):
        self.answers = list(answers)
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def method(self, verb: str, ref: KindRef, namespace: str | None) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((verb, args, kwargs))
            answer = self.answers.pop(0)
            if isinstance(answer, BaseException):
                raise answer
            return answer

        return call


class RawAnswer:
    """The undecoded HTTP answer the library hands back with `_preload_content=False`."""

    def __init__(self, body: dict[str, Any]):
        self.data = json.dumps(body).encode()


class FakeApiClient:
    class configuration:
        host = ENDPOINT


@pytest.fixture
def ctx() -> OperationContext:
    context = OperationContext("urn", threading.Event(), 60, lambda *_: None)
    context.sleep = lambda seconds, doing: None  # type: ignore[method-assign]
    return context


def client(script: Script, monkeypatch: pytest.MonkeyPatch) -> SupervisorClient:
    supervisor = SupervisorClient(Settings())
    supervisor._api_client = FakeApiClient()
    supervisor._served["vmoperator.vmware.com"] = ["v1alpha3", "v1alpha2"]
    monkeypatch.setattr(supervisor, "_method", script.method)
    monkeypatch.setattr(supervisor, "ready", lambda: True)
    return supervisor


def test_not_found_is_none_for_get_and_false_for_delete(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(api_error(404), api_error(404))
    supervisor = client(script, monkeypatch)
    assert supervisor.get(ctx, VMS, "dev", "web") is None
    assert supervisor.delete(ctx, VMS, "dev", "web") is False
    assert script.calls[0][1] == ("vmoperator.vmware.com", "v1alpha3", "dev", "virtualmachines", "web")


def test_a_rejection_carries_the_api_servers_message(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    denied = 'admission webhook denied the request: spec.className: Invalid value: "huge"'
    supervisor = client(Script(api_error(422, denied)), monkeypatch)
    body = {"apiVersion": "vmoperator.vmware.com/v1alpha3", "metadata": {"name": "web", "namespace": "dev"}}
    with pytest.raises(ServerRejected) as rejected:
        supervisor.apply(ctx, VMS, body)
    assert str(rejected.value) == f"the Supervisor rejected VirtualMachine dev/web: {denied}"


def test_conflicts_and_server_errors_are_retried(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    live = {"metadata": {"name": "web"}}
    script = Script(api_error(409), api_error(503), live)
    assert client(script, monkeypatch).get(ctx, VMS, "dev", "web") == live
    assert len(script.calls) == 3


def test_apply_is_server_side_under_the_providers_field_manager(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = Script(
        RawAnswer({"metadata": {"name": "web", "uid": "u-1"}})
    )  # 201, which the library cannot decode
    body = {"apiVersion": "vmoperator.vmware.com/v1alpha3", "metadata": {"name": "web", "namespace": "dev"}}
    assert client(script, monkeypatch).apply(ctx, VMS, body)["metadata"]["uid"] == "u-1"
    verb, _, kwargs = script.calls[0]
    assert verb == "patch" and kwargs["field_manager"] == "pulumi-vmservice" and kwargs["force"] is False
    assert kwargs["_content_type"] == "application/apply-patch+yaml" and kwargs["_preload_content"] is False
    assert len(script.calls) == 1, "the answer is the object: no read after the write"


CONFLICT = 'Apply failed with 1 conflict: conflict with "{manager}" using vmoperator.vmware.com/v1alpha3: .spec.powerState'


def test_apply_takes_over_vm_operators_fields_and_reclaimed_drift(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"apiVersion": "vmoperator.vmware.com/v1alpha3", "metadata": {"name": "web", "namespace": "dev"}}
    applied = RawAnswer({"metadata": {"name": "web", "uid": "u-1"}})
    script = Script(api_error(409, CONFLICT.format(manager="manager")), applied)
    assert client(script, monkeypatch).apply(ctx, VMS, body)["metadata"]["uid"] == "u-1"
    assert [call[2]["force"] for call in script.calls] == [False, True]
    script = Script(api_error(409, CONFLICT.format(manager="kubectl")), applied)
    reclaimed = client(script, monkeypatch).apply(
        ctx, VMS, body, reclaim=lambda fields: fields == [".spec.powerState"]
    )
    assert reclaimed["metadata"]["uid"] == "u-1"


def test_fields_of_another_tool_are_a_conflict_naming_it(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"apiVersion": "vmoperator.vmware.com/v1alpha3", "metadata": {"name": "web", "namespace": "dev"}}
    script = Script(api_error(409, CONFLICT.format(manager="kubectl")))
    with pytest.raises(ApplyConflict) as conflict:
        client(script, monkeypatch).apply(ctx, VMS, body, reclaim=lambda fields: False)
    assert "kubectl" in str(conflict.value) and ".spec.powerState" in str(conflict.value)
    assert "pulumi.com/patchForce" in str(conflict.value) and len(script.calls) == 1  # never retried


def test_core_kinds_are_called_like_custom_ones_in_the_core_group(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = Script({"metadata": {"name": "web-user-data"}})
    client(script, monkeypatch).delete(ctx, SECRET, "dev", "web-user-data")
    assert script.calls[0][1] == ("", "v1", "dev", "secrets", "web-user-data")


class RecordingApiClient:
    """The two calls CoreObjects makes of the library's ApiClient, recorded; answers a 200 with `{}`."""

    def __init__(self) -> None:
        self.serialized: list[dict[str, Any]] = []

    def param_serialize(self, **request: Any) -> tuple[Any, ...]:
        self.serialized.append(request)
        return (request["method"], request["resource_path"], request["header_params"], request["body"])

    def call_api(self, *request: Any, _request_timeout: Any = None) -> Any:
        class Response:
            status, data, response = 200, b"{}", "raw"

            def read(self) -> None:
                pass

        return Response()

    def response_deserialize(self, response: Any, types: dict[str, str]) -> Any:
        assert types == {"2XX": "object"}  # a 201 (a create) is read back too

        class Decoded:
            data = {"decoded": True}

        return Decoded()


def test_core_objects_go_to_the_core_api_paths_with_camel_case_options() -> None:
    from pulumi_vmservice_provider.clients.coreobjects import CoreObjects

    api = RecordingApiClient()
    core = CoreObjects(api)
    assert core.get_namespaced_custom_object("", "v1", "dev", "secrets", "s") == {"decoded": True}
    core.patch_namespaced_custom_object(
        "",
        "v1",
        "dev",
        "secrets",
        "s",
        {"kind": "Secret"},
        field_manager="m",
        force=True,
        dry_run="All",
        _content_type="application/apply-patch+yaml",
    )
    core.list_cluster_custom_object("", "v1", "resourcequotas", label_selector="a=b")
    assert (
        core.delete_namespaced_custom_object("", "v1", "dev", "configmaps", "c", _preload_content=False)
        == "raw"
    )
    paths = [(r["method"], r["resource_path"]) for r in api.serialized]
    assert paths == [
        ("GET", "/api/v1/namespaces/dev/secrets/s"),
        ("PATCH", "/api/v1/namespaces/dev/secrets/s"),
        ("GET", "/api/v1/resourcequotas"),
        ("DELETE", "/api/v1/namespaces/dev/configmaps/c"),
    ]
    patch = api.serialized[1]
    assert patch["query_params"] == [("fieldManager", "m"), ("force", "true"), ("dryRun", "All")]
    assert patch["header_params"]["Content-Type"] == "application/apply-patch+yaml"
    assert api.serialized[2]["query_params"] == [("labelSelector", "a=b")]


def test_an_unreachable_supervisor_is_named(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    refused = MaxRetryError(None, "/apis", NewConnectionError(None, "Connection refused"))  # type: ignore[arg-type]
    script = Script(*[refused] * 9)
    with pytest.raises(SupervisorUnreachable) as unreachable:
        client(script, monkeypatch).get(ctx, VMS, "dev", "web")
    assert f"cannot reach the Supervisor at {ENDPOINT}" in str(unreachable.value)
    assert len(script.calls) == 9  # eight retries


def test_without_an_operation_a_call_is_one_quick_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script(api_error(503, "etcd is restarting"))
    with pytest.raises(ServerRejected, match="listing virtualmachines: etcd is restarting"):
        client(script, monkeypatch).list(None, VMS, "dev")
    assert len(script.calls) == 1 and script.calls[0][2]["_request_timeout"] == 5.0


def test_an_unserved_kind_names_what_the_supervisor_serves(ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    supervisor = client(Script(), monkeypatch)
    newer = KindRef("VirtualMachine", "virtualmachines", "vmoperator.vmware.com", ("v1alpha5",))
    with pytest.raises(
        ProviderError, match=r"does not serve VirtualMachine in any version .* it serves v1alpha3, v1alpha2"
    ):
        supervisor.api_version(newer)
