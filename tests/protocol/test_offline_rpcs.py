"""Every RPC that must work without a reachable Supervisor or vCenter (preview on a laptop or in CI)."""

from __future__ import annotations

import json

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi_vmservice_provider.server.proto import plugin_pb2, provider_pb2
from pulumi_vmservice_provider.wire import SECRET_SIG, SIG_KEY, UNKNOWN_STRING, dict_to_struct

from tests.protocol.harness import FakeEngine, Plugin, outputs, serve_engine, urn
from tests.secret_oracle import SecretOracle

VM = "vmservice:index:VirtualMachine"
POLICY = "vmservice:index:VirtualMachineSetResourcePolicy"


def vm_inputs(**spec: object) -> dict[str, object]:
    return {
        "metadata": {"namespace": "dev"},
        "spec": {"className": "best-effort-small", "imageName": "ubuntu-22.04", **spec},
    }


def test_handshake_and_plugin_info(plugin: Plugin) -> None:
    response = plugin.stub.Handshake(
        provider_pb2.ProviderHandshakeRequest(engine_address=plugin.engine_address)
    )
    assert response.accept_secrets
    assert plugin.stub.GetPluginInfo(empty_pb2.Empty()).version == "0.1.0"


def test_attach_sends_later_logs_to_the_attached_engine(plugin: Plugin) -> None:
    """Attach (a debugger-started plugin joining an engine) moves the log stream to the engine it names.
    Broken on purpose once (Attach answering without connecting): the replacement warning stayed with the
    first engine and the assertion on the attached one failed."""
    attached = FakeEngine()
    server, address = serve_engine(attached)
    try:
        plugin.stub.Attach(plugin_pb2.PluginAttach(address=address))
        plugin.configure(namespace="dev")
        old = vm_inputs(imageName="ubuntu-22.04")
        new = vm_inputs(imageName="photon-5")
        plugin.stub.Diff(
            provider_pb2.DiffRequest(
                id="dev/web",
                urn=urn(VM, "web"),
                type=VM,
                olds=dict_to_struct(old),
                old_inputs=dict_to_struct(old),
                news=dict_to_struct(new),
            )
        )
        assert any("image of a VM cannot change" in m for m in attached.messages())
        assert not any("image of a VM cannot change" in m for m in plugin.engine.messages())
    finally:
        server.stop(grace=None)


def test_get_schema_matches_committed_schema(plugin: Plugin) -> None:
    from pathlib import Path

    schema = json.loads(plugin.stub.GetSchema(provider_pb2.GetSchemaRequest()).schema)
    committed = json.loads((Path(__file__).resolve().parents[2] / "schema.json").read_text())
    assert schema == committed
    assert VM in schema["resources"]


def test_configure_accepts_secrets_and_supports_preview(plugin: Plugin) -> None:
    response = plugin.configure(namespace="dev", vspherePassword={SIG_KEY: SECRET_SIG, "value": "hunter2"})
    assert response.acceptSecrets and response.supportsPreview


def test_check_config_rejects_unknown_keys_with_the_allowed_ones(plugin: Plugin) -> None:
    response = plugin.stub.CheckConfig(
        provider_pb2.CheckRequest(
            urn=urn("pulumi:providers:vmservice", "p"), news=dict_to_struct({"namespce": "dev"})
        )
    )
    assert response.failures[0].property == "namespce"
    assert "allowed properties" in response.failures[0].reason and "namespace" in response.failures[0].reason


def test_check_autonames_deterministically_and_uses_default_namespace(plugin: Plugin) -> None:
    plugin.configure(namespace="dev")
    first = outputs(plugin.check(VM, {"spec": {"className": "c", "imageName": "i"}}, name="web").inputs)
    second = outputs(plugin.check(VM, {"spec": {"className": "c", "imageName": "i"}}, name="web").inputs)
    assert first["metadata"]["name"].startswith("web-") and first["metadata"] == second["metadata"]
    assert first["metadata"]["namespace"] == "dev"
    # The old autoname is kept on later runs.
    kept = outputs(
        plugin.check(VM, {"spec": {"className": "c", "imageName": "i"}}, olds=first, name="web").inputs
    )
    assert kept["metadata"]["name"] == first["metadata"]["name"]


def test_check_failures_name_the_property_and_allowed_values(plugin: Plugin) -> None:
    plugin.configure(namespace="dev")
    response = plugin.check(VM, vm_inputs(powerState="Off", minHardwareVersion=9))
    failures = {f.property: f.reason for f in response.failures}
    assert "spec.powerState" in failures and "PoweredOn, PoweredOff, Suspended" in failures["spec.powerState"]
    assert "at least 13" in failures["spec.minHardwareVersion"]
    bad_name = plugin.check(VM, {**vm_inputs(), "metadata": {"name": "Web_1", "namespace": "dev"}})
    assert bad_name.failures[0].property == "metadata.name" and "RFC 1123" in bad_name.failures[0].reason


def test_check_marks_user_data_secret_and_rejects_conflicting_bootstrap(plugin: Plugin) -> None:
    """userData given in plain text comes back secret from Check, and stays secret through Diff and a
    preview's Create and Update, in every answer, the plugin's stderr and its log messages."""
    first, second = "#cloud-config\npassword: hunter2-offline", "#cloud-config\npassword: hunter3-offline"
    oracle = SecretOracle(first, second)
    plugin.configure(namespace="dev")
    ok = plugin.check(VM, {**vm_inputs(), "userData": first})
    assert not ok.failures
    oracle.answer("Check", ok)
    user_data = ok.inputs.fields["userData"].struct_value.fields
    assert user_data[SIG_KEY].string_value == SECRET_SIG
    changed = plugin.check(VM, {**vm_inputs(), "userData": second})
    vm_urn = urn(VM, "res")
    diff = plugin.stub.Diff(
        provider_pb2.DiffRequest(
            urn=vm_urn, type=VM, id="dev/web", olds=ok.inputs, old_inputs=ok.inputs, news=changed.inputs
        )
    )
    assert "userData" in diff.diffs
    created = plugin.stub.Create(
        provider_pb2.CreateRequest(urn=vm_urn, type=VM, properties=ok.inputs, preview=True)
    )
    updated = plugin.stub.Update(
        provider_pb2.UpdateRequest(
            urn=vm_urn,
            type=VM,
            id="dev/web",
            olds=ok.inputs,
            old_inputs=ok.inputs,
            news=changed.inputs,
            preview=True,
        )
    )
    for where, answer in (("Check", changed), ("Diff", diff), ("Create", created), ("Update", updated)):
        oracle.answer(where, answer)
    conflict = plugin.check(
        VM,
        {
            **vm_inputs(bootstrap={"cloudInit": {"rawCloudConfig": {"name": "s", "key": "k"}}}),
            "userData": first,
        },
    )
    assert conflict.failures[0].property == "userData"
    oracle.answer("Check", conflict)
    oracle.plugin(plugin)


def test_check_accepts_unknowns_in_preview(plugin: Plugin) -> None:
    plugin.configure(namespace="dev")
    response = plugin.check(VM, vm_inputs(className=UNKNOWN_STRING))
    assert not response.failures
    # Check hands the unknown back as the engine's unknown sentinel, not as a value or a dropped field.
    class_name = response.inputs.fields["spec"].struct_value.fields["className"]
    assert class_name.string_value == UNKNOWN_STRING


def test_diff_reports_replacements_with_reasons_and_in_place_updates(plugin: Plugin) -> None:
    plugin.configure(namespace="dev")
    old = outputs(plugin.check(VM, {**vm_inputs(), "metadata": {"name": "web", "namespace": "dev"}}).inputs)
    new = outputs(
        plugin.check(
            VM,
            {
                **vm_inputs(imageName="photon-5", powerState="PoweredOff"),
                "metadata": {"name": "web", "namespace": "dev"},
            },
        ).inputs
    )
    response = plugin.stub.Diff(
        provider_pb2.DiffRequest(
            id="dev/web",
            urn=urn(VM, "web"),
            type=VM,
            olds=dict_to_struct(old),
            old_inputs=dict_to_struct(old),
            news=dict_to_struct(new),
        )
    )
    assert response.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(response.replaces) == ["spec"]
    assert response.deleteBeforeReplace  # fixed name: the old VM must go first
    assert response.detailedDiff["spec.imageName"].kind == provider_pb2.PropertyDiff.UPDATE_REPLACE
    assert response.detailedDiff["spec.powerState"].kind == provider_pb2.PropertyDiff.ADD
    assert any("image of a VM cannot change" in m for m in plugin.engine.messages())


def test_diff_with_no_changes(plugin: Plugin) -> None:
    plugin.configure(namespace="dev")
    inputs = outputs(plugin.check(POLICY, {"metadata": {"namespace": "dev"}, "spec": {"folder": "f"}}).inputs)
    response = plugin.stub.Diff(
        provider_pb2.DiffRequest(
            id="dev/x",
            urn=urn(POLICY, "p"),
            type=POLICY,
            olds=dict_to_struct(inputs),
            old_inputs=dict_to_struct(inputs),
            news=dict_to_struct(inputs),
        )
    )
    assert response.changes == provider_pb2.DiffResponse.DIFF_NONE


def test_preview_create_returns_unknown_outputs_without_a_cluster(plugin: Plugin) -> None:
    plugin.configure(namespace="dev")
    inputs = plugin.check(VM, vm_inputs()).inputs
    response = plugin.stub.Create(
        provider_pb2.CreateRequest(urn=urn(VM, "res"), type=VM, properties=inputs, preview=True)
    )
    assert response.properties.fields["status"].string_value == UNKNOWN_STRING


def test_create_without_a_reachable_supervisor_fails_cleanly(plugin: Plugin) -> None:
    plugin.configure(namespace="dev", kubeconfig="/nonexistent/kubeconfig")
    inputs = plugin.check(POLICY, {"metadata": {"namespace": "dev"}, "spec": {}}).inputs
    with pytest.raises(grpc.RpcError) as error:
        plugin.stub.Create(
            provider_pb2.CreateRequest(urn=urn(POLICY, "res"), type=POLICY, properties=inputs, timeout=5)
        )
    assert error.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "kubeconfig" in error.value.details()


def test_invoke_of_an_unknown_function_fails_with_the_known_ones(plugin: Plugin) -> None:
    response = plugin.stub.Invoke(provider_pb2.InvokeRequest(tok="vmservice:index:getNothing"))
    assert response.failures and "unknown function" in response.failures[0].reason


def test_unimplemented_rpcs_are_clean(plugin: Plugin) -> None:
    with pytest.raises(grpc.RpcError) as error:
        plugin.stub.Construct(provider_pb2.ConstructRequest())
    assert error.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_an_input_nested_too_deeply_is_invalid_argument_naming_the_property(plugin: Plugin) -> None:
    nested: dict[str, object] = {"leaf": "x"}
    for _ in range(50):
        nested = {"deeper": nested}
    inputs = vm_inputs(bootstrap={"cloudInit": {"cloudConfig": {"defaultUserName": "u", "extra": nested}}})
    # The protobuf runtime cannot even build such a request message: write its bytes as the engine (Go) does.
    head = provider_pb2.CheckRequest(urn=urn(VM, "deep"), type=VM).SerializeToString()
    news = dict_to_struct(inputs).SerializeToString()
    number = provider_pb2.CheckRequest.DESCRIPTOR.fields_by_name["news"].number
    request = head + _length_delimited(number, news)
    check = plugin.channel.unary_unary(
        "/pulumirpc.ResourceProvider/Check",
        request_serializer=lambda raw: raw,
        response_deserializer=provider_pb2.CheckResponse.FromString,
    )
    with pytest.raises(grpc.RpcError) as refused:
        check(request, timeout=30)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details().startswith("spec.bootstrap.cloudInit.cloudConfig.extra.deeper.deeper")
    assert "nested" in refused.value.details() and "at most 45 levels" in refused.value.details()


def _length_delimited(number: int, payload: bytes) -> bytes:
    def varint(value: int) -> bytes:
        out = bytearray()
        while True:
            byte, value = value & 0x7F, value >> 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                return bytes(out)

    return varint(number << 3 | 2) + varint(len(payload)) + payload
