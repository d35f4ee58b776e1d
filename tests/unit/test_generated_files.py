"""schema.json and sdk/python are generated and committed; these fail when either is stale."""

from __future__ import annotations

import filecmp
import json
import subprocess
from pathlib import Path

import pytest
from pulumi_vmservice_provider.schema import generate

from tests.conftest import skip_or_fail_missing

ROOT = Path(__file__).resolve().parents[2]


def test_schema_json_is_up_to_date() -> None:
    committed = json.loads((ROOT / "schema.json").read_text())
    assert committed == generate(), "schema.json is stale: run `make schema sdk` and commit the result"


def test_python_sdk_is_up_to_date(tmp_path: Path) -> None:
    generator = ROOT / ".tools" / "bin" / "pulumi-sdkgen"
    if not generator.exists():
        skip_or_fail_missing(f"{generator} is missing; run `make tools`")
    subprocess.run([str(generator), str(ROOT / "schema.json"), str(tmp_path / "sdk")], check=True)
    comparison = filecmp.dircmp(tmp_path / "sdk", ROOT / "sdk" / "python", ignore=["__pycache__", "build"])
    stale: list[str] = []

    def collect(cmp: filecmp.dircmp[str], prefix: str = "") -> None:
        stale.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            collect(sub, f"{prefix}{name}/")

    collect(comparison)
    stale = [s for s in stale if not s.endswith(".egg-info") and "egg-info/" not in s]
    if stale:
        pytest.fail(
            f"sdk/python is stale ({', '.join(sorted(stale)[:10])}): run `make sdk` and commit the result"
        )
