"""The example programs in TypeScript and Go (examples/vm-typescript, examples/vm-go) create and destroy their VMs
and load balancer on the simulator under the real Pulumi CLI.

The Node.js and Go language hosts cannot be built here (their Go modules are not served by the module proxy this
project builds from), so each program runs inline through its language's own Automation API, in a process that
serves the program to the CLI: Node's `@pulumi/pulumi/automation` (tests/e2e/inline/node_inline.js, with the
TypeScript compiled by tsc against the SDK compiled from sdk/nodejs) and Go's `sdk/v3/go/auto`
(tests/e2e/inline/goinline, which imports the example's `shop.Program`). The engine, plugin loading, state and
secrets are the real CLI's; `pulumi up` with a complete Pulumi installation runs the same program files.

A missing node, npm or go skips locally and fails in CI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.automation import example_config
from tests.e2e.pulumi_cli import PASSPHRASE, ROOT, TOOLS_BIN
from tests.e2e.test_sdks import node_modules, require, run

pytestmark = pytest.mark.e2e

INLINE = Path(__file__).parent / "inline"


def cli_env(work: Path, simulator: Any) -> dict[str, str]:
    """The environment the Automation API passes to the CLI: this work folder's state, home and passphrase."""
    (work / "state").mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        **simulator.env(),
        "PULUMI_HOME": str(work / "home"),
        "PULUMI_BACKEND_URL": f"file://{work / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
        "PULUMI_IGNORE_AMBIENT_PLUGINS": "true",
        "NO_COLOR": "1",
    }


def run_actions(command: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def check_lifecycle(results: dict[str, Any], work: Path) -> None:
    up = results["up"]
    assert up["result"] == "succeeded"
    outputs = up["outputs"]
    assert len(outputs["vmNames"]) == 3 and all(outputs["vmNames"])
    assert all(ip and ip.startswith(("192.0.2.", "198.51.100.")) for ip in outputs["vmIPs"]), outputs
    assert outputs["loadBalancerIP"].startswith("203.0.113."), outputs
    # three VMs, the load balancer, the stack itself; a second run of the program changes nothing
    assert up["changes"] == {"create": 5}, up["changes"]
    assert set(results["preview"]["changes"]) == {"same"}, results["preview"]
    assert results["destroy"]["result"] == "succeeded"
    # the user data is a secret: ciphertext in the state files
    state_files = list((work / "state").rglob("*.json"))
    assert state_files
    for state_file in state_files:
        assert "ssh_authorized_keys" not in state_file.read_text()


def plugin_dir() -> Path:
    return Path(sys.executable).parent  # .venv/bin: this checkout's pulumi-resource-vmservice


@pytest.mark.timeout(2400)
def test_typescript_example_creates_and_destroys_vms(
    pulumi_cli: Path, tmp_path: Path, simulator: Any
) -> None:
    node = require("node")
    modules = node_modules(require("npm"))  # typescript, @types/node, @pulumi/pulumi at their pins
    app = tmp_path / "app"
    (app / "node_modules").mkdir(parents=True)
    for entry in modules.iterdir():
        if not entry.name.startswith("."):
            (app / "node_modules" / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    tsc = str(modules / ".bin" / "tsc")

    # the SDK, compiled as its README says (tsc, then package.json beside the output), installed into the app
    sdk = tmp_path / "sdk"
    shutil.copytree(ROOT / "sdk" / "nodejs", sdk)
    (sdk / "node_modules").symlink_to(modules, target_is_directory=True)
    run([tsc, "--project", str(sdk / "tsconfig.json")], sdk)
    shutil.copy(sdk / "package.json", sdk / "bin" / "package.json")
    shutil.copytree(sdk / "bin", app / "node_modules" / "@pulumi-vmservice" / "vmservice")

    # the example's program, compiled with its own tsconfig.json
    source = app / "program"
    source.mkdir()
    for name in ("index.ts", "tsconfig.json"):
        shutil.copy(ROOT / "examples" / "vm-typescript" / name, source / name)
    run([tsc, "--project", str(source / "tsconfig.json")], source)
    program = source / "bin" / "index.js"
    assert program.exists()
    shutil.copy(INLINE / "node_inline.js", app / "inline.js")

    work = tmp_path / "work"
    work.mkdir()
    (work / "Pulumi.yaml").write_text(
        "name: vm-typescript\nruntime: nodejs\n"
        f"plugins:\n  providers:\n    - name: vmservice\n      path: {plugin_dir()}\n"
    )
    config = json.dumps(example_config("vm-typescript"))
    inline = [node, str(app / "inline.js"), str(program), str(work), "test", str(TOOLS_BIN.parent), config]
    results = run_actions([*inline, "up", "preview", "destroy"], cli_env(work, simulator), app)
    check_lifecycle(results, work)


@pytest.mark.timeout(2400)
def test_go_example_creates_and_destroys_vms(pulumi_cli: Path, tmp_path: Path, simulator: Any) -> None:
    go = require("go")
    env = {**os.environ, "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"}
    run(
        [go, "build", "./..."], ROOT / "examples" / "vm-go", env
    )  # the example itself, as `pulumi up` builds it
    harness = tmp_path / "goinline"
    run([go, "build", "-o", str(harness), "."], INLINE / "goinline", env)

    work = tmp_path / "work"
    work.mkdir()
    results = run_actions(
        [
            str(harness),
            "-work",
            str(work),
            "-stack",
            "test",
            "-pulumi-root",
            str(TOOLS_BIN.parent),
            "-plugin-dir",
            str(plugin_dir()),
            "-config",
            json.dumps(example_config("vm-go")),
            "up",
            "preview",
            "destroy",
        ],
        cli_env(work, simulator),
        work,
    )
    check_lifecycle(results, work)
