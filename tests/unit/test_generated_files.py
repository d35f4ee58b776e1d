"""schema.json and the SDKs (sdk/python, sdk/nodejs, sdk/go) are generated and committed; these fail when any is
stale, or when the provider, schema and SDKs disagree on the version."""

from __future__ import annotations

import filecmp
import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from pulumi_vmservice_provider import __version__, docsgen
from pulumi_vmservice_provider.schema import generate

from tests.conftest import skip_or_fail_missing

ROOT = Path(__file__).resolve().parents[2]
SDK_LANGUAGES = ("python", "nodejs", "go")
# What building or installing an SDK in place leaves behind (not generated, not committed).
LOCAL_ARTIFACTS = ["__pycache__", "build", "node_modules", "bin", "go.sum"]


def test_schema_json_is_up_to_date() -> None:
    committed = json.loads((ROOT / "schema.json").read_text())
    assert committed == generate(), "schema.json is stale: run `make schema sdk` and commit the result"


@pytest.mark.parametrize("language", SDK_LANGUAGES)
def test_sdk_is_up_to_date(language: str, tmp_path: Path) -> None:
    generator = ROOT / ".tools" / "bin" / "pulumi-sdkgen"
    if not generator.exists():
        skip_or_fail_missing(f"{generator} is missing; run `make tools`")
    subprocess.run(
        [str(generator), "-language", language, str(ROOT / "schema.json"), str(tmp_path / "sdk")], check=True
    )
    comparison = filecmp.dircmp(tmp_path / "sdk", ROOT / "sdk" / language, ignore=LOCAL_ARTIFACTS)
    stale: list[str] = []

    def collect(cmp: filecmp.dircmp[str], prefix: str = "") -> None:
        stale.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            collect(sub, f"{prefix}{name}/")

    collect(comparison)
    stale = [s for s in stale if not s.endswith(".egg-info") and "egg-info/" not in s]
    if stale:
        pytest.fail(
            f"sdk/{language} is stale ({', '.join(sorted(stale)[:10])}): run `make sdk` and commit the result"
        )


def test_docs_are_up_to_date() -> None:
    expected = docsgen.generate(json.loads((ROOT / "schema.json").read_text()))
    committed = {str(p.relative_to(ROOT / "docs")): p.read_text() for p in (ROOT / "docs").rglob("*.md")}
    stale = sorted(
        path for path in expected.keys() | committed.keys() if expected.get(path) != committed.get(path)
    )
    assert not stale, f"docs/ is stale ({', '.join(stale[:10])}): run `make docs` and commit the result"


def test_docs_cover_every_property_and_its_replacement() -> None:
    schema = json.loads((ROOT / "schema.json").read_text())
    pages = docsgen.generate(schema)
    for token, resource in schema["resources"].items():
        page = pages[docsgen.page_path(token)]
        for name, prop in resource["inputProperties"].items():
            row = next(line for line in page.splitlines() if line.startswith(f"| `{name}` |"))
            assert f"| {docsgen.replaces(prop)} |" in row, (token, name)
    types_page = pages[docsgen.TYPES_PAGE]
    for token, spec in schema["types"].items():
        section = types_page.split(f'<a id="{docsgen.anchor(token)}"></a>', 1)[1].split("<a id=", 1)[0]
        assert all(f"| `{name}` |" in section for name in spec.get("properties", {})), token
    assert docsgen.replaces({"replaceOnChanges": True}) == "yes"


def versions_found() -> dict[str, str]:
    """Every place that states the package's version, by file."""
    sdk_pyproject = tomllib.loads((ROOT / "sdk" / "python" / "pyproject.toml").read_text())
    plugin_json = json.loads(
        (ROOT / "sdk" / "python" / "pulumi_vmservice" / "pulumi-plugin.json").read_text()
    )
    go_plugin_json = json.loads((ROOT / "sdk" / "go" / "vmservice" / "pulumi-plugin.json").read_text())
    package_json = json.loads((ROOT / "sdk" / "nodejs" / "package.json").read_text())
    go_utilities = (ROOT / "sdk" / "go" / "vmservice" / "internal" / "pulumiUtilities.go").read_text()
    return {
        "schema.json": json.loads((ROOT / "schema.json").read_text())["version"],
        "sdk/python/pyproject.toml": sdk_pyproject["project"]["version"],
        "sdk/python/pulumi_vmservice/pulumi-plugin.json": plugin_json["version"],
        "sdk/nodejs/package.json": package_json["version"],
        "sdk/nodejs/package.json pulumi": package_json["pulumi"]["version"],
        "sdk/go/vmservice/pulumi-plugin.json": go_plugin_json["version"],
        **{
            f"sdk/go/vmservice/internal/pulumiUtilities.go ({n})": v
            for n, v in enumerate(re.findall(r'semver.MustParse\("([^"]+)"\)', go_utilities))
        },
    }


def test_provider_schema_and_sdks_share_one_version_number() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "pulumi_vmservice_provider.__version__", (
        "the provider's version must come from __init__.py"
    )
    wrong = {path: version for path, version in versions_found().items() if version != __version__}
    assert not wrong, f"not {__version__} (pulumi_vmservice_provider.__version__): {wrong}; run `make sdk`"


# The CLI release (tools/pulumi) and the newest `pulumi` Python SDK on PyPI when they differ; empty once PyPI has
# the CLI's release. Bumping the CLI must revisit this pin.
PYPI_LAGS_CLI = {"3.274.1": "3.272.0"}


def test_pulumi_python_sdk_pin_matches_the_cli_pin() -> None:
    cli = re.search(r"^VERSION=v(\S+)$", (ROOT / "tools" / "pulumi" / "build.sh").read_text(), re.M)
    assert cli, "tools/pulumi/build.sh names no VERSION"
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = [d.split("==", 1)[1] for d in dependencies if d.startswith("pulumi==")]
    assert pins == [PYPI_LAGS_CLI.get(cli[1], cli[1])], (
        f"pyproject.toml pins pulumi {pins}, the CLI is v{cli[1]}: pin the same release"
    )
