"""The simulator's admission adapter: AdmissionReview in, the rules package's verdict out, worded as VM
Operator answers (a JSON patch, a 403 denial, a 422 with the field errors). What the rules decide is the
corpus's business (tests/fidelity); this is about what the adapter hands them and how it answers."""

from __future__ import annotations

import base64
import copy
import json
import logging
from typing import Any

import pytest
from vmservice_api import rules
from vmservice_sim import capabilities, jsonpatch, vmop_config
from vmservice_sim.admission import (
    FIXTURE_ADMIT_UNJUDGED,
    FIXTURE_MUTATION_ONLY,
    FIXTURE_VALIDATION_ONLY,
    Judge,
)
from vmservice_sim.cluster import ReadError
from vmservice_sim.registry import registrations
from vmservice_sim.release import release
from vmservice_sim.webhook import Reviewer, webhook_routes

from tests.unit.sim.fakes import (
    ADMIN,
    DEVOPS,
    VM_OPERATOR,
    CountingCluster,
    Obj,
    config_map,
    image,
    review,
    vm,
)

MUTATE_80 = "/default-mutate-vmoperator-vmware-com-v1alpha2-virtualmachine"
VALIDATE_80 = "/default-validate-vmoperator-vmware-com-v1alpha2-virtualmachine"
VALIDATE_91 = "/default-validate-vmoperator-vmware-com-v1alpha5-virtualmachine"


def reviewer(cluster: Any, api_release: str = "8.0u3", fixtures: bool = False) -> Reviewer:
    rel = release(api_release)
    return Reviewer(webhook_routes(rel, registrations(rel)), Judge(rel.name, cluster, fixtures))  # type: ignore[arg-type]


def apply_patch(obj: Obj, patch: list[Obj]) -> Obj:
    """RFC 6902 add/remove/replace on objects (what the apiserver does with the webhook's patch)."""
    result = copy.deepcopy(obj)
    for op in patch:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in op["path"].split("/")[1:]]
        parent = result
        for token in tokens[:-1]:
            parent = parent[int(token)] if isinstance(parent, list) else parent[token]
        last: Any = int(tokens[-1]) if isinstance(parent, list) else tokens[-1]
        if op["op"] == "remove":
            del parent[last]
        else:
            parent[last] = op["value"]
    return result


def answer(reviewer_: Reviewer, path: str, body: Obj) -> Obj:
    response: Obj = reviewer_.review(path, body)["response"]
    return response


# ------------------------------------------------------------------------------------------ mutation


def test_the_mutating_webhook_answers_with_a_patch_of_what_the_rules_changed() -> None:
    cluster = CountingCluster(image())
    created = vm()
    response = answer(reviewer(cluster), MUTATE_80, review("CREATE", created))
    assert response["allowed"] and response["uid"] == "u-1" and response["patchType"] == "JSONPatch"
    patched = apply_patch(created, json.loads(base64.b64decode(response["patch"])))
    expected = rules.mutate(
        rules.Request(
            "VirtualMachine",
            "CREATE",
            created,
            "8.0u3",
            user=rules.Identity(DEVOPS["username"], tuple(DEVOPS["groups"])),
            cluster=cluster,
            features={"NetworkProviderVDS": False},
        )
    ).object
    assert patched == expected
    assert patched["spec"]["imageName"] == "vmi-0123456789abcdef0"  # the display name resolved
    assert patched["spec"]["powerState"] == "PoweredOn"


def test_dry_runs_are_answered_like_real_requests_and_only_read() -> None:
    cluster = CountingCluster(image())
    real = answer(reviewer(cluster), MUTATE_80, review("CREATE", vm()))
    reads = list(cluster.reads)
    dry = answer(reviewer(cluster), MUTATE_80, review("CREATE", vm(), dry_run=True))
    assert dry == real and cluster.reads == reads + reads


def test_a_mutating_denial_is_403_with_the_rules_words() -> None:
    response = answer(reviewer(CountingCluster(image())), MUTATE_80, review("CREATE", vm("centos-7")))
    assert response["status"] == {
        "code": 403,
        "reason": "Forbidden",
        "message": 'no VM image exists for "centos-7" in namespace or cluster scope',
    }


# ------------------------------------------------------------------------------------------ validation


def test_a_validating_denial_is_422_with_the_field_errors_joined_as_the_reason() -> None:
    bare = {"apiVersion": "vmoperator.vmware.com/v1alpha2", "kind": "VirtualMachine"}
    bare["metadata"] = {"name": "x", "namespace": "dev"}
    response = answer(reviewer(CountingCluster()), VALIDATE_80, review("CREATE", {**bare, "spec": {}}))
    assert response["allowed"] is False and response["status"]["code"] == 422
    assert "message" not in response["status"]
    assert response["status"]["reason"] == ", ".join(
        str(e)
        for e in rules.validate(
            rules.Request(
                "VirtualMachine",
                "CREATE",
                {**bare, "spec": {}},
                "8.0u3",
                user=rules.Identity(DEVOPS["username"]),
                cluster=CountingCluster(),
                features={},
            )
        ).errors
    )


def test_privilege_follows_the_reviews_user_info() -> None:
    annotated = vm("vmi-0123456789abcdef0")
    annotated["metadata"]["annotations"] = {"vmoperator.vmware.com/cloud-init-instance-id": "i-1"}
    as_devops = answer(reviewer(CountingCluster()), VALIDATE_80, review("CREATE", annotated))
    assert not as_devops["allowed"] and "not allowed for non-admin users" in as_devops["status"]["reason"]
    for privileged in (ADMIN, VM_OPERATOR):
        response = answer(
            reviewer(CountingCluster()), VALIDATE_80, review("CREATE", annotated, user=privileged)
        )
        assert "cloud-init-instance-id" not in response.get("status", {}).get("reason", ""), privileged


def test_features_and_privileged_users_come_from_the_simulators_config_maps() -> None:
    encrypted = vm(version="v1alpha5", crypto={"encryptionClassName": "my-keys"})
    byok = "the Bring Your Own Key (Provider) feature is not enabled"
    off = CountingCluster(config_map("kube-system", "wcp-cluster-capabilities", {}))
    assert byok in answer(reviewer(off, "9.1"), VALIDATE_91, review("CREATE", encrypted))["status"]["reason"]
    on = CountingCluster(capabilities_map({"BYOK": True}))
    assert byok not in str(answer(reviewer(on, "9.1"), VALIDATE_91, review("CREATE", encrypted)))

    config = vmop_config.config_map(
        {"AutoVADPBackupRestore": True}, privileged_users=("sso:backup@vsphere.local",)
    )
    read = vmop_config.read(rules.StaticCluster((as_object(config), capabilities_map({"VMResize": True}))))
    assert read.privileged_users == ("sso:backup@vsphere.local",)
    assert read.features["AutoVADPBackupRestore"] and read.features["VMResize"]
    assert read.features["NetworkProviderVDS"]  # the simulator's network provider


def capabilities_map(states: dict[str, bool]) -> Obj:
    return as_object(capabilities.config_map(capabilities.resolve("9.1", states)))


def as_object(body: dict[str, Any]) -> Obj:
    return {"apiVersion": "v1", "kind": "ConfigMap", **body}


# ------------------------------------------------------------------------------------------ the rest


def test_deletes_and_unknown_paths() -> None:
    assert answer(reviewer(CountingCluster()), VALIDATE_80, review("DELETE", vm())) == {
        "uid": "u-1",
        "allowed": True,
    }
    assert answer(reviewer(CountingCluster()), "/nowhere", review("CREATE", vm()))["status"]["code"] == 404


def test_a_failed_read_is_an_error_not_a_verdict(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(CountingCluster):
        def list(self, kind: str, namespace: str | None = None) -> list[Obj]:
            raise ReadError(f"reading {kind}: 503")

    with caplog.at_level(logging.WARNING, "vmservice-sim"):
        response = answer(reviewer(Broken()), MUTATE_80, review("CREATE", vm()))
    assert response["status"]["code"] == 500 and "503" in response["status"]["message"]


def test_fixture_groups_work_only_in_a_simulator_started_with_test_fixtures() -> None:
    bare = vm()
    bare["spec"] = {}
    for groups, mutating, validating in (
        ([FIXTURE_ADMIT_UNJUDGED], True, True),
        ([FIXTURE_MUTATION_ONLY], False, True),
        ([FIXTURE_VALIDATION_ONLY], True, False),
    ):
        user = {"username": "test", "groups": groups}
        for fixtures in (False, True):
            judged = reviewer(CountingCluster(), fixtures=fixtures)
            mutation = answer(judged, MUTATE_80, review("CREATE", bare, user=user))
            validation = answer(judged, VALIDATE_80, review("CREATE", bare, user=user))
            assert ("patch" not in mutation) is (fixtures and mutating), groups
            assert validation["allowed"] is (fixtures and validating), groups


def test_json_patch_diff() -> None:
    before = {"a": 1, "b": {"c": [1, 2], "d~/x": True}, "gone": 0}
    after = {"a": 1, "b": {"c": [1, 3], "d~/x": 1}, "new": {"x": None}}
    patch = jsonpatch.diff(before, after)
    assert apply_patch(before, patch) == after
    assert {"op": "replace", "path": "/b/d~0~1x", "value": 1} in patch  # True and 1 differ
    assert jsonpatch.diff(after, after) == []
