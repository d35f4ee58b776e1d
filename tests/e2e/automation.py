"""Python programs under the real Pulumi CLI through the Automation API.

The CLI runs with `--client`, and this test process serves the program itself, so no
pulumi-language-python host is needed (its Go module is not served by the module proxy this project
builds from). Engine, plugin loading, state and secrets are the real CLI's.
"""

from __future__ import annotations

import runpy
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e.pulumi_cli import PASSPHRASE, ROOT, TOOLS_BIN


def stack(
    work_dir: Path,
    project_name: str,
    program: Callable[[], None],
    env: dict[str, str],
    config: dict[str, str] | None = None,
    stack_name: str = "test",
) -> Any:
    from pulumi import automation as auto

    work_dir.mkdir(parents=True, exist_ok=True)
    plugin_dir = Path(sys.executable).parent
    (work_dir / "Pulumi.yaml").write_text(
        f"name: {project_name}\nruntime: python\nplugins:\n  providers:\n    - name: vmservice\n      path: {plugin_dir}\n"
    )
    (work_dir / "state").mkdir(exist_ok=True)
    command = auto.PulumiCommand(root=str(TOOLS_BIN.parent), skip_version_check=True)
    workspace = auto.LocalWorkspace(
        work_dir=str(work_dir),
        pulumi_home=str(work_dir / "home"),
        program=program,
        pulumi_command=command,
        env_vars={
            "PULUMI_BACKEND_URL": f"file://{work_dir / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
            "PULUMI_IGNORE_AMBIENT_PLUGINS": "true",
            **env,
        },
    )
    created = auto.Stack.create_or_select(stack_name, workspace)
    for key, value in (config or {}).items():
        secret = key.startswith("secret:")
        created.set_config(key.removeprefix("secret:"), auto.ConfigValue(value=value, secret=secret))
    return created


def example_program(example: str) -> Callable[[], None]:
    """Run examples/<example>/__main__.py as the program, exactly as the Python host would."""
    main = ROOT / "examples" / example / "__main__.py"

    def program() -> None:
        runpy.run_path(str(main), run_name="__main__")

    return program


def example_config(example: str) -> dict[str, str]:
    import yaml

    project = yaml.safe_load((ROOT / "examples" / example / "Pulumi.yaml").read_text())
    values: dict[str, str] = {}
    for key, spec in (project.get("config") or {}).items():
        value = spec.get("value") if isinstance(spec, dict) else spec
        if value is not None:
            values[key if ":" in key else f"{project['name']}:{key}"] = str(value)
    return values


def copy_example(example: str, target: Path) -> Path:
    shutil.copytree(ROOT / "examples" / example, target, dirs_exist_ok=True)
    return target
