"""The kind registry: each VM Operator kind registered once, and the webhook routes and configurations
derived from it and from the rules the rules package holds for each kind, without an apiserver."""

from __future__ import annotations

import base64

import pytest
from vmservice_sim.kube import VmopKinds
from vmservice_sim.registry import KindReconciler, Registry, registrations
from vmservice_sim.release import release
from vmservice_sim.webhook import webhook_configurations, webhook_routes

KINDS = {
    "VirtualMachine",
    "VirtualMachineService",
    "VirtualMachinePublishRequest",
    "VirtualMachineWebConsoleRequest",
    "VirtualMachineSetResourcePolicy",
    "WebConsoleRequest",
}
KINDS_91 = KINDS | {"VirtualMachineGroup", "VirtualMachineReplicaSet", "VirtualMachineSnapshot"}


def test_every_kind_is_registered_once_with_its_controller() -> None:
    assert {r.kind for r in registrations(release("8.0u3"))} == KINDS
    by_kind = {r.kind: r for r in registrations(release("9.1"))}
    assert set(by_kind) == KINDS_91 and len(registrations()) == len(KINDS_91)
    for registration in by_kind.values():
        if registration.kind == "WebConsoleRequest":  # v1alpha1: admission only
            assert registration.reconciler is None and registration.version == "v1alpha1"
            continue
        assert registration.reconciler is not None and issubclass(registration.reconciler, KindReconciler)
    assert by_kind["VirtualMachine"].workers == 2
    storage = VmopKinds.for_version("v1alpha5")
    assert by_kind["VirtualMachineService"].in_version("v1alpha5") == storage.service
    assert by_kind["VirtualMachineSetResourcePolicy"].in_version("v1alpha5") == storage.resource_policy


def test_a_kind_cannot_be_registered_twice() -> None:
    registry = Registry()
    registry.register("Widget", "widgets")
    with pytest.raises(ValueError, match="Widget is registered twice"):
        registry.register("Widget", "widgets")


def test_routes_follow_vm_operators_webhook_paths_for_the_rules_the_rules_package_holds() -> None:
    routes = webhook_routes(release("9.1"), registrations(release("9.1")))
    assert set(routes) == {
        "/default-mutate-vmoperator-vmware-com-v1alpha5-virtualmachinegroup",
        "/default-validate-vmoperator-vmware-com-v1alpha1-webconsolerequest",
        "/default-mutate-vmoperator-vmware-com-v1alpha5-virtualmachine",
        "/default-validate-vmoperator-vmware-com-v1alpha5-virtualmachine",
        "/default-validate-vmoperator-vmware-com-v1alpha5-virtualmachineservice",
        "/default-validate-vmoperator-vmware-com-v1alpha5-virtualmachinepublishrequest",
        "/default-validate-vmoperator-vmware-com-v1alpha5-virtualmachinewebconsolerequest",
        "/default-validate-vmoperator-vmware-com-v1alpha5-virtualmachinesetresourcepolicy",
        "/default-validate-vmoperator-vmware-com-v1alpha5-virtualmachinegroup",
        "/default-validate-vmoperator-vmware-com-v1alpha5-virtualmachinereplicaset",
        "/default-mutate-vmoperator-vmware-com-v1alpha5-virtualmachinesnapshot",
        "/default-validate-vmoperator-vmware-com-v1alpha5-virtualmachinesnapshot",
    }


def test_webhook_configurations_have_no_side_effects_and_fail_closed() -> None:
    rel = release("8.0u3")
    mutating, validating = webhook_configurations(
        rel, webhook_routes(rel, registrations(rel)), "https://127.0.0.1:9443", b"CA"
    )
    assert [h["name"] for h in mutating["webhooks"]] == [
        "default.mutating.virtualmachine.v1alpha2.vmoperator.vmware.com"
    ]
    hooks = {h["rules"][0]["resources"][0]: h for h in validating["webhooks"]}
    assert set(hooks) == {
        "virtualmachines",
        "virtualmachineservices",
        "virtualmachinepublishrequests",
        "virtualmachinewebconsolerequests",
        "virtualmachinesetresourcepolicies",
        "webconsolerequests",
    }
    for hook in [*mutating["webhooks"], *validating["webhooks"]]:
        assert hook["sideEffects"] == "None" and hook["failurePolicy"] == "Fail"
        assert hook["rules"][0]["operations"] == ["CREATE", "UPDATE"]
        legacy = hook["rules"][0]["resources"] == ["webconsolerequests"]
        assert hook["rules"][0]["apiVersions"] == ["v1alpha1" if legacy else "v1alpha2"]
        assert hook["clientConfig"]["caBundle"] == base64.b64encode(b"CA").decode()
    vm = hooks["virtualmachines"]["clientConfig"]["url"]
    assert vm == "https://127.0.0.1:9443/default-validate-vmoperator-vmware-com-v1alpha2-virtualmachine"
