"""Policy as code on previews: the example policy pack runs under the real CLI and blocks what it should."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.e2e.pulumi_cli import ROOT, yaml_project

pytestmark = pytest.mark.e2e
PACK = ROOT / "examples" / "policy-python" / "run-pack"


def program(vm_class: str, namespace: str) -> str:
    return f"""resources:
  vm:
    type: vmservice:index:VirtualMachine
    properties:
      metadata:
        name: app
        namespace: {namespace}
      spec:
        className: {vm_class}
        imageName: ubuntu-22.04
  lb:
    type: vmservice:index:VirtualMachineService
    properties:
      metadata:
        namespace: {namespace}
      spec:
        type: LoadBalancer
        selector:
          app: web
        ports:
          - port: 80
            targetPort: 8080
"""


@pytest.mark.parametrize(
    ("vm_class", "namespace", "blocked"),
    [
        ("best-effort-large", "prod", True),
        ("guaranteed-small", "prod", False),
        ("best-effort-large", "dev", False),
    ],
)
def test_guardrails_on_preview(
    pulumi_cli: Path, tmp_path: Path, vm_class: str, namespace: str, blocked: bool
) -> None:
    project = yaml_project(tmp_path / "p", "guarded", program(vm_class, namespace))
    project.env.update({"KUBECONFIG": "/nonexistent", "VMSERVICE_POLICY_PYTHON": sys.executable})
    project.init_stack()
    result = project.run("preview", "--policy-pack", str(PACK), check=False)
    output = result.stdout + result.stderr
    assert "lb-source-ranges" in output  # advisory: reported, never blocking
    if blocked:
        assert result.returncode != 0, output
        assert "vm-guaranteed-class-in-production" in output and "guaranteed class" in output
    else:
        assert result.returncode == 0, output


def test_allowed_classes_from_pack_config(pulumi_cli: Path, tmp_path: Path) -> None:
    project = yaml_project(tmp_path / "p", "guarded", program("guaranteed-large", "dev"))
    project.env.update({"KUBECONFIG": "/nonexistent", "VMSERVICE_POLICY_PYTHON": sys.executable})
    project.init_stack()
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"vm-allowed-classes": {"allowedClasses": ["guaranteed-small"]}}))
    result = project.run(
        "preview", "--policy-pack", str(PACK), "--policy-pack-config", str(config), check=False
    )
    assert result.returncode != 0
    assert (
        "class 'guaranteed-large' is not allowed; allowed classes: guaranteed-small"
        in result.stdout + result.stderr
    )
