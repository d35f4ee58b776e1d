"""The kind registry: each VM Operator kind registered once, and the webhook routes, webhook configurations
and AdmissionReview answers derived from it, without an apiserver."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from vmservice_sim.kube import VmopKinds
from vmservice_sim.registry import KindReconciler, Registry, registrations
from vmservice_sim.release import release
from vmservice_sim.webhook import Reviewer, webhook_configurations, webhook_routes

from tests.unit.sim.fakes import ADMIN, NS, FakeCluster

KINDS = {
    "VirtualMachine",
    "VirtualMachineService",
    "VirtualMachinePublishRequest",
    "VirtualMachineWebConsoleRequest",
    "VirtualMachineSetResourcePolicy",
}
KINDS_91 = KINDS | {"VirtualMachineGroup", "VirtualMachineReplicaSet", "VirtualMachineSnapshot"}


def test_every_kind_is_registered_once_with_its_webhooks_and_controller() -> None:
    assert {r.kind for r in registrations(release("8.0u3"))} == KINDS
    by_kind = {r.kind: r for r in registrations(release("9.1"))}
    assert set(by_kind) == KINDS_91 and len(registrations()) == len(KINDS_91)
    for registration in by_kind.values():
        assert registration.validator is not None, registration.kind
        assert registration.reconciler is not None and issubclass(registration.reconciler, KindReconciler)
    assert {r.kind for r in registrations() if r.mutator} == {"VirtualMachine", "VirtualMachineSnapshot"}
    assert by_kind["VirtualMachine"].workers == 2
    storage = VmopKinds.for_version("v1alpha5")
    assert by_kind["VirtualMachineService"].in_version("v1alpha5") == storage.service
    assert by_kind["VirtualMachineSetResourcePolicy"].in_version("v1alpha5") == storage.resource_policy


def test_a_kind_cannot_be_registered_twice() -> None:
    registry = Registry()
    registry.register("Widget", "widgets")
    with pytest.raises(ValueError, match="Widget is registered twice"):
        registry.register("Widget", "widgets")


def test_routes_follow_vm_operators_webhook_paths() -> None:
    routes = webhook_routes(release("9.1"), registrations(release("9.1")))
    assert set(routes) == {
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
    }
    for hook in [*mutating["webhooks"], *validating["webhooks"]]:
        assert hook["sideEffects"] == "None" and hook["failurePolicy"] == "Fail"
        assert hook["rules"][0]["operations"] == ["CREATE", "UPDATE"]
        assert hook["rules"][0]["apiVersions"] == ["v1alpha2"]
        assert hook["clientConfig"]["caBundle"] == base64.b64encode(b"CA").decode()
    vm = hooks["virtualmachines"]["clientConfig"]["url"]
    assert vm == "https://127.0.0.1:9443/default-validate-vmoperator-vmware-com-v1alpha2-virtualmachine"


# ------------------------------------------------------------------------------------------ reviews


def reviewer(cluster: FakeCluster) -> Reviewer:
    rel = release("8.0u3")
    return Reviewer(rel, webhook_routes(rel, registrations()), cluster, ("zone-a", "zone-b"), "primary")


def review(operation: str, obj: dict[str, Any], *, dry_run: bool = False, user: Any = None) -> dict[str, Any]:
    request: dict[str, Any] = {
        "uid": "u-1",
        "operation": operation,
        "object": obj,
        "oldObject": None,
        "dryRun": dry_run,
        "userInfo": {"username": "devops", "groups": ["system:authenticated"]},
    }
    if user is not None:
        request["userInfo"] = user
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}


MUTATE = "/default-mutate-vmoperator-vmware-com-v1alpha2-virtualmachine"
VALIDATE = "/default-validate-vmoperator-vmware-com-v1alpha2-virtualmachine"


def new_vm(image: str = "ubuntu-22.04") -> dict[str, Any]:
    return {
        "metadata": {"name": "web-1", "namespace": NS},
        "spec": {"className": "best-effort-small", "imageName": image},
    }


def images() -> FakeCluster:
    kinds = VmopKinds.for_version("v1alpha2")
    image = {
        "metadata": {"name": "vmi-0123456789abcdef0", "namespace": NS},
        "status": {"name": "ubuntu-22.04"},
    }
    return FakeCluster().add(kinds.image, image)


def test_dry_run_reviews_answer_as_real_ones_and_only_read() -> None:
    cluster = images()
    real = reviewer(cluster).review(MUTATE, review("CREATE", new_vm()))["response"]
    reads = list(cluster.reads)
    dry = reviewer(cluster).review(MUTATE, review("CREATE", new_vm(), dry_run=True))["response"]
    assert dry == real and real["allowed"] and real["uid"] == "u-1"
    assert cluster.reads == reads + reads  # the same reads again, and never a write (FakeCluster has none)
    patch = json.loads(base64.b64decode(real["patch"]))
    spec = next(op["value"] for op in patch if op["path"] == "/spec")
    assert spec["imageName"] == "vmi-0123456789abcdef0"


def test_review_answers_with_vm_operators_status() -> None:
    denied = reviewer(FakeCluster()).review(
        VALIDATE, review("CREATE", {"metadata": {"name": "x"}, "spec": {}})
    )
    assert denied["response"] == {
        "uid": "u-1",
        "allowed": False,
        "status": {"code": 422, "reason": "spec.imageName: Required value, spec.className: Required value"},
    }
    mutating_denial = reviewer(images()).review(MUTATE, review("CREATE", new_vm("centos-7")))["response"]
    assert mutating_denial["status"] == {
        "code": 403,
        "reason": "Forbidden",
        "message": 'no VM image exists for "centos-7" in namespace or cluster scope',
    }
    unknown = reviewer(FakeCluster()).review("/nowhere", review("CREATE", new_vm()))["response"]
    assert unknown["status"]["code"] == 404
    deletion = reviewer(FakeCluster()).review(VALIDATE, review("DELETE", {}))["response"]
    assert deletion == {"uid": "u-1", "allowed": True}


def test_privilege_comes_from_the_reviews_user_info() -> None:
    annotated = new_vm("vmi-0123456789abcdef0")
    annotated["metadata"]["annotations"] = {"vmoperator.vmware.com/cloud-init-instance-id": "i-1"}
    as_devops = reviewer(FakeCluster()).review(VALIDATE, review("CREATE", annotated))["response"]
    assert not as_devops["allowed"] and "non-admin users" in as_devops["status"]["reason"]
    admin = {"username": ADMIN.username, "groups": list(ADMIN.groups)}
    as_admin = reviewer(FakeCluster()).review(VALIDATE, review("CREATE", annotated, user=admin))["response"]
    assert as_admin["allowed"]
    vmop = {"username": "system:serviceaccount:vmware-system-vmop:vmware-system-vmop-controller-manager"}
    assert reviewer(FakeCluster()).review(VALIDATE, review("CREATE", annotated, user=vmop))["response"][
        "allowed"
    ]
