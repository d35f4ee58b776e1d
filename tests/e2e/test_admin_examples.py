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
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.pulumi_cli import ROOT, PulumiProject

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

    from tests.integration.conftest import SimClient

pytestmark = pytest.mark.e2e

SYNC_TIMEOUT = 30.0


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


def eventually(what: str, probe: Callable[[], Any], timeout: float = SYNC_TIMEOUT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.2)


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
