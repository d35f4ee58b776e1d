"""The provider installs like a Pulumi provider: `pulumi plugin install resource vmservice VERSION --file ARCHIVE`
into a fresh PULUMI_HOME, then a stack runs against the simulator with no plugin on PATH (no ambient-plugin warning)
and nothing from the checkout (the plugin runs from the environment it made from its bundled wheels).

From its download URL: the schema's pluginDownloadURL (this project's GitHub releases) is redirected, with the
engine's own PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES, to a loopback HTTP server serving the dist folder; a program
using the Python SDK in a fresh PULUMI_HOME gets the plugin installed by the engine, and `pulumi plugin install
--server` (what CI jobs and YAML users run) fetches the same archive."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pulumi_vmservice_provider import __version__, packaging

from tests.e2e.pulumi_cli import PASSPHRASE, ROOT, TOOLS_BIN, PulumiProject

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
    """The plugin archive as `make dist` builds it, wheel only, for this interpreter's Python version only (to save
    time), beside the provider's and the Python SDK's wheels, as in dist/."""
    out = tmp_path_factory.mktemp("dist")
    wheel = packaging.provider_wheel_in(packaging.build_distributions(ROOT, out, sdist=False))
    packaging.build_distributions(
        ROOT / "sdk" / "python", out, sdist=False
    )  # the release carries the SDK too
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


# ---- from the download URL in the schema ---------------------------------------------------------------------
class ReleaseServer:
    """The dist folder on a loopback HTTP server, as the GitHub release would serve it; records what was fetched."""

    def __init__(self, folder: Path) -> None:
        self.requests: list[str] = []
        recorded = self.requests

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                recorded.append(self.path)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def override(self) -> str:
        """PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: the schema's download URL, redirected here."""
        schema = json.loads((ROOT / "schema.json").read_text())
        return f"^{re.escape(schema['pluginDownloadURL'])}={self.url}"


@pytest.fixture
def release_server(plugin_archive: Path) -> Iterator[ReleaseServer]:
    server = ReleaseServer(plugin_archive.parent)
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


def archive_request() -> str:
    return f"/pulumi-resource-vmservice-v{__version__}-{packaging.platform_name()}.tar.gz"


def test_schema_names_this_projects_github_releases() -> None:
    schema = json.loads((ROOT / "schema.json").read_text())
    assert schema["pluginDownloadURL"] == "github://api.github.com/pulumi-vmservice/pulumi-vmservice"
    assert schema["repository"] == "https://github.com/pulumi-vmservice/pulumi-vmservice"
    go_module = (ROOT / "sdk" / "go" / "go.mod").read_text().splitlines()[0].removeprefix("module ")
    assert go_module.startswith("github.com/pulumi-vmservice/pulumi-vmservice/")
    for sdk_file in ("sdk/python/pulumi_vmservice/pulumi-plugin.json", "sdk/go/vmservice/pulumi-plugin.json"):
        assert json.loads((ROOT / sdk_file).read_text())["server"] == schema["pluginDownloadURL"], sdk_file
    assert (
        json.loads((ROOT / "sdk/nodejs/package.json").read_text())["pulumi"]["server"]
        == (schema["pluginDownloadURL"])
    )


def test_engine_installs_the_plugin_from_its_download_url(
    pulumi_cli: Path, tmp_path: Path, release_server: ReleaseServer, simulator: Any
) -> None:
    """A Python program (the generated SDK, as a user's program would use it) in a fresh PULUMI_HOME, with no
    plugin on PATH, no plugin path in Pulumi.yaml and automatic plugin acquisition on (the engine's default)."""
    import pulumi
    import pulumi_vmservice as vmservice
    from pulumi import automation as auto

    def program() -> None:
        svc = vmservice.VirtualMachineService(
            "svc",
            metadata={"name": "from-url-svc"},
            spec={
                "type": "ClusterIP",
                "selector": {"app": "from-url"},
                "ports": [{"name": "http", "protocol": "TCP", "port": 80, "target_port": 8080}],
            },
        )
        pulumi.export("name", svc.metadata.apply(lambda m: m.name if m else None))

    work = tmp_path / "stack"
    (work / "state").mkdir(parents=True)
    (work / "Pulumi.yaml").write_text("name: from-url\nruntime: python\n")
    home = work / "home"
    workspace = auto.LocalWorkspace(
        work_dir=str(work),
        pulumi_home=str(home),
        program=program,
        pulumi_command=auto.PulumiCommand(root=str(TOOLS_BIN.parent), skip_version_check=True),
        env_vars={
            **simulator.env(),
            "PATH": path_without_plugin(),
            "PULUMI_BACKEND_URL": f"file://{work / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
            "PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES": release_server.override(),
        },
    )
    assert "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION" not in os.environ
    stack = auto.Stack.create("test", workspace)
    output: list[str] = []
    up = stack.up(on_output=output.append)
    assert up.summary.result == "succeeded", "".join(output)
    assert up.outputs["name"].value == "from-url-svc"
    assert archive_request() in release_server.requests, release_server.requests
    assert AMBIENT_WARNING not in "".join(output)
    installed = [(p.name, p.kind, p.version) for p in workspace.list_plugins()]
    assert installed == [("vmservice", "resource", __version__)]
    assert (home / "plugins" / f"resource-vmservice-v{__version__}" / "venv" / ".ready").exists()
    destroyed = stack.destroy(on_output=output.append)
    assert destroyed.summary.result == "succeeded"
    assert release_server.requests.count(archive_request()) == 1  # installed once, then used from PULUMI_HOME


def test_plugin_install_with_the_schemas_server(
    pulumi_cli: Path, tmp_path: Path, release_server: ReleaseServer
) -> None:
    """What CI jobs and YAML users run: `pulumi plugin install resource vmservice VERSION --server URL`."""
    schema = json.loads((ROOT / "schema.json").read_text())
    work = tmp_path / "install"
    work.mkdir()
    project = PulumiProject(
        work,
        env={
            "PATH": path_without_plugin(),
            "PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES": release_server.override(),
        },
    )
    project.run(
        "plugin", "install", "resource", "vmservice", __version__, "--server", schema["pluginDownloadURL"]
    )
    installed = json.loads(project.run("plugin", "ls", "--json").stdout)
    assert [(p["name"], p["version"]) for p in installed] == [("vmservice", __version__)]
    assert release_server.requests == [archive_request()]


RELEASE_PREFIX = f"https://github.com/pulumi-vmservice/pulumi-vmservice/releases/download/v{__version__}/"


@pytest.mark.parametrize("example", ["vm-python", "admin-python", "policy-python"])
def test_python_example_requirements_resolve_from_the_release(
    example: str, tmp_path: Path, release_server: ReleaseServer
) -> None:
    """Each Python example's requirements.txt: PyPI pins, and this project's wheels from its GitHub release,
    which pip fetches (here from the loopback copy of the release) and finds to be the named distribution."""
    text = (ROOT / "examples" / example / "requirements.txt").read_text()
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    ours = [line for line in lines if " @ " in line]
    assert ours and all(line.split(" @ ")[1].startswith(RELEASE_PREFIX) for line in ours), lines
    assert all(re.fullmatch(r"[\w.-]+==[\w.]+", line) for line in lines if line not in ours), lines
    local = tmp_path / "requirements.txt"
    local.write_text(text.replace(RELEASE_PREFIX, release_server.url + "/"))
    report = tmp_path / "report.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-deps",
            "--ignore-installed",
            "--quiet",
            "--disable-pip-version-check",
            "--report",
            str(report),
            "-r",
            str(local),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    resolved = {
        item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    for line in ours:
        name = line.split(" @ ")[0].strip().lower().replace("_", "-")
        assert resolved[name] == __version__, resolved
        assert "/" + line.rsplit("/", 1)[1] in release_server.requests
