"""The session's simulated Supervisor (`simulator`): control plane + vcsim + emulated VM Operator, in process,
with short power-on/IP delays, and a client for its DevOps user (not privileged in VM Operator's webhooks).

Only the tests that ask for `simulator` start it; a missing tool skips them locally and fails them in CI.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import FIXTURE_START_SECONDS, run_needing_tools

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

NS = "dev"
STORAGE_CLASS = "vsan-default-storage-policy"


@pytest.fixture(scope="session")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    from vmservice_sim.simulator import Simulator, SimulatorOptions

    sim = Simulator(
        tmp_path_factory.mktemp("simulator"),
        SimulatorOptions(power_on_delay=0.2, ip_delay=0.3, sync_interval=0.5),
    )
    try:
        run_needing_tools(sim.start)
        FIXTURE_START_SECONDS["simulator"] = sim.timings["total"]
        yield sim
    finally:
        sim.stop()


class SimClient:
    """VM Operator objects in the simulator through one identity, as dicts."""

    def __init__(self, api_client: Any, version: str) -> None:
        from kubernetes import client

        self.api_client = api_client
        self.custom: Any = client.CustomObjectsApi(api_client)
        self.core: Any = client.CoreV1Api(api_client)
        self.group, self.version = "vmoperator.vmware.com", version

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"

    def create(self, plural: str, body: dict[str, Any], namespace: str = NS) -> dict[str, Any]:
        body = {"apiVersion": self.api_version, **body}
        body.setdefault("metadata", {})["namespace"] = namespace
        result: dict[str, Any] = self.custom.create_namespaced_custom_object(
            self.group, self.version, namespace, plural, body
        )
        return result

    def get(self, plural: str, name: str, namespace: str = NS) -> dict[str, Any] | None:
        from kubernetes.client.exceptions import ApiException

        try:
            result: dict[str, Any] = self.custom.get_namespaced_custom_object(
                self.group, self.version, namespace, plural, name
            )
            return result
        except ApiException as error:
            if error.status == 404:
                return None
            raise

    def patch(self, plural: str, name: str, patch: Any, namespace: str = NS) -> dict[str, Any]:
        result: dict[str, Any] = self.custom.patch_namespaced_custom_object(
            self.group,
            self.version,
            namespace,
            plural,
            name,
            patch,
            _content_type="application/merge-patch+json",
        )
        return result

    def delete(self, plural: str, name: str, namespace: str = NS) -> None:
        from kubernetes.client.exceptions import ApiException

        try:
            self.custom.delete_namespaced_custom_object(self.group, self.version, namespace, plural, name)
        except ApiException as error:
            if error.status != 404:
                raise

    def denial(self, call: Callable[[], Any]) -> str:
        """The apiserver's message for a request that must be refused."""
        from kubernetes.client.exceptions import ApiException

        with pytest.raises(ApiException) as caught:
            call()
        return str(json.loads(caught.value.body or "{}").get("message"))

    def wait(
        self,
        plural: str,
        name: str,
        predicate: Callable[[dict[str, Any] | None], bool],
        what: str,
        namespace: str = NS,
        timeout: float = 30.0,
    ) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        current = None
        while time.monotonic() < deadline:
            current = self.get(plural, name, namespace)
            if predicate(current):
                return current
            time.sleep(0.1)
        pytest.fail(
            f"timed out after {timeout:.0f}s waiting for {what}; last state: {json.dumps(current)[:3000]}"
        )


@pytest.fixture(scope="session")
def devops(simulator: Simulator) -> Iterator[SimClient]:
    """The DevOps user of DIR/kubeconfig (what `pulumi` and `kubectl` use)."""
    from kubernetes import config

    api = config.new_client_from_config(str(simulator.kubeconfig_path))
    try:
        yield SimClient(api, simulator.release.storage_version)
    finally:
        api.close()


@pytest.fixture(scope="session")
def admin(simulator: Simulator) -> SimClient:
    """The cluster admin (system:masters: privileged for VM Operator's webhooks)."""
    assert simulator.kube is not None
    return SimClient(simulator.kube.api_client, simulator.release.storage_version)


@pytest.fixture
def unique() -> Callable[[str], str]:
    return lambda prefix: f"{prefix}-{secrets.token_hex(3)}"


def vm_body(name: str, **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "VirtualMachine",
        "metadata": {"name": name},
        "spec": {
            "className": "best-effort-small",
            "imageName": "ubuntu-22.04",
            "storageClass": STORAGE_CLASS,
        },
    }
    for key, value in spec.items():
        if value is None:
            body["spec"].pop(key, None)
        else:
            body["spec"][key] = value
    return body


def grant_edit(admin: SimClient, namespace: str, user: str = "sso:devops@vsphere.local") -> None:
    """Give `user` a vSphere Namespace's "can edit" permission in `namespace` (the ClusterRole edit there),
    and wait until RBAC honours it."""
    from kubernetes import client

    rbac = client.RbacAuthorizationV1Api(admin.api_client)
    rbac.create_namespaced_role_binding(
        namespace,
        {
            "metadata": {"name": "devops-edit"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
            "subjects": [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": user}],
        },
    )
    authorization = client.AuthorizationV1Api(admin.api_client)
    review = {
        "spec": {
            "user": user,
            "resourceAttributes": {
                "namespace": namespace,
                "verb": "create",
                "group": "vmoperator.vmware.com",
                "resource": "virtualmachines",
            },
        }
    }
    deadline = time.monotonic() + 10
    while not authorization.create_subject_access_review(review).status.allowed:
        if time.monotonic() > deadline:
            pytest.fail(f"{user} may not edit in {namespace} after 10 s")
        time.sleep(0.05)


def eventually(what: str, probe: Callable[[], Any], timeout: float = 30.0) -> Any:
    """What `probe` returns once it is truthy (polled); fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (found := probe()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.2)
    return found


def content_library(client: SimClient, display_name: str, namespace: str = NS) -> dict[str, Any]:
    """The namespace's ContentLibrary object (`cl-...`) for the vCenter library of that name."""
    from kubernetes import client as k8s

    listing = k8s.CustomObjectsApi(client.api_client).list_namespaced_custom_object(
        "imageregistry.vmware.com", "v1alpha1", namespace, "contentlibraries"
    )
    found = [i for i in listing["items"] if (i.get("status") or {}).get("name") == display_name]
    assert len(found) == 1, [i["metadata"]["name"] for i in listing["items"]]
    library: dict[str, Any] = found[0]
    return library
