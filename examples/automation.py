"""Run a Python example's program under the real Pulumi CLI through the Automation API, without the Python
language host (`make example` uses it; its Go module is not served by the module proxy this project builds
from, so `.tools/bin` has none).

    python examples/automation.py up|preview|destroy|outputs PROJECT_DIR [--stack dev]

PROJECT_DIR is a copy of the example (its Pulumi.yaml names the provider plugin; see example.sh). The CLI
runs with `--client` and this process serves the program: the example's `__main__.py`, exactly as the host
would run it. Engine, plugin loading, state and secrets are the CLI's; the stack and its config must exist.
With a complete Pulumi installation, `pulumi up` in the example does the same.
"""

from __future__ import annotations

import argparse
import json
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("up", "preview", "destroy", "outputs"))
    parser.add_argument("project", type=Path)
    parser.add_argument("--stack", default="dev")
    args = parser.parse_args()

    from pulumi import automation as auto

    project = args.project.resolve()

    def program() -> None:
        sys.path.insert(0, str(project))
        runpy.run_path(str(project / "__main__.py"), run_name="__main__")

    command = auto.PulumiCommand(root=str(ROOT / ".tools"), skip_version_check=True)
    workspace = auto.LocalWorkspace(work_dir=str(project), program=program, pulumi_command=command)
    stack = auto.Stack.select(args.stack, workspace)
    echo = {"on_output": print}
    if args.action == "up":
        stack.up(**echo)
    elif args.action == "preview":
        stack.preview(**echo)
    elif args.action == "destroy":
        stack.destroy(**echo)
    else:
        masked = {k: "[secret]" if v.secret else v.value for k, v in stack.outputs().items()}
        print(json.dumps(masked, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
