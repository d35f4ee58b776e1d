"""pulumi-kubernetes next to this provider (examples/kubernetes-yaml): PersistentVolumeClaims and the cloud-init
Secret come from pulumi-kubernetes, the VM mounts the claims and boots from the Secret; the simulator attaches
the claims and reports them in the VM's status. Runs the example unchanged, with the plugins' paths added."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import skip_or_fail_missing
from tests.e2e.pulumi_cli import ROOT, TOOLS_BIN, PulumiProject

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.e2e

EXAMPLE = ROOT / "examples" / "kubernetes-yaml"


def test_claims_and_secret_from_pulumi_kubernetes_mounted_by_a_vm(
    pulumi_cli: Path, simulator: Simulator, tmp_path: Path
) -> None:
    import sys

    kubernetes_plugin = TOOLS_BIN / "pulumi-resource-kubernetes"
    if not kubernetes_plugin.exists():
        skip_or_fail_missing(f"{kubernetes_plugin} is missing; run `make tools`")
    work = tmp_path / "kubernetes-yaml"
    shutil.copytree(EXAMPLE, work)
    program = (work / "Pulumi.yaml").read_text()
    plugins = (
        "plugins:\n  providers:\n"
        f"    - name: vmservice\n      path: {Path(sys.executable).parent}\n"
        f"    - name: kubernetes\n      path: {TOOLS_BIN}\n"
    )
    (work / "Pulumi.yaml").write_text(program.replace("config:\n", plugins + "config:\n", 1))
    project = PulumiProject(work)
    project.env.update(simulator.env())
    project.init_stack()

    project.run("up", "--yes")
    outputs = project.outputs()
    volumes = {v["name"]: v for v in outputs["volumes"]}
    assert set(volumes) == {"data", "logs"}
    assert all(v["attached"] is True and v["diskUUID"] for v in volumes.values())
    project.run("preview", "--expect-no-changes")
    project.run("destroy", "--yes")
