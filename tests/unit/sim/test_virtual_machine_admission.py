"""VM Operator's VirtualMachine webhooks (8.0 U3 rules, 9.1 differences), run on plain dicts."""

from __future__ import annotations

from typing import Any

import pytest
from vmservice_sim import capabilities
from vmservice_sim.admission import Verdict
from vmservice_sim.kinds.virtualmachine.mutation import mutate
from vmservice_sim.kinds.virtualmachine.validation import validate
from vmservice_sim.kube import CONFIG_MAP, RESOURCE_QUOTA, STORAGE_CLASS, VmopKinds
from vmservice_sim.registry import AdmissionRequest

from tests.unit.sim.fakes import ADMIN, NS, FakeCluster, changed, request

KINDS = VmopKinds.for_version("v1alpha2")
IMAGE = "vmi-0123456789abcdef0"
ZONE = "topology.kubernetes.io/zone"


def vm(**spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "vmoperator.vmware.com/v1alpha2",
        "kind": "VirtualMachine",
        "metadata": {"name": "web-1", "namespace": NS},
        "spec": {"className": "best-effort-small", "imageName": IMAGE, "powerState": "PoweredOn"},
    }
    return changed(body, **spec)


def denial(verdict: Verdict) -> str:
    assert not verdict.allowed
    return verdict.reason if verdict.code == 422 else verdict.message


def mutated(admission: AdmissionRequest) -> dict[str, Any]:
    """The object after the mutating webhook's JSON patch (which only adds whole sections)."""
    verdict = mutate(admission)
    assert verdict.allowed, verdict.message
    obj = admission.object
    result = {**obj, "metadata": dict(obj.get("metadata") or {})}
    for op in verdict.patch or []:
        assert op["op"] == "add"
        if op["path"] == "/spec":
            result["spec"] = op["value"]
        else:
            result["metadata"][op["path"].rsplit("/", 1)[1]] = op["value"]
    return result


def cluster_with_images(*display_names: tuple[str, str]) -> FakeCluster:
    cluster = FakeCluster()
    for name, display in display_names:
        cluster.add(KINDS.image, {"metadata": {"name": name, "namespace": NS}, "status": {"name": display}})
    return cluster


# ------------------------------------------------------------------------------------------ mutation


def test_create_defaults_power_state_nic_annotations_and_resolves_the_image_name() -> None:
    cluster = cluster_with_images((IMAGE, "ubuntu-22.04"))
    created = mutated(request(vm(imageName="ubuntu-22.04", powerState=None), cluster=cluster))
    spec = created["spec"]
    assert spec["powerState"] == "PoweredOn" and spec["imageName"] == IMAGE
    assert spec["network"]["interfaces"] == [
        {
            "name": "eth0",
            "network": {
                "name": "primary",
                "kind": "Network",
                "apiVersion": "netoperator.vmware.com/v1alpha1",
            },
        }
    ]
    annotations = created["metadata"]["annotations"]
    assert annotations["vmoperator.vmware.com/created-at-schema-version"] == "v1alpha2"
    assert annotations["vmoperator.vmware.com/created-at-build-version"] == "v1.8.6-vmservice-sim"
    assert "image" not in spec and "biosUUID" not in spec  # 9.1 only


def test_91_defaults_image_reference_and_identity() -> None:
    cluster = cluster_with_images((IMAGE, "ubuntu-22.04"))
    body = vm(
        imageName="ubuntu-22.04", bootstrap={"cloudInit": {"rawCloudConfig": {"name": "s", "key": "k"}}}
    )
    spec = mutated(request(body, cluster=cluster, api_release="9.1"))["spec"]
    assert spec["image"] == {"kind": "VirtualMachineImage", "name": IMAGE}
    assert spec["instanceUUID"] and spec["biosUUID"]
    assert spec["bootstrap"]["cloudInit"]["instanceID"] == spec["biosUUID"]


def test_no_default_nic_when_disabled_or_annotated() -> None:
    disabled = mutated(request(vm(network={"disabled": True})))
    assert "interfaces" not in disabled["spec"]["network"]
    annotated = vm()
    annotated["metadata"]["annotations"] = {"vmoperator.vmware.com/no-default-nic": ""}
    assert "network" not in mutated(request(annotated))["spec"]


def test_image_resolution_denials() -> None:
    assert (
        denial(mutate(request(vm(imageName="centos-7"), cluster=cluster_with_images())))
        == 'no VM image exists for "centos-7" in namespace or cluster scope'
    )
    twins = cluster_with_images(("vmi-000000000000000a", "twin"), ("vmi-000000000000000b", "twin"))
    assert (
        denial(mutate(request(vm(imageName="twin"), cluster=twins)))
        == 'multiple VM images exist for "twin" in namespace scope'
    )
    both = cluster_with_images(("vmi-000000000000000a", "twin"))
    both.add(KINDS.cluster_image, {"metadata": {"name": "vmi-000000000000000c"}, "status": {"name": "twin"}})
    assert (
        denial(mutate(request(vm(imageName="twin"), cluster=both)))
        == 'multiple VM images exist for "twin" in namespace and cluster scope'
    )


def test_next_restart_time_now() -> None:
    old = vm()
    stamp = mutated(request(vm(nextRestartTime="NOW"), old))["spec"]["nextRestartTime"]
    assert stamp.endswith("Z") and stamp[:4].isdigit() and "T" in stamp
    off = vm(powerState="PoweredOff")
    assert (
        denial(mutate(request(changed(off, nextRestartTime="now"), off)))
        == 'spec.nextRestartTime: Invalid value: "now": can only restart powered on vm'
    )
    assert (
        denial(mutate(request(vm(nextRestartTime="tomorrow"), old)))
        == 'spec.nextRestartTime: Invalid value: "tomorrow": may only be set to "now"'
    )
    restarted = vm(nextRestartTime="2025-01-01T00:00:00Z")
    kept = mutated(request(vm(), restarted))
    assert kept["spec"]["nextRestartTime"] == "2025-01-01T00:00:00Z"


# ------------------------------------------------------------------------------------------ create rules


def test_class_and_image_are_required() -> None:
    verdict = validate(request(vm(className=None, imageName=None)))
    assert verdict.code == 422
    assert denial(verdict) == "spec.imageName: Required value, spec.className: Required value"
    assert validate(request(vm())).allowed


def test_91_accepts_an_image_reference_instead_of_a_name() -> None:
    assert validate(
        request(vm(imageName=None, image={"kind": "VirtualMachineImage", "name": IMAGE}), api_release="9.1")
    ).allowed


def test_suspended_and_restart_on_create() -> None:
    assert (
        denial(validate(request(vm(powerState="Suspended"))))
        == 'spec.powerState: Invalid value: "Suspended": cannot set a new VM\'s power state to Suspended'
    )
    assert (
        denial(validate(request(vm(nextRestartTime="now"))))
        == 'spec.nextRestartTime: Invalid value: "now": cannot restart VM on create'
    )


def test_storage_class_must_be_assigned_to_the_namespace() -> None:
    message = (
        'spec.storageClass: Invalid value: "gold": Storage policy is not associated with the namespace dev'
    )
    assert denial(validate(request(vm(storageClass="gold")))) == message
    cluster = FakeCluster().add(STORAGE_CLASS, {"metadata": {"name": "gold"}})
    assert denial(validate(request(vm(storageClass="gold"), cluster=cluster))) == message
    cluster.add(
        RESOURCE_QUOTA,
        {
            "metadata": {"name": "quota", "namespace": NS},
            "spec": {"hard": {"gold.storageclass.storage.k8s.io/requests.storage": "1Ti"}},
        },
    )
    assert validate(request(vm(storageClass="gold"), cluster=cluster)).allowed


def test_unknown_zone() -> None:
    body = vm()
    body["metadata"]["labels"] = {ZONE: "zone-x"}
    assert denial(validate(request(body))) == (
        'metadata.labels[topology.kubernetes.io/zone]: Invalid value: "zone-x": '
        'availabilityzones.topology.tanzu.vmware.com "zone-x" not found'
    )
    body["metadata"]["labels"] = {ZONE: "zone-b"}
    assert validate(request(body)).allowed


@pytest.mark.parametrize(
    ("bootstrap", "message"),
    [
        (
            {"cloudInit": {"rawCloudConfig": {"name": "s", "key": "k"}}, "linuxPrep": {}},
            "spec.bootstrap.cloudInit: Forbidden: CloudInit may not be used with any other bootstrap provider, "
            "spec.bootstrap.linuxPrep: Forbidden: LinuxPrep may not be used with either CloudInit or Sysprep "
            "bootstrap providers",
        ),
        (
            {"sysprep": {}},
            'spec.bootstrap.sysprep: Invalid value: "sysPrep": either sysprep or rawSysprep must be provided',
        ),
        (
            {"cloudInit": {"cloudConfig": {"runcmd": [1]}}},
            "spec.bootstrap.cloudInit.cloudConfig.runcmds[0]: Invalid value: 1: "
            "value must be a string or list of strings",
        ),
        (
            {"vAppConfig": {"properties": [{"value": {"value": "x"}}]}},
            'spec.bootstrap.vAppConfig.properties.key: Invalid value: "key": '
            "key is a required field in vAppConfig Properties",
        ),
    ],
)
def test_bootstrap_rules(bootstrap: dict[str, Any], message: str) -> None:
    assert denial(validate(request(vm(bootstrap=bootstrap)))) == message


def test_interface_rules() -> None:
    interface = {"name": "eth0", "network": {"name": "primary"}, "addresses": ["10.0.0.5/24"], "dhcp4": True}
    assert denial(validate(request(vm(network={"interfaces": [interface]})))) == (
        'spec.network.interfaces[0].dhcp4: Invalid value: "10.0.0.5/24": '
        "dhcp4 cannot be used with IPv4 addresses in addresses field"
    )
    gateway_only = {"name": "eth0", "gateway4": "10.0.0.1"}
    assert denial(validate(request(vm(network={"interfaces": [gateway_only]})))) == (
        'spec.network.interfaces[0].gateway4: Invalid value: "10.0.0.1": '
        "gateway4 must have an IPv4 address in the addresses field"
    )
    with_mtu = {"name": "eth0", "mtu": 9000}
    assert denial(validate(request(vm(network={"interfaces": [with_mtu]})))) == (
        "spec.network.interfaces[0].mtu: Invalid value: 9000: "
        "mtu is available only with the following bootstrap providers: CloudInit"
    )
    cloud_init = {"cloudInit": {"rawCloudConfig": {"name": "s", "key": "k"}}}
    assert validate(request(vm(network={"interfaces": [with_mtu]}, bootstrap=cloud_init))).allowed


def test_volume_and_readiness_probe_rules() -> None:
    body = vm(
        readinessProbe={"tcpSocket": {"port": 22}, "guestHeartbeat": {"thresholdStatus": "green"}},
        volumes=[
            {"name": "data", "persistentVolumeClaim": {"claimName": "data", "readOnly": True}},
            {"name": "data", "persistentVolumeClaim": {"claimName": "more"}},
        ],
    )
    assert denial(validate(request(body))) == (
        'spec.volumes[0].persistentVolumeClaim.readOnly: Unsupported value: true: supported values: "false", '
        'spec.volumes[1].name: Duplicate value: "data", '
        "spec.readinessProbe: Forbidden: only one action can be specified"
    )


def test_boot_disk_capacity_must_be_whole_megabytes() -> None:
    assert denial(validate(request(vm(advanced={"bootDiskCapacity": "1000k"})))) == (
        "spec.advanced.bootDiskCapacity: Invalid value: 1000000: value must be a multiple of MB"
    )
    assert validate(request(vm(advanced={"bootDiskCapacity": "20Gi"}))).allowed


# ------------------------------------------------------------------------------------------ update rules


def test_image_class_and_storage_class_are_immutable() -> None:
    old = vm(storageClass="gold")
    new = vm(className="best-effort-large", imageName="vmi-00000000000000001", storageClass="other")
    expected_class = 'spec.className: Invalid value: "best-effort-large": field is immutable, '
    assert denial(validate(request(new, old))) == (
        'spec.imageName: Invalid value: "vmi-00000000000000001": field is immutable, '
        + expected_class
        + 'spec.storageClass: Invalid value: "other": field is immutable'
    )
    assert expected_class not in denial(validate(request(new, old, api_release="9.1")))  # resize on 9.1
    assert validate(request(vm(storageClass="gold"), old)).allowed


def test_network_interfaces_cannot_be_added_removed_or_renamed() -> None:
    eth0 = {"name": "eth0", "network": {"name": "primary", "kind": "Network"}}
    old = vm(network={"interfaces": [eth0]})
    added = vm(network={"interfaces": [eth0, {**eth0, "name": "eth1"}]})
    assert (
        denial(validate(request(added, old)))
        == "spec.network.interfaces: Forbidden: network interfaces cannot be added or removed"
    )
    renamed = vm(network={"interfaces": [{"name": "eth7", "network": {"name": "other"}}]})
    assert denial(validate(request(renamed, old))) == (
        "spec.network.interfaces[0].name: Forbidden: field is immutable, "
        "spec.network.interfaces[0].network: Forbidden: field is immutable"
    )


def capability_map(**states: bool) -> FakeCluster:
    """A cluster whose `kube-system/wcp-cluster-capabilities` ConfigMap has `states`."""
    return FakeCluster().add(CONFIG_MAP, capabilities.config_map(states))


def test_class_changes_follow_the_vm_resize_capability() -> None:
    old, new = vm(), vm(className="best-effort-large")
    immutable = 'spec.className: Invalid value: "best-effort-large": field is immutable'
    off, on = capability_map(VMResize=False), capability_map(VMResize=True)
    assert denial(validate(request(new, old, cluster=off, api_release="9.1"))) == immutable
    assert validate(request(new, old, cluster=on, api_release="8.0u3")).allowed
    # Without the ConfigMap the release decides: 9.1 resizes, 8.0 U3 does not.
    assert validate(request(new, old, api_release="9.1")).allowed
    assert denial(validate(request(new, old))) == immutable


def test_interfaces_change_where_the_mutable_networks_capability_is_on() -> None:
    eth0 = {"name": "eth0", "network": {"name": "primary", "kind": "Network"}}
    old = vm(network={"interfaces": [eth0]})
    added = vm(network={"interfaces": [eth0, {**eth0, "name": "eth1"}]})
    renamed = vm(network={"interfaces": [{"name": "eth7", "network": {"name": "other"}}]})
    mutable = capability_map(MutableNetworks=True)
    assert validate(request(added, old, cluster=mutable, api_release="9.1")).allowed
    assert validate(request(renamed, old, cluster=mutable, api_release="9.1")).allowed
    fixed = capability_map(MutableNetworks=False)
    assert "cannot be added or removed" in denial(validate(request(added, old, cluster=fixed)))


def test_capability_flags_and_release_defaults() -> None:
    assert capabilities.parse_flag("VMResize=off") == ("VMResize", False)
    with pytest.raises(ValueError, match="known: VMResize, MutableNetworks"):
        capabilities.parse_flag("Resize=on")
    with pytest.raises(ValueError, match="NAME=on"):
        capabilities.parse_flag("VMResize")
    assert capabilities.resolve("8.0u3", {})["VMResize"] is False
    states = capabilities.resolve("9.1", {"MutableNetworks": False})
    assert states["VMResize"] and not states["MutableNetworks"]
    data = capabilities.config_map(states)["data"]
    assert data == {
        **data,
        "FSS_WCP_VMSERVICE_RESIZE": "true",
        "supports_VM_service_mutable_networks": "false",
    }


def test_power_state_rules() -> None:
    linux = {"linuxPrep": {"timeZone": "UTC"}}
    on = vm(bootstrap=linux)
    assert (
        denial(validate(request(vm(bootstrap=linux, powerState=None), on)))
        == 'spec.powerState: Invalid value: "": cannot set power state to empty string'
    )
    cet = {"linuxPrep": {"timeZone": "CET"}}
    assert (
        denial(validate(request(vm(bootstrap=cet), on)))
        == "spec.bootstrap: Forbidden: updates to this field is not allowed when VM power is on"
    )
    assert validate(request(vm(bootstrap=cet, powerState="PoweredOff"), on)).allowed
    off = vm(bootstrap=cet, powerState="PoweredOff")
    assert (
        denial(validate(request(vm(bootstrap=cet, powerState="Suspended"), off)))
        == 'spec.powerState: Invalid value: "Suspended": cannot suspend a VM that is powered off'
    )


def test_hardware_version_changes_need_power_off_and_never_go_down() -> None:
    old = vm(minHardwareVersion=17)
    assert (
        denial(validate(request(vm(minHardwareVersion=15), old)))
        == "spec.minHardwareVersion: Invalid value: 15: cannot downgrade hardware version"
    )
    assert (
        denial(validate(request(vm(minHardwareVersion=19), old)))
        == "spec.minHardwareVersion: Invalid value: 19: cannot upgrade hardware version unless powered off"
    )
    assert validate(request(vm(minHardwareVersion=19, powerState="PoweredOff"), old)).allowed


def test_zone_label_is_immutable_and_system_annotations_are_for_admins() -> None:
    old = vm()
    old["metadata"]["labels"] = {ZONE: "zone-a"}
    moved = vm()
    moved["metadata"]["labels"] = {ZONE: "zone-b"}
    assert (
        denial(validate(request(moved, old)))
        == 'metadata.labels[topology.kubernetes.io/zone]: Invalid value: "zone-b": field is immutable'
    )
    key = "vmoperator.vmware.com/created-at-build-version"
    annotated = vm()
    annotated["metadata"]["annotations"] = {key: "v0"}
    assert denial(validate(request(annotated, vm()))) == (
        f"metadata.annotations.{key}: Forbidden: modifying this annotation is not allowed for non-admin users"
    )
    assert validate(request(annotated, vm(), user=ADMIN)).allowed


def test_an_object_being_deleted_is_always_admitted() -> None:
    deleting = vm(className="best-effort-large")
    deleting["metadata"]["deletionTimestamp"] = "2025-01-01T00:00:00Z"
    assert validate(request(deleting, vm())).allowed
