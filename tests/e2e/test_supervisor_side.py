"""The rest of the Supervisor side under the real Pulumi CLI on the simulator: image and class lookups, reading a
VM the stack does not manage, a VM behind a LoadBalancer VirtualMachineService, publishing that VM as a new image
(and a publish request the Supervisor deletes after its TTL), a resource-policy replacement, web console URLs as
secrets and through `vmservice console`, previews without changes, and a destroy that leaves nothing behind.

One stack does most of it, to keep the runtime modest.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.pulumi_cli import PulumiProject, yaml_project

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.e2e

NS = "dev"
GROUP = "vmoperator.vmware.com"
STORAGE_CLASS = "vsan-default-storage-policy"
PUBLISH_LIBRARY = "vmservice-published"  # vCenter's name; a publish request targets its cl-... object
KINDS = {
    "vm": "virtualmachines",
    "service": "virtualmachineservices",
    "policy": "virtualmachinesetresourcepolicies",
    "publish": "virtualmachinepublishrequests",
    "image": "virtualmachineimages",
}


class Cluster:
    """The simulator's objects as the DevOps user sees them (what kubectl would show)."""

    def __init__(self, simulator: Simulator) -> None:
        from kubernetes import client, config

        self.api = config.new_client_from_config(str(simulator.kubeconfig_path))
        self.custom: Any = client.CustomObjectsApi(self.api)
        self.core: Any = client.CoreV1Api(self.api)
        self.version = simulator.release.storage_version

    def get(self, kind: str, name: str) -> dict[str, Any] | None:
        from kubernetes.client.exceptions import ApiException

        try:
            found: dict[str, Any] = self.custom.get_namespaced_custom_object(
                GROUP, self.version, NS, KINDS[kind], name
            )
            return found
        except ApiException as error:
            if error.status == 404:
                return None
            raise

    def content_library(self, display_name: str) -> str:
        """The name of the namespace's ContentLibrary object for the vCenter library `display_name`."""
        listing = self.custom.list_namespaced_custom_object(
            "imageregistry.vmware.com", "v1alpha1", NS, "contentlibraries"
        )
        names = [i["metadata"]["name"] for i in listing["items"] if i["status"].get("name") == display_name]
        assert len(names) == 1, listing["items"]
        return str(names[0])

    def core_exists(self, read: Callable[..., Any], name: str) -> bool:
        from kubernetes.client.exceptions import ApiException

        try:
            read(name, NS)
            return True
        except ApiException as error:
            if error.status == 404:
                return False
            raise

    def wait(self, what: str, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
            time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster(simulator: Simulator) -> Iterator[Cluster]:
    made = Cluster(simulator)
    try:
        yield made
    finally:
        made.api.close()


@pytest.fixture
def outside_vm(cluster: Cluster) -> Iterator[str]:
    """A VM created with kubectl, not by any stack, already powered on with an IP."""
    name = f"outside-{secrets.token_hex(3)}"
    cluster.custom.create_namespaced_custom_object(
        GROUP,
        cluster.version,
        NS,
        KINDS["vm"],
        {
            "apiVersion": f"{GROUP}/{cluster.version}",
            "kind": "VirtualMachine",
            "metadata": {"name": name, "namespace": NS},
            "spec": {
                "className": "best-effort-small",
                "imageName": "photon-5",
                "storageClass": STORAGE_CLASS,
            },
        },
    )
    cluster.wait(
        f"VM {name} to get an IP",
        lambda: bool(
            ((cluster.get("vm", name) or {}).get("status") or {}).get("network", {}).get("primaryIP4")
        ),
    )
    try:
        yield name
    finally:
        cluster.custom.delete_namespaced_custom_object(GROUP, cluster.version, NS, KINDS["vm"], name)


def stack_program(suffix: str, outside: str, folder: str, ttl: int) -> str:
    return f"""config:
  vmservice:namespace: {NS}
variables:
  # The namespace's ContentLibrary object (cl-...) for the vCenter library: the publish requests' target.
  publishLibrary:
    fn::invoke:
      function: vmservice:index:getContentLibrary
      arguments:
        displayName: {PUBLISH_LIBRARY}
  image:
    fn::invoke:
      function: vmservice:index:getVirtualMachineImage
      arguments:
        displayName: ubuntu-22.04
  guaranteedSmall:
    fn::invoke:
      function: vmservice:index:getVirtualMachineClass
      arguments:
        name: guaranteed-small
  bestEffortSmall:
    fn::invoke:
      function: vmservice:index:getVirtualMachineClass
      arguments:
        name: best-effort-small
  outside:
    fn::invoke:
      function: vmservice:index:getVirtualMachine
      arguments:
        name: {outside}
  console:
    fn::invoke:
      function: vmservice:index:getWebConsoleUrl
      arguments:
        name: {outside}
  # Runs once the publish request has finished: the new image is in the namespace.
  published:
    fn::invoke:
      function: vmservice:index:getVirtualMachineImage
      arguments:
        name: ${{publish.status.imageName}}
resources:
  web:
    type: vmservice:index:VirtualMachine
    properties:
      metadata:
        name: web-{suffix}
        labels: {{app: web-{suffix}}}
      spec:
        className: ${{bestEffortSmall.name}}
        imageName: ${{image.imageName}}
        storageClass: {STORAGE_CLASS}
      waitFor: ipAssigned
  lb:
    type: vmservice:index:VirtualMachineService
    properties:
      metadata:
        name: lb-{suffix}
      spec:
        type: LoadBalancer
        selector: {{app: web-{suffix}}}
        ports:
          - {{name: http, protocol: TCP, port: 80, targetPort: 8080}}
  policy:
    type: vmservice:index:VirtualMachineSetResourcePolicy
    properties:
      metadata:
        name: policy-{suffix}
      spec:
        folder: {folder}
        resourcePool: {{name: pool-{suffix}}}
  publish:
    type: vmservice:index:VirtualMachinePublishRequest
    properties:
      metadata:
        name: publish-{suffix}
      spec:
        source: {{name: "${{web.metadata.name}}"}}
        target:
          item: {{name: web-{suffix}-image, description: published by e2e}}
          location: {{name: "${{publishLibrary.name}}"}}
  shortLived:
    type: vmservice:index:VirtualMachinePublishRequest
    properties:
      metadata:
        name: short-{suffix}
      spec:
        source: {{name: "${{web.metadata.name}}"}}
        target:
          item: {{name: web-{suffix}-short}}
          location: {{name: "${{publishLibrary.name}}"}}
        ttlSecondsAfterFinished: {ttl}
outputs:
  imageName: ${{image.imageName}}
  imageDisplayName: ${{image.displayName}}
  imageOsType: ${{image.osInfo.type}}
  imageReady: ${{image.ready}}
  guaranteedSmall:
    cpus: ${{guaranteedSmall.cpus}}
    memory: ${{guaranteedSmall.memory}}
    memoryMb: ${{guaranteedSmall.memoryMb}}
    reserved: ${{guaranteedSmall.reserved}}
  bestEffortSmall:
    cpus: ${{bestEffortSmall.cpus}}
    memory: ${{bestEffortSmall.memory}}
    memoryMb: ${{bestEffortSmall.memoryMb}}
    reserved: ${{bestEffortSmall.reserved}}
  outsidePowerState: ${{outside.status.powerState}}
  outsideIP: ${{outside.status.primaryIP4}}
  outsideClass: ${{outside.spec.className}}
  consoleUrl: ${{console.url}}
  consoleExpiry: ${{console.expiryTime}}
  webName: ${{web.liveMetadata.name}}
  webIP: ${{web.status.network.primaryIP4}}
  loadBalancerIP: ${{lb.status.loadBalancer.ingress[0].ip}}
  publishedImage: ${{publish.status.imageName}}
  publishedReady: ${{publish.status.ready}}
  publishedDisplayName: ${{published.displayName}}
  shortLivedImage: ${{shortLived.status.imageName}}
  publishLibrary: ${{publishLibrary.name}}
  publishLibraryWritable: ${{publishLibrary.writable}}
"""


def steps(preview: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["urn"].rsplit("::", 1)[-1]: s for s in preview["steps"]}


def failing(project: PulumiProject, *args: str) -> str:
    result = project.run(*args, check=False)
    assert result.returncode != 0, result.stdout
    return result.stdout + result.stderr


def vmservice_cli(simulator: Simulator, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "vmservice"), *args],
        env={**os.environ, "KUBECONFIG": str(simulator.kubeconfig_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_supervisor_stack_lookups_service_publish_console_and_destroy(
    pulumi_cli: Path, tmp_path: Path, simulator: Simulator, cluster: Cluster, outside_vm: str
) -> None:
    suffix = secrets.token_hex(3)
    web, lb, policy = f"web-{suffix}", f"lb-{suffix}", f"policy-{suffix}"
    publish, short = f"publish-{suffix}", f"short-{suffix}"
    project = yaml_project(
        tmp_path / "supervisor",
        "supervisor",
        stack_program(suffix, outside_vm, folder="f1", ttl=2),
    )
    project.env.update(simulator.env())
    project.init_stack()

    preview = steps(project.preview_json())
    assert {preview[n]["op"] for n in ("web", "lb", "policy", "publish", "shortLived")} == {"create"}

    project.run("up", "--yes")
    outputs = project.outputs()

    # Image lookup by display name: the vmi- name the namespace's image has, used in the VM's spec.
    ubuntu = [
        i
        for i in cluster.custom.list_namespaced_custom_object(GROUP, cluster.version, NS, KINDS["image"])[
            "items"
        ]
        if (i.get("status") or {}).get("name") == "ubuntu-22.04"
    ]
    assert [i["metadata"]["name"] for i in ubuntu] == [outputs["imageName"]]
    assert outputs["imageName"].startswith("vmi-")
    assert outputs["imageDisplayName"] == "ubuntu-22.04"
    assert outputs["imageOsType"] == "linux" and outputs["imageReady"] is True
    live_vm = cluster.get("vm", web)
    assert live_vm is not None and live_vm["spec"]["imageName"] == outputs["imageName"]

    # Class lookups: same size, only the guaranteed class reserves it.
    assert outputs["guaranteedSmall"] == {"cpus": 2, "memory": "4Gi", "memoryMb": 4096, "reserved": True}
    assert outputs["bestEffortSmall"] == {"cpus": 2, "memory": "4Gi", "memoryMb": 4096, "reserved": False}

    # A VM the stack does not manage is read, not adopted.
    outside_live = cluster.get("vm", outside_vm)
    assert outside_live is not None
    assert outputs["outsidePowerState"] == "PoweredOn"
    assert outputs["outsideIP"] == outside_live["status"]["network"]["primaryIP4"]
    assert outputs["outsideClass"] == "best-effort-small"
    managed = {r.get("id") for r in project.export()["deployment"]["resources"]}
    assert f"{NS}/{outside_vm}" not in managed

    # The VM behind a LoadBalancer service: the service waited for its ingress IP, and the VM is an endpoint.
    ipaddress.ip_address(outputs["loadBalancerIP"])
    live_service = cluster.get("service", lb)
    assert live_service is not None
    assert live_service["status"]["loadBalancer"]["ingress"][0]["ip"] == outputs["loadBalancerIP"]
    endpoints = cluster.core.read_namespaced_endpoints(lb, NS)
    assert [a.ip for s in endpoints.subsets or [] for a in s.addresses or []] == [outputs["webIP"]]

    # Publishing: the target came from the library lookup (the object kubectl shows for the vCenter library),
    # the request completed and its image now exists in the namespace.
    assert outputs["publishLibrary"] == cluster.content_library(PUBLISH_LIBRARY)
    assert outputs["publishLibraryWritable"] is True
    assert outputs["publishedReady"] is True and outputs["publishedImage"].startswith("vmi-")
    assert outputs["publishedDisplayName"] == f"web-{suffix}-image"
    image = cluster.get("image", outputs["publishedImage"])
    assert image is not None and image["status"]["name"] == f"web-{suffix}-image"

    # The web console URL is a secret: masked in outputs and not in the state in plaintext.
    assert outputs["consoleUrl"] == "[secret]"
    revealed = project.outputs(show_secrets=True)
    assert revealed["consoleUrl"].startswith("wss://") and revealed["consoleExpiry"]
    assert revealed["consoleUrl"] not in json.dumps(project.export())

    # The short-lived request did its job; the Supervisor deletes it after its TTL. That is not drift:
    # refresh and preview show nothing to do, and up does not re-create it.
    assert outputs["shortLivedImage"].startswith("vmi-")
    cluster.wait(
        f"the Supervisor to delete {short} after its TTL", lambda: cluster.get("publish", short) is None
    )
    project.run("refresh", "--yes", "--expect-no-changes")
    project.run("preview", "--expect-no-changes")
    project.run("up", "--yes", "--expect-no-changes")
    assert cluster.get("publish", short) is None
    assert cluster.get("publish", publish) is not None
    assert project.outputs()["shortLivedImage"] == outputs["shortLivedImage"]

    # A resource-policy spec change replaces it (the whole spec is immutable); a new TTL on the finished,
    # already deleted request only updates the state.
    (project.dir / "Pulumi.yaml").write_text(
        (project.dir / "Pulumi.yaml")
        .read_text()
        .replace("folder: f1", "folder: f2")
        .replace("ttlSecondsAfterFinished: 2", "ttlSecondsAfterFinished: 30")
    )
    old_policy = cluster.get("policy", policy)
    assert old_policy is not None
    preview = steps(project.preview_json("--diff"))
    assert preview["policy"]["op"] == "replace"
    assert preview["policy"]["replaceReasons"] == ["spec"]
    assert preview["shortLived"]["op"] == "update"
    assert all(preview[n]["op"] == "same" for n in ("web", "lb", "publish") if n in preview)
    project.run("up", "--yes")
    new_policy = cluster.get("policy", policy)
    assert new_policy is not None and new_policy["spec"]["folder"] == "f2"
    assert new_policy["metadata"]["uid"] != old_policy["metadata"]["uid"]
    assert cluster.get("publish", short) is None
    project.run("preview", "--expect-no-changes")

    # `vmservice console NAMESPACE/VM` prints a fresh URL (and its expiry on stderr).
    console = vmservice_cli(simulator, "console", f"{NS}/{web}")
    assert console.returncode == 0, console.stderr
    assert console.stdout.strip().startswith("wss://") and "expires at" in console.stderr
    missing = vmservice_cli(simulator, "console", f"{NS}/no-such-vm")
    assert missing.returncode == 1
    assert "no VirtualMachine named 'no-such-vm'" in missing.stderr and web in missing.stderr

    # Destroy removes what the stack made (and what the Supervisor made for it); the VM outside the stack
    # and the published image (an artifact in the content library, as with VM Operator) stay.
    project.run("destroy", "--yes")
    for kind, name in (("vm", web), ("service", lb), ("policy", policy), ("publish", publish)):
        assert cluster.get(kind, name) is None, f"{kind} {name} is still there"
    cluster.wait(
        f"the Service and Endpoints of {lb} to be garbage-collected",
        lambda: (
            not cluster.core_exists(cluster.core.read_namespaced_service, lb)
            and not cluster.core_exists(cluster.core.read_namespaced_endpoints, lb)
        ),
    )
    assert cluster.get("vm", outside_vm) is not None
    assert cluster.get("image", outputs["publishedImage"]) is not None
    assert project.export()["deployment"].get("resources") in (None, [])


def test_missing_image_fails_preview_listing_the_candidates(
    pulumi_cli: Path, tmp_path: Path, simulator: Simulator
) -> None:
    project = yaml_project(
        tmp_path / "missing",
        "missing",
        f"""config:
  vmservice:namespace: {NS}
variables:
  image:
    fn::invoke:
      function: vmservice:index:getVirtualMachineImage
      arguments:
        displayName: windows-2019
      return: imageName
resources:
  vm:
    type: vmservice:index:VirtualMachine
    properties:
      spec:
        className: best-effort-small
        imageName: ${{image}}
        storageClass: {STORAGE_CLASS}
""",
    )
    project.env.update(simulator.env())
    project.init_stack()
    output = failing(project, "preview")
    assert "no image matches displayName='windows-2019' in namespace dev" in output
    assert "ubuntu-22.04" in output and "photon-5" in output and "(displayName)" in output
    assert not project.export()["deployment"].get("resources")


def test_publish_failure_reports_the_reason_and_keeps_the_request(
    pulumi_cli: Path, tmp_path: Path, simulator: Simulator, cluster: Cluster
) -> None:
    name = f"broken-{secrets.token_hex(3)}"
    project = yaml_project(
        tmp_path / "broken",
        "broken",
        f"""config:
  vmservice:namespace: {NS}
variables:
  library:
    fn::invoke:
      function: vmservice:index:getContentLibrary
      arguments:
        writable: true
resources:
  broken:
    type: vmservice:index:VirtualMachinePublishRequest
    properties:
      metadata:
        name: {name}
      spec:
        source: {{name: no-such-vm}}
        target:
          location: {{name: "${{library.name}}"}}
""",
    )
    project.env.update(simulator.env())
    project.init_stack()
    output = failing(project, "up", "--yes")
    assert "publishing failed" in output and "SourceVirtualMachineNotExist" in output
    # The half-made request stays in state (partial create), so destroy can clean it up.
    assert cluster.get("publish", name) is not None
    ids = [r.get("id") for r in project.export()["deployment"]["resources"]]
    assert f"{NS}/{name}" in ids
    project.run("destroy", "--yes")
    assert cluster.get("publish", name) is None


def test_invoke_failures_are_check_failures_naming_the_property(simulator: Simulator) -> None:
    from pulumi_vmservice_provider.server.proto import provider_pb2
    from pulumi_vmservice_provider.wire import dict_to_struct, struct_to_dict

    from tests.protocol.harness import Plugin

    plugin = Plugin(env=simulator.env())
    try:
        plugin.configure()

        def invoke(function: str, **args: Any) -> Any:
            return plugin.stub.Invoke(
                provider_pb2.InvokeRequest(tok=f"vmservice:index:{function}", args=dict_to_struct(args))
            )

        found = invoke("getVirtualMachineImage", displayName="photon-5")
        assert not found.failures
        image = struct_to_dict(getattr(found, "return"))
        assert image["imageName"].startswith("vmi-") and image["displayName"] == "photon-5"

        missing = invoke("getVirtualMachineImage", displayName="windows-2019")
        assert [f.property for f in missing.failures] == ["displayName"]
        assert "candidates:" in missing.failures[0].reason
        assert "ubuntu-22.04" in missing.failures[0].reason and "photon-5" in missing.failures[0].reason

        ambiguous = invoke("getVirtualMachineImage", osType="linux")
        assert [f.property for f in ambiguous.failures] == ["osType"]
        assert "images match osType='linux'; narrow the query" in ambiguous.failures[0].reason

        unselective = invoke("getVirtualMachineImage")
        assert [f.property for f in unselective.failures] == ["displayName"]

        no_class = invoke("getVirtualMachineClass", name="huge")
        assert [f.property for f in no_class.failures] == ["name"]
        assert "guaranteed-small" in no_class.failures[0].reason

        no_name = invoke("getVirtualMachineClass")
        assert [f.property for f in no_name.failures] == ["name"]

        no_vm = invoke("getVirtualMachine", name="no-such-vm")
        assert [f.property for f in no_vm.failures] == ["name"]

        no_console = invoke("getWebConsoleUrl", name="no-such-vm")
        assert [f.property for f in no_console.failures] == ["name"]
        assert "no VirtualMachine named 'no-such-vm'" in no_console.failures[0].reason
    finally:
        plugin.close()


def test_zone_and_content_library_lookups_as_the_devops_user(simulator: Simulator, cluster: Cluster) -> None:
    """On 8.0 U3 the zones are the AvailabilityZones that list the namespace; a namespace's libraries are
    found by their vCenter name, id or writability, and a query that is not one library names the candidates."""
    from pulumi_vmservice_provider.server.proto import provider_pb2
    from pulumi_vmservice_provider.wire import dict_to_struct, struct_to_dict

    from tests.protocol.harness import Plugin

    plugin = Plugin(env=simulator.env())  # the DevOps user's kubeconfig
    try:
        plugin.configure()

        def invoke(function: str, **args: Any) -> Any:
            return plugin.stub.Invoke(
                provider_pb2.InvokeRequest(tok=f"vmservice:index:{function}", args=dict_to_struct(args))
            )

        zones = invoke("getZones")
        assert not zones.failures
        found = struct_to_dict(getattr(zones, "return"))
        assert found["source"] == "AvailabilityZone"
        assert found["names"] == ["zone-a", "zone-b", "zone-c"]
        assert all(z["poolMoIDs"] and z["folderMoID"] and z["clusterMoIDs"] for z in found["zones"])
        assert struct_to_dict(getattr(invoke("getZones", namespace="kube-system"), "return"))["names"] == []

        published = cluster.content_library(PUBLISH_LIBRARY)
        by_name = struct_to_dict(getattr(invoke("getContentLibrary", displayName=PUBLISH_LIBRARY), "return"))
        assert by_name["name"] == published and by_name["writable"] is True
        assert by_name["type"] == "Local" and by_name["ready"] is True
        by_id = struct_to_dict(getattr(invoke("getContentLibrary", libraryId=by_name["libraryId"]), "return"))
        assert by_id["name"] == published
        writable = struct_to_dict(getattr(invoke("getContentLibrary", writable=True), "return"))
        assert writable["name"] == published

        missing = invoke("getContentLibrary", name=published, writable=False)
        assert [f.property for f in missing.failures] == ["name"]
        assert "no content library of namespace dev matches" in missing.failures[0].reason
        assert f"vmservice-published ({published}, writable)" in missing.failures[0].reason
        unselective = invoke("getContentLibrary")
        assert [f.property for f in unselective.failures] == ["displayName"]
    finally:
        plugin.close()
