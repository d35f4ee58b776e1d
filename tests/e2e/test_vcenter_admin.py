"""The real Pulumi CLI manages vCenter admin objects on vcsim: VM class + local library + namespace, an in-place
resize, refresh without drift, import, destroy, and clear errors for bad input.

That the class and the library's items then show up in the Supervisor namespace is covered on the simulator by
tests/e2e/test_admin_to_supervisor.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.pulumi_cli import ROOT, PulumiProject, yaml_project
from tests.integration.vcenter_helpers import Cluster, supervisor_cluster

pytestmark = pytest.mark.e2e

CLASS = "vmservice:vcenter:VirtualMachineClass"
LIBRARY = "vmservice:vcenter:ContentLibrary"
NAMESPACE = "vmservice:vcenter:Namespace"
POLICY = "vSAN Default Storage Policy"


def vcenter_env(vcsim: Any) -> dict[str, str]:
    return {
        "VSPHERE_SERVER": vcsim.host,
        "VSPHERE_USER": vcsim.username,
        "VSPHERE_PASSWORD": vcsim.password,
        "VSPHERE_CA_CERT": str(vcsim.cert_file),
    }


def admin_program(suffix: str, cpus: int, supervisor: str) -> str:
    return f"""variables:
  policy:
    fn::invoke:
      function: vmservice:vcenter:getStoragePolicy
      arguments:
        name: {POLICY}
resources:
  small:
    type: {CLASS}
    properties:
      name: e2e-small-{suffix}
      cpuCount: {cpus}
      memoryMb: 2048
      cpuReservation: 0
  images:
    type: {LIBRARY}
    properties:
      name: e2e-images-{suffix}
      datastore: LocalDS_0
  dev:
    type: {NAMESPACE}
    properties:
      name: e2e-dev-{suffix}
      supervisor: {supervisor}
      vmClasses:
        - ${{small.name}}
      contentLibraries:
        - ${{images.id}}
      storagePolicies:
        - policy: ${{policy.id}}
          limitMib: 10240
      accessList:
        - subject: devops
          domain: vsphere.local
          role: EDIT
          subjectType: GROUP
outputs:
  className: ${{small.name}}
  libraryId: ${{images.libraryId}}
  supervisorId: ${{dev.supervisorId}}
  configStatus: ${{dev.configStatus}}
"""


@pytest.fixture(scope="module")
def supervisor(vcsim: Any) -> Iterator[Cluster]:
    with supervisor_cluster(vcsim) as cluster:
        yield cluster


def steps(preview: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["urn"].rsplit("::", 1)[-1]: s for s in preview["steps"]}


@pytest.fixture
def rest(vcsim: Any) -> Iterator[Any]:
    from pulumi_vmservice_provider.clients.vcenter import VCenterClient
    from pulumi_vmservice_provider.settings import Settings

    client = VCenterClient(
        Settings(
            vsphere_server=vcsim.host,
            vsphere_user=vcsim.username,
            vsphere_password=vcsim.password,
            vsphere_ca_cert=str(vcsim.cert_file),
        )
    )
    yield client
    client.close()


def test_admin_stack_lifecycle(
    pulumi_cli: Path, tmp_path: Path, vcsim: Any, rest: Any, supervisor: Cluster
) -> None:
    from pulumi_vmservice_provider.clients.namespaces import get_namespace, get_vm_class

    suffix = secrets.token_hex(3)
    project = yaml_project(
        tmp_path / "admin", "admin", admin_program(suffix, cpus=2, supervisor=supervisor.name)
    )
    project.env.update(vcenter_env(vcsim))
    project.init_stack()

    preview = steps(project.preview_json())
    assert {preview[n]["op"] for n in ("small", "images", "dev")} == {"create"}

    project.run("up", "--yes")
    outputs = project.outputs()
    assert outputs["className"] == f"e2e-small-{suffix}"
    assert outputs["supervisorId"] == supervisor.id and outputs["configStatus"] == "RUNNING"
    namespace = get_namespace(rest, f"e2e-dev-{suffix}")
    assert namespace is not None
    assert namespace.vm_classes == [f"e2e-small-{suffix}"] and namespace.content_libraries == [
        outputs["libraryId"]
    ]

    project.run("preview", "--expect-no-changes")
    project.run("refresh", "--yes", "--expect-no-changes")

    # A bigger class is an in-place update, not a replacement, and nothing else changes.
    (project.dir / "Pulumi.yaml").write_text(
        (project.dir / "Pulumi.yaml").read_text().replace("cpuCount: 2", "cpuCount: 4")
    )
    preview = steps(project.preview_json("--diff"))
    assert preview["small"]["op"] == "update"
    assert preview["small"]["diffReasons"] == ["cpuCount"]
    assert preview["small"]["detailedDiff"]["cpuCount"]["kind"] == "update"
    assert all(preview[n]["op"] == "same" for n in ("dev", "images") if n in preview)
    project.run("up", "--yes")
    live = get_vm_class(rest, f"e2e-small-{suffix}")
    assert live is not None and live.cpu_count == 4
    project.run("refresh", "--yes", "--expect-no-changes")

    # Import what the stack made into a second stack (pinning vCenter's certificate by thumbprint this time).
    importer = yaml_project(tmp_path / "import", "imported", "")
    importer.env.update({**vcenter_env(vcsim), "VSPHERE_CA_CERT": "", "VSPHERE_THUMBPRINT": vcsim.thumbprint})
    importer.init_stack()
    generated = ""
    for token, name, resource_id in (
        (CLASS, "cls", f"e2e-small-{suffix}"),
        (LIBRARY, "lib", outputs["libraryId"]),
        (NAMESPACE, "ns", f"e2e-dev-{suffix}"),
    ):
        importer.run("import", token, name, resource_id, "--yes", "--out", f"{name}.yaml")
        generated += (importer.dir / f"{name}.yaml").read_text().replace("resources:\n", "", 1)
    assert "cpuCount: 4" in generated and f"supervisor: {supervisor.id}" in generated
    pulumi_yaml = importer.dir / "Pulumi.yaml"
    pulumi_yaml.write_text(pulumi_yaml.read_text() + "resources:\n" + generated)
    importer.run("preview", "--expect-no-changes")

    # Destroy leaves nothing behind.
    project.run("destroy", "--yes")
    assert get_vm_class(rest, f"e2e-small-{suffix}") is None
    assert get_namespace(rest, f"e2e-dev-{suffix}") is None
    from pulumi_vmservice_provider.clients.content_library import ContentLibraryApi

    assert ContentLibraryApi(rest).get_library(outputs["libraryId"]) is None


def failing(project: PulumiProject, *args: str) -> str:
    result = project.run(*args, check=False)
    assert result.returncode != 0, result.stdout
    return result.stdout + result.stderr


def test_bad_input_fails_with_clear_errors(
    pulumi_cli: Path, tmp_path: Path, vcsim: Any, supervisor: Cluster
) -> None:
    suffix = secrets.token_hex(3)

    negative = yaml_project(
        tmp_path / "negative",
        "negative",
        f"""resources:
  bad:
    type: {CLASS}
    properties:
      name: e2e-bad-{suffix}
      cpuCount: -2
      memoryMb: 2048
""",
    )
    negative.env.update(vcenter_env(vcsim))
    negative.init_stack()
    output = failing(negative, "preview")
    assert "cpuCount" in output and "must be between 1 and 768, got -2" in output

    unknown = yaml_project(
        tmp_path / "unknown",
        "unknown",
        f"""resources:
  lib:
    type: {LIBRARY}
    properties:
      name: e2e-lib-{suffix}
      datastore: no-such-datastore
  ns:
    type: {NAMESPACE}
    properties:
      name: e2e-ns-{suffix}
      supervisor: no-such-cluster
""",
    )
    unknown.env.update(vcenter_env(vcsim))
    unknown.init_stack()
    output = failing(unknown, "up", "--yes")
    assert "datastore: no datastore named 'no-such-datastore'" in output
    assert "supervisor: no cluster named 'no-such-cluster'" in output
    created = [r["type"] for r in unknown.export()["deployment"].get("resources", [])]
    assert LIBRARY not in created and NAMESPACE not in created


def test_admin_yaml_example_runs_on_vcsim(
    pulumi_cli: Path, tmp_path: Path, vcsim: Any, rest: Any, supervisor: Cluster
) -> None:
    import sys

    from pulumi_vmservice_provider.clients.namespaces import get_namespace

    example = (ROOT / "examples" / "admin-yaml" / "Pulumi.yaml").read_text()
    plugin = f"plugins:\n  providers:\n    - name: vmservice\n      path: {Path(sys.executable).parent}\n"
    work = tmp_path / "admin-yaml"
    work.mkdir()
    (work / "Pulumi.yaml").write_text(example.replace("runtime: yaml\n", "runtime: yaml\n" + plugin, 1))
    project = PulumiProject(work)
    project.env.update(vcenter_env(vcsim))
    project.init_stack()
    team = f"team-{secrets.token_hex(3)}"
    project.run("config", "set", "team", team)
    project.run("config", "set", "supervisor", supervisor.name)

    project.run("up", "--yes")
    outputs = project.outputs()
    assert outputs["namespace"] == team and outputs["configStatus"] == "RUNNING"
    namespace = get_namespace(rest, team)
    assert namespace is not None and sorted(namespace.vm_classes) == sorted(outputs["vmClasses"])
    project.run("refresh", "--yes", "--expect-no-changes")
    project.run("destroy", "--yes")
    assert get_namespace(rest, team) is None


def test_admin_python_example_runs_on_vcsim(
    pulumi_cli: Path, tmp_path: Path, vcsim: Any, rest: Any, supervisor: Cluster
) -> None:
    import pulumi_vmservice.vcenter  # noqa: F401  (the committed SDK; tests/unit checks it is current)
    from pulumi_vmservice_provider.clients.namespaces import get_namespace

    from tests.e2e.automation import example_config, example_program, stack
    from tests.integration.vcenter_helpers import tiny_ova

    team = f"team-{secrets.token_hex(3)}"
    config = {
        **example_config("admin-python"),
        "admin-python:team": team,
        "admin-python:supervisor": supervisor.name,
        "admin-python:ovaPath": str(tiny_ova(tmp_path / "base.ova")),
    }
    created = stack(
        tmp_path / "admin-python", "admin-python", example_program("admin-python"), vcenter_env(vcsim), config
    )
    result = created.up(on_output=lambda _: None)
    assert result.summary.result == "succeeded"
    assert result.outputs["configStatus"].value == "RUNNING"
    namespace = get_namespace(rest, team)
    assert namespace is not None and namespace.content_libraries == [result.outputs["libraryId"].value]
    preview = created.preview(on_output=lambda _: None)
    assert set(preview.change_summary) == {"same"}
    created.refresh(on_output=lambda _: None)
    assert created.destroy(on_output=lambda _: None).summary.result == "succeeded"
    assert get_namespace(rest, team) is None
