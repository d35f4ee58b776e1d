"""`vmservice-sim up/status/fault/down` as users run it: a detached daemon, the env file's contents, and no
process left behind afterwards (checked through /proc, not only through the CLI's own bookkeeping)."""

from __future__ import annotations

import json
import os
import shlex
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_needing_tools

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
ENV_KEYS = {
    "KUBECONFIG",
    "VSPHERE_SERVER",
    "VSPHERE_USER",
    "VSPHERE_PASSWORD",
    "VSPHERE_INSECURE",
    "VSPHERE_CA_CERT",
    "VSPHERE_DATASTORE",
    "VSPHERE_SUPERVISOR",
    "VMSERVICE_NAMESPACE",
}


@pytest.fixture(scope="module")
def tools_present(require_tool: Any) -> None:
    from vmservice_sim.tools import crd_dir

    for tool in ("etcd", "kube-apiserver", "kube-controller-manager", "vcsim"):
        require_tool(tool)
    run_needing_tools(lambda: crd_dir("9.1"))


def cli(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ if env is None else env)
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), full_env.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, "-m", "vmservice_sim.cli", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(f"{entry.name}: {cmdline[:200]}")
    return found


def read_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.startswith("export "):
            key, _, value = line.removeprefix("export ").partition("=")
            values[key] = shlex.split(value)[0] if value else ""
    return values


def test_up_status_fault_down_leave_nothing_running(tmp_path: Path, tools_present: None) -> None:
    directory = tmp_path / "sim"
    begun = time.monotonic()
    up = cli("up", "--dir", directory, "--api-release", "9.1", "--power-on-delay", "0.2", "--ip-delay", "0.2")
    cold = time.monotonic() - begun
    try:
        assert up.returncode == 0, up.stderr + up.stdout
        assert "vmservice-sim is up in" in up.stdout and "VM Operator API 9.1" in up.stdout

        env = read_env(directory / "env")
        assert set(env) == ENV_KEYS
        assert env["KUBECONFIG"] == str(directory / "kubeconfig")
        assert env["VSPHERE_INSECURE"] == "false"
        assert env["VSPHERE_DATASTORE"] == "LocalDS_0" and env["VSPHERE_SUPERVISOR"].startswith("WCP-")
        assert env["VMSERVICE_NAMESPACE"] == "dev"
        assert (directory / "env").stat().st_mode & 0o077 == 0  # holds the vCenter password
        host, _, port = env["VSPHERE_SERVER"].rpartition(":")
        context = ssl.create_default_context(cafile=env["VSPHERE_CA_CERT"])
        with (
            socket.create_connection((host, int(port)), timeout=5) as raw,
            context.wrap_socket(raw, server_hostname=host),
        ):
            pass  # vcsim's certificate verifies against VSPHERE_CA_CERT

        exercise_release_91(directory, env)

        state = json.loads((directory / "state.json").read_text())
        assert state["state"] == "ready"
        assert set(state["children"]) == {"etcd", "kube-apiserver", "kube-controller-manager", "vcsim"}

        again = cli("up", "--dir", directory)
        assert again.returncode == 0 and "already running" in again.stdout
        assert json.loads((directory / "state.json").read_text())["daemon"] == state["daemon"]

        status = cli("status", "--dir", directory)
        assert status.returncode == 0, status.stdout + status.stderr
        for component in ("etcd", "kube-apiserver", "kube-controller-manager", "vcsim", "webhook"):
            line = next(line for line in status.stdout.splitlines() if line.strip().startswith(component))
            assert " running " in line, status.stdout
        assert "v1.35" in status.stdout and "govmomi v0." in status.stdout

        restart = cli("fault", "apiserver-restart", "--dir", directory)
        assert restart.returncode == 0 and "kube-apiserver restarted" in restart.stdout, restart.stderr
        assert cli("status", "--dir", directory).returncode == 0
    finally:
        begun = time.monotonic()
        down = cli("down", "--dir", directory)
        took = time.monotonic() - begun
    assert down.returncode == 0, down.stderr
    assert "no process left" in down.stdout
    assert processes_mentioning(str(directory)) == []
    assert not (directory / "state.json").exists() and not (directory / "kubeconfig").exists()
    assert cli("status", "--dir", directory).returncode == 3
    assert "not running" in cli("down", "--dir", directory).stdout
    print(f"vmservice-sim up (cold) {cold:.1f}s, down {took:.1f}s")


def exercise_release_91(directory: Path, env: dict[str, str]) -> None:
    """With the VCF 9.1 API: a VM in v1alpha5 gets spec.image/UUIDs defaulted, runs, and is resized while off."""
    from kubernetes import client, config

    api = config.new_client_from_config(env["KUBECONFIG"])
    custom: Any = client.CustomObjectsApi(api)
    group, version, plural = "vmoperator.vmware.com", "v1alpha5", "virtualmachines"

    def get() -> dict[str, Any]:
        result: dict[str, Any] = custom.get_namespaced_custom_object(
            group, version, "dev", plural, "resize-me"
        )
        return result

    def wait(predicate: Any, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            vm = get()
            if predicate(vm):
                return vm
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}: {json.dumps(vm)[:2000]}")

    try:
        created = custom.create_namespaced_custom_object(
            group,
            version,
            "dev",
            plural,
            {
                "apiVersion": f"{group}/{version}",
                "kind": "VirtualMachine",
                "metadata": {"name": "resize-me"},
                "spec": {
                    "className": "best-effort-small",
                    "imageName": "photon-5",
                    "storageClass": "vsan-default-storage-policy",
                },
            },
        )
        spec = created["spec"]
        # 9.1 resolves the display name into spec.image and leaves spec.imageName as given (v1.10.0's
        # ResolveImageNameOnCreate).
        assert spec["image"]["kind"] == "VirtualMachineImage" and spec["image"]["name"].startswith("vmi-")
        assert spec["imageName"] == "photon-5"
        assert spec["biosUUID"] and spec["instanceUUID"]
        vm = wait(lambda v: bool((v.get("status") or {}).get("network", {}).get("primaryIP4")), "an IP")
        assert vm["metadata"]["finalizers"] == ["vmoperator.vmware.com/virtualmachine"]
        custom.patch_namespaced_custom_object(
            group,
            version,
            "dev",
            plural,
            "resize-me",
            {"spec": {"className": "best-effort-large", "powerState": "PoweredOff"}},
            _content_type="application/merge-patch+json",
        )
        vm = wait(
            lambda v: (v.get("status") or {}).get("class", {}).get("name") == "best-effort-large",
            "the resize",
        )
        assert vm["status"]["powerState"] == "PoweredOff"
        assert vcenter_vm_size(env, vm["status"]["uniqueID"]) == (4, 16384)
        custom.delete_namespaced_custom_object(group, version, "dev", plural, "resize-me")
    finally:
        api.close()


def vcenter_vm_size(env: dict[str, str], moref: str) -> tuple[int, int]:
    from vmservice_sim.vcenter import VCenter

    vcenter = VCenter(
        env["VSPHERE_SERVER"], env["VSPHERE_USER"], env["VSPHERE_PASSWORD"], env["VSPHERE_CA_CERT"]
    )
    try:
        info = vcenter.vm_info(moref)
        assert info is not None
        return info.cpus, info.memory_mb
    finally:
        vcenter.close()


def test_up_fails_cleanly_when_a_tool_is_missing(tmp_path: Path) -> None:
    directory = tmp_path / "broken"
    empty = tmp_path / "no-tools"
    empty.mkdir()
    env = {**os.environ, "VMSERVICE_TOOLS_BIN": str(empty), "PATH": "/usr/bin:/bin"}
    up = cli("up", "--dir", directory, env=env, timeout=60)
    assert up.returncode == 1
    assert (
        "vmservice-sim failed to start" in up.stderr
        and "etcd not found" in up.stderr
        and "make tools" in up.stderr
    )
    assert processes_mentioning(str(directory)) == []
    assert not (directory / "state.json").exists()
