"""The VirtualMachine lifecycle on the simulated Supervisor with the real Pulumi CLI: create and wait for an
IP, power off in place, image change replaces, refresh shows no changes, import, destroy leaves nothing; the
Python example stack; fail-fast reasons; 50 VMs at once."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.automation import example_config, example_program, stack
from tests.e2e.pulumi_cli import PulumiProject, yaml_project
from tests.secret_oracle import SecretOracle

pytestmark = pytest.mark.e2e
GROUP, VERSION = "vmoperator.vmware.com", "v1alpha2"
SECRET = "vm-lifecycle-secret-passw0rd"
ORACLE = SecretOracle(SECRET)


def vm_program(image: str, power: str, name: str = "lifecycle-vm") -> str:
    return f"""resources:
  vm:
    type: vmservice:index:VirtualMachine
    properties:
      metadata:
        name: {name}
        labels:
          app: lifecycle
      spec:
        className: best-effort-small
        imageName: {image}
        storageClass: vsan-default-storage-policy
        powerState: {power}
      userData: |
        #cloud-config
        password: {SECRET}
outputs:
  network: ${{vm.status.network}}
  power: ${{vm.status.powerState}}
  uid: ${{vm.liveMetadata.uid}}
"""


def custom(simulator: Any) -> Any:
    from kubernetes import client, config

    return client.CustomObjectsApi(config.new_client_from_config(str(simulator.admin_kubeconfig_path)))


def step_ops(preview: dict[str, Any]) -> dict[str, str]:
    return {s["urn"].rsplit("::", 1)[-1]: s["op"] for s in preview["steps"]}


def project_for(simulator: Any, directory: Path, body: str) -> PulumiProject:
    project = yaml_project(directory, directory.name, body)
    project.env.update(simulator.env())
    project.init_stack()
    return project


def test_vm_create_power_off_replace_refresh_import_destroy(
    pulumi_cli: Path, tmp_path: Path, simulator: Any
) -> None:
    api = custom(simulator)
    project = project_for(simulator, tmp_path / "vm", vm_program("ubuntu-22.04", "PoweredOn"))

    up = project.run("up", "--yes")
    ORACLE.text("up", up.stdout + up.stderr)
    outputs = project.outputs()
    assert outputs["power"] == "PoweredOn" and outputs["network"]["primaryIP4"].startswith("192.0.2.")
    live = api.get_namespaced_custom_object(GROUP, VERSION, "dev", "virtualmachines", "lifecycle-vm")
    assert live["spec"]["imageName"].startswith("vmi-")  # the webhook resolved the display name
    ORACLE.value("stack export", project.export())

    # The server filled in defaults (NIC, power modes, zone label, annotations): no drift, no changes.
    project.run("refresh", "--yes", "--expect-no-changes")
    project.run("preview", "--expect-no-changes")

    # Power off: an in-place update.
    (project.dir / "Pulumi.yaml").write_text(
        (project.dir / "Pulumi.yaml").read_text().replace("powerState: PoweredOn", "powerState: PoweredOff")
    )
    preview = project.preview_json()
    ORACLE.value("preview --json", preview)
    assert step_ops(preview)["vm"] == "update"
    project.run("up", "--yes")
    assert project.outputs()["power"] == "PoweredOff"
    assert project.outputs()["uid"] == outputs["uid"]

    # A label change keeps working although the image was given by display name.
    (project.dir / "Pulumi.yaml").write_text(
        (project.dir / "Pulumi.yaml").read_text().replace("app: lifecycle", "app: lifecycle2")
    )
    project.run("up", "--yes")

    # Image change: a replacement, deleting first because the name is fixed; the reason is shown.
    (project.dir / "Pulumi.yaml").write_text(
        (project.dir / "Pulumi.yaml").read_text().replace("imageName: ubuntu-22.04", "imageName: photon-5")
    )
    previewed = project.run("preview", "--diff")
    assert (
        "spec.imageName forces a replacement: the image of a VM cannot change"
        in previewed.stdout + previewed.stderr
    )
    preview = project.preview_json()
    ORACLE.value("preview --json", preview)
    vm_step = next(s for s in preview["steps"] if s["urn"].endswith("::vm"))
    assert vm_step["op"] in ("replace", "delete-replaced")
    assert vm_step["detailedDiff"]["spec.imageName"]["kind"] == "update-replace"
    project.run("up", "--yes")
    assert project.outputs()["uid"] != outputs["uid"]
    project.run("refresh", "--yes", "--expect-no-changes")

    # Import the VM into a second stack: the generated program previews with no changes.
    importer = project_for(simulator, tmp_path / "importer", "")
    importer.run(
        "import", "vmservice:index:VirtualMachine", "adopted", "dev/lifecycle-vm", "--yes", "--out", "vm.yaml"
    )
    pulumi_yaml = importer.dir / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text() + (importer.dir / "vm.yaml").read_text())
    importer.run("preview", "--expect-no-changes")
    importer.run("state", "delete", "--yes", "--force", _urn(importer, "adopted"))

    # Destroy removes the VM, its user-data Secret and the vSphere VM.
    project.run("destroy", "--yes")
    names = [
        vm["metadata"]["name"]
        for vm in api.list_namespaced_custom_object(GROUP, VERSION, "dev", "virtualmachines")["items"]
    ]
    assert "lifecycle-vm" not in names
    from kubernetes import client, config

    core = client.CoreV1Api(config.new_client_from_config(str(simulator.admin_kubeconfig_path)))
    assert "lifecycle-vm-user-data" not in [s.metadata.name for s in core.list_namespaced_secret("dev").items]


def _urn(project: PulumiProject, name: str) -> str:
    resources = project.export()["deployment"]["resources"]
    return next(r["urn"] for r in resources if r["urn"].endswith(f"::{name}"))


def test_missing_bootstrap_secret_fails_fast_with_the_controller_reason(
    pulumi_cli: Path, tmp_path: Path, simulator: Any
) -> None:
    body = """resources:
  broken:
    type: vmservice:index:VirtualMachine
    properties:
      metadata:
        name: broken-bootstrap
      spec:
        className: best-effort-small
        imageName: ubuntu-22.04
        storageClass: vsan-default-storage-policy
        bootstrap:
          cloudInit:
            rawCloudConfig:
              name: does-not-exist
              key: user-data
"""
    project = project_for(simulator, tmp_path / "broken", body)
    started = time.monotonic()
    result = project.run("up", "--yes", check=False)
    assert result.returncode != 0
    assert time.monotonic() - started < 120
    assert "VirtualMachineBootstrapReady" in result.stdout
    # The half-made VM is in state (partial create), so destroy cleans it up.
    assert any(r["urn"].endswith("::broken") for r in project.export()["deployment"]["resources"])
    project.run("destroy", "--yes")


def test_python_example_stack(pulumi_cli: Path, tmp_path: Path, simulator: Any) -> None:
    created = stack(
        tmp_path, "vm-python", example_program("vm-python"), simulator.env(), example_config("vm-python")
    )
    result = created.up(on_output=lambda _: None)
    outputs = {k: v.value for k, v in result.outputs.items()}
    assert len(outputs["vmNames"]) == 3 and all(
        ip and ip.startswith(("192.0.2.", "198.51.100.")) for ip in outputs["vmIPs"]
    )
    assert outputs["loadBalancerIP"]
    # At rest (the backend's state file), the user data is ciphertext. (Automation's export_stack() would show
    # secrets in plaintext: it runs `stack export --show-secrets`.)
    state_files = list((tmp_path / "state").rglob("*.json"))
    assert state_files
    for state_file in state_files:
        assert "ssh_authorized_keys" not in state_file.read_text()
    preview = created.preview(on_output=lambda _: None)
    assert set(preview.change_summary) == {"same"}
    created.refresh(on_output=lambda _: None)
    assert created.destroy(on_output=lambda _: None).summary.result == "succeeded"


def test_fifty_vms_at_once(pulumi_cli: Path, tmp_path: Path, simulator: Any, record_property: Any) -> None:
    import pulumi_vmservice as vmservice

    def program() -> None:
        for index in range(50):
            vmservice.VirtualMachine(
                f"fleet-{index}",
                spec={
                    "class_name": "best-effort-small",
                    "image_name": "photon-5",
                    "storage_class": "vsan-default-storage-policy",
                },
            )

    created = stack(tmp_path, "fleet", program, simulator.env(), {"vmservice:namespace": "dev"})
    started = time.monotonic()
    result = created.up(on_output=lambda _: None)
    elapsed = time.monotonic() - started
    record_property("fifty_vms_up_seconds", round(elapsed, 1))
    print(f"\n50 VMs: pulumi up took {elapsed:.1f}s")
    assert result.summary.resource_changes["create"] == 51  # 50 VMs and the stack itself
    started = time.monotonic()
    created.destroy(on_output=lambda _: None)
    print(f"50 VMs: pulumi destroy took {time.monotonic() - started:.1f}s")
