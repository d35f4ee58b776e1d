"""Server-side dry run at preview, against the simulated Supervisor (its webhooks run for dry-run requests
exactly as for real ones): refusals to change a field in place become replacements with the webhook's words,
other denials fail the preview, a create preview shows what the webhooks fill in, nothing is left behind,
and an unreachable Supervisor gives one warning for any number of resources."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grpc
import pytest
from pulumi_vmservice_provider.server.proto import provider_pb2
from pulumi_vmservice_provider.wire import UNKNOWN, UNKNOWN_STRING, dict_to_struct, struct_to_dict

from tests.integration.conftest import NS, STORAGE_CLASS, SimClient
from tests.protocol.harness import Plugin, urn
from tests.protocol.test_unreachable import closed_port, kubeconfig

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.integration
VM = "vmservice:index:VirtualMachine"
VMS = "virtualmachines"
ZONE = "topology.kubernetes.io/zone"
WARNING = "could not ask the Supervisor to judge the planned changes"
VALIDATING = (
    'admission webhook "default.validating.virtualmachine.v1alpha2.vmoperator.vmware.com" denied the request'
)


@pytest.fixture(scope="module")
def plugin(simulator: Simulator) -> Iterator[Plugin]:
    started = Plugin(env={"KUBECONFIG": str(simulator.kubeconfig_path)})
    started.configure(namespace=NS)
    try:
        yield started
    finally:
        started.close()


def inputs(name: str, labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": NS}
    if labels:
        meta["labels"] = labels
    return {
        "metadata": meta,
        "spec": {
            "className": "best-effort-small",
            "imageName": "ubuntu-22.04",
            "storageClass": STORAGE_CLASS,
            **spec,
        },
        "waitFor": "none",
    }


def create(plugin: Plugin, name: str, labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    news = inputs(name, labels, **spec)
    plugin.stub.Create(
        provider_pb2.CreateRequest(urn=urn(VM, name), type=VM, properties=dict_to_struct(news), timeout=60)
    )
    return news


def diff(plugin: Plugin, name: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
    return plugin.stub.Diff(
        provider_pb2.DiffRequest(
            id=f"{NS}/{name}",
            urn=urn(VM, name),
            type=VM,
            olds=dict_to_struct(olds),
            old_inputs=dict_to_struct(olds),
            news=dict_to_struct(news),
        )
    )


def preview_create(plugin: Plugin, name: str, news: dict[str, Any]) -> dict[str, Any]:
    response = plugin.stub.Create(
        provider_pb2.CreateRequest(
            urn=urn(VM, name), type=VM, properties=dict_to_struct(news), preview=True, timeout=60
        )
    )
    return struct_to_dict(response.properties)


def warnings(plugin: Plugin) -> list[str]:
    from pulumi_vmservice_provider.server.proto import engine_pb2

    with plugin.engine.lock:
        return [entry.message for entry in plugin.engine.logs if entry.severity == engine_pb2.WARNING]


@pytest.fixture
def placed_vm(
    plugin: Plugin, devops: SimClient, unique: Callable[[str], str]
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """A VM the provider created, once the controller has placed it in a zone: (name, inputs, zone)."""
    name = unique("dry")
    news = create(plugin, name, labels={"team": "web"})
    placed = devops.wait(
        VMS, name, lambda vm: ZONE in ((vm or {}).get("metadata", {}).get("labels") or {}), "placement"
    )
    assert placed is not None
    yield name, news, placed["metadata"]["labels"][ZONE]
    devops.delete(VMS, name)


def written_by_the_provider(devops: SimClient, name: str, vm: dict[str, Any] | None = None) -> Any:
    vm = vm or devops.get(VMS, name)
    assert vm is not None
    managed = [entry for entry in vm["metadata"]["managedFields"] if entry["manager"] == "pulumi-vmservice"]
    return vm["metadata"]["labels"], vm["metadata"].get("generation"), managed


def test_a_change_the_model_takes_for_in_place_that_the_webhook_refuses_replaces_with_its_words(
    plugin: Plugin, devops: SimClient, placed_vm: tuple[str, dict[str, Any], str]
) -> None:
    name, olds, zone = placed_vm
    other = "zone-b" if zone != "zone-b" else "zone-c"
    before = devops.get(VMS, name)
    assert before is not None
    # The user never wrote the zone label (the controller did), so the model sees an added label: in place.
    response = diff(plugin, name, olds, inputs(name, labels={"team": "web", ZONE: other}))
    path = f'metadata.labels["{ZONE}"]'
    assert response.replaces == ["metadata"]
    assert dict(response.detailedDiff)[path].kind == provider_pb2.PropertyDiff.ADD_REPLACE, response
    expected = (
        f"{path} forces a replacement: the Supervisor refuses to change it in place (dry run): the Supervisor "
        f"would reject VirtualMachine {NS}/{name}: {VALIDATING}: "
        f'metadata.labels[{ZONE}]: Invalid value: "{other}": field is immutable'
    )
    assert expected in warnings(plugin)
    # A dry run leaves no trace: the labels and what the provider's field manager wrote (and when) are as
    # before (the controller keeps updating the status, so the resourceVersion moves on).
    assert written_by_the_provider(devops, name) == written_by_the_provider(devops, name, before)
    # An in-place change the webhook accepts stays in place, and changes nothing either.
    response = diff(plugin, name, olds, inputs(name, labels={"team": "db"}))
    assert response.replaces == [] and list(response.diffs) == ["metadata"]
    assert written_by_the_provider(devops, name) == written_by_the_provider(devops, name, before)


def test_a_replacement_the_supervisor_would_refuse_to_create_fails_the_preview_with_its_words(
    plugin: Plugin, devops: SimClient, placed_vm: tuple[str, dict[str, Any], str]
) -> None:
    # The zone label cannot change in place (the update's dry run says so), so the VM would be replaced; the
    # replacement is then judged as a create while the old VM still holds the name: a zone the Supervisor
    # does not have fails the preview, instead of a plan that deletes the VM and then cannot create it.
    name, olds, _zone = placed_vm
    before = devops.get(VMS, name)
    with pytest.raises(grpc.RpcError) as raised:
        diff(plugin, name, olds, inputs(name, labels={"team": "web", ZONE: "zone-nowhere"}))
    assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    details = raised.value.details()
    assert details.startswith(
        "the replacement cannot be created, the Supervisor refuses the new VirtualMachine: "
    ), details
    assert VALIDATING in details
    assert details.endswith(
        f'metadata.labels[{ZONE}]: Invalid value: "zone-nowhere": '
        'availabilityzones.topology.tanzu.vmware.com "zone-nowhere" not found'
    ), details
    # Judged without a trace: the old VM is as it was.
    assert written_by_the_provider(devops, name) == written_by_the_provider(devops, name, before)


def test_a_denial_that_is_not_about_immutability_fails_the_preview_with_the_webhooks_message(
    plugin: Plugin, devops: SimClient, unique: Callable[[str], str]
) -> None:
    # VM Operator's rule needs no cluster facts: the provider's own copy of it refuses the change before
    # anything is sent, in the Supervisor's words.
    name = unique("off")
    olds = create(plugin, name, powerState="PoweredOff")
    try:
        with pytest.raises(grpc.RpcError) as raised:
            diff(plugin, name, olds, inputs(name, powerState="Suspended"))
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert raised.value.details() == (
            'spec.powerState: spec.powerState: Invalid value: "Suspended": cannot suspend a VM that is powered off'
        )
        live = devops.get(VMS, name)
        assert live is not None and live["spec"]["powerState"] == "PoweredOff"
    finally:
        devops.delete(VMS, name)


def test_a_create_preview_the_webhook_denies_fails_with_its_message(
    plugin: Plugin, unique: Callable[[str], str]
) -> None:
    name = unique("nozone")
    with pytest.raises(grpc.RpcError) as raised:
        preview_create(plugin, name, inputs(name, labels={ZONE: "zone-nowhere"}))
    assert raised.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert raised.value.details().endswith(
        f'metadata.labels[{ZONE}]: Invalid value: "zone-nowhere": '
        'availabilityzones.topology.tanzu.vmware.com "zone-nowhere" not found'
    )
    assert VALIDATING in raised.value.details()


def test_a_create_preview_shows_what_the_webhooks_fill_in_and_leaves_no_trace(
    plugin: Plugin, devops: SimClient, unique: Callable[[str], str]
) -> None:
    name = unique("plan")
    news = {**inputs(name), "userData": "#cloud-config\n"}
    started = time.monotonic()
    planned = preview_create(plugin, name, news)
    elapsed = time.monotonic() - started
    spec = planned["spec"]
    assert planned["apiVersion"] == devops.api_version
    assert spec["powerState"] == "PoweredOn"
    assert spec["imageName"].startswith("vmi-")
    assert [nic["name"] for nic in spec["network"]["interfaces"]] == ["eth0"]
    assert spec["bootstrap"]["cloudInit"]["rawCloudConfig"] == {
        "name": f"{name}-user-data",
        "key": "user-data",
    }
    meta = planned["liveMetadata"]
    assert meta["name"] == name and meta["annotations"]["vmoperator.vmware.com/created-at-schema-version"]
    assert meta["annotations"]["vmservice.pulumi.com/urn"] == urn(VM, name)
    assert meta["uid"] is UNKNOWN and planned["status"] is UNKNOWN
    # The user's inputs are untouched: only outputs carry the Supervisor's additions.
    assert planned["waitFor"] == "none"
    assert devops.get(VMS, name) is None
    secret = devops.core.list_namespaced_secret(NS, field_selector=f"metadata.name={name}-user-data")
    assert secret.items == []
    assert elapsed < 5, f"a create preview with a dry run took {elapsed:.2f}s"


def test_unknown_values_skip_the_dry_run_without_failing(
    plugin: Plugin, unique: Callable[[str], str]
) -> None:
    name = unique("unk")
    planned = preview_create(plugin, name, inputs(name, className=UNKNOWN_STRING))
    assert planned["spec"]["className"] is UNKNOWN
    assert planned["status"] is UNKNOWN  # the static planned outputs
    assert "powerState" not in planned["spec"]


def test_an_unreachable_supervisor_gives_one_warning_for_many_resources(tmp_path: Path) -> None:
    offline = Plugin(env={"KUBECONFIG": str(kubeconfig(tmp_path, f"https://127.0.0.1:{closed_port()}"))})
    try:
        offline.configure(namespace=NS)
        for index in range(5):
            name = f"vm{index}"
            olds = inputs(name)
            response = diff(offline, name, olds, inputs(name, labels={"team": "web"}))
            assert response.replaces == []  # the static rules: a label updates in place
            planned = preview_create(offline, f"new{index}", inputs(f"new{index}"))
            assert planned["status"] is UNKNOWN
        found = [message for message in warnings(offline) if WARNING in message]
        assert len(found) == 1, warnings(offline)
        assert "the preview uses the provider's static rules" in found[0]
        assert "cannot reach the Supervisor" in found[0]
    finally:
        offline.close()
