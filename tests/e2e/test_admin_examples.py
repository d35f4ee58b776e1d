"""The administrator's examples under the real Pulumi CLI on the session's simulated Supervisor: each is
created, previewed without changes and destroyed, and the simulator behaviour it relies on is checked from
the Supervisor's and vCenter's side.

- examples/vgpu-class: vGPU and DirectPath classes reach the namespace's VirtualMachineClasses (and the
  class lookup) with their devices; vCenter keeps the DirectPath device; a VM of the vGPU class runs.
- examples/subscribed-library: a published library, a subscribed one that vCenter syncs on creation,
  automatically and on `syncTriggers`; its items become VirtualMachineImages; a sync vCenter refuses fails
  the update with vCenter's words and leaves the verdict in `subscriptionStatus`.
- examples/admin-devops-handoff: an admin stack and a DevOps stack that reads it by stack reference; the
  DevOps identity gets what the access list grants (edit, then only view: refused), and the namespace's
  memory limit keeps a VM beyond it powered off.
"""

from __future__ import annotations

import secrets
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.pulumi_cli import ROOT, PulumiProject
from tests.integration.conftest import eventually

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

    from tests.integration.conftest import SimClient

pytestmark = pytest.mark.e2e


def example_project(
    tmp_path: Path, example: str, simulator: Simulator, backend: Path | None = None
) -> PulumiProject:
    """A copy of examples/<example> (with the files beside its Pulumi.yaml) that loads this checkout's
    plugin, pointed at the simulator; `backend` shares one state folder between projects (stack references)."""
    work = tmp_path / example.replace("/", "-")
    shutil.copytree(ROOT / "examples" / example, work)
    pulumi_yaml = work / "Pulumi.yaml"
    plugin = f"plugins:\n  providers:\n    - name: vmservice\n      path: {Path(sys.executable).parent}\n"
    pulumi_yaml.write_text(pulumi_yaml.read_text().replace("runtime: yaml\n", "runtime: yaml\n" + plugin, 1))
    project = PulumiProject(work)
    project.env.update(simulator.env())
    if backend is not None:
        backend.mkdir(parents=True, exist_ok=True)
        project.env["PULUMI_BACKEND_URL"] = f"file://{backend}"
    project.init_stack()
    return project


def items(client: SimClient, namespace: str, plural: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.custom.list_namespaced_custom_object(
        client.group, client.version, namespace, plural
    )["items"]
    return found


# ------------------------------------------------------------------------------------------ vgpu-class


def test_vgpu_class_example(pulumi_cli: Path, tmp_path: Path, simulator: Simulator, admin: SimClient) -> None:
    team = f"ml-{secrets.token_hex(3)}"
    project = example_project(tmp_path, "vgpu-class", simulator)
    project.run("config", "set", "team", team)

    project.run("up", "--yes")
    outputs = project.outputs()
    assert outputs["namespace"] == team and outputs["trainerIP"]
    # The class lookup returns the devices, and the full memory reservation that comes with them.
    assert outputs["trainerClass"] == f"{team}-vgpu-small"
    assert outputs["trainerDevices"] == {"vgpuDevices": [{"profileName": "grid_t4-4q"}]}
    assert outputs["trainerReservedMemory"] == "16Gi"
    # The Supervisor's DirectPath class, as VM Operator's class controller would make it from vCenter's.
    passthrough = admin.get("virtualmachineclasses", f"{team}-a100-passthrough", team)
    assert passthrough is not None
    assert passthrough["spec"]["hardware"]["devices"] == {
        "dynamicDirectPathIODevices": [{"vendorID": 4318, "deviceID": 8368, "customLabel": "a100"}]
    }
    assert passthrough["spec"]["policies"]["resources"]["requests"] == {"memory": "64Gi"}
    # vCenter keeps the DirectPath device (govmomi's simulator alone drops it): no drift on refresh.
    assert simulator.vcenter is not None
    passthrough = simulator.vcenter.get_vm_class(f"{team}-a100-passthrough")
    assert passthrough is not None
    assert passthrough["devices"]["dynamic_direct_path_IO_devices"] == [
        {"vendor_id": 4318, "device_id": 8368, "custom_label": "a100"}
    ]

    project.run("preview", "--expect-no-changes")
    project.run("destroy", "--yes")
    assert simulator.vcenter.get_vm_class(f"{team}-a100-passthrough") is None


# ---------------------------------------------------------------------------------- subscribed-library


def image_named(client: SimClient, namespace: str, display_name: str) -> dict[str, Any] | None:
    return next(
        (
            i
            for i in items(client, namespace, "virtualmachineimages")
            if i.get("status", {}).get("name") == display_name
        ),
        None,
    )


def library_outputs(project: PulumiProject, name: str) -> dict[str, Any]:
    resources = project.export()["deployment"]["resources"]
    found: dict[str, Any] = next(r["outputs"] for r in resources if r["urn"].endswith(f"::{name}"))
    return found


def test_subscribed_library_example(
    pulumi_cli: Path, tmp_path: Path, simulator: Simulator, devops: SimClient
) -> None:
    assert simulator.vcenter is not None
    vcenter = simulator.vcenter
    team = f"img-{secrets.token_hex(3)}"
    project = example_project(tmp_path, "subscribed-library", simulator)
    project.run("config", "set", "team", team)

    project.run("up", "--yes")
    outputs = project.outputs()
    assert outputs["publishUrl"].endswith("/lib.json") and outputs["subscriptionStatus"] == "SUCCESS"
    assert outputs["mirrorItems"] == 1 and outputs["mirrorLastSync"]
    # The subscribed library's item is a VirtualMachineImage in the namespace, which the DevOps user may read.
    eventually("golden-linux as a VirtualMachineImage", lambda: image_named(devops, team, "golden-linux"))
    # On demand: the item's metadata and its OVF descriptor are synchronized, its content is not cached.
    mirror_item = vcenter.get_item(vcenter.list_items(outputs["mirrorId"])[0])
    assert mirror_item is not None and mirror_item["name"] == "golden-linux" and not mirror_item.get("cached")
    assert [f["name"] for f in mirror_item.get("files") or []] in ([], ["golden-linux.ovf"])
    project.run("preview", "--expect-no-changes")

    # Automatic sync: an image published later reaches the namespace without anyone running anything.
    golden = vcenter.find_library(f"{team}-golden")
    assert golden is not None
    vcenter.create_item(str(golden["id"]), "golden-windows", "published later")
    eventually("golden-windows as a VirtualMachineImage", lambda: image_named(devops, team, "golden-windows"))

    # The publisher stops publishing; a new imageRelease asks for a sync, which vCenter refuses.
    library_path = f"/rest/com/vmware/content/library/id:{golden['id']}"
    vcenter.rest("PATCH", library_path, json={"update_spec": {"publish_info": {"published": False}}})
    project.run("config", "set", "imageRelease", "2")
    failed = project.run("up", "--yes", check=False)
    assert failed.returncode != 0
    assert f"updated subscribed library '{team}-mirror', but synchronizing it with" in failed.stdout
    assert "RESOURCE_INACCESSIBLE" in failed.stdout and "no library is published at" in failed.stdout
    assert library_outputs(project, "mirror")["subscriptionStatus"].startswith("RESOURCE_NOT_FOUND: ")
    # Published again: the next `up` synchronizes (the failed update is retried) and reports success.
    vcenter.rest("PATCH", library_path, json={"update_spec": {"publish_info": {"published": True}}})
    project.run("up", "--yes")
    assert library_outputs(project, "mirror")["subscriptionStatus"] == "SUCCESS"
    assert project.outputs()["mirrorItems"] == 2

    project.run("destroy", "--yes")
    assert vcenter.find_library(f"{team}-mirror") is None and vcenter.find_library(f"{team}-golden") is None


# -------------------------------------------------------------------------------- admin-devops-handoff


def may(client: SimClient, verb: str, namespace: str) -> bool:
    """Whether the client's user may `verb` VirtualMachines in `namespace` (a SelfSubjectAccessReview)."""
    from kubernetes import client as k8s

    review = k8s.AuthorizationV1Api(client.api_client).create_self_subject_access_review(
        {
            "spec": {
                "resourceAttributes": {
                    "namespace": namespace,
                    "verb": verb,
                    "group": client.group,
                    "resource": "virtualmachines",
                }
            }
        }
    )
    return bool(review.status.allowed)


def test_admin_devops_handoff_example(
    pulumi_cli: Path, tmp_path: Path, simulator: Simulator, admin: SimClient, devops: SimClient
) -> None:
    team = f"shop-{secrets.token_hex(3)}"
    backend = tmp_path / "state"  # one backend: the DevOps stack reads the admin stack's outputs
    admin_stack = example_project(tmp_path, "admin-devops-handoff/admin", simulator, backend)
    admin_stack.run("config", "set", "team", team)
    admin_stack.run("config", "set", "memoryLimitMib", "6144")  # room for one 4 GiB reservation
    devops_stack = example_project(tmp_path, "admin-devops-handoff/devops", simulator, backend)
    for key in [k for k in devops_stack.env if k.startswith("VSPHERE_")]:
        del devops_stack.env[key]  # the DevOps team has its Supervisor kubeconfig, no vCenter account
    devops_stack.run("config", "set", "adminStack", "organization/handoff-admin/test")

    # Only what the access list grants: a viewer may read the namespace's VMs, not create any.
    admin_stack.run("config", "set", "devopsRole", "VIEW")
    admin_stack.run("up", "--yes")
    outputs_of_admin = admin_stack.outputs()
    assert may(devops, "list", team) and not may(devops, "create", team)
    refused = devops_stack.run("up", "--yes", check=False)
    assert refused.returncode != 0
    assert 'User "sso:devops@vsphere.local" cannot patch resource "virtualmachines"' in refused.stdout
    assert devops.get("virtualmachines", "web", team) is None

    # Can edit: the team deploys its VMs.
    admin_stack.run("config", "set", "devopsRole", "EDIT")
    admin_stack.run("up", "--yes")
    eventually("the DevOps user to be an editor", lambda: may(devops, "create", team))
    devops_stack.run("up", "--yes")
    outputs = devops_stack.outputs()
    assert outputs["namespace"] == team and outputs["webIP"] and outputs["dbIP"]
    admin_stack.run("preview", "--expect-no-changes")
    devops_stack.run("preview", "--expect-no-changes")

    # The namespace's memory limit: the database reserves 4 of its 6 GiB, so a second 4 GiB VM stays off.
    batch = {
        "kind": "VirtualMachine",
        "metadata": {"name": "batch"},
        "spec": {
            "className": outputs_of_admin["guaranteedClass"],
            "imageName": outputs_of_admin["image"],
            "storageClass": outputs_of_admin["storageClass"],
            "powerState": "PoweredOn",
        },
    }
    devops.create("virtualmachines", batch, team)

    def power_on_failure() -> Any:
        events = admin.core.list_namespaced_event(team, field_selector="involvedObject.name=batch").items
        return next((e for e in events if e.reason == "UpdateFailure"), None)

    event = eventually("the power-on failure of the VM beyond the limit", power_on_failure)
    assert event.type == "Warning" and "InsufficientMemoryResourcesFault" in event.message
    live = devops.get("virtualmachines", "batch", team)
    assert live is not None and live["status"].get("powerState") != "PoweredOn"
    devops.delete("virtualmachines", "batch", team)

    devops_stack.run("destroy", "--yes")
    admin_stack.run("destroy", "--yes")
    assert simulator.vcenter is not None and simulator.vcenter.get_namespace(team) is None
