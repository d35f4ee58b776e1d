"""Read, Update and Delete over gRPC as the engine sends them (refresh, import, update, preview of an update),
against a real apiserver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi_vmservice_provider.server.proto import provider_pb2
from pulumi_vmservice_provider.wire import UNKNOWN_STRING, dict_to_struct, struct_to_dict

from tests.protocol.harness import Plugin, urn

pytestmark = pytest.mark.integration
POLICY = "vmservice:index:VirtualMachineSetResourcePolicy"


@pytest.fixture
def plugin(control_plane: Any, namespace: str) -> Iterator[Plugin]:
    started = Plugin(env={"KUBECONFIG": str(control_plane.kubeconfig_path)})
    started.configure(namespace=namespace)
    try:
        yield started
    finally:
        started.close()


def create(plugin: Plugin, news: dict[str, Any]) -> tuple[Any, Any]:
    inputs = plugin.check(POLICY, news, name="pool").inputs
    created = plugin.stub.Create(
        provider_pb2.CreateRequest(urn=urn(POLICY, "pool"), type=POLICY, properties=inputs, timeout=60)
    )
    return inputs, created


def test_read_refresh_import_update_and_gone(plugin: Plugin, namespace: str, kube_api_client: Any) -> None:
    from kubernetes import client

    inputs, created = create(
        plugin, {"metadata": {"name": "pool", "labels": {"team": "a"}}, "spec": {"folder": "f"}}
    )
    assert created.id == f"{namespace}/pool"

    # Refresh: inputs come back exactly as written although the server added fields.
    read = plugin.stub.Read(
        provider_pb2.ReadRequest(
            id=created.id, urn=urn(POLICY, "pool"), type=POLICY, properties=created.properties, inputs=inputs
        )
    )
    assert struct_to_dict(read.inputs) == struct_to_dict(inputs)
    assert struct_to_dict(read.properties)["liveMetadata"]["uid"]

    # Import: no state, no inputs; the inputs are rebuilt from the live object.
    imported = plugin.stub.Read(provider_pb2.ReadRequest(id=created.id, urn=urn(POLICY, "pool"), type=POLICY))
    assert struct_to_dict(imported.inputs) == {
        "metadata": {"name": "pool", "namespace": namespace, "labels": {"team": "a"}},
        "spec": {"folder": "f"},
    }

    # Preview of an update keeps what an update cannot change; the real update applies the label.
    news = plugin.check(
        POLICY,
        {"metadata": {"name": "pool", "labels": {"team": "b"}}, "spec": {"folder": "f"}},
        olds=struct_to_dict(inputs),
        name="pool",
    ).inputs
    update = provider_pb2.UpdateRequest(
        id=created.id,
        urn=urn(POLICY, "pool"),
        type=POLICY,
        olds=created.properties,
        old_inputs=inputs,
        news=news,
        timeout=60,
    )
    previewed = plugin.stub.Update(provider_pb2.UpdateRequest(**{**_fields(update), "preview": True}))
    assert previewed.properties.fields["apiVersion"].string_value == "vmoperator.vmware.com/v1alpha2"
    assert previewed.properties.fields["status"].string_value == UNKNOWN_STRING
    updated = plugin.stub.Update(update)
    assert struct_to_dict(updated.properties)["liveMetadata"]["labels"] == {"team": "b"}

    # Deleted behind Pulumi's back: Read answers with an empty id, and refresh drops it from state.
    client.CustomObjectsApi(kube_api_client).delete_namespaced_custom_object(
        "vmoperator.vmware.com", "v1alpha2", namespace, "virtualmachinesetresourcepolicies", "pool"
    )
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        gone = plugin.stub.Read(
            provider_pb2.ReadRequest(
                id=created.id,
                urn=urn(POLICY, "pool"),
                type=POLICY,
                properties=updated.properties,
                inputs=news,
            )
        )
        if gone.id == "":
            break
        time.sleep(0.2)
    assert gone.id == ""


def _fields(message: Any) -> dict[str, Any]:
    return {field.name: value for field, value in message.ListFields()}


def test_update_of_a_vanished_object_says_to_refresh(plugin: Plugin, namespace: str) -> None:
    import grpc

    inputs = plugin.check(POLICY, {"metadata": {"name": "ghost"}, "spec": {}}, name="ghost").inputs
    request = provider_pb2.UpdateRequest(
        id=f"{namespace}/ghost",
        urn=urn(POLICY, "ghost"),
        type=POLICY,
        olds=dict_to_struct({}),
        old_inputs=inputs,
        news=inputs,
        timeout=30,
    )
    with pytest.raises(grpc.RpcError) as raised:
        plugin.stub.Update(request)
    assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "pulumi refresh" in raised.value.details()
