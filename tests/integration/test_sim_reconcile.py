"""The simulator's emulated VM Operator controllers against vcsim: VM lifecycle, services, publish requests,
web consoles, resource policies, the vCenter -> Supervisor sync and fault injection."""

from __future__ import annotations

import base64
import datetime
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.integration.conftest import NS, SimClient, content_library, vm_body
from tests.integration.test_sim_webhook import rsa_public_pem

pytestmark = pytest.mark.integration

VMS = "virtualmachines"


def condition(obj: dict[str, Any] | None, kind: str) -> dict[str, Any]:
    for entry in ((obj or {}).get("status") or {}).get("conditions") or []:
        if entry.get("type") == kind:
            return dict(entry)
    return {}


def condition_is(kind: str, value: str) -> Callable[[dict[str, Any] | None], bool]:
    return lambda obj: condition(obj, kind).get("status") == value


def has_ip(vm: dict[str, Any] | None) -> bool:
    return bool(((vm or {}).get("status") or {}).get("network", {}).get("primaryIP4"))


@pytest.fixture
def faults(admin: SimClient) -> Iterator[Callable[[dict[str, str | None]], None]]:
    def set_faults(data: dict[str, str | None]) -> None:
        admin.core.patch_namespaced_config_map("vmservice-sim-faults", "vmservice-system", {"data": data})

    yield set_faults
    set_faults({"reconcileError": None, "stuckCondition": None})


# ------------------------------------------------------------------------------------------ VM lifecycle


def test_vm_created_powered_on_with_ip_then_off_and_deleted(
    simulator: Any, devops: SimClient, unique: Callable[[str], str]
) -> None:
    name = unique("web")
    devops.create(VMS, vm_body(name, className="best-effort-large"))
    vm = devops.wait(VMS, name, has_ip, "an IP address")
    assert vm is not None
    status = vm["status"]
    assert condition(vm, "VirtualMachineCreated")["status"] == "True"
    for kind in (
        "VirtualMachineClassReady",
        "VirtualMachineImageReady",
        "VirtualMachineStorageReady",
        "VirtualMachineBootstrapReady",
    ):
        assert condition(vm, kind)["status"] == "True", kind
    assert "Ready" not in {c["type"] for c in status["conditions"]}  # only with a readiness probe
    assert status["powerState"] == "PoweredOn"
    assert status["uniqueID"].startswith("vm-")
    assert status["biosUUID"] and status["instanceUUID"] and status["hardwareVersion"] == 19
    assert status["network"]["primaryIP4"].startswith("192.0.2.")
    assert status["network"]["interfaces"][0]["name"] == "eth0"
    assert status["network"]["interfaces"][0]["ip"]["macAddr"]
    assert status["zone"] in ("zone-a", "zone-b", "zone-c")
    assert vm["metadata"]["labels"]["topology.kubernetes.io/zone"] == status["zone"]
    assert vm["metadata"]["finalizers"] == ["virtualmachine.vmoperator.vmware.com"]

    info = simulator.vcenter.vm_info(status["uniqueID"])
    assert info is not None
    assert (info.name, info.cpus, info.memory_mb, info.power_state) == (name, 4, 16384, "PoweredOn")

    devops.patch(VMS, name, {"spec": {"powerState": "Suspended"}})
    devops.wait(VMS, name, lambda v: (v or {}).get("status", {}).get("powerState") == "Suspended", "suspend")
    assert simulator.vcenter.vm_info(status["uniqueID"]).power_state == "Suspended"
    devops.patch(VMS, name, {"spec": {"powerState": "PoweredOff"}})
    off = devops.wait(
        VMS, name, lambda v: (v or {}).get("status", {}).get("powerState") == "PoweredOff", "power-off"
    )
    # The guest reports nothing while off; the network config VM Operator resolved stays.
    assert off is not None and set(off["status"]["network"]) == {"config"}
    assert off["status"]["network"]["config"] == {"dns": {"hostName": name}}
    assert simulator.vcenter.vm_info(status["uniqueID"]).power_state == "PoweredOff"

    devops.delete(VMS, name)
    devops.wait(VMS, name, lambda v: v is None, "deletion")
    assert simulator.vcenter.vm_info(status["uniqueID"]) is None
    assert simulator.vcenter.find_vm(NS, name) is None


def test_power_on_delay_is_honoured(simulator: Any, devops: SimClient, unique: Callable[[str], str]) -> None:
    name = unique("slow")
    begun = time.monotonic()
    devops.create(VMS, vm_body(name))
    devops.wait(VMS, name, lambda v: (v or {}).get("status", {}).get("powerState") == "PoweredOn", "power-on")
    powered = time.monotonic() - begun
    devops.wait(VMS, name, has_ip, "an IP")
    assert powered >= simulator.options.power_on_delay
    assert time.monotonic() - begun >= simulator.options.power_on_delay + simulator.options.ip_delay
    devops.delete(VMS, name)


def test_bootstrap_secret_conditions_and_readiness(
    admin: SimClient, devops: SimClient, unique: Callable[[str], str]
) -> None:
    name, secret = unique("boot"), unique("userdata")
    devops.create(
        VMS,
        vm_body(
            name,
            bootstrap={"cloudInit": {"rawCloudConfig": {"name": secret, "key": "user-data"}}},
            readinessProbe={"guestHeartbeat": {"thresholdStatus": "green"}},
        ),
    )
    missing = devops.wait(
        VMS,
        name,
        lambda v: condition(v, "VirtualMachineBootstrapReady").get("reason") == "NotFound",
        "the missing Secret",
    )
    assert condition(missing, "VirtualMachineCreated") == {}
    devops.core.create_namespaced_secret(NS, {"metadata": {"name": secret}, "stringData": {"other": "x"}})
    devops.wait(
        VMS,
        name,
        lambda v: condition(v, "VirtualMachineBootstrapReady").get("reason") == "RequiredKeyNotFound",
        "the missing key",
    )
    assert condition(devops.get(VMS, name), "VirtualMachineBootstrapReady")["message"] == (
        f'required key "user-data" not found in Secret {NS}/{secret}'
    )
    devops.core.patch_namespaced_secret(secret, NS, {"stringData": {"user-data": "#cloud-config\n"}})
    ready = devops.wait(VMS, name, lambda v: condition(v, "Ready").get("status") == "True", "Ready")
    assert has_ip(ready)
    devops.delete(VMS, name)
    devops.core.delete_namespaced_secret(secret, NS)


def test_windows_sysprep_secrets_and_the_guest_customization_condition(
    devops: SimClient, unique: Callable[[str], str]
) -> None:
    """A Windows image in the seed; an inline sysprep whose Secret lacks the key is refused before any
    customization (BootstrapReady GetError, as VM Operator reads sysprep Secrets); once it is there the guest
    customizes (GuestCustomization True). A raw answer file that is not XML, or sysprep on a Linux image,
    fails in the guest: GuestCustomization False, GuestCustomizationFailed."""
    secret = unique("sysprep")
    inline = {
        "sysprep": {
            "userData": {
                "fullName": "Dev Ops",
                "orgName": "Example",
                "productID": {"name": secret, "key": "key"},
            },
        }
    }
    windows = unique("win")
    devops.core.create_namespaced_secret(NS, {"metadata": {"name": secret}, "stringData": {"other": "x"}})
    devops.create(VMS, vm_body(windows, imageName="windows-2022", bootstrap={"sysprep": inline}))
    missing = devops.wait(
        VMS,
        windows,
        lambda v: condition(v, "VirtualMachineBootstrapReady").get("reason") == "GetError",
        "GetError",
    )
    assert condition(missing, "VirtualMachineBootstrapReady")["message"] == (
        f'no data found for key "key" for secret {NS}/{secret}'
    )
    devops.core.patch_namespaced_secret(secret, NS, {"stringData": {"key": "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"}})
    done = devops.wait(VMS, windows, condition_is("GuestCustomization", "True"), "GuestCustomization=True")
    assert done["status"]["powerState"] == "PoweredOn"

    answers = unique("unattend")
    devops.core.create_namespaced_secret(
        NS, {"metadata": {"name": answers}, "stringData": {"unattend": "not xml <"}}
    )
    raw = unique("rawwin")
    linux = unique("linuxsysprep")
    devops.create(
        VMS,
        vm_body(
            raw,
            imageName="windows-2022",
            bootstrap={"sysprep": {"rawSysprep": {"name": answers, "key": "unattend"}}},
        ),
    )
    devops.create(VMS, vm_body(linux, bootstrap={"sysprep": inline}))
    for name in (raw, linux):
        failed = devops.wait(VMS, name, condition_is("GuestCustomization", "False"), f"{name}: customization")
        assert condition(failed, "GuestCustomization")["reason"] == "GuestCustomizationFailed"
        assert condition(failed, "GuestCustomization")["message"] == (
            "vSphere VM Customization failed due to an unknown error."
        )
    for name in (windows, raw, linux):
        devops.delete(VMS, name)
    for name in (secret, answers):
        devops.core.delete_namespaced_secret(name, NS)


def test_unknown_class_is_reported(devops: SimClient, unique: Callable[[str], str]) -> None:
    name = unique("cls")
    devops.create(VMS, vm_body(name, className="huge"))
    vm = devops.wait(
        VMS,
        name,
        lambda v: condition(v, "VirtualMachineClassReady").get("status") == "False",
        "the class condition",
    )
    assert condition(vm, "VirtualMachineClassReady")["reason"] == "NotFound"
    devops.delete(VMS, name)
    devops.wait(VMS, name, lambda v: v is None, "deletion without a vSphere VM")


# ------------------------------------------------------------------------------------------ other kinds


def test_load_balancer_gets_an_ip_and_endpoints(devops: SimClient, unique: Callable[[str], str]) -> None:
    app = unique("app")
    vm_name, svc_name = unique("lbvm"), unique("lb")
    body = vm_body(vm_name)
    body["metadata"]["labels"] = {"app": app}
    devops.create(VMS, body)
    devops.create(
        "virtualmachineservices",
        {
            "kind": "VirtualMachineService",
            "metadata": {"name": svc_name},
            "spec": {
                "type": "LoadBalancer",
                "selector": {"app": app},
                "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080}],
            },
        },
    )
    svc = devops.wait(
        "virtualmachineservices",
        svc_name,
        lambda s: bool(((s or {}).get("status") or {}).get("loadBalancer")),
        "an ingress IP",
    )
    assert svc is not None
    ip = svc["status"]["loadBalancer"]["ingress"][0]["ip"]
    assert ip.startswith("203.0.113.")
    core_svc = devops.core.read_namespaced_service(svc_name, NS)
    assert core_svc.spec.type == "LoadBalancer" and core_svc.spec.selector is None
    assert core_svc.status.load_balancer.ingress[0].ip == ip
    vm = devops.wait(VMS, vm_name, has_ip, "the VM's IP")
    assert vm is not None
    deadline = time.monotonic() + 20
    addresses: list[str] = []
    while time.monotonic() < deadline and not addresses:
        endpoints = devops.core.read_namespaced_endpoints(svc_name, NS)
        addresses = [a.ip for s in endpoints.subsets or [] for a in s.addresses or []]
        time.sleep(0.2)
    assert addresses == [vm["status"]["network"]["primaryIP4"]]
    assert endpoints.subsets[0].ports[0].port == 8080
    devops.delete("virtualmachineservices", svc_name)
    devops.wait("virtualmachineservices", svc_name, lambda s: s is None, "service deletion")
    devops.delete(VMS, vm_name)


def test_publish_request_creates_an_image(
    simulator: Any, devops: SimClient, unique: Callable[[str], str]
) -> None:
    plural = "virtualmachinepublishrequests"
    published = content_library(devops, "vmservice-published")
    read_only = content_library(devops, "vmservice-images")
    library = simulator.vcenter.find_library("vmservice-published")
    assert published["metadata"]["name"] == "cl-" + library["id"].replace("-", "")[:17]
    assert published["spec"] == {"uuid": library["id"], "writable": True, "allowImport": False}  # CRD default
    assert read_only["spec"]["writable"] is False
    target = published["metadata"]["name"]
    vm_name = unique("golden")
    devops.create(VMS, vm_body(vm_name))
    devops.wait(VMS, vm_name, lambda v: bool((v or {}).get("status", {}).get("uniqueID")), "the vSphere VM")
    request = unique("pub")
    item = f"{vm_name}-image"
    devops.create(
        plural,
        {
            "kind": "VirtualMachinePublishRequest",
            "metadata": {"name": request},
            "spec": {
                "source": {"name": vm_name},
                "target": {"location": {"name": target}},
                "ttlSecondsAfterFinished": 3,
            },
        },
    )
    done = devops.wait(
        plural, request, lambda r: bool((r or {}).get("status", {}).get("ready")), "publication"
    )
    assert done is not None
    for kind in ("SourceValid", "TargetValid", "Uploaded", "ImageAvailable", "Complete"):
        assert condition(done, kind)["status"] == "True", kind
    image_name = done["status"]["imageName"]
    assert image_name.startswith("vmi-") and done["status"]["completionTime"]
    image = devops.get("virtualmachineimages", image_name)
    assert image is not None and image["status"]["name"] == item
    assert condition(image, "Ready")["status"] == "True"
    assert simulator.vcenter.find_item(library["id"], item)
    # ttlSecondsAfterFinished: the request deletes itself.
    devops.wait(plural, request, lambda r: r is None, "TTL deletion", timeout=20)

    # Publishing the same item again: the target item exists.
    again = unique("pub")
    devops.create(
        plural,
        {
            "kind": "VirtualMachinePublishRequest",
            "metadata": {"name": again},
            "spec": {"source": {"name": vm_name}, "target": {"location": {"name": target}}},
        },
    )
    failed = devops.wait(
        plural, again, lambda r: condition(r, "TargetValid").get("status") == "False", "TargetValid=False"
    )
    assert condition(failed, "TargetValid")["reason"] == "TargetItemAlreadyExists"
    for bad, reason, kind, message in (
        (
            {"source": {"name": "ghost"}, "target": {"location": {"name": target}}},
            "SourceVirtualMachineNotExist",
            "SourceValid",
            "",
        ),
        (  # a target is the namespace's ContentLibrary object, not vCenter's library name
            {"source": {"name": vm_name}, "target": {"location": {"name": "vmservice-published"}}},
            "TargetContentLibraryNotExist",
            "TargetValid",
            'contentlibraries.imageregistry.vmware.com "vmservice-published" not found',
        ),
        (
            {"source": {"name": vm_name}, "target": {"location": {"name": read_only["metadata"]["name"]}}},
            "TargetContentLibraryNotWritable",
            "TargetValid",
            "target location vmservice-images is not writable",
        ),
    ):
        name = unique("pub")
        devops.create(
            plural, {"kind": "VirtualMachinePublishRequest", "metadata": {"name": name}, "spec": bad}
        )
        failed = devops.wait(plural, name, condition_is(kind, "False"), f"{kind}=False")
        assert condition(failed, kind)["reason"] == reason
        assert message in condition(failed, kind)["message"]
        devops.delete(plural, name)
    devops.delete(plural, again)
    devops.delete(VMS, vm_name)


def test_web_console_response_decrypts(devops: SimClient, unique: Callable[[str], str]) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    vm_name = unique("console")
    devops.create(VMS, vm_body(vm_name))
    vm = devops.wait(
        VMS, vm_name, lambda v: bool((v or {}).get("status", {}).get("uniqueID")), "the vSphere VM"
    )
    assert vm is not None
    key, public_pem = rsa_public_pem()
    name = unique("wcr")
    devops.create(
        "virtualmachinewebconsolerequests",
        {
            "kind": "VirtualMachineWebConsoleRequest",
            "metadata": {"name": name},
            "spec": {"name": vm_name, "publicKey": public_pem},
        },
    )
    done = devops.wait(
        "virtualmachinewebconsolerequests",
        name,
        lambda r: bool((r or {}).get("status", {}).get("response")),
        "a response",
    )
    assert done is not None
    plain = key.decrypt(
        base64.b64decode(done["status"]["response"]),
        padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA512()), algorithm=hashes.SHA512(), label=None),
    ).decode()
    assert plain.startswith("wss://") and "/ticket/" in plain
    expiry = datetime.datetime.fromisoformat(done["status"]["expiryTime"].replace("Z", "+00:00"))
    remaining = (expiry - datetime.datetime.now(datetime.UTC)).total_seconds()
    assert 100 < remaining <= 121
    assert done["status"]["proxyAddr"] == "203.0.113.2"
    assert (
        done["metadata"]["labels"]["vmoperator.vmware.com/webconsolerequest-uuid"] == done["metadata"]["uid"]
    )
    assert done["metadata"]["ownerReferences"][0]["uid"] == vm["metadata"]["uid"]
    devops.delete("virtualmachinewebconsolerequests", name)
    devops.delete(VMS, vm_name)


def test_set_resource_policy_creates_pool_folder_and_modules(
    simulator: Any, devops: SimClient, unique: Callable[[str], str]
) -> None:
    plural = "virtualmachinesetresourcepolicies"
    name = unique("tkc")
    devops.create(
        plural,
        {
            "kind": "VirtualMachineSetResourcePolicy",
            "metadata": {"name": name},
            "spec": {
                "resourcePool": {
                    "name": f"{name}-pool",
                    "reservations": {"cpu": "1", "memory": "1Gi"},
                    "limits": {"cpu": "4", "memory": "8Gi"},
                },
                "folder": f"{name}-folder",
                "clusterModuleGroups": ["control-plane", "workers"],
            },
        },
    )
    policy = devops.wait(
        plural,
        name,
        lambda p: len(((p or {}).get("status") or {}).get("clustermodules") or []) == 2,
        "cluster modules",
    )
    assert policy is not None
    assert {m["groupName"] for m in policy["status"]["clustermodules"]} == {"control-plane", "workers"}
    vcenter = simulator.vcenter
    assert vcenter.child(vcenter.namespace_pool(NS), "resourcePool", f"{name}-pool") is not None
    assert vcenter.child(vcenter.namespace_folder(NS), "childEntity", f"{name}-folder") is not None
    devops.delete(plural, name)
    devops.wait(plural, name, lambda p: p is None, "policy deletion")
    assert vcenter.child(vcenter.namespace_pool(NS), "resourcePool", f"{name}-pool") is None


# ------------------------------------------------------------------------------------------ vCenter sync


def test_vcenter_namespace_and_class_appear(
    simulator: Any, admin: SimClient, unique: Callable[[str], str]
) -> None:
    vcenter = simulator.vcenter
    namespace, class_id = unique("team"), unique("xl")
    vcenter.create_vm_class(class_id, 8, 32768, 100)
    library = vcenter.find_library("vmservice-images")
    vcenter.create_namespace(namespace, [class_id], [library["id"]])
    deadline = time.monotonic() + 20
    vm_class = None
    while time.monotonic() < deadline and vm_class is None:
        vm_class = admin.get("virtualmachineclasses", class_id, namespace)
        time.sleep(0.2)
    assert vm_class is not None, "the VM class did not appear"
    assert vm_class["spec"]["hardware"] == {"cpus": 8, "memory": "32Gi"}
    assert vm_class["spec"]["policies"]["resources"]["requests"] == {"cpu": "8000m", "memory": "32Gi"}
    ns = admin.core.read_namespace(namespace)
    assert ns.metadata.labels["vSphereClusterID"] == str(vcenter.cluster._moId)
    images = admin.custom.list_namespaced_custom_object(
        admin.group, admin.version, namespace, "virtualmachineimages"
    )["items"]
    assert sorted(i["status"]["name"] for i in images) == ["photon-5", "ubuntu-22.04", "windows-2022"]
    assert all(condition(i, "Ready")["status"] == "True" for i in images)
    # Removing the namespace in vCenter removes it from the Supervisor.
    vcenter.rest("DELETE", f"/api/vcenter/namespaces/instances/{namespace}")
    deadline = time.monotonic() + 20
    phase = "Active"
    while time.monotonic() < deadline and phase == "Active":
        phase = admin.core.read_namespace(namespace).status.phase
        time.sleep(0.2)
    assert phase == "Terminating"


# ------------------------------------------------------------------------------------------ faults


def test_fault_injection(
    devops: SimClient, faults: Callable[[dict[str, str | None]], None], unique: Callable[[str], str]
) -> None:
    broken, stuck = unique("broken"), unique("stuck")
    faults({"reconcileError": f"{NS}/{broken}", "stuckCondition": f"{NS}/{stuck}:VirtualMachineCreated"})
    devops.create(VMS, vm_body(broken))
    devops.create(VMS, vm_body(stuck))
    failed = devops.wait(
        VMS, broken, lambda v: condition(v, "VirtualMachineCreated").get("status") == "False", "the fault"
    )
    assert condition(failed, "VirtualMachineCreated")["reason"] == "Error"
    assert condition(failed, "VirtualMachineCreated")["message"] == "injected fault"
    held = devops.wait(
        VMS,
        stuck,
        lambda v: condition(v, "VirtualMachineCreated").get("status") == "Unknown",
        "the stuck condition",
    )
    assert not (held or {}).get("status", {}).get("uniqueID")
    time.sleep(1.0)
    assert condition(devops.get(VMS, stuck), "VirtualMachineCreated")["status"] == "Unknown"
    faults({"reconcileError": None, "stuckCondition": None})
    for name in (broken, stuck):
        devops.wait(
            VMS, name, lambda v: condition(v, "VirtualMachineCreated").get("status") == "True", "recovery"
        )
        devops.delete(VMS, name)


def test_survives_an_apiserver_restart(
    simulator: Any, devops: SimClient, unique: Callable[[str], str]
) -> None:
    before = unique("before")
    devops.create(VMS, vm_body(before))
    devops.wait(VMS, before, has_ip, "an IP before the restart")
    simulator.control_plane.restart_apiserver()
    after = unique("after")
    devops.create(VMS, vm_body(after))  # the webhooks still answer
    devops.wait(VMS, after, has_ip, "an IP after the restart")
    devops.delete(VMS, before)
    devops.wait(VMS, before, lambda v: v is None, "deletion after the restart")
    devops.delete(VMS, after)
