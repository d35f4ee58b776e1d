"""`make demo` and `make example` end to end: the scripts bring up the simulator, run the example stack with the
real CLI, print the outputs, and `down` removes everything."""

from __future__ import annotations

import json
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


def make(target: str, name: str, examples_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-s", "-C", str(ROOT), target, f"NAME={name}"],
        env={**os.environ, "VMSERVICE_EXAMPLES_DIR": str(examples_dir)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_make_example_runs_yaml_and_python_examples_on_one_simulator(
    pulumi_cli: Path, tmp_path: Path
) -> None:
    """`make example NAME=...` like the demo: a YAML example through its language host, a Python one through the
    Automation API, both on one simulator, which `make example-down` stops with the last of them."""
    examples_dir = tmp_path / "examples"
    try:
        static = make("example", "static-network", examples_dir)
        assert static.returncode == 0, static.stdout[-4000:] + static.stderr[-4000:]
        assert json.loads((examples_dir / "static-network" / "outputs.json").read_text())["primaryIP4"] == (
            "192.0.2.201"
        )
        assert "make example-down NAME=static-network" in static.stdout
        zones = make("example", "zones", examples_dir)
        assert zones.returncode == 0, zones.stdout[-4000:] + zones.stderr[-4000:]
        assert "vmservice-sim is already running" in zones.stdout
        outputs = json.loads((examples_dir / "zones" / "outputs.json").read_text())
        assert (
            outputs["zones"] == ["zone-a", "zone-b", "zone-c"] and outputs["zoneSource"] == "AvailabilityZone"
        )
        assert outputs["placement"] == {z: z for z in outputs["zones"]}
        first_down = make("example-down", "zones", examples_dir)
        assert first_down.returncode == 0, first_down.stdout[-4000:] + first_down.stderr[-4000:]
        assert "the simulator keeps running for static-network" in first_down.stdout
    finally:
        down = make("example-down", "static-network", examples_dir)
        make("example-down", "zones", examples_dir)
    assert down.returncode == 0, down.stdout[-4000:] + down.stderr[-4000:]
    assert "no process left" in down.stdout
    leftovers = subprocess.run(
        ["pgrep", "-f", str(examples_dir)], capture_output=True, text=True
    ).stdout.split()
    assert leftovers == []
