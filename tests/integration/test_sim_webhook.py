"""The simulator's VM Operator webhooks (the rules package at 8.0 U3) on the seeded Supervisor: defaults
applied on create and stored, and denials with the message a real Supervisor gives, as the apiserver returns
them to the DevOps user of DIR/kubeconfig. Upstream's own cases run against the simulator in
tests/fidelity/test_sim_corpus.py; these check the seed, the identities and the plumbing around them."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.conftest import NS, SimClient, grant_edit, vm_body

pytestmark = pytest.mark.integration

VMS = "virtualmachines"
MUTATING = (
    'admission webhook "default.mutating.virtualmachine.v1alpha2.vmoperator.vmware.com" denied the request: '
)
VALIDATING = 'admission webhook "default.validating.virtualmachine.v1alpha2.vmoperator.vmware.com" denied the request: '


def denied_by(kind: str) -> str:
    return (
        f'admission webhook "default.validating.{kind}.v1alpha2.vmoperator.vmware.com" denied the request: '
    )


# ------------------------------------------------------------------------------------------ defaults


def test_create_defaults_power_nic_image_and_annotations(
    devops: SimClient, unique: Callable[[str], str]
) -> None:
    name = unique("defaults")
    created = devops.create(VMS, vm_body(name))
    spec = created["spec"]
    assert spec["powerState"] == "PoweredOn"
    # VDS networking: the default interface names the Network kind and leaves the name empty, as VM
    # Operator's PartialObjectRef writes it back.
    assert spec["network"]["interfaces"] == [
        {
            "name": "eth0",
            "network": {"name": "", "kind": "Network", "apiVersion": "netoperator.vmware.com/v1alpha1"},
        }
    ]
    assert spec["imageName"].startswith("vmi-") and len(spec["imageName"]) == 21
    image = devops.get("virtualmachineimages", spec["imageName"])
    assert image is not None and image["status"]["name"] == "ubuntu-22.04"
    annotations = created["metadata"]["annotations"]
    assert annotations["vmoperator.vmware.com/created-at-build-version"]
    assert annotations["vmoperator.vmware.com/created-at-schema-version"] == "v1alpha2"
    assert spec["powerOffMode"] == "TrySoft"  # CRD default, not the webhook
    devops.delete(VMS, name)


def test_no_default_nic_when_disabled_or_annotated(devops: SimClient, unique: Callable[[str], str]) -> None:
    disabled = devops.create(VMS, vm_body(unique("nonet"), network={"disabled": True}))
    assert "interfaces" not in disabled["spec"]["network"]
    body = vm_body(unique("nonic"))
    body["metadata"]["annotations"] = {"vmoperator.vmware.com/no-default-nic": ""}
    annotated = devops.create(VMS, body)
    assert "network" not in annotated["spec"]
    for vm in (disabled, annotated):
        devops.delete(VMS, vm["metadata"]["name"])


def test_interface_network_kind_filled(devops: SimClient, unique: Callable[[str], str]) -> None:
    vm = devops.create(
        VMS,
        vm_body(
            unique("nics"),
            network={"interfaces": [{"name": "eth0", "network": {"name": "primary"}}, {"name": "eth1"}]},
        ),
    )
    interfaces = vm["spec"]["network"]["interfaces"]
    assert [i["network"] for i in interfaces] == [
        {"name": "primary", "kind": "Network", "apiVersion": "netoperator.vmware.com/v1alpha1"},
        {"name": "", "kind": "Network", "apiVersion": "netoperator.vmware.com/v1alpha1"},
    ]
    devops.delete(VMS, vm["metadata"]["name"])


def test_image_resolution_denials(devops: SimClient, admin: SimClient, unique: Callable[[str], str]) -> None:
    message = devops.denial(lambda: devops.create(VMS, vm_body(unique("noimg"), imageName="centos-7")))
    assert message == MUTATING + 'no VM image exists for "centos-7" in namespace or cluster scope'
    # Two images with the same display name in one namespace: ambiguous.
    namespace = unique("amb")
    admin.core.create_namespace({"metadata": {"name": namespace}})
    grant_edit(admin, namespace)  # as a vSphere Namespace's "can edit" permission does
    try:
        for suffix in ("0000000000000000a", "0000000000000000b"):
            image = admin.create(
                "virtualmachineimages",
                {
                    "kind": "VirtualMachineImage",
                    "metadata": {"name": f"vmi-{suffix}"},
                    "spec": {"providerRef": {"apiVersion": "v1", "kind": "ContentLibraryItem", "name": "x"}},
                },
                namespace=namespace,
            )
            admin.custom.patch_namespaced_custom_object_status(
                admin.group,
                admin.version,
                namespace,
                "virtualmachineimages",
                image["metadata"]["name"],
                {"status": {"name": "twin"}},
                _content_type="application/merge-patch+json",
            )
        message = devops.denial(
            lambda: devops.create(VMS, vm_body("vm1", imageName="twin"), namespace=namespace)
        )
        assert message == MUTATING + 'multiple VM images exist for "twin" in namespace scope'
    finally:
        admin.core.delete_namespace(namespace)


# ------------------------------------------------------------------------------------------ create denials


def test_class_and_image_are_required(devops: SimClient, unique: Callable[[str], str]) -> None:
    message = devops.denial(
        lambda: devops.create(VMS, vm_body(unique("req"), className=None, imageName=None))
    )
    assert message == VALIDATING + "spec.imageName: Required value, spec.className: Required value"


def test_suspended_on_create(devops: SimClient, unique: Callable[[str], str]) -> None:
    message = devops.denial(lambda: devops.create(VMS, vm_body(unique("susp"), powerState="Suspended")))
    assert (
        message
        == VALIDATING
        + 'spec.powerState: Invalid value: "Suspended": cannot set a new VM\'s power state to Suspended'
    )


def test_storage_class_must_exist_and_be_assigned(
    devops: SimClient, admin: SimClient, unique: Callable[[str], str]
) -> None:
    from kubernetes import client

    message = devops.denial(lambda: devops.create(VMS, vm_body(unique("sc"), storageClass="gold")))
    assert (
        message == VALIDATING + 'spec.storageClass: Invalid value: "gold": Storage policy gold does not exist'
    )
    storage = client.StorageV1Api(admin.api_client)
    name = unique("silver")
    storage.create_storage_class({"metadata": {"name": name}, "provisioner": "csi.vsphere.vmware.com"})
    try:
        message = devops.denial(lambda: devops.create(VMS, vm_body(unique("sc"), storageClass=name)))
        assert message == VALIDATING + (
            f'spec.storageClass: Invalid value: "{name}": Storage policy is not associated with the namespace {NS}'
        )
    finally:
        storage.delete_storage_class(name)


def test_readiness_probe_and_volume_rules(devops: SimClient, unique: Callable[[str], str]) -> None:
    body = vm_body(
        unique("probe"),
        readinessProbe={"tcpSocket": {"port": 22}, "guestHeartbeat": {"thresholdStatus": "green"}},
        volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data", "readOnly": True}}],
    )
    message = devops.denial(lambda: devops.create(VMS, body))
    assert message == VALIDATING + (
        'spec.volumes[0].persistentVolumeClaim.readOnly: Unsupported value: true: supported values: "false", '
        "spec.readinessProbe: Forbidden: only one action can be specified"
    )


def test_bootstrap_providers_are_exclusive(devops: SimClient, unique: Callable[[str], str]) -> None:
    body = vm_body(
        unique("boot"),
        bootstrap={"cloudInit": {"rawCloudConfig": {"name": "s", "key": "k"}}, "linuxPrep": {}},
    )
    message = devops.denial(lambda: devops.create(VMS, body))
    assert message == VALIDATING + (
        "spec.bootstrap.cloudInit: Forbidden: CloudInit may not be used with any other bootstrap provider, "
        "spec.bootstrap.linuxPrep: Forbidden: LinuxPrep may not be used with either CloudInit or Sysprep bootstrap providers"
    )


def test_unknown_zone_and_schema_enum(devops: SimClient, unique: Callable[[str], str]) -> None:
    body = vm_body(unique("zone"))
    body["metadata"]["labels"] = {"topology.kubernetes.io/zone": "zone-x"}
    message = devops.denial(lambda: devops.create(VMS, body))
    assert message == VALIDATING + (
        'metadata.labels[topology.kubernetes.io/zone]: Invalid value: "zone-x": '
        'availabilityzones.topology.tanzu.vmware.com "zone-x" not found'
    )
    message = devops.denial(lambda: devops.create(VMS, vm_body(unique("enum"), powerState="On")))
    assert 'spec.powerState: Unsupported value: "On"' in message  # the CRD schema, before any webhook


# ------------------------------------------------------------------------------------------ update denials


@pytest.fixture
def live_vm(devops: SimClient, unique: Callable[[str], str]) -> Any:
    name = unique("upd")
    created = devops.create(VMS, vm_body(name, bootstrap={"linuxPrep": {"timeZone": "UTC"}}))
    yield created
    devops.delete(VMS, name)


def test_immutable_fields(devops: SimClient, live_vm: dict[str, Any]) -> None:
    name = live_vm["metadata"]["name"]
    message = devops.denial(
        lambda: devops.patch(
            VMS,
            name,
            {
                "spec": {
                    "className": "best-effort-large",
                    "imageName": "vmi-0123456789abcdef0",
                    "storageClass": "other",
                }
            },
        )
    )
    image = live_vm["spec"]["imageName"]
    assert message == VALIDATING + (
        'spec.imageName: Invalid value: "vmi-0123456789abcdef0": field is immutable, '
        'spec.className: Invalid value: "best-effort-large": field is immutable, '
        'spec.storageClass: Invalid value: "other": field is immutable'
    )
    assert image.startswith("vmi-")
    message = devops.denial(
        lambda: devops.patch(VMS, name, {"spec": {"reserved": {"resourcePolicyName": "rp"}}})
    )
    assert message == VALIDATING + 'spec.reserved.resourcePolicyName: Invalid value: "rp": field is immutable'


def test_network_interfaces_are_immutable(devops: SimClient, live_vm: dict[str, Any]) -> None:
    name = live_vm["metadata"]["name"]
    interfaces = live_vm["spec"]["network"]["interfaces"]
    added = [*interfaces, {"name": "eth1", "network": interfaces[0]["network"]}]
    message = devops.denial(lambda: devops.patch(VMS, name, {"spec": {"network": {"interfaces": added}}}))
    assert (
        message
        == VALIDATING + "spec.network.interfaces: Forbidden: network interfaces cannot be added or removed"
    )
    renamed = [{"name": "eth7", "network": {"name": "other"}}]
    message = devops.denial(lambda: devops.patch(VMS, name, {"spec": {"network": {"interfaces": renamed}}}))
    assert message == VALIDATING + (
        "spec.network.interfaces[0].name: Forbidden: field is immutable, "
        "spec.network.interfaces[0].network: Forbidden: field is immutable"
    )


def test_power_state_rules(devops: SimClient, live_vm: dict[str, Any]) -> None:
    name = live_vm["metadata"]["name"]
    # "" itself fails the CRD's enum first; removing the field reaches the webhook rule.
    message = devops.denial(lambda: devops.patch(VMS, name, {"spec": {"powerState": None}}))
    assert (
        message == VALIDATING + 'spec.powerState: Invalid value: "": cannot set power state to empty string'
    )
    message = devops.denial(
        lambda: devops.patch(VMS, name, {"spec": {"bootstrap": {"linuxPrep": {"timeZone": "CET"}}}})
    )
    assert (
        message
        == VALIDATING + "spec.bootstrap: Forbidden: updates to this field is not allowed when VM power is on"
    )
    # Powering off in the same request makes the bootstrap change acceptable.
    devops.patch(
        VMS, name, {"spec": {"powerState": "PoweredOff", "bootstrap": {"linuxPrep": {"timeZone": "CET"}}}}
    )
    message = devops.denial(lambda: devops.patch(VMS, name, {"spec": {"powerState": "Suspended"}}))
    assert (
        message
        == VALIDATING + 'spec.powerState: Invalid value: "Suspended": cannot suspend a VM that is powered off'
    )
    message = devops.denial(lambda: devops.patch(VMS, name, {"spec": {"nextRestartTime": "now"}}))
    assert message == MUTATING + 'spec.nextRestartTime: Invalid value: "now": can only restart powered on vm'


def test_next_restart_time(devops: SimClient, live_vm: dict[str, Any]) -> None:
    name = live_vm["metadata"]["name"]
    patched = devops.patch(VMS, name, {"spec": {"nextRestartTime": "NOW"}})
    stamp = patched["spec"]["nextRestartTime"]
    assert stamp.endswith("Z") and stamp[:4].isdigit() and "T" in stamp
    message = devops.denial(lambda: devops.patch(VMS, name, {"spec": {"nextRestartTime": "tomorrow"}}))
    assert message == MUTATING + 'spec.nextRestartTime: Invalid value: "tomorrow": may only be set to "now"'
    # An update without the field keeps the last restart time.
    again = devops.patch(VMS, name, {"metadata": {"labels": {"team": "web"}}})
    assert again["spec"]["nextRestartTime"] == stamp


def test_zone_label_and_system_annotations(
    devops: SimClient, admin: SimClient, live_vm: dict[str, Any]
) -> None:
    name = live_vm["metadata"]["name"]
    zoned = devops.wait(
        VMS,
        name,
        lambda vm: bool(
            ((vm or {}).get("metadata", {}).get("labels") or {}).get("topology.kubernetes.io/zone")
        ),
        "placement",
    )
    assert zoned is not None
    zone = zoned["metadata"]["labels"]["topology.kubernetes.io/zone"]
    other = "zone-b" if zone != "zone-b" else "zone-c"
    message = devops.denial(
        lambda: devops.patch(VMS, name, {"metadata": {"labels": {"topology.kubernetes.io/zone": other}}})
    )
    assert (
        message
        == VALIDATING
        + f'metadata.labels[topology.kubernetes.io/zone]: Invalid value: "{other}": field is immutable'
    )
    key = "vmoperator.vmware.com/created-at-build-version"
    message = devops.denial(lambda: devops.patch(VMS, name, {"metadata": {"annotations": {key: "v0"}}}))
    assert (
        message
        == VALIDATING
        + f"metadata.annotations.{key}: Forbidden: modifying this annotation is not allowed for non-admin users"
    )
    admin.patch(VMS, name, {"metadata": {"annotations": {key: "v0"}}})  # privileged users may


# ------------------------------------------------------------------------------------------ other kinds


def test_virtual_machine_service_rules(devops: SimClient, unique: Callable[[str], str]) -> None:
    prefix = denied_by("virtualmachineservice")
    message = devops.denial(
        lambda: devops.create(
            "virtualmachineservices",
            {
                "kind": "VirtualMachineService",
                "metadata": {"name": unique("svc")},
                "spec": {"type": "LoadBalancer"},
            },
        )
    )
    assert message == prefix + "spec.ports: Required value"
    two_ports = [
        {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 80},
        {"name": "alt", "protocol": "TCP", "port": 80, "targetPort": 8080},
    ]
    message = devops.denial(
        lambda: devops.create(
            "virtualmachineservices",
            {
                "kind": "VirtualMachineService",
                "metadata": {"name": unique("svc")},
                "spec": {"type": "ClusterIP", "ports": two_ports},
            },
        )
    )
    assert message == prefix + (
        'spec.ports[1]: Duplicate value: v1alpha2.VirtualMachineServicePort{Name:"", Protocol:"TCP", Port:80, TargetPort:0}'
    )
    name = unique("svc")
    devops.create(
        "virtualmachineservices",
        {
            "kind": "VirtualMachineService",
            "metadata": {"name": name},
            "spec": {"type": "ClusterIP", "ports": two_ports[:1]},
        },
    )
    message = devops.denial(
        lambda: devops.patch("virtualmachineservices", name, {"spec": {"type": "LoadBalancer"}})
    )
    assert message == prefix + "spec.type: Forbidden: field is immutable"
    devops.patch(
        "virtualmachineservices",
        name,
        {"spec": {"ports": [{"name": "http", "protocol": "TCP", "port": 8080, "targetPort": 80}]}},
    )
    devops.delete("virtualmachineservices", name)


def test_publish_request_rules(devops: SimClient, unique: Callable[[str], str]) -> None:
    prefix = denied_by("virtualmachinepublishrequest")
    plural = "virtualmachinepublishrequests"
    body = {
        "kind": "VirtualMachinePublishRequest",
        "metadata": {"name": unique("pub")},
        "spec": {"target": {"location": {}}},
    }
    message = devops.denial(lambda: devops.create(plural, body))
    assert message == prefix + "spec.target.location.name: Required value"  # the CRD defaults kind/apiVersion
    name = unique("pub")
    devops.create(
        plural,
        {
            "kind": "VirtualMachinePublishRequest",
            "metadata": {"name": name},
            "spec": {
                "source": {"name": "no-such-vm"},
                "target": {"location": {"name": "vmservice-published"}},
            },
        },
    )
    message = devops.denial(lambda: devops.patch(plural, name, {"spec": {"source": {"name": "other"}}}))
    assert message.startswith(
        prefix + 'spec.source: Invalid value: v1alpha2.VirtualMachinePublishRequestSource{Name:"other"'
    )
    assert message.endswith(": field is immutable")
    devops.delete(plural, name)


def rsa_public_pem(pkcs1: bool = True) -> tuple[Any, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fmt = serialization.PublicFormat.PKCS1 if pkcs1 else serialization.PublicFormat.SubjectPublicKeyInfo
    der = key.public_key().public_bytes(serialization.Encoding.DER, fmt)
    body = base64.encodebytes(der).decode()
    return key, f"-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n"


def test_web_console_public_key(devops: SimClient, unique: Callable[[str], str]) -> None:
    prefix = denied_by("virtualmachinewebconsolerequest")
    plural = "virtualmachinewebconsolerequests"

    def request(key: str) -> dict[str, Any]:
        return {
            "kind": "VirtualMachineWebConsoleRequest",
            "metadata": {"name": unique("wcr")},
            "spec": {"name": "vm", "publicKey": key},
        }

    message = devops.denial(lambda: devops.create(plural, request("ssh-rsa AAAA")))
    assert message == prefix + 'spec.publicKey: Invalid value: "": invalid public key format'
    _, spki = rsa_public_pem(pkcs1=False)
    message = devops.denial(lambda: devops.create(plural, request(spki)))
    assert message == prefix + 'spec.publicKey: Invalid value: "": invalid public key'
    _, pkcs1 = rsa_public_pem()
    created = devops.create(plural, request(pkcs1))
    other = rsa_public_pem()[1]
    message = devops.denial(
        lambda: devops.patch(plural, created["metadata"]["name"], {"spec": {"publicKey": other}})
    )
    assert message.startswith(prefix + "spec.publicKey: Invalid value: ") and message.endswith(
        "field is immutable"
    )
    devops.delete(plural, created["metadata"]["name"])


def test_set_resource_policy_rules(devops: SimClient, unique: Callable[[str], str]) -> None:
    prefix = denied_by("virtualmachinesetresourcepolicy")
    plural = "virtualmachinesetresourcepolicies"
    message = devops.denial(
        lambda: devops.create(
            plural,
            {
                "kind": "VirtualMachineSetResourcePolicy",
                "metadata": {"name": unique("rp")},
                "spec": {"resourcePool": {"name": "p", "reservations": {"cpu": "4"}, "limits": {"cpu": "2"}}},
            },
        )
    )
    assert (
        message
        == prefix
        + 'spec.resourcepool.reservations.cpu: Invalid value: "4": reservation value cannot exceed the limit value'
    )
    name = unique("rp")
    devops.create(
        plural,
        {"kind": "VirtualMachineSetResourcePolicy", "metadata": {"name": name}, "spec": {"folder": "f1"}},
    )
    message = devops.denial(lambda: devops.patch(plural, name, {"spec": {"folder": "f2"}}))
    assert message == prefix + 'spec.folder: Invalid value: "f2": field is immutable'
    devops.delete(plural, name)
