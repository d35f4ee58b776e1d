"""Where the simulator finds its tools: environment, a walked-up `.tools/`, then PATH; never the package's
own location."""

from __future__ import annotations

from pathlib import Path

import pytest
from vmservice_sim import tools

from tests.conftest import skip_or_fail_missing


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No overrides, an empty PATH, and a current directory with no `.tools/` above it."""
    monkeypatch.delenv(tools.TOOLS_BIN_ENV, raising=False)
    monkeypatch.delenv(tools.CRDS_DIR_ENV, raising=False)
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    work = tmp_path / "somewhere" / "deep"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    if tools.find_tools_dir() is not None:
        skip_or_fail_missing(f"a .tools/ directory above {work} hides the lookup under test")
    return tmp_path


def test_tools_dir_found_walking_up_from_the_current_directory(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = executable(isolated / ".tools" / "bin" / "etcd")
    assert tools.find_tool("etcd") == binary
    (isolated / ".tools" / "crds" / "8.0u3").mkdir(parents=True)
    (isolated / ".tools" / "crds" / "8.0u3" / "vm.yaml").write_text("kind: CustomResourceDefinition\n")
    assert tools.crd_dir("8.0u3") == isolated / ".tools" / "crds" / "8.0u3"
    assert tools.pinned_tool_env() == {
        tools.TOOLS_BIN_ENV: str((isolated / ".tools" / "bin").resolve()),
        tools.CRDS_DIR_ENV: str((isolated / ".tools" / "crds").resolve()),
    }


def test_environment_overrides_the_walked_up_directory(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    executable(isolated / ".tools" / "bin" / "etcd")
    elsewhere = executable(isolated / "elsewhere" / "etcd")
    monkeypatch.setenv(tools.TOOLS_BIN_ENV, str(elsewhere.parent))
    assert tools.find_tool("etcd") == elsewhere
    monkeypatch.setenv(tools.TOOLS_BIN_ENV, str(isolated / "nothing-here"))
    with pytest.raises(tools.ToolMissing):
        tools.find_tool("etcd")


def test_path_is_the_last_resort(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path = executable(isolated / "on-path" / "vcsim")
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert tools.find_tool("vcsim") == on_path


def test_missing_tool_message_names_where_it_looked(isolated: Path) -> None:
    with pytest.raises(tools.ToolMissing) as missing:
        tools.find_tool("kube-apiserver")
    message = str(missing.value)
    assert "kube-apiserver not found" in message
    assert ".tools/bin in " in message and "(none found)" in message
    assert str(isolated / "empty-path") in message and "make tools" in message
    assert tools.TOOLS_BIN_ENV in message


def test_missing_crds_message_names_where_it_looked(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(tools.ToolMissing, match=r"CRDs for release 9\.1 not found.*none found.*make tools"):
        tools.crd_dir("9.1")
    monkeypatch.setenv(tools.CRDS_DIR_ENV, str(isolated))
    with pytest.raises(tools.ToolMissing, match=f"looked in {isolated}/9.1"):
        tools.crd_dir("9.1")
    assert tools.pinned_tool_env() == {tools.CRDS_DIR_ENV: str(isolated.resolve())}
