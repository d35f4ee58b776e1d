"""Faults under the real Pulumi CLI on the simulated Supervisor: the plugin is killed (SIGKILL) while `up`
waits for VMs, or while `destroy` waits for their deletion; running the command again converges without a
duplicate or orphaned VM. And an object another tool manages is a clear conflict, with a documented takeover."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.pulumi_cli import TOOLS_BIN, PulumiError, PulumiProject, yaml_project

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.e2e

GROUP = "vmoperator.vmware.com"
NS = "dev"


def vm_resource(logical: str, label: str, name: str | None = None, extra_spec: str = "") -> str:
    name_line = f"        name: {name}\n" if name else ""
    return f"""  {logical}:
    type: vmservice:index:VirtualMachine
    properties:
      metadata:
{name_line}        labels:
          suite: {label}
      spec:
        className: best-effort-small
        imageName: ubuntu-22.04
        storageClass: vsan-default-storage-policy
{extra_spec}      waitFor: created
"""


def program(label: str) -> str:
    return "resources:\n" + vm_resource("fixed", label, "fault-fixed") + vm_resource("autonamed", label)


class Cluster:
    def __init__(self, simulator: Simulator) -> None:
        from kubernetes import client, config
        from vmservice_sim.simulator import VSPHERE_USER
        from vmservice_sim.vcenter import VCenter

        self.api = config.new_client_from_config(str(simulator.admin_kubeconfig_path))
        self.custom: Any = client.CustomObjectsApi(self.api)
        self.core: Any = client.CoreV1Api(self.api)
        self.version = simulator.release.storage_version
        assert simulator.vcsim is not None
        self.vcenter = VCenter(
            simulator.vcsim.host, VSPHERE_USER, simulator.vsphere_password, str(simulator.ca_path)
        )

    def uids(self, label: str) -> dict[str, str]:
        return {vm["metadata"]["name"]: vm["metadata"]["uid"] for vm in self.vms(label)}

    def vsphere_vms(self, names: list[str]) -> dict[str, list[str]]:
        """The vCenter VMs (managed object ids) in the namespace's folder with each of these names."""
        folder = self.vcenter.namespace_folder(NS, create=False)
        children = self.vcenter.props(folder, ["childEntity"]).get("childEntity") or [] if folder else []
        found: dict[str, list[str]] = {name: [] for name in names}
        for child in children:
            name = self.vcenter.name_of(child)
            if name in found:
                found[name].append(str(child._moId))
        return found

    def vms(self, label: str) -> list[dict[str, Any]]:
        found = self.custom.list_namespaced_custom_object(
            GROUP, self.version, NS, "virtualmachines", label_selector=f"suite={label}"
        )
        return list(found["items"])

    def set_faults(self, **faults: str | None) -> None:
        from vmservice_sim.faults import FAULTS_CONFIGMAP, FAULTS_NAMESPACE

        self.core.patch_namespaced_config_map(FAULTS_CONFIGMAP, FAULTS_NAMESPACE, {"data": faults})
        time.sleep(0.6)  # the controller re-reads the ConfigMap at most every half second


@pytest.fixture
def cluster(simulator: Simulator) -> Iterator[Cluster]:
    made = Cluster(simulator)
    try:
        yield made
    finally:
        made.set_faults(stuckCondition=None, stuckDeletion=None)
        made.api.close()
        made.vcenter.close()


def descendants(pid: int) -> list[int]:
    """Process ids below `pid` (from /proc), so only this test's plugin is killed."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def plugin_pids(root: int) -> list[int]:
    pids = []
    for pid in descendants(root):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "pulumi-resource-vmservice" in command:
            pids.append(pid)
    return pids


def kill_plugin_when(project: PulumiProject, command: list[str], ready: Any, timeout: float = 120) -> str:
    """Run `pulumi <command>`, SIGKILL the provider plugin once `ready()` holds, return the CLI's output."""
    process = subprocess.Popen(
        [str(TOOLS_BIN / "pulumi"), *command, "--non-interactive"],
        cwd=project.dir,
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            assert process.poll() is None, (
                f"pulumi ended before the fault: {process.communicate()[0][-3000:]}"
            )
            assert time.monotonic() < deadline, "the fault condition never held"
            time.sleep(0.2)
        pids = plugin_pids(process.pid)
        assert pids, "no provider plugin below the pulumi process"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        output, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode != 0, "pulumi should fail when its provider is killed"
    return output


def test_killed_plugin_during_up_and_destroy_converges(
    pulumi_cli: Path, simulator: Simulator, cluster: Cluster, tmp_path: Path
) -> None:
    """No duplicate: the rerun continues with the very objects the killed run made (same metadata.uid, one
    vSphere VM each, the one VM Operator reports); no orphan: destroy leaves neither the objects nor their
    vSphere VMs. Broken on purpose once each: a create that finds its object deletes it and makes it again
    (the names matched as before, the uid assertion failed); the simulator's VM controller not destroying the
    vSphere VM on delete (the Kubernetes objects went, the vSphere VM check failed)."""
    label = f"faults-{os.getpid()}"
    project = yaml_project(tmp_path / "faults", "faults", program(label))
    project.env.update(simulator.env())
    project.init_stack()

    # The name of an autonamed VM not yet in state derives from its URN: a preview tells it in advance.
    planned = {
        s["urn"].rsplit("::", 1)[-1]: s["newState"]["inputs"]["metadata"]["name"]
        for s in project.preview_json()["steps"]
        if s["urn"].endswith(("::fixed", "::autonamed"))
    }
    assert planned["fixed"] == "fault-fixed" and planned["autonamed"].startswith("autonamed-")
    names = sorted(planned.values())
    cluster.set_faults(stuckCondition="\n".join(f"{NS}/{n}:VirtualMachineCreated" for n in names))

    # up: both VMs exist and the plugin waits for them to be created; kill it there.
    kill_plugin_when(project, ["up", "--yes"], lambda: len(cluster.vms(label)) == 2)
    made = cluster.uids(label)
    assert sorted(made) == names
    cluster.set_faults(stuckCondition=None)
    again = project.run("up", "--yes")
    assert "interrupted" in again.stdout + again.stderr  # the engine reports the pending creates
    assert cluster.uids(label) == made, "the rerun replaced an object the killed run had made"
    vms = {vm["metadata"]["name"]: vm for vm in cluster.vms(label)}
    vsphere = cluster.vsphere_vms(names)
    assert {n: [vms[n]["status"]["uniqueID"]] for n in names} == vsphere, "not one vSphere VM per object"
    project.run("refresh", "--yes", "--clear-pending-creates")
    project.run("preview", "--expect-no-changes")

    # destroy: the VMs are being deleted and the plugin waits for their finalizers; kill it there.
    cluster.set_faults(stuckDeletion="\n".join(f"{NS}/{n}" for n in names))
    kill_plugin_when(
        project,
        ["destroy", "--yes"],
        lambda: sum(1 for vm in cluster.vms(label) if vm["metadata"].get("deletionTimestamp")) >= 1,
    )
    left_behind = cluster.uids(label)
    assert left_behind and all(made[n] == uid for n, uid in left_behind.items()), "destroy made new objects"
    cluster.set_faults(stuckDeletion=None)
    project.run("destroy", "--yes")
    assert cluster.vms(label) == []
    assert cluster.vsphere_vms(names) == {n: [] for n in names}, "destroy left vSphere VMs behind"
    left = project.export()["deployment"].get("resources") or []
    assert [r["urn"] for r in left if r["type"] == "vmservice:index:VirtualMachine"] == []


def test_fields_owned_by_another_tool_are_a_clear_conflict_with_a_takeover(
    pulumi_cli: Path, simulator: Simulator, cluster: Cluster, tmp_path: Path
) -> None:
    label = f"conflict-{os.getpid()}"
    body = "resources:\n" + vm_resource("vm", label, "conflict-vm")
    project = yaml_project(tmp_path / "conflict", "conflict", body)
    project.env.update(simulator.env())
    project.init_stack()
    project.run("up", "--yes")

    # Another tool takes the power state with its own field manager.
    cluster.custom.patch_namespaced_custom_object(
        GROUP,
        cluster.version,
        NS,
        "virtualmachines",
        "conflict-vm",
        {
            "apiVersion": f"{GROUP}/{cluster.version}",
            "kind": "VirtualMachine",
            "spec": {"powerState": "PoweredOff"},
        },
        field_manager="ops-console",
        force=True,
        _content_type="application/apply-patch+yaml",
    )
    pulumi_yaml = project.dir / "Pulumi.yaml"
    pulumi_yaml.write_text(
        pulumi_yaml.read_text()
        .replace("      waitFor: created\n", "      waitFor: created\n      allowPowerCycle: false\n")
        .replace("        storageClass:", "        powerState: PoweredOn\n        storageClass:")
    )
    with pytest.raises(PulumiError) as conflict:
        project.run("up", "--yes")
    message = str(conflict.value)
    assert "ops-console" in message and ".spec.powerState" in message and "pulumi.com/patchForce" in message

    pulumi_yaml.write_text(
        pulumi_yaml.read_text().replace(
            f"          suite: {label}\n",
            f'          suite: {label}\n        annotations:\n          pulumi.com/patchForce: "true"\n',
        )
    )
    project.run("up", "--yes")
    (vm,) = cluster.vms(label)
    assert vm["spec"]["powerState"] == "PoweredOn"
    project.run("destroy", "--yes")
