"""`make demo` end to end: the demo script brings up the simulator, runs the example stack with the real CLI,
prints the outputs, and `down` removes everything."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.pulumi_cli import ROOT

pytestmark = pytest.mark.e2e


def run_demo(action: str, demo_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "examples" / "demo.sh"), action],
        env={**os.environ, "VMSERVICE_DEMO_DIR": str(demo_dir)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_demo_up_prints_ips_and_down_leaves_nothing(pulumi_cli: Path, tmp_path: Path) -> None:
    demo_dir = tmp_path / "demo"
    try:
        up = run_demo("up", demo_dir)
        assert up.returncode == 0, up.stdout[-4000:] + up.stderr[-4000:]
        assert re.search(r"VM web-1 +192\.0\.2\.\d+", up.stdout)
        assert re.search(r"load balancer web-lb +203\.0\.113\.\d+", up.stdout)
        assert "kubectl get vm" in up.stdout and "make demo-down" in up.stdout
        assert "cloud-config" not in up.stdout  # user data stays secret
    finally:
        down = run_demo("down", demo_dir)
    assert down.returncode == 0, down.stdout[-4000:] + down.stderr[-4000:]
    assert "no process left" in down.stdout
    leftovers = subprocess.run(["pgrep", "-f", str(demo_dir)], capture_output=True, text=True).stdout.split()
    assert leftovers == []
