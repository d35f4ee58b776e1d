"""Run the real Pulumi CLI (built into .tools/bin) on a project, offline, with a local file backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TOOLS_BIN = Path(os.environ.get("VMSERVICE_TOOLS_BIN", ROOT / ".tools" / "bin"))
PASSPHRASE = "e2e-passphrase"


class PulumiError(AssertionError):
    pass


class PulumiProject:
    """One project directory with its own PULUMI_HOME and state backend."""

    def __init__(self, work_dir: Path, env: dict[str, str] | None = None):
        self.dir = work_dir
        home = work_dir / ".pulumi-home"
        state = work_dir / ".state"
        home.mkdir(parents=True, exist_ok=True)
        state.mkdir(parents=True, exist_ok=True)
        plugin_dir = Path(sys.executable).parent
        self.env = {
            **os.environ,
            "PATH": f"{TOOLS_BIN}{os.pathsep}{plugin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "PULUMI_HOME": str(home),
            "PULUMI_BACKEND_URL": f"file://{state}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
            "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
            "PULUMI_IGNORE_AMBIENT_PLUGINS": "true",
            "NO_COLOR": "1",
            **(env or {}),
        }

    def run(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(TOOLS_BIN / "pulumi"), *args, "--non-interactive"],
            cwd=self.dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise PulumiError(
                f"pulumi {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-4000:]}"
            )
        return result

    def init_stack(self, name: str = "test") -> None:
        self.run("stack", "init", name, "--secrets-provider", "passphrase")

    def preview_json(self, *args: str) -> dict[str, Any]:
        result = self.run("preview", "--json", *args)
        parsed: dict[str, Any] = json.loads(result.stdout)
        return parsed

    def outputs(self, show_secrets: bool = False) -> dict[str, Any]:
        args = ["stack", "output", "--json"] + (["--show-secrets"] if show_secrets else [])
        parsed: dict[str, Any] = json.loads(self.run(*args).stdout)
        return parsed

    def export(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.run("stack", "export").stdout)
        return parsed


def yaml_project(work_dir: Path, name: str, body: str) -> PulumiProject:
    """Write a Pulumi YAML project that loads this checkout's provider plugin."""
    work_dir.mkdir(parents=True, exist_ok=True)
    plugin_dir = Path(sys.executable).parent
    (work_dir / "Pulumi.yaml").write_text(
        f"name: {name}\nruntime: yaml\nplugins:\n  providers:\n    - name: vmservice\n      path: {plugin_dir}\n{body}"
    )
    return PulumiProject(work_dir)
