"""The generated TypeScript and Go SDKs compile: `tsc` (typescript and @pulumi/pulumi from the npm registry, pinned)
on sdk/nodejs, and `go build ./... && go vet ./...` (Pulumi's Go SDK from the module proxy) on sdk/go, each on a
copy in a temporary folder so the checkout stays clean. A missing node/npm/go skips locally and fails in CI.

There is no .NET SDK: Pulumi's .NET generator lives in pulumi-dotnet's Go module, which the module proxy this
project builds from does not serve (see tools/pulumi-sdkgen/main.go).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail_missing

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("VMSERVICE_CACHE", Path.home() / ".cache" / "pulumi-vmservice"))

# What the TypeScript SDK is compiled with. @pulumi/pulumi: the newest npm release not newer than the CLI
# (v3.274.1 is not on npm); the generated package.json asks for ^3.269.0.
NPM_PINS = {"typescript": "5.9.3", "@pulumi/pulumi": "3.270.0", "@types/node": "20.19.43"}


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        skip_or_fail_missing(f"`{tool}` is not on PATH; the {tool} SDK compile check needs it")
    return path


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed in {cwd}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


def node_modules(npm: str) -> Path:
    """typescript and @pulumi/pulumi at NPM_PINS, installed once per machine into the cache (outside the clone)."""
    key = hashlib.sha256(json.dumps(NPM_PINS, sort_keys=True).encode()).hexdigest()[:12]
    target = CACHE / f"npm-sdk-{key}"
    if not (target / ".complete").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".npm-sdk-", dir=CACHE))
        (work / "package.json").write_text(json.dumps({"private": True, "dependencies": NPM_PINS}, indent=2))
        run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--save-exact"], work)
        (work / ".complete").touch()
        shutil.rmtree(target, ignore_errors=True)
        work.rename(target)
    return target / "node_modules"


@pytest.mark.compile
@pytest.mark.timeout(1800)
def test_typescript_sdk_compiles_with_tsc(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    require("node")
    modules = node_modules(require("npm"))
    sdk = tmp_path / "nodejs"
    shutil.copytree(ROOT / "sdk" / "nodejs", sdk)
    (sdk / "node_modules").symlink_to(modules, target_is_directory=True)
    start = time.monotonic()
    run([str(modules / ".bin" / "tsc"), "--project", str(sdk / "tsconfig.json")], sdk)
    record_property("tsc_seconds", round(time.monotonic() - start, 1))
    assert (sdk / "bin" / "index.js").exists() and (sdk / "bin" / "index.d.ts").exists()
    assert (sdk / "bin" / "vcenter" / "virtualMachineClass.d.ts").exists()


@pytest.mark.compile
@pytest.mark.timeout(1800)
def test_go_sdk_builds_and_vets(tmp_path: Path, record_property: Callable[[str, object], None]) -> None:
    go = require("go")
    sdk = tmp_path / "go"
    shutil.copytree(ROOT / "sdk" / "go", sdk)
    env = {**os.environ, "GOFLAGS": "-mod=mod", "CGO_ENABLED": "0"}
    start = time.monotonic()
    run([go, "mod", "tidy"], sdk, env)
    run([go, "build", "./..."], sdk, env)
    run([go, "vet", "./..."], sdk, env)
    record_property("go_seconds", round(time.monotonic() - start, 1))
    packages = subprocess.run(
        [go, "list", "./..."], cwd=sdk, env=env, capture_output=True, text=True, check=True
    )
    module = (sdk / "go.mod").read_text().splitlines()[0].removeprefix("module ")
    assert f"{module}/vmservice/vcenter" in packages.stdout.split()
