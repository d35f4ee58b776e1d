"""A vSphere Namespace's limits on the simulator, enforced where a Supervisor enforces them: storage policy
limits as the namespace's ResourceQuota (kube-apiserver refuses claims beyond them), CPU and memory limits on
the namespace's resource pool (vSphere refuses to power on a VM whose reservation does not fit; VM Operator
reports it as a Warning Event)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.conftest import SimClient, vm_body

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.integration

POLICY = "aa6d5a82-1c88-45da-85d3-3d74b91a5bad"  # vcsim's vSAN Default Storage Policy
STORAGE_CLASS = "vsan-default-storage-policy"


def eventually(what: str, check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def limited(simulator: Simulator, unique: Callable[[str], str]) -> Iterator[str]:
    """A vSphere Namespace with a 1 GiB storage limit and 2 GiB of memory, made in vCenter."""
    assert simulator.vcenter is not None
    vcenter = simulator.vcenter
    name = unique("quota")
    classes = ["guaranteed-large", "best-effort-small"]
    images = str(simulator.seed_info["libraries"]["vmservice-images"])
    vcenter.create_namespace(name, classes, [images], storage_policies=(POLICY,))
    vcenter.rest(  # as an administrator changes it (vcsim's PATCH wants the whole vm_service_spec again)
        "PATCH",
        f"/api/vcenter/namespaces/instances/{name}",
        json={
            "vm_service_spec": {"vm_classes": classes, "content_libraries": [images]},
            "storage_specs": [{"policy": POLICY, "limit": 1024}],
            "resource_spec": {"memory_limit": 2048},
        },
    )
    yield name
    vcenter.rest("DELETE", f"/api/vcenter/namespaces/instances/{name}")


def test_storage_policy_limits_are_the_namespaces_quota(
    devops: SimClient, admin: SimClient, limited: str
) -> None:
    from kubernetes.client.exceptions import ApiException

    key = f"{STORAGE_CLASS}.storageclass.storage.k8s.io/requests.storage"

    def quota() -> Any:
        found = admin.core.list_namespaced_resource_quota(limited).items
        return found and found[0].spec.hard.get(key) == "1Gi" and found[0]

    assert eventually("the storage quota", quota).metadata.name == f"{limited}-storagequota"

    def claim(name: str, size: str) -> dict[str, Any]:
        return {
            "metadata": {"name": name},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "storageClassName": STORAGE_CLASS,
                "resources": {"requests": {"storage": size}},
            },
        }

    eventually("edit rights in the new namespace", lambda: _may_create_claims(devops, limited))
    devops.core.create_namespaced_persistent_volume_claim(limited, claim("small", "512Mi"))
    with pytest.raises(ApiException) as refused:
        devops.core.create_namespaced_persistent_volume_claim(limited, claim("big", "2Gi"))
    assert refused.value.status == 403 and "exceeded quota" in str(refused.value.body)


def _images(client: SimClient, namespace: str) -> list[Any]:
    items: list[Any] = client.custom.list_namespaced_custom_object(
        client.group, client.version, namespace, "virtualmachineimages"
    )["items"]
    return items


def _may_create_claims(client: SimClient, namespace: str) -> bool:
    from kubernetes import client as k8s

    review = k8s.AuthorizationV1Api(client.api_client).create_self_subject_access_review(
        {
            "spec": {
                "resourceAttributes": {
                    "namespace": namespace,
                    "verb": "create",
                    "resource": "persistentvolumeclaims",
                }
            }
        }
    )
    return bool(review.status.allowed)


def test_a_vm_whose_reservation_exceeds_the_memory_limit_does_not_power_on(
    devops: SimClient, admin: SimClient, limited: str
) -> None:
    eventually("edit rights in the new namespace", lambda: _may_create_claims(devops, limited))
    eventually(
        "the namespace's classes",
        lambda: devops.get("virtualmachineclasses", "guaranteed-large", namespace=limited),
    )
    eventually("the namespace's images", lambda: len(_images(devops, limited)) >= 2)
    # guaranteed-large reserves 16 GiB; the namespace may use 2 GiB.
    devops.create("virtualmachines", vm_body("big", className="guaranteed-large"), limited)

    def warning() -> Any:
        events = admin.core.list_namespaced_event(limited, field_selector="involvedObject.name=big").items
        return next((e for e in events if e.reason == "UpdateFailure"), None)

    event = eventually("the power-on failure", warning)
    assert event.type == "Warning" and "InsufficientMemoryResourcesFault" in event.message
    vm = devops.get("virtualmachines", "big", namespace=limited)
    assert vm is not None and vm["status"].get("powerState") != "PoweredOn"
    # A best-effort VM reserves nothing and powers on.
    devops.create("virtualmachines", vm_body("small", className="best-effort-small"), limited)
    devops.wait(
        "virtualmachines",
        "small",
        lambda v: (v or {}).get("status", {}).get("powerState") == "PoweredOn",
        "power-on",
        namespace=limited,
    )
