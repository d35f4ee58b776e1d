"""Adoption: VMs, a service and a resource policy made with kubectl are written into a `pulumi import --file`
document by `vmservice import --namespace`, imported by the real CLI (which generates the program), and the
next preview shows no change. Objects a controller owns or a stack manages are left out."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.pulumi_cli import yaml_project

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.e2e

GROUP = "vmoperator.vmware.com"
NS = "dev"


def kubectl_apply(custom: Any, version: str, plural: str, body: dict[str, Any]) -> dict[str, Any]:
    """What `kubectl apply --server-side` does: a server-side apply under kubectl's field manager."""
    applied: dict[str, Any] = custom.patch_namespaced_custom_object(
        GROUP,
        version,
        NS,
        plural,
        body["metadata"]["name"],
        {"apiVersion": f"{GROUP}/{version}", **body},
        field_manager="kubectl",
        force=True,
        _content_type="application/apply-patch+yaml",
    )
    return applied or custom.get_namespaced_custom_object(
        GROUP, version, NS, plural, body["metadata"]["name"]
    )


def test_import_a_namespace_made_with_kubectl(pulumi_cli: Path, simulator: Simulator, tmp_path: Path) -> None:
    from kubernetes import client, config

    prefix = f"adopt{os.getpid()}"
    api = config.new_client_from_config(str(simulator.admin_kubeconfig_path))
    custom = client.CustomObjectsApi(api)
    version = simulator.release.storage_version
    vm_spec = {
        "className": "best-effort-small",
        "imageName": "ubuntu-22.04",
        "storageClass": "vsan-default-storage-policy",
    }
    try:
        for name in (f"{prefix}-web", f"{prefix}-db"):
            kubectl_apply(
                custom,
                version,
                "virtualmachines",
                {
                    "kind": "VirtualMachine",
                    "metadata": {"name": name, "labels": {"app": prefix}},
                    "spec": vm_spec,
                },
            )
        service = kubectl_apply(
            custom,
            version,
            "virtualmachineservices",
            {
                "kind": "VirtualMachineService",
                "metadata": {"name": f"{prefix}-lb"},
                "spec": {
                    "type": "LoadBalancer",
                    "selector": {"app": prefix},
                    "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": 80}],
                },
            },
        )
        kubectl_apply(
            custom,
            version,
            "virtualmachinesetresourcepolicies",
            {
                "kind": "VirtualMachineSetResourcePolicy",
                "metadata": {"name": f"{prefix}-rp"},
                "spec": {"folder": prefix},
            },
        )
        owner = {
            "apiVersion": f"{GROUP}/{version}",
            "kind": "VirtualMachineService",
            "name": service["metadata"]["name"],
            "uid": service["metadata"]["uid"],
        }
        kubectl_apply(
            custom,
            version,
            "virtualmachines",
            {
                "kind": "VirtualMachine",
                "metadata": {"name": f"{prefix}-owned", "ownerReferences": [owner]},
                "spec": vm_spec,
            },
        )

        document = tmp_path / "import.json"
        run = subprocess.run(
            [Path(sys.executable).parent / "vmservice", "import", "--namespace", NS, "-o", str(document)],
            env={**os.environ, **simulator.env()},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        assert (
            f"skipped VirtualMachine {NS}/{prefix}-owned: owned by VirtualMachineService {prefix}-lb"
            in run.stderr
        )
        everything = json.loads(document.read_text())["resources"]
        mine = [r for r in everything if r["id"].startswith(f"{NS}/{prefix}-")]
        assert sorted((r["type"].rsplit(":", 1)[1], r["name"]) for r in mine) == [
            ("VirtualMachine", f"{prefix}-db"),
            ("VirtualMachine", f"{prefix}-web"),
            ("VirtualMachineService", f"{prefix}-lb"),
            ("VirtualMachineSetResourcePolicy", f"{prefix}-rp"),
        ]
        document.write_text(json.dumps({"resources": mine}))

        project = yaml_project(tmp_path / "adopted", "adopted", f"config:\n  vmservice:namespace: {NS}\n")
        project.env.update(simulator.env())
        project.init_stack()
        generated = tmp_path / "generated.yaml"
        project.run("import", "--file", str(document), "--yes", "--out", str(generated))
        program = generated.read_text()
        assert f"name: {prefix}-web" in program and "className: best-effort-small" in program
        pulumi_yaml = project.dir / "Pulumi.yaml"
        pulumi_yaml.write_text(pulumi_yaml.read_text() + program)
        project.run("preview", "--expect-no-changes")
    finally:
        for plural, name in (
            ("virtualmachines", f"{prefix}-web"),
            ("virtualmachines", f"{prefix}-db"),
            ("virtualmachines", f"{prefix}-owned"),
            ("virtualmachineservices", f"{prefix}-lb"),
            ("virtualmachinesetresourcepolicies", f"{prefix}-rp"),
        ):
            with contextlib.suppress(client.exceptions.ApiException):  # already gone
                custom.delete_namespaced_custom_object(GROUP, version, NS, plural, name)
        api.close()
