"""The VM Service workflows of examples/ on a simulated 9.1 Supervisor (one for this module), under the real CLI:
each example is created, previewed with no change (which also proves that what the Supervisor writes back —
9.1's `spec.image` beside the display name in `spec.imageName`, the interface's empty network name — is not
drift), refreshed with no change, and destroyed.

- zones (Python, Automation API): getZones reads the namespace's Zone objects; one VM per zone, placed there
  (status.zone); the policy pack's vm-zone-spread passes.
- publish-image: a VM published to the writable library found by getContentLibrary, a second VM from the
  published image by display name, after it.
- windows: Sysprep with the password secret end to end (config, state, the provider's Secret, output, logs), a
  static network, a secret web console URL.
- cloud-config and static-network: the guest-visible result in the simulator's status (GuestBootstrap; the
  network config and the guest's addresses, DNS and routes).
"""

from __future__ import annotations

import base64
import json
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.automation import example_config, example_program, stack
from tests.e2e.pulumi_cli import ROOT, PulumiProject
from tests.e2e.test_vm_behaviour import GROUP, NS, Supervisor, simulator_91, sup_91

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.e2e
__all__ = ["simulator_91", "sup_91"]  # the module-scoped 9.1 simulator, started once for this module
PACK = ROOT / "examples" / "policy-python" / "run-pack"


def example_project(example: str, work: Path, simulator: Simulator) -> PulumiProject:
    """A copy of examples/<example> that loads this checkout's plugin, with a stack `test` on `simulator`."""
    shutil.copytree(ROOT / "examples" / example, work)
    plugins = f"\nplugins:\n  providers:\n    - name: vmservice\n      path: {Path(sys.executable).parent}\n"
    (work / "Pulumi.yaml").write_text((work / "Pulumi.yaml").read_text() + plugins)
    project = PulumiProject(work)
    project.env.update(simulator.env())
    project.init_stack()
    return project


@contextmanager
def destroyed_on_failure(project: PulumiProject) -> Iterator[None]:
    """A failed test leaves nothing behind in the module's simulator."""
    try:
        yield
    except BaseException:
        project.run("destroy", "--yes", "--skip-preview", check=False)
        raise


def unchanged_then_destroyed(project: PulumiProject, refresh: bool = True) -> None:
    project.run("preview", "--expect-no-changes")
    if refresh:
        project.run("refresh", "--yes", "--expect-no-changes")
    project.run("destroy", "--yes")


def get(sup: Supervisor, plural: str, name: str) -> dict[str, Any] | None:
    from kubernetes.client.exceptions import ApiException

    try:
        found: dict[str, Any] = sup.custom.get_namespaced_custom_object(GROUP, sup.version, NS, plural, name)
        return found
    except ApiException as error:
        if error.status == 404:
            return None
        raise


def condition(vm: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in vm["status"]["conditions"] if c["type"] == kind)


def test_zones_example_spreads_vms_over_the_namespaces_zones(
    pulumi_cli: Path, tmp_path: Path, simulator_91: Simulator, sup_91: Supervisor
) -> None:
    env = {**simulator_91.env(), "VMSERVICE_POLICY_PYTHON": sys.executable}
    created = stack(tmp_path, "zones", example_program("zones"), env, example_config("zones"))
    try:
        outputs = {k: v.value for k, v in created.up(on_output=lambda _: None).outputs.items()}
        zones = ["zone-a", "zone-b", "zone-c"]
        assert outputs["zones"] == zones and outputs["zoneSource"] == "Zone"  # 9.1: the namespace's Zones
        assert outputs["placement"] == {zone: zone for zone in zones}
        for zone in zones:
            live = get(sup_91, "virtualmachines", f"web-{zone}")
            assert live is not None and live["status"]["zone"] == zone
            assert live["metadata"]["labels"]["topology.kubernetes.io/zone"] == zone

        config = tmp_path / "policy-config.json"
        config.write_text(json.dumps({"vm-zone-spread": {"minZones": 3}}))
        violations: list[Any] = []
        printed: list[str] = []
        preview = created.preview(
            policy_packs=[str(PACK)],
            policy_pack_configs=[str(config)],
            on_event=lambda e: violations.append(e.policy_event) if e.policy_event else None,
            on_output=printed.append,
        )
        assert [(v.policy_name, v.message) for v in violations] == []
        assert "vmservice-guardrails" in "".join(printed)  # the pack ran
        assert set(preview.change_summary) == {"same"}  # the no-change preview, with the pack
    finally:
        created.destroy(on_output=lambda _: None)
    assert all(
        get(sup_91, "virtualmachines", f"web-{zone}") is None for zone in ("zone-a", "zone-b", "zone-c")
    )


def test_publish_image_example_deploys_a_vm_from_the_image_it_published(
    pulumi_cli: Path, tmp_path: Path, simulator_91: Simulator, sup_91: Supervisor
) -> None:
    project = example_project("publish-image", tmp_path / "publish-image", simulator_91)
    with destroyed_on_failure(project):
        project.run("up", "--yes")
        outputs = project.outputs()
        library = [
            lib
            for lib in sup_91.custom.list_namespaced_custom_object(
                "imageregistry.vmware.com", "v1alpha1", NS, "contentlibraries"
            )["items"]
            if lib["spec"]["writable"]
        ]
        assert [lib["metadata"]["name"] for lib in library] == [outputs["library"]]
        assert outputs["libraryName"] == "vmservice-published"
        image = get(sup_91, "virtualmachineimages", outputs["publishedImage"])
        assert image is not None and image["status"]["name"] == "golden-test"
        copy = get(sup_91, "virtualmachines", "golden-copy")
        assert copy is not None
        # 9.1 keeps the display name in spec.imageName and resolves the image into spec.image.
        assert copy["spec"]["imageName"] == "golden-test" == outputs["copyImage"]
        assert copy["spec"]["image"]["name"] == outputs["publishedImage"]
        assert outputs["copyIP"]
        publish = get(sup_91, "virtualmachinepublishrequests", "golden-publish")
        assert publish is not None and publish["spec"]["ttlSecondsAfterFinished"] == 600
        unchanged_then_destroyed(project)
    assert get(sup_91, "virtualmachines", "golden-copy") is None
    assert get(sup_91, "virtualmachineimages", outputs["publishedImage"]) is not None  # the image stays


def test_windows_example_keeps_the_password_secret_end_to_end(
    pulumi_cli: Path, tmp_path: Path, simulator_91: Simulator, sup_91: Supervisor
) -> None:
    password = f"Win-{secrets.token_urlsafe(12)}"
    project = example_project("windows", tmp_path / "windows", simulator_91)
    project.run("config", "set", "--secret", "adminPassword", password)
    printed = []
    with destroyed_on_failure(project):
        printed.append(project.run("up", "--yes", "--show-config", "--diff").stdout)
        outputs = project.outputs()
        assert outputs["ip"] == "192.0.2.210"
        assert outputs["consoleUrl"] == "[secret]"
        assert project.outputs(show_secrets=True)["consoleUrl"].startswith("wss://")
        assert outputs["configured"]["interfaces"] == [
            {"name": "eth0", "ip": {"addresses": ["192.0.2.210/24"], "gateway4": "192.0.2.1"}}
        ]
        assert {(c["type"], c["status"]) for c in outputs["conditions"]} >= {
            ("VirtualMachineBootstrapReady", "True"),
            ("GuestCustomization", "True"),
        }

        vm = get(sup_91, "virtualmachines", "win-app")
        assert vm is not None
        answer = vm["spec"]["bootstrap"]["sysprep"]["sysprep"]
        assert answer["guiUnattended"]["password"] == {"name": "win-app-sysprep", "key": "password"}
        secret = sup_91.core.read_namespaced_secret("win-app-sysprep", NS)
        assert base64.b64decode(secret.data["password"]).decode() == password
        assert [o.name for o in secret.metadata.owner_references] == ["win-app"]

        printed.append(project.run("preview", "--expect-no-changes", "--diff").stdout)
        printed.append(project.run("refresh", "--yes", "--expect-no-changes").stdout)
        export = json.dumps(project.export())
        state = "".join(p.read_text() for p in (project.dir / ".state").rglob("*.json"))
        assert password not in export and password not in state
        assert password not in "".join(printed) and password not in json.dumps(outputs)
        project.run("destroy", "--yes")
    from kubernetes.client.exceptions import ApiException

    with pytest.raises(ApiException):
        sup_91.core.read_namespaced_secret("win-app-sysprep", NS)


def test_cloud_config_example_reports_the_guests_bootstrap(
    pulumi_cli: Path, tmp_path: Path, simulator_91: Simulator, sup_91: Supervisor
) -> None:
    project = example_project("cloud-config", tmp_path / "cloud-config", simulator_91)
    with destroyed_on_failure(project):
        project.run("up", "--yes")
        outputs = project.outputs()
        assert outputs["ip"] and outputs["guestHostName"] == "app"
        bootstrap = next(c for c in outputs["conditions"] if c["type"] == "GuestBootstrap")
        assert (bootstrap["status"], bootstrap["reason"]) == ("True", "CloudInitDone")
        assert bootstrap["message"] == "user devops and app files in place"
        vm = get(sup_91, "virtualmachines", "app-cloud-config")
        assert vm is not None
        users = vm["spec"]["bootstrap"]["cloudInit"]["cloudConfig"]["users"]
        assert [u["name"] for u in users] == ["devops"] and users[0]["ssh_authorized_keys"]
        unchanged_then_destroyed(project, refresh=False)


def test_static_network_example_shows_the_configured_and_guest_network(
    pulumi_cli: Path, tmp_path: Path, simulator_91: Simulator, sup_91: Supervisor
) -> None:
    project = example_project("static-network", tmp_path / "static-network", simulator_91)
    with destroyed_on_failure(project):
        project.run("up", "--yes")
        outputs = project.outputs()
        assert (outputs["primaryIP4"], outputs["primaryIP6"]) == ("192.0.2.201", "2001:db8::c9")
        (eth0,) = outputs["configured"]["interfaces"]
        assert eth0["ip"] == {
            "addresses": ["192.0.2.201/24", "2001:db8::c9/64"],
            "gateway4": "192.0.2.1",
            "gateway6": "2001:db8::1",
        }
        assert eth0["dns"]["nameservers"] == ["192.0.2.53", "192.0.2.54"]
        assert outputs["configured"]["dns"] == {"hostName": "db"}
        assert [(a["address"], a["origin"]) for a in outputs["guestAddresses"]] == [
            ("192.0.2.201/24", "manual"),
            ("2001:db8::c9/64", "manual"),
        ]
        assert outputs["guestDns"]["searchDomains"] == ["db.example.internal", "example.internal"]
        assert [(r["networkAddress"], r["gateway"]["address"]) for r in outputs["guestRoutes"]] == [
            ("0.0.0.0/0", "192.0.2.1"),
            ("::/0", "2001:db8::1"),
            ("198.51.100.0/24", "192.0.2.254"),
        ]
        vm = get(sup_91, "virtualmachines", "db-static")
        assert vm is not None and vm["spec"]["network"]["interfaces"][0]["network"]["name"] == ""
        unchanged_then_destroyed(project)
