"""The provider installs like a Pulumi provider: `pulumi plugin install resource vmservice VERSION --file ARCHIVE`
into a fresh PULUMI_HOME, then a stack runs against the simulator with no plugin on PATH (no ambient-plugin warning)
and nothing from the checkout (the plugin runs from the environment it made from its bundled wheels)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from pulumi_vmservice_provider import __version__, packaging

from tests.e2e.pulumi_cli import ROOT, TOOLS_BIN, PulumiProject

pytestmark = pytest.mark.e2e

AMBIENT_WARNING = "using pulumi-resource-vmservice from $PATH"

PROGRAM = f"""name: installed
runtime: yaml
resources:
  svc:
    type: vmservice:index:VirtualMachineService
    options:
      version: {__version__}
    properties:
      metadata:
        name: installed-svc
      spec:
        type: ClusterIP
        selector: {{app: installed}}
        ports:
          - name: http
            protocol: TCP
            port: 80
            targetPort: 8080
outputs:
  name: ${{svc.metadata.name}}
"""


@pytest.fixture(scope="module")
def plugin_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin archive as `make dist` builds it, wheel only, for this interpreter's Python version only (to save time)."""
    out = tmp_path_factory.mktemp("dist")
    wheel = packaging.provider_wheel_in(packaging.build_distributions(ROOT, out, sdist=False))
    return packaging.write_plugin_archive(wheel, out, [f"{sys.version_info.major}.{sys.version_info.minor}"])


def path_without_plugin() -> str:
    """PATH with the CLI's tools and no folder that holds a pulumi-resource-vmservice (e.g. .venv/bin)."""
    folders = [str(TOOLS_BIN), *os.environ.get("PATH", "").split(os.pathsep)]
    return os.pathsep.join(f for f in folders if f and not (Path(f) / packaging.PLUGIN).exists())


def installed_project(work_dir: Path, simulator: Any) -> PulumiProject:
    work_dir.mkdir(parents=True)
    (work_dir / "Pulumi.yaml").write_text(PROGRAM)
    project = PulumiProject(work_dir, env={**simulator.env(), "PATH": path_without_plugin()})
    project.env.pop("PULUMI_IGNORE_AMBIENT_PLUGINS")
    return project


def test_archive_root_holds_the_executable_launcher_and_bundled_wheels(plugin_archive: Path) -> None:
    assert (
        plugin_archive.name == f"pulumi-resource-vmservice-v{__version__}-{packaging.platform_name()}.tar.gz"
    )
    with tarfile.open(plugin_archive) as tar:
        launcher = tar.getmember(packaging.PLUGIN)
        names = tar.getnames()
    assert launcher.isfile() and launcher.mode & 0o111
    assert f"wheels/pulumi_vmservice_provider-{__version__}-py3-none-any.whl" in names
    assert any(name.startswith("wheels/grpcio-") for name in names)
    assert any(name.startswith("wheels/pip-") for name in names)
    assert not any(name.endswith("PulumiPlugin.yaml") for name in names)


def test_plugin_install_from_file_then_a_stack_without_path_warning(
    pulumi_cli: Path, tmp_path: Path, plugin_archive: Path, simulator: Any
) -> None:
    project = installed_project(tmp_path / "stack", simulator)
    assert shutil.which(packaging.PLUGIN, path=project.env["PATH"]) is None
    project.run("plugin", "install", "resource", "vmservice", __version__, "--file", str(plugin_archive))
    installed = json.loads(project.run("plugin", "ls", "--json").stdout)
    assert [(p["name"], p["kind"], p["version"]) for p in installed] == [
        ("vmservice", "resource", __version__)
    ]

    project.init_stack()
    preview = project.run("preview", "--diff")
    assert AMBIENT_WARNING not in preview.stdout + preview.stderr
    assert "+ vmservice:index:VirtualMachineService" in preview.stdout
    plugin_dir = Path(project.env["PULUMI_HOME"]) / "plugins" / f"resource-vmservice-v{__version__}"
    assert (plugin_dir / "venv" / ".ready").exists(), "the plugin did not run from its own environment"

    up = project.run("up", "--yes")
    assert AMBIENT_WARNING not in up.stdout + up.stderr
    assert project.outputs() == {"name": "installed-svc"}
    project.run("destroy", "--yes")


def test_the_warning_check_sees_a_plugin_on_path(pulumi_cli: Path, tmp_path: Path, simulator: Any) -> None:
    """The same stack with the checkout's plugin on PATH and none installed gets the warning the test above rules out."""
    project = installed_project(tmp_path / "stack", simulator)
    project.env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{project.env['PATH']}"
    project.init_stack()
    preview = project.run("preview", check=False)
    assert AMBIENT_WARNING in preview.stdout + preview.stderr
