"""VM Operator's validation webhooks of VirtualMachineService, VirtualMachinePublishRequest,
VirtualMachineWebConsoleRequest and VirtualMachineSetResourcePolicy, run on plain dicts."""

from __future__ import annotations

import base64
from typing import Any

from vmservice_sim.admission import Verdict
from vmservice_sim.kinds.virtualmachinepublishrequest import validate as validate_publish
from vmservice_sim.kinds.virtualmachineservice import validate as validate_service
from vmservice_sim.kinds.virtualmachinesetresourcepolicy import validate as validate_policy
from vmservice_sim.kinds.virtualmachinewebconsolerequest import validate as validate_console

from tests.unit.sim.fakes import changed, request


def denial(verdict: Verdict) -> str:
    assert not verdict.allowed and verdict.code == 422
    return verdict.reason


def obj(kind: str, metadata_name: str = "x", **spec: Any) -> dict[str, Any]:
    return changed({"kind": kind, "metadata": {"name": metadata_name}, "spec": {}}, **spec)


# ------------------------------------------------------------------------------------------ service

HTTP = {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 80}


def service(**spec: Any) -> dict[str, Any]:
    return obj("VirtualMachineService", "web", **spec)


def test_service_needs_ports_and_unique_port_protocol_pairs() -> None:
    assert denial(validate_service(request(service(type="LoadBalancer")))) == "spec.ports: Required value"
    alt = {"name": "alt", "protocol": "TCP", "port": 80, "targetPort": 8080}
    assert denial(validate_service(request(service(type="ClusterIP", ports=[HTTP, alt])))) == (
        "spec.ports[1]: Duplicate value: "
        'v1alpha2.VirtualMachineServicePort{Name:"", Protocol:"TCP", Port:80, TargetPort:0}'
    )
    assert validate_service(request(service(type="ClusterIP", ports=[HTTP]))).allowed


def test_service_name_type_and_source_ranges() -> None:
    bad_name = obj("VirtualMachineService", "9web", type="ClusterIP", ports=[HTTP])
    assert denial(validate_service(request(bad_name))).startswith(
        'metadata.name: Invalid value: "9web": a DNS-1035 label must consist of'
    )
    assert denial(validate_service(request(service(type="NodePort", ports=[HTTP])))) == (
        'spec.type: Unsupported value: "NodePort": supported values: "ClusterIP", "ExternalName", "LoadBalancer"'
    )
    ranges = service(type="ClusterIP", ports=[HTTP], loadBalancerSourceRanges=["10.0.0.0/8"])
    assert denial(validate_service(request(ranges))) == (
        "spec.loadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"
    )


def test_service_type_and_cluster_ip_are_immutable() -> None:
    old = service(type="ClusterIP", ports=[HTTP])
    assert (
        denial(validate_service(request(changed(old, type="LoadBalancer"), old)))
        == "spec.type: Forbidden: field is immutable"
    )
    moved_port = changed(old, ports=[{**HTTP, "port": 8080}])
    assert validate_service(request(moved_port, old)).allowed


# ------------------------------------------------------------------------------------------ publish request

LOCATION = {
    "name": "vmservice-published",
    "apiVersion": "imageregistry.vmware.com/v1alpha1",
    "kind": "ContentLibrary",
}


def test_publish_request_target_location() -> None:
    empty = obj("VirtualMachinePublishRequest", target={"location": {}})
    assert denial(validate_publish(request(empty))) == (
        "spec.target.location.name: Required value, "
        'spec.target.location.apiVersion: Unsupported value: "": supported values: '
        '"imageregistry.vmware.com/v1alpha1", "", '
        'spec.target.location.kind: Unsupported value: "": supported values: "ContentLibrary", ""'
    )
    good = obj("VirtualMachinePublishRequest", source={"name": "web-1"}, target={"location": LOCATION})
    assert validate_publish(request(good)).allowed


def test_publish_request_source_api_version_follows_the_release() -> None:
    body = obj(
        "VirtualMachinePublishRequest",
        source={"name": "web-1", "apiVersion": "vmoperator.vmware.com/v1alpha5"},
        target={"location": LOCATION},
    )
    assert denial(validate_publish(request(body))).startswith(
        'spec.source.apiVersion: Unsupported value: "vmoperator.vmware.com/v1alpha5"'
    )
    assert validate_publish(request(body, api_release="9.1")).allowed


def test_publish_request_source_and_target_are_immutable() -> None:
    old = obj("VirtualMachinePublishRequest", source={"name": "web-1"}, target={"location": LOCATION})
    message = denial(validate_publish(request(changed(old, source={"name": "other"}), old)))
    assert message.startswith(
        'spec.source: Invalid value: v1alpha2.VirtualMachinePublishRequestSource{Name:"other"'
    )
    assert message.endswith(": field is immutable")


# ------------------------------------------------------------------------------------------ web console


def rsa_public_pem(pkcs1: bool) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fmt = serialization.PublicFormat.PKCS1 if pkcs1 else serialization.PublicFormat.SubjectPublicKeyInfo
    der = key.public_key().public_bytes(serialization.Encoding.DER, fmt)
    return f"-----BEGIN PUBLIC KEY-----\n{base64.encodebytes(der).decode()}-----END PUBLIC KEY-----\n"


def console(key: str, **spec: Any) -> dict[str, Any]:
    return obj("VirtualMachineWebConsoleRequest", "console-1", name="web-1", publicKey=key, **spec)


def test_web_console_wants_a_pkcs1_key_in_a_public_key_block() -> None:
    assert (
        denial(validate_console(request(console("ssh-rsa AAAA"))))
        == 'spec.publicKey: Invalid value: "": invalid public key format'
    )
    assert (
        denial(validate_console(request(console(rsa_public_pem(pkcs1=False)))))
        == 'spec.publicKey: Invalid value: "": invalid public key'
    )
    assert validate_console(request(console(rsa_public_pem(pkcs1=True)))).allowed
    assert denial(validate_console(request(obj("VirtualMachineWebConsoleRequest")))) == (
        "spec.Name: Required value, spec.publicKey: Required value"
    )


def test_web_console_key_and_uuid_label_are_immutable() -> None:
    old = console(rsa_public_pem(pkcs1=True))
    old["metadata"]["labels"] = {"vmoperator.vmware.com/webconsolerequest-uuid": "u-1"}
    new = changed(old, publicKey="other")
    new["metadata"]["labels"] = {}
    assert denial(validate_console(request(new, old))) == (
        'spec.publicKey: Invalid value: "other": field is immutable, '
        'metadata.labels[vmoperator.vmware.com/webconsolerequest-uuid]: Invalid value: "": field is immutable'
    )


# ------------------------------------------------------------------------------------------ set resource policy


def test_resource_policy_reservation_within_limit_and_unique_module_groups() -> None:
    body = obj(
        "VirtualMachineSetResourcePolicy",
        resourcePool={"name": "p", "reservations": {"cpu": "4"}, "limits": {"cpu": "2"}},
        clusterModuleGroups=["a", "a"],
    )
    assert denial(validate_policy(request(body))) == (
        'spec.resourcepool.reservations.cpu: Invalid value: "4": reservation value cannot exceed the limit value, '
        'spec.clustermodules[1].clusterModuleGroups: Duplicate value: "a"'
    )
    within = changed(
        body, resourcePool={"name": "p", "reservations": {"memory": "1Gi"}, "limits": {"memory": "2Gi"}}
    )
    assert validate_policy(request(changed(within, clusterModuleGroups=["a", "b"]))).allowed


def test_resource_policy_is_immutable() -> None:
    old = obj("VirtualMachineSetResourcePolicy", folder="f1")
    assert (
        denial(validate_policy(request(changed(old, folder="f2"), old)))
        == 'spec.folder: Invalid value: "f2": field is immutable'
    )
