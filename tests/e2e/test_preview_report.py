"""`vmservice preview-report` end to end on the simulator: a stack, a changed program, the real
`pulumi preview --json` (digest and engine events, with the policy pack), the report's content and --fail-on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.pulumi_cli import ROOT, PulumiProject, yaml_project

pytestmark = pytest.mark.e2e
PACK = ROOT / "examples" / "policy-python" / "run-pack"
SECRET = "report-e2e-passw0rd"


def program(db_image: str, web_labels: str) -> str:
    return f"""resources:
  db:
    type: vmservice:index:VirtualMachine
    properties:
      metadata: {{name: report-db, labels: {{owner: shop, cost-center: cc-1}}}}
      spec:
        className: guaranteed-small
        imageName: {db_image}
        storageClass: vsan-default-storage-policy
      userData:
        fn::secret: "#cloud-config\\npassword: {SECRET}"
  web:
    type: vmservice:index:VirtualMachine
    properties:
      metadata: {{name: report-web, labels: {web_labels}}}
      spec:
        className: best-effort-small
        imageName: ubuntu-22.04
        storageClass: vsan-default-storage-policy
"""


def report(project: PulumiProject, preview: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = project.dir / "preview.json"
    path.write_text(preview)
    return subprocess.run(
        [sys.executable, "-m", "pulumi_vmservice_provider.console_cli", "preview-report", str(path), *args],
        env=project.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def changed_stack(pulumi_cli: Path, tmp_path: Path, simulator: Any) -> Any:
    project = yaml_project(
        tmp_path / "shop", "shop", program("ubuntu-22.04", "{owner: shop, cost-center: cc-1}")
    )
    project.env.update(simulator.env())
    project.env["VMSERVICE_POLICY_PYTHON"] = sys.executable
    project.init_stack()
    project.run("up", "--yes", "--skip-preview")
    # the change under review: a new image for the database (replaces it), a label dropped from web
    (project.dir / "Pulumi.yaml").write_text(
        (project.dir / "Pulumi.yaml").read_text().split("resources:")[0]
        + program("photon-5", "{owner: shop}")
    )
    yield project
    project.run("destroy", "--yes", "--skip-preview", check=False)


def test_report_of_a_real_preview(changed_stack: PulumiProject) -> None:
    project = changed_stack
    plan = project.dir / "plan.json"
    digest = project.run("preview", "--json", "--save-plan", str(plan)).stdout
    result = report(project, digest, "--plan", str(plan), "--full-diff-url", "https://ci.example/run/7")
    assert result.returncode == 0, result.stderr
    markdown = result.stdout
    assert "1 to update, 1 to replace" in markdown
    assert (
        "| `VirtualMachine` **db** | dev | **replace** | `spec.imageName` | the image of a VM cannot change after "
        "creation (the Supervisor refuses to change it in place: spec.imageName: Invalid value:" in markdown
    )
    assert "**web** | dev | in-place | `metadata.labels" in markdown
    # capacity from the Supervisor's class: the replacement frees and takes the same guaranteed-small
    assert "| `dev` |" not in markdown and "No change in VM capacity." in markdown
    assert "applies exactly these 2 changes" in markdown
    assert SECRET not in markdown and "Class data unavailable" not in markdown

    failed = report(project, digest, "--fail-on", "replace")
    assert failed.returncode == 3
    assert "**Approval required** (`--fail-on`): replace (db)" in failed.stdout
    assert report(project, digest, "--fail-on", "data-loss").returncode == 0


def test_report_with_capacity_and_policy_results(changed_stack: PulumiProject) -> None:
    project = changed_stack
    # one more VM: a best-effort class where production (here: dev) wants full reservation
    body = (
        (project.dir / "Pulumi.yaml").read_text()
        + """  batch:
    type: vmservice:index:VirtualMachine
    properties:
      metadata: {name: report-batch, labels: {owner: shop, cost-center: cc-1}}
      spec:
        className: best-effort-large
        imageName: ubuntu-22.04
        storageClass: vsan-default-storage-policy
"""
    )
    (project.dir / "Pulumi.yaml").write_text(body)
    config = project.dir / "policy.json"
    config.write_text(json.dumps({"vm-guaranteed-class-in-production": {"productionNamespaces": ["dev"]}}))
    project.env["PULUMI_ENABLE_STREAMING_JSON_PREVIEW"] = "1"
    events = project.run(
        "preview", "--json", "--policy-pack", str(PACK), "--policy-pack-config", str(config), check=False
    ).stdout
    result = report(project, events, "--fail-on", "policy")
    markdown = result.stdout
    assert result.returncode == 3, result.stderr
    assert "❌ preview failed: 1 to create, 1 to update, 1 to replace" in markdown
    assert "**db** | dev | **replace** | `spec.imageName`" in markdown
    # best-effort-large: 4 vCPU, 16 GiB, nothing reserved (read from the Supervisor's VirtualMachineClass)
    assert "| `dev` | +4 | +16 GiB | 0 | 0 MiB |" in markdown
    assert "| mandatory | `vm-guaranteed-class-in-production` | **batch** |" in markdown
    assert "which reserves CPU 0 %, memory 0 %" in markdown
    # guaranteed-small reserves all CPU and memory on the Supervisor: the policy passes for db
    assert "`vm-guaranteed-class-in-production` | **db**" not in markdown
    assert "| mandatory | `required-labels` | **web** |" in markdown
    assert "policy (batch, web)" in markdown
    assert SECRET not in markdown
