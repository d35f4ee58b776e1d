"""How VirtualMachine changes behave on the simulated Supervisor under the real Pulumi CLI, per API release:

- 8.0 U3 (v1alpha2): fields of newer APIs, a Suspended create and userData beside rawCloudConfig are refused at
  preview with the property named; a class change replaces the VM with the reason; `nextRestartTime: now`
  restarts in place without drift afterwards; a userData change with allowPowerCycle rewrites the Secret in
  place.
- 9.1 (v1alpha5, a second simulator started for this module): a class change on a powered-on VM replaces it
  unless allowPowerCycle is set, in which case the provider powers it off, resizes it and powers it on again.
- Resilience: a controller failure (fault injection) fails the create with the controller's reason and keeps
  the VM in state, so the next `up` completes it; kube-apiserver restarts during an `up` of several VMs.
"""

from __future__ import annotations

import base64
import re
import secrets
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import FIXTURE_START_SECONDS, run_needing_tools
from tests.e2e.pulumi_cli import TOOLS_BIN, PulumiProject, yaml_project
from tests.secret_oracle import SecretOracle

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.e2e

GROUP = "vmoperator.vmware.com"
NS = "dev"
STORAGE_CLASS = "vsan-default-storage-policy"
FIRST_SECRET = "first-behaviour-passw0rd"
SECOND_SECRET = "second-behaviour-passw0rd"
ORACLE = SecretOracle(FIRST_SECRET, SECOND_SECRET)


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def simulator_91(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    """A second simulated Supervisor with VCF 9.1's API (v1alpha5: VM class resize), for this module only."""
    from vmservice_sim.simulator import Simulator, SimulatorOptions

    sim = Simulator(
        tmp_path_factory.mktemp("simulator-9.1"),
        SimulatorOptions(api_release="9.1", power_on_delay=0.2, ip_delay=0.3, sync_interval=0.5),
    )
    try:
        run_needing_tools(sim.start)
        FIXTURE_START_SECONDS["simulator 9.1"] = sim.timings["total"]
        yield sim
    finally:
        sim.stop()


class Supervisor:
    """A simulator's Kubernetes side through its admin kubeconfig."""

    def __init__(self, simulator: Simulator) -> None:
        from kubernetes import client, config

        self.simulator = simulator
        self.api = config.new_client_from_config(str(simulator.admin_kubeconfig_path))
        self.custom: Any = client.CustomObjectsApi(self.api)
        self.core: Any = client.CoreV1Api(self.api)
        self.version = simulator.release.storage_version

    def vm(self, name: str) -> dict[str, Any] | None:
        from kubernetes.client.exceptions import ApiException

        try:
            found: dict[str, Any] = self.custom.get_namespaced_custom_object(
                GROUP, self.version, NS, "virtualmachines", name
            )
            return found
        except ApiException as error:
            if error.status == 404:
                return None
            raise

    def secret_data(self, name: str) -> str:
        secret = self.core.read_namespaced_secret(name, NS)
        return base64.b64decode(secret.data["user-data"]).decode()

    def set_faults(self, **faults: str | None) -> None:
        from vmservice_sim.faults import FAULTS_CONFIGMAP, FAULTS_NAMESPACE

        self.core.patch_namespaced_config_map(FAULTS_CONFIGMAP, FAULTS_NAMESPACE, {"data": faults})
        time.sleep(0.6)  # the controller re-reads the ConfigMap at most every half second

    def vcsim_cpus(self, moref: str) -> int:
        from vmservice_sim.simulator import VSPHERE_USER
        from vmservice_sim.vcenter import VCenter

        assert self.simulator.vcsim is not None
        vcenter = VCenter(
            self.simulator.vcsim.host,
            VSPHERE_USER,
            self.simulator.vsphere_password,
            str(self.simulator.ca_path),
        )
        try:
            info = vcenter.vm_info(moref)
            assert info is not None, f"vSphere VM {moref} not found"
            return info.cpus
        finally:
            vcenter.close()

    def close(self) -> None:
        self.api.close()


@pytest.fixture(scope="module")
def sup(simulator: Simulator) -> Iterator[Supervisor]:
    made = Supervisor(simulator)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(scope="module")
def sup_91(simulator_91: Simulator) -> Iterator[Supervisor]:
    made = Supervisor(simulator_91)
    try:
        yield made
    finally:
        made.close()


# ------------------------------------------------------------------------------------------ helpers


def vm_resource(
    logical: str,
    name: str,
    *,
    class_name: str = "best-effort-small",
    power: str = "PoweredOn",
    labels: dict[str, str] | None = None,
    spec_extra: str = "",
    user_data: str | None = None,
    allow_power_cycle: bool = False,
) -> str:
    """One VirtualMachine resource of a Pulumi YAML program (indented under `resources:`)."""
    label_lines = "".join(
        f"          {key}: {value}\n" for key, value in (labels or {"app": "behaviour"}).items()
    )
    text = f"""  {logical}:
    type: vmservice:index:VirtualMachine
    properties:
      metadata:
        name: {name}
        labels:
{label_lines}      spec:
        className: {class_name}
        imageName: ubuntu-22.04
        storageClass: {STORAGE_CLASS}
        powerState: {power}
"""
    for line in spec_extra.strip("\n").splitlines():
        text += f"        {line}\n"
    if user_data is not None:
        text += "      userData: |\n        #cloud-config\n" + f"        password: {user_data}\n"
    if allow_power_cycle:
        text += "      allowPowerCycle: true\n"
    return text


def vm_outputs(logical: str) -> str:
    return f"""  uid: ${{{logical}.liveMetadata.uid}}
  power: ${{{logical}.status.powerState}}
  ip: ${{{logical}.status.network.primaryIP4}}
"""


def project_for(simulator: Simulator, directory: Path, body: str) -> PulumiProject:
    project = yaml_project(directory, directory.name, body)
    project.env.update(simulator.env())
    project.init_stack()
    return project


def rewrite(project: PulumiProject, body: str) -> None:
    pulumi_yaml = project.dir / "Pulumi.yaml"
    head = pulumi_yaml.read_text().split("resources:\n", 1)[0]
    pulumi_yaml.write_text(head + body)


def vm_steps(preview: dict[str, Any], logical: str) -> list[dict[str, Any]]:
    return [s for s in preview["steps"] if s["urn"].endswith(f"::{logical}")]


def ops(preview: dict[str, Any], logical: str) -> set[str]:
    return {s["op"] for s in vm_steps(preview, logical)} or {"same"}


def failing(project: PulumiProject, *args: str) -> str:
    result = project.run(*args, check=False)
    assert result.returncode != 0, result.stdout
    return result.stdout + result.stderr


def destroy_quietly(project: PulumiProject) -> None:
    """Best-effort cleanup, so a failed assert does not leave VMs in the shared simulator."""
    project.run("destroy", "--yes", "--skip-preview", check=False)


# ------------------------------------------------------------------------------------------ 8.0 U3


def test_check_rejects_what_this_supervisor_cannot_do(
    pulumi_cli: Path, tmp_path: Path, simulator: Simulator
) -> None:
    name = f"beh-check-{secrets.token_hex(3)}"
    project = project_for(simulator, tmp_path / "check", "")

    # A field from a newer API: named, with the version that introduced it and the one served here.
    rewrite(
        project,
        "resources:\n" + vm_resource("vm", name, spec_extra="biosUUID: 2f1ab5c4-4bd5-4a3c-9d4b-111111111111"),
    )
    output = failing(project, "preview")
    assert "spec.biosUUID" in output
    assert "needs VM Operator API v1alpha3 or newer" in output and "v1alpha2" in output

    # A VM cannot be created Suspended.
    rewrite(project, "resources:\n" + vm_resource("vm", name, power="Suspended"))
    output = failing(project, "preview")
    assert "spec.powerState" in output and "cannot set a new VM's power state to Suspended" in output

    # userData is kept in a Secret the provider points rawCloudConfig at: both at once is an error.
    rewrite(
        project,
        "resources:\n"
        + vm_resource(
            "vm",
            name,
            user_data=FIRST_SECRET,
            spec_extra="bootstrap:\n  cloudInit:\n    rawCloudConfig:\n      name: mine\n      key: user-data",
        ),
    )
    output = failing(project, "preview")
    assert "userData" in output and "rawCloudConfig are mutually exclusive" in output
    ORACLE.text("preview", output)

    # Nothing reached the Supervisor.
    assert project.export()["deployment"].get("resources") in (None, [])


def test_restart_and_user_data_updates_in_place(
    pulumi_cli: Path, tmp_path: Path, simulator: Simulator, sup: Supervisor
) -> None:
    name = f"beh-vm-{secrets.token_hex(3)}"

    def body(**options: Any) -> str:
        return "resources:\n" + vm_resource("vm", name, **options) + "outputs:\n" + vm_outputs("vm")

    project = project_for(simulator, tmp_path / "vm", body(user_data=FIRST_SECRET))
    try:
        project.run("up", "--yes")
        first = project.outputs()
        assert first["power"] == "PoweredOn" and first["ip"]

        # 8.0 U3 cannot resize a VM: a class change replaces it, and says why (allowPowerCycle does not help).
        for allow in (False, True):
            rewrite(
                project,
                body(user_data=FIRST_SECRET, class_name="best-effort-large", allow_power_cycle=allow),
            )
            preview = project.preview_json()
            ORACLE.value("preview --json", preview)
            assert "replace" in ops(preview, "vm"), vm_steps(preview, "vm")
            step = next(s for s in vm_steps(preview, "vm") if s.get("detailedDiff"))
            assert step["detailedDiff"]["spec.className"]["kind"] == "update-replace"
        shown = project.run("preview", "--diff")
        assert (
            "spec.className forces a replacement: this Supervisor cannot resize VMs"
            in shown.stdout + shown.stderr
        )

        # nextRestartTime: now restarts the VM in place; the webhook's timestamp is not drift.
        restart = 'nextRestartTime: "now"'
        rewrite(project, body(user_data=FIRST_SECRET, spec_extra=restart))
        preview = project.preview_json()
        ORACLE.value("preview --json", preview)
        assert ops(preview, "vm") == {"update"}
        step = vm_steps(preview, "vm")[0]
        assert step["detailedDiff"]["spec.nextRestartTime"]["kind"] == "add"
        project.run("up", "--yes")
        live = sup.vm(name)
        assert live is not None
        restarted_at = live["spec"]["nextRestartTime"]
        assert re.match(r"\d{4}-\d\d-\d\dT", restarted_at), restarted_at
        assert live["status"].get("lastRestartTime") == restarted_at
        assert project.outputs()["uid"] == first["uid"]
        project.run("preview", "--expect-no-changes")
        project.run("refresh", "--yes", "--expect-no-changes")
        project.run("preview", "--expect-no-changes")

        # An unrelated change does not restart the VM again.
        rewrite(
            project,
            body(user_data=FIRST_SECRET, spec_extra=restart, labels={"app": "behaviour", "tier": "web"}),
        )
        project.run("up", "--yes")
        live = sup.vm(name)
        assert live is not None and live["metadata"]["labels"]["tier"] == "web"
        assert live["spec"]["nextRestartTime"] == restarted_at

        # New user data: without allowPowerCycle a replacement, with it an in-place update of the Secret.
        secret_name = f"{name}-user-data"
        assert FIRST_SECRET in sup.secret_data(secret_name)
        rewrite(project, body(user_data=SECOND_SECRET, spec_extra=restart))
        preview = project.preview_json()
        ORACLE.value("preview --json", preview)
        assert "replace" in ops(preview, "vm")
        rewrite(project, body(user_data=SECOND_SECRET, spec_extra=restart, allow_power_cycle=True))
        preview = project.preview_json()
        ORACLE.value("preview --json", preview)
        assert ops(preview, "vm") == {"update"}
        assert vm_steps(preview, "vm")[0]["detailedDiff"]["userData"]["kind"] == "update"
        up = project.run("up", "--yes")
        ORACLE.text("up", up.stdout + up.stderr)
        data = sup.secret_data(secret_name)
        assert SECOND_SECRET in data and FIRST_SECRET not in data
        after = project.outputs()
        assert after["uid"] == first["uid"] and after["power"] == "PoweredOn" and after["ip"]
        live = sup.vm(name)
        assert live is not None and live["spec"]["nextRestartTime"] == restarted_at
        ORACLE.value("stack export", project.export())
        project.run("refresh", "--yes", "--expect-no-changes")
        project.run("preview", "--expect-no-changes")

        project.run("destroy", "--yes")
        assert sup.vm(name) is None
    finally:
        destroy_quietly(project)


# ------------------------------------------------------------------------------------------ 9.1


def test_class_change_with_power_cycle_on_9_1(
    pulumi_cli: Path, tmp_path: Path, simulator_91: Simulator, sup_91: Supervisor
) -> None:
    name = f"beh-resize-{secrets.token_hex(3)}"

    def body(**options: Any) -> str:
        return "resources:\n" + vm_resource("vm", name, **options) + "outputs:\n" + vm_outputs("vm")

    project = project_for(simulator_91, tmp_path / "resize", body())
    try:
        project.run("up", "--yes")
        first = project.outputs()
        assert first["power"] == "PoweredOn" and first["ip"]
        live = sup_91.vm(name)
        assert live is not None and live["apiVersion"] == f"{GROUP}/v1alpha5"
        moref = live["status"]["uniqueID"]
        assert sup_91.vcsim_cpus(moref) == 2
        project.run("refresh", "--yes", "--expect-no-changes")
        project.run("preview", "--expect-no-changes")

        # Powered on and no allowPowerCycle: a replacement, with what would avoid it.
        rewrite(project, body(class_name="best-effort-large"))
        preview = project.preview_json()
        ORACLE.value("preview --json", preview)
        assert "replace" in ops(preview, "vm"), vm_steps(preview, "vm")
        shown = project.run("preview", "--diff")
        assert (
            "spec.className forces a replacement: a class change is applied while powered off; set "
            "allowPowerCycle: true" in shown.stdout + shown.stderr
        )

        # With allowPowerCycle: an in-place update that powers the VM off, resizes it and powers it on.
        rewrite(project, body(class_name="best-effort-large", allow_power_cycle=True))
        preview = project.preview_json()
        ORACLE.value("preview --json", preview)
        assert ops(preview, "vm") == {"update"}
        assert vm_steps(preview, "vm")[0]["detailedDiff"]["spec.className"]["kind"] == "update"
        project.run("up", "--yes")
        after = project.outputs()
        assert after["uid"] == first["uid"]
        assert after["power"] == "PoweredOn" and after["ip"]
        live = sup_91.vm(name)
        assert live is not None
        assert live["spec"]["className"] == "best-effort-large"
        assert live["status"]["class"]["name"] == "best-effort-large"
        assert live["status"]["powerState"] == "PoweredOn"
        assert live["status"]["uniqueID"] == moref
        assert sup_91.vcsim_cpus(moref) == 4
        project.run("refresh", "--yes", "--expect-no-changes")
        project.run("preview", "--expect-no-changes")

        project.run("destroy", "--yes")
        assert sup_91.vm(name) is None
    finally:
        destroy_quietly(project)


# ------------------------------------------------------------------------------------------ resilience


def test_controller_failure_keeps_the_vm_and_the_next_up_completes_it(
    pulumi_cli: Path, tmp_path: Path, simulator: Simulator, sup: Supervisor
) -> None:
    name = f"beh-fault-{secrets.token_hex(3)}"
    body = "resources:\n" + vm_resource("vm", name) + "outputs:\n" + vm_outputs("vm")
    project = project_for(simulator, tmp_path / "fault", body)
    sup.set_faults(reconcileError=f"{NS}/{name}")
    try:
        started = time.monotonic()
        output = failing(project, "up", "--yes")
        assert time.monotonic() - started < 120
        assert "VirtualMachineCreated is False (Error): injected fault" in output
        resources = project.export()["deployment"]["resources"]
        assert any(r["urn"].endswith("::vm") and r.get("id") == f"{NS}/{name}" for r in resources)
        assert sup.vm(name) is not None

        sup.set_faults(reconcileError=None)
        project.run("up", "--yes")
        outputs = project.outputs()
        assert outputs["power"] == "PoweredOn" and outputs["ip"]
        project.run("preview", "--expect-no-changes")
        project.run("destroy", "--yes")
        assert sup.vm(name) is None
    finally:
        sup.set_faults(reconcileError=None)
        destroy_quietly(project)


def test_up_survives_apiserver_restarts(
    pulumi_cli: Path, tmp_path: Path, simulator: Simulator, sup: Supervisor
) -> None:
    """Each VM is held back (stuckCondition) until both restarts are over, so every wait spans them."""
    suffix = secrets.token_hex(3)
    names = [f"beh-restart-{index}-{suffix}" for index in range(3)]
    body = "resources:\n" + "".join(vm_resource(f"vm{i}", n) for i, n in enumerate(names))
    body += "outputs:\n" + "".join(
        f"  ip{i}: ${{vm{i}.status.network.primaryIP4}}\n" for i in range(len(names))
    )
    project = project_for(simulator, tmp_path / "restart", body)
    assert simulator.control_plane is not None
    sup.set_faults(stuckCondition="\n".join(f"{NS}/{n}:VirtualMachineCreated" for n in names))
    process = subprocess.Popen(
        [str(TOOLS_BIN / "pulumi"), "up", "--yes", "--non-interactive"],
        cwd=project.dir,
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout or []), daemon=True)
    reader.start()
    try:
        wait_for(
            "all VMs to be created in the Supervisor",
            lambda: all(sup.vm(n) is not None for n in names),
            timeout=90,
            still_running=process,
        )
        simulator.control_plane.restart_apiserver()  # graceful: 429s, then connection refused
        simulator.control_plane.restart_apiserver(crash=True)  # connections reset
        sup.set_faults(stuckCondition=None)
        assert process.wait(timeout=180) == 0, "".join(output)[-6000:]
        reader.join(timeout=5)
        outputs = project.outputs()
        assert all(outputs[f"ip{i}"] for i in range(len(names))), outputs
        project.run("preview", "--expect-no-changes")
        project.run("destroy", "--yes")
        assert all(sup.vm(n) is None for n in names)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        sup.set_faults(stuckCondition=None)
        destroy_quietly(project)


def wait_for(
    what: str,
    predicate: Callable[[], bool],
    timeout: float,
    still_running: subprocess.Popen[str] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if still_running is not None and still_running.poll() is not None:
            pytest.fail(f"pulumi exited ({still_running.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.2)
