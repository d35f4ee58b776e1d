"""tools/install.sh on a fresh machine: a tool's "needs" are installed first (the CRDs need controller-gen), two
installs of one tool at once build it once, a build that writes nothing fails, and a failed build says where its
log is. The real install.sh runs on stand-in tools (shell scripts) in a temporary checkout; the real build.sh
files are checked for what an empty module cache requires.

The Makefile's `make demo` builds only the tools the demo runs on."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from tests.conftest import skip_or_fail_missing

ROOT = Path(__file__).resolve().parents[2]


def checkout(tmp_path: Path, tools: dict[str, str]) -> Path:
    """A checkout with tools/install.sh and one tools/NAME/build.sh per entry."""
    root = tmp_path / "checkout"
    (root / "tools").mkdir(parents=True)
    shutil.copy(ROOT / "tools" / "install.sh", root / "tools" / "install.sh")
    for name, script in tools.items():
        (root / "tools" / name).mkdir()
        build = root / "tools" / name / "build.sh"
        build.write_text("#!/usr/bin/env bash\n" + script)
        build.chmod(0o755)
    return root


def install(root: Path, cache: Path, *names: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("go") is None:
        skip_or_fail_missing("`go` is not on PATH; tools/install.sh needs it")
    env = {**os.environ, "VMSERVICE_CACHE": str(cache)}
    return subprocess.run(
        ["bash", str(root / "tools" / "install.sh"), *names],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_needs_are_installed_first_and_are_part_of_the_cache_key(tmp_path: Path) -> None:
    root = checkout(
        tmp_path,
        {
            "gen": '# version: v1\nset -e\nprintf "#!/bin/sh\\necho generated-by-$1\\n" > "$OUT/gen"\n'
            'chmod +x "$OUT/gen"\n',
            "crds": '# version: v2\n# dest: crds/x\n# needs: gen\nset -e\n"$ROOT/.tools/bin/gen" > "$OUT/a.yaml"\n',
        },
    )
    cache = tmp_path / "cache"
    result = install(root, cache, "crds")
    assert result.returncode == 0, result.stderr
    assert result.stdout.index("building gen") < result.stdout.index("building crds")
    assert (root / ".tools" / "crds" / "x" / "a.yaml").read_text().startswith("generated-by")
    first = sorted(p.name for p in cache.iterdir() if p.name.startswith("crds-"))

    again = install(root, cache, "crds", "gen")
    assert again.returncode == 0 and "building" not in again.stdout, again.stdout
    assert again.stdout.count("gen v1 (cached)") == 1  # once, though both ask for it

    # a different generator is a different build of what it generates
    build = root / "tools" / "gen" / "build.sh"
    build.write_text(build.read_text().replace("generated-by", "made-by"))
    changed = install(root, cache, "crds")
    assert changed.returncode == 0 and "building crds" in changed.stdout
    assert len(sorted(p.name for p in cache.iterdir() if p.name.startswith("crds-"))) == len(first) + 1


def test_two_installs_at_once_build_once(tmp_path: Path) -> None:
    root = checkout(
        tmp_path,
        {"slow": '# version: v1\nset -e\necho build >> "$ROOT/builds"\nsleep 2\ntouch "$OUT/slow"\n'},
    )
    cache = tmp_path / "cache"
    env = {**os.environ, "VMSERVICE_CACHE": str(cache)}
    if shutil.which("go") is None:
        skip_or_fail_missing("`go` is not on PATH; tools/install.sh needs it")
    first = subprocess.Popen(
        ["bash", str(root / "tools" / "install.sh"), "slow"], env=env, stdout=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while not (root / "builds").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    second = install(root, cache, "slow")
    first.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert (root / "builds").read_text() == "build\n"
    if shutil.which("flock"):
        assert "waiting for another build of slow" in second.stdout
    assert (root / ".tools" / "bin" / "slow").exists()


def test_a_build_that_writes_nothing_or_fails_is_not_cached(tmp_path: Path) -> None:
    root = checkout(
        tmp_path,
        {
            "empty": "# version: v1\ntrue\n",
            "broken": "# version: v1\necho 'cp: cannot stat /cmd/schema.json' >&2\nexit 1\n",
        },
    )
    cache = tmp_path / "cache"
    empty = install(root, cache, "empty")
    assert empty.returncode != 0 and "wrote nothing" in empty.stderr
    broken = install(root, cache, "broken")
    assert broken.returncode != 0
    assert "cannot stat /cmd/schema.json" in broken.stderr
    assert "building broken failed; full log:" in broken.stderr
    assert not [p for p in cache.iterdir() if p.name.startswith(("empty-", "broken-"))]


def build_scripts() -> dict[str, str]:
    return {p.parent.name: p.read_text() for p in sorted((ROOT / "tools").glob("*/build.sh"))}


def test_every_build_works_from_an_empty_module_cache() -> None:
    """What a warm machine hides: asking `go list -m` for a module's folder before it is downloaded, and using
    another tool's binary without declaring it."""
    for name, script in build_scripts().items():
        assert re.search(r"^# version: v\S+$", script, re.M), name
        code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
        if "go list -m" in code:
            assert "go mod download" in code and code.index("go mod download") < code.index("go list -m"), (
                name
            )
        for tool in re.findall(r"\$ROOT/\.tools/bin/([\w-]+)", script):
            needs = re.search(r"^# needs: (.*)$", script, re.M)
            assert needs and tool in needs.group(1).split(), f"{name} uses {tool} without '# needs: {tool}'"
        assert (ROOT / "tools" / name / "go.mod").exists() and (ROOT / "tools" / name / "go.sum").exists()


def make_variable(name: str) -> list[str]:
    text = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{name} := (.*)$", text, re.M)
    assert match, name
    words: list[str] = []
    for word in match.group(1).split():
        words += make_variable(word[2:-1]) if word.startswith("$(") else [word]
    return words


def test_make_demo_builds_only_what_the_demo_runs_on() -> None:
    demo, everything = make_variable("DEMO_TOOLS"), make_variable("TOOLS")
    simulator_crds = {"crds-8.0u3", "crds-imageregistry-8.0u3"}  # the demo's 8.0 U3 Supervisor serves both
    assert set(demo) == {"pulumi", "pulumi-language-yaml", "etcd", "kubernetes", "vcsim"} | simulator_crds
    assert set(demo) < set(everything)
    assert set(everything) | {"controller-gen"} == set(build_scripts())
    assert re.search(r"^demo: dev demo-tools$", (ROOT / "Makefile").read_text(), re.M)
