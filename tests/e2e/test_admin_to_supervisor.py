"""From vCenter to the Supervisor under the real Pulumi CLI: a stack creates a VM class, a content library with
an OVA item and a vSphere Namespace that gets both, on the simulator's vcsim; the simulator's vCenter sync (what
WCP and VM Operator do) turns them into a Kubernetes namespace with a VirtualMachineClass and a
VirtualMachineImage. Resizing the class updates it in place (also in the Supervisor), refresh shows no drift,
and destroy removes the Supervisor side too.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.pulumi_cli import yaml_project
from tests.integration.vcenter_helpers import tiny_ova

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.e2e

GROUP = "vmoperator.vmware.com"
SYNC_TIMEOUT = 30.0


def program(suffix: str, cpus: int, supervisor: str, ova: Path) -> str:
    return f"""resources:
  cls:
    type: vmservice:vcenter:VirtualMachineClass
    properties:
      name: sup-small-{suffix}
      cpuCount: {cpus}
      memoryMb: 2048
  images:
    type: vmservice:vcenter:ContentLibrary
    properties:
      name: sup-images-{suffix}
      datastore: LocalDS_0
  base:
    type: vmservice:vcenter:ContentLibraryItem
    properties:
      library: ${{images.id}}
      name: base-{suffix}
      filePath: {ova}
  team:
    type: vmservice:vcenter:Namespace
    properties:
      name: sup-team-{suffix}
      supervisor: {supervisor}
      vmClasses:
        - ${{cls.name}}
      contentLibraries:
        - ${{images.id}}
    options:
      dependsOn:
        - ${{base}}
outputs:
  namespace: ${{team.name}}
  className: ${{cls.name}}
  itemName: ${{base.name}}
  itemId: ${{base.itemId}}
"""


class Supervisor:
    """The simulator's Kubernetes side, as its administrator sees it."""

    def __init__(self, simulator: Simulator) -> None:
        from kubernetes import client, config

        self.api = config.new_client_from_config(str(simulator.admin_kubeconfig_path))
        self.custom: Any = client.CustomObjectsApi(self.api)
        self.core: Any = client.CoreV1Api(self.api)
        self.version = simulator.release.storage_version

    def namespace(self, name: str) -> Any | None:
        from kubernetes.client.exceptions import ApiException

        try:
            return self.core.read_namespace(name)
        except ApiException as error:
            if error.status == 404:
                return None
            raise

    def items(self, namespace: str, plural: str) -> list[dict[str, Any]]:
        from kubernetes.client.exceptions import ApiException

        try:
            found: list[dict[str, Any]] = self.custom.list_namespaced_custom_object(
                GROUP, self.version, namespace, plural
            )["items"]
            return found
        except ApiException as error:
            if error.status == 404:
                return []
            raise


@pytest.fixture(scope="module")
def supervisor(simulator: Simulator) -> Iterator[Supervisor]:
    made = Supervisor(simulator)
    try:
        yield made
    finally:
        made.api.close()


def eventually(what: str, probe: Callable[[], Any], timeout: float = SYNC_TIMEOUT) -> Any:
    """Poll `probe` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.25)


def steps(preview: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["urn"].rsplit("::", 1)[-1]: s for s in preview["steps"]}


def test_class_and_library_show_up_in_the_supervisor_namespace(
    pulumi_cli: Path, tmp_path: Path, simulator: Simulator, supervisor: Supervisor
) -> None:
    suffix = secrets.token_hex(3)
    env = simulator.env()
    namespace, class_name, item_name = f"sup-team-{suffix}", f"sup-small-{suffix}", f"base-{suffix}"
    ova = tiny_ova(tmp_path / "base.ova", name=f"base-{suffix}")
    project = yaml_project(
        tmp_path / "admin", "admin-to-supervisor", program(suffix, 2, env["VSPHERE_SUPERVISOR"], ova)
    )
    project.env.update(env)
    project.init_stack()

    project.run("up", "--yes")
    outputs = project.outputs()
    assert outputs["namespace"] == namespace and outputs["className"] == class_name

    # The vSphere Namespace appears as a Kubernetes namespace with the class and the library's item.
    eventually(f"Kubernetes namespace {namespace}", lambda: supervisor.namespace(namespace))

    def synced_class() -> dict[str, Any] | None:
        return next(
            (
                c
                for c in supervisor.items(namespace, "virtualmachineclasses")
                if c["metadata"]["name"] == class_name
            ),
            None,
        )

    vm_class = eventually(f"VirtualMachineClass {class_name} in {namespace}", synced_class)
    assert vm_class["spec"]["hardware"]["cpus"] == 2
    assert vm_class["spec"]["hardware"]["memory"] == "2Gi"

    def synced_image() -> dict[str, Any] | None:
        return next(
            (
                i
                for i in supervisor.items(namespace, "virtualmachineimages")
                if (i.get("status") or {}).get("name") == item_name
            ),
            None,
        )

    image = eventually(f"a VirtualMachineImage named {item_name} in {namespace}", synced_image)
    assert image["metadata"]["name"].startswith("vmi-")
    assert image["status"]["providerItemID"] == outputs["itemId"]

    project.run("preview", "--expect-no-changes")
    project.run("refresh", "--yes", "--expect-no-changes")

    # A bigger class: an in-place update in vCenter, and the Supervisor's class follows.
    pulumi_yaml = project.dir / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace("cpuCount: 2", "cpuCount: 4"))
    preview = steps(project.preview_json("--diff"))
    assert preview["cls"]["op"] == "update"
    assert preview["cls"]["detailedDiff"]["cpuCount"]["kind"] == "update"
    assert all(preview.get(n, {"op": "same"})["op"] == "same" for n in ("images", "base", "team"))
    project.run("up", "--yes")
    eventually(
        f"VirtualMachineClass {class_name} resized to 4 vCPUs",
        lambda: (synced_class() or {}).get("spec", {}).get("hardware", {}).get("cpus") == 4,
    )
    project.run("refresh", "--yes", "--expect-no-changes")
    project.run("preview", "--expect-no-changes")

    # Destroy: the vSphere Namespace goes, and with it the Kubernetes namespace and what the sync put in it.
    project.run("destroy", "--yes")
    eventually(
        f"the class and image to leave {namespace}",
        lambda: synced_class() is None and synced_image() is None,
    )
    eventually(
        f"Kubernetes namespace {namespace} to be deleted", lambda: supervisor.namespace(namespace) is None
    )
