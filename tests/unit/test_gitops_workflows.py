"""The CI definitions in examples/gitops/: the GitHub workflow passes actionlint (the pinned tool, built by `make
tools`), and both it and the GitLab file have the shape the README promises: install from the provider's release
(not a package that is not on PyPI), preview on pull/merge requests with the plan kept as an artifact named by the
tree it was made from, an approval gate in an environment, and on the default branch `pulumi up --plan` with
exactly that plan, failing closed when this commit's tree has none. The shell in every step parses (`bash -n`), and
the fail-closed checks are run on a matching and a mismatching plan record."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import skip_or_fail_missing

ROOT = Path(__file__).resolve().parents[2]
GITOPS = ROOT / "examples" / "gitops"
TOOLS_BIN = Path(os.environ.get("VMSERVICE_TOOLS_BIN", ROOT / ".tools" / "bin"))
RELEASE = "https://github.com/pulumi-vmservice/pulumi-vmservice/releases/download/v{version}"


def version() -> str:
    from pulumi_vmservice_provider import __version__

    return __version__


def github() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((GITOPS / "github-actions.yml").read_text())
    return loaded


def gitlab() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((GITOPS / "gitlab-ci.yml").read_text())
    return loaded


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    tool = TOOLS_BIN / "actionlint"
    if not tool.exists():
        skip_or_fail_missing(f"{tool} is missing; run `make tools`")
    # shellcheck and pyflakes are left out on purpose: actionlint would use whichever happen to be on PATH, so
    # the result would depend on the machine. The step scripts are parsed with `bash -n` below instead.
    return subprocess.run(
        [str(tool), "-no-color", "-shellcheck=", "-pyflakes=", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_actionlint_passes_on_the_github_workflow() -> None:
    result = actionlint(GITOPS / "github-actions.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The check above can fail: an output the preview job does not have, and an unknown runner label."""
    text = (GITOPS / "github-actions.yml").read_text()
    broken = tmp_path / "pulumi.yml"
    broken.write_text(
        text.replace(
            "needs.preview.outputs.disruptive == 'true'", "needs.preview.outputs.disrupted == 'true'"
        )
    )
    result = actionlint(broken)
    assert result.returncode != 0
    assert "disrupted" in result.stdout


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps") or [])


def runs(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in steps(job))


def release_names() -> set[str]:
    """The files `make dist` puts into a release (the plugin archive for each platform, the wheels)."""
    return {
        f"pulumi_vmservice_provider-{version()}-py3-none-any.whl",
        f"pulumi_vmservice-{version()}-py3-none-any.whl",
    }


def test_github_installs_what_it_names_from_the_release() -> None:
    workflow = github()
    schema = json.loads((ROOT / "schema.json").read_text())
    assert workflow["env"]["VMSERVICE_VERSION"] == version()
    assert workflow["env"]["VMSERVICE_RELEASE"] == RELEASE.format(version=version())
    assert workflow["env"]["VMSERVICE_PLUGIN_SERVER"] == schema["pluginDownloadURL"]
    for name in ("preview", "up"):
        script = runs(workflow["jobs"][name])
        wheel = re.search(r'"\$VMSERVICE_RELEASE/([^"]+)"', script)
        assert wheel, name
        assert wheel.group(1).replace("$VMSERVICE_VERSION", version()) in release_names()
        assert (
            'pulumi plugin install resource vmservice "$VMSERVICE_VERSION" --server "$VMSERVICE_PLUGIN_SERVER"'
            in (script)
        )
        # nothing from PyPI that PyPI does not have: every other package is pinned
        for requirement in re.findall(r"pip install (.*?)(?:\n(?! )|$)", script, re.S):
            for word in requirement.replace("\\\n", " ").split():
                assert word.startswith('"$VMSERVICE_RELEASE/') or re.fullmatch(r"[\w.-]+==[\w.]+", word), word
        setup = [
            s for s in steps(workflow["jobs"][name]) if str(s.get("uses", "")).startswith("pulumi/actions@")
        ]
        assert setup and setup[0]["with"]["pulumi-version"] == "${{ env.PULUMI_VERSION }}"
    assert workflow["env"]["PULUMI_VERSION"] == "3.274.1"


def test_github_pull_request_keeps_its_plan_and_gates_disruption() -> None:
    jobs = github()["jobs"]
    preview = jobs["preview"]
    assert preview["if"] == "github.event_name != 'push'"
    script = runs(preview)
    assert "--save-plan plan.json" in script and "--policy-pack" in script
    assert "git rev-parse 'HEAD^{tree}'" in script
    upload = [s for s in steps(preview) if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert len(upload) == 1
    assert upload[0]["with"]["name"] == "pulumi-plan-${{ steps.plan.outputs.tree }}"
    assert "plan.json" in upload[0]["with"]["path"] and "plan-commit.json" in upload[0]["with"]["path"]
    assert upload[0]["with"]["if-no-files-found"] == "error"
    failed = [s for s in steps(preview) if s.get("if") == "steps.preview.outputs.code != '0'"]
    assert failed and "exit 1" in failed[0]["run"]
    assert steps(preview).index(failed[0]) < steps(preview).index(upload[0])  # a failed preview keeps no plan

    approval = jobs["approval"]
    assert approval["needs"] == "preview"
    assert approval["environment"] == "prod-approval"
    assert approval["if"] == "needs.preview.outputs.disruptive == 'true'"


def test_github_merge_applies_exactly_the_previewed_plan() -> None:
    up = github()["jobs"]["up"]
    assert up["if"] == "github.event_name == 'push'"
    assert up["environment"] == "prod"
    assert up["permissions"]["actions"] == "read"
    script = runs(up)
    assert "pulumi preview" not in script and "--save-plan" not in script  # no new plan on merge
    assert 'pulumi up --stack "$STACK" --yes --plan "$RUNNER_TEMP/plan/plan.json"' in script
    assert "actions/artifacts?name=pulumi-plan-$tree" in script
    assert '[ "$conclusion" = success ]' in script  # the preview run passed, approval included
    order = [
        script.index(s) for s in ("git rev-parse 'HEAD^{tree}'", "gh run download", "jq -e", "pulumi up")
    ]
    assert order == sorted(order)


def gitlab_script(job: dict[str, Any]) -> str:
    spec = gitlab()
    lines = [*spec[job.get("extends", "")]["before_script"]] if job.get("extends") else []
    return "\n".join(str(line) for line in [*lines, *job["script"]])


def test_gitlab_structure() -> None:
    spec = gitlab()
    schema = json.loads((ROOT / "schema.json").read_text())
    assert spec["variables"]["VMSERVICE_VERSION"] == version()
    assert spec["variables"]["VMSERVICE_RELEASE"] == RELEASE.format(version=version())
    assert spec["variables"]["VMSERVICE_PLUGIN_SERVER"] == schema["pluginDownloadURL"]
    assert spec[".vmservice"]["image"] == "pulumi/pulumi-python:3.274.1"
    install = "\n".join(spec[".vmservice"]["before_script"])
    wheel = re.search(r'"\$VMSERVICE_RELEASE/([^"]+)"', install)
    assert wheel and wheel.group(1).replace("${VMSERVICE_VERSION}", version()) in release_names()
    assert "--server" in install

    preview = spec["preview"]
    assert preview["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert "--save-plan plan.json" in gitlab_script(preview)
    assert set(preview["artifacts"]["paths"]) >= {"$WORK_DIR/plan.json", "$WORK_DIR/plan-commit.json"}
    assert "allow_failure" not in preview

    up = spec["up"]
    assert up["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert up["environment"]["name"] == "prod"
    assert up["resource_group"]
    script = gitlab_script(up)
    assert "pulumi preview" not in script and "--save-plan" not in script
    assert "jobs/artifacts/refs%2Fmerge-requests%2F$mr%2Fhead/download?job=preview" in script
    assert 'pulumi up --stack "$STACK" --yes --plan "$CI_PROJECT_DIR/plan/$WORK_DIR/plan.json"' in script


def bash_syntax(script: str, where: str) -> None:
    result = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"{where}: {result.stderr}\n{script}"


def test_every_step_is_valid_shell() -> None:
    for name, job in gitlab().items():  # `- curl -H "A: b"` would be a YAML mapping, not a command
        for line in (
            [*(job.get("script") or []), *(job.get("before_script") or [])] if isinstance(job, dict) else []
        ):
            assert isinstance(line, str), f"gitlab {name}: {line!r} is not a shell line"
    for name, job in github()["jobs"].items():
        for step in steps(job):
            if "run" in step:
                bash_syntax(re.sub(r"\$\{\{.*?\}\}", "X", step["run"]), f"github {name}: {step.get('name')}")
    for name, job in gitlab().items():
        if isinstance(job, dict) and "script" in job:
            bash_syntax(gitlab_script(job), f"gitlab {name}")


def embedded_python(script: str) -> str:
    match = re.search(r"<<'PY'\n(.*?)\nPY", script, re.S)
    assert match
    return match.group(1)


def test_gitlab_up_fails_closed_when_the_tree_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    up = gitlab()["up"]["script"]
    check = embedded_python(next(line for line in up if "plan-commit.json" in line))
    record = tmp_path / "plan-commit.json"
    env = {**os.environ, "STACK": "prod"}
    record.write_text(json.dumps({"tree": "a" * 40, "stack": "prod"}))
    same = subprocess.run(
        ["python3", "-c", check, str(record), "a" * 40], env=env, capture_output=True, text=True
    )
    assert same.returncode == 0, same.stderr
    other = subprocess.run(
        ["python3", "-c", check, str(record), "b" * 40], env=env, capture_output=True, text=True
    )
    assert other.returncode != 0 and "preview again" in other.stderr
    record.write_text(json.dumps({"tree": "a" * 40, "stack": "staging"}))
    stack = subprocess.run(
        ["python3", "-c", check, str(record), "a" * 40], env=env, capture_output=True, text=True
    )
    assert stack.returncode != 0


def test_github_up_fails_closed_when_the_tree_differs(tmp_path: Path) -> None:
    if shutil.which("jq") is None:
        skip_or_fail_missing("`jq` is not on PATH (GitHub's runners have it)")
    script = runs(github()["jobs"]["up"])
    expression = re.search(r"jq -e --arg tree \"\$tree\" --arg stack \"\$STACK\" '([^']+)'", script)
    assert expression
    record = tmp_path / "plan-commit.json"
    record.write_text(json.dumps({"tree": "a" * 40, "stack": "prod", "commit": "c" * 40}))

    def check(tree: str, stack: str) -> int:
        command = [
            "jq",
            "-e",
            "--arg",
            "tree",
            tree,
            "--arg",
            "stack",
            stack,
            expression.group(1),
            str(record),
        ]
        return subprocess.run(command, capture_output=True, timeout=30).returncode

    assert check("a" * 40, "prod") == 0
    assert check("b" * 40, "prod") != 0
    assert check("a" * 40, "staging") != 0
