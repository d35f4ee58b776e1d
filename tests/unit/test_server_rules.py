"""Inputs the Supervisor would refuse are refused at preview, with the API server's or the webhooks' words
(VM Operator's rules, from vmservice_api.rules); what depends on the Supervisor's release, features or
cluster is not judged offline."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_vmservice_provider.core import Provider
from pulumi_vmservice_provider.wire import UNKNOWN

VM = "vmservice:index:VirtualMachine"
SERVICE = "vmservice:index:VirtualMachineService"


def check(token: str, inputs: dict[str, Any]) -> dict[str, str]:
    provider = Provider(lambda *args: None)
    _, failures = provider.check(token, "web", {}, inputs, b"seed")
    return {f.path: f.reason for f in failures}


def vm(spec: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "web-1", "namespace": "dev"},
        "spec": {"className": "best-effort-small", "imageName": "ubuntu-22.04", **(spec or {})},
        **extra,
    }


def test_a_valid_vm_passes() -> None:
    assert check(VM, vm()) == {}


@pytest.mark.parametrize(
    ("inputs", "path", "reason"),
    [
        (
            vm(metadata={"name": "a" * 254, "namespace": "dev"}),
            "metadata.name",
            "no more than 253 characters",
        ),
        (
            vm(metadata={"name": "w", "namespace": "dev", "labels": {"tier": "x" * 64}}),
            'metadata.labels["tier"]',
            "no more than 63",
        ),
        (
            vm(metadata={"name": "w", "namespace": "dev", "labels": {"bad key!": "x"}}),
            'metadata.labels["bad key!"]',
            "name part",
        ),
        (
            vm({"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "a"}}] * 2}),
            "spec.volumes[1]",
            "Duplicate value: another item has name='d'",
        ),
        (
            vm({"network": {"interfaces": [{"name": "eth0"}, {"name": "eth0"}]}}),
            "spec.network.interfaces[1]",
            "Duplicate value: another item has name='eth0'",
        ),
        (
            vm({"network": {"interfaces": [{"name": "eth0", "addresses": ["10.0.0.300/24"]}]}}),
            "spec.network.interfaces[0].addresses[0]",
            "invalid CIDR address",
        ),
        (
            vm({"network": {"interfaces": [{"name": "eth0", "addresses": ["10.0.0.3"]}]}}),
            "spec.network.interfaces[0].addresses[0]",
            "invalid CIDR address",
        ),
        (
            vm({"network": {"interfaces": [{"name": "eth0", "gateway4": "10.0.0"}]}}),
            "spec.network.interfaces[0].gateway4",
            "gateway4 must have an IPv4 address",
        ),
        (
            vm({"network": {"nameservers": ["dns.example"]}}),
            "spec.network.nameservers[0]",
            "must be an IPv4 or IPv6 address",
        ),
        (
            vm(
                {
                    "readinessProbe": {
                        "tcpSocket": {"port": 22},
                        "guestHeartbeat": {"thresholdStatus": "green"},
                    }
                }
            ),
            "spec.readinessProbe",
            "Forbidden: only one action can be specified",
        ),
        (
            vm({"powerState": "PoweredOff"}, waitFor="ipAssigned"),
            "waitFor",
            "needs spec.powerState PoweredOn",
        ),
    ],
)
def test_vm_inputs_the_supervisor_refuses(inputs: dict[str, Any], path: str, reason: str) -> None:
    failures = check(VM, inputs)
    assert path in failures, failures
    assert reason in failures[path]


@pytest.mark.parametrize(
    "spec",
    [
        {"className": ""},  # 8.0 U3 requires it; 9.1 takes spec.class instead
        {"imageName": ""},  # 8.0 U3 requires it; 9.1 takes spec.image instead
        {"volumes": [{"name": "data"}]},  # 8.0 U3 requires a claim; 9.1 does not
        {"network": {"hostName": "web_1"}},  # only 9.1 holds host names to RFC 1123
    ],
)
def test_what_only_one_release_refuses_is_not_judged_offline_and_the_preview_says_so(
    spec: dict[str, Any],
) -> None:
    logged: list[str] = []
    provider = Provider(lambda severity, message, urn, ephemeral: logged.append(message))
    _, failures = provider.check(VM, "web", {}, vm(spec), b"seed", urn="urn:pulumi:s::p::t::web")
    assert failures == []
    assert any("could not be judged without asking it" in m and "Supervisor refuses" in m for m in logged), (
        logged
    )


def test_gateway_none_and_unknowns_are_accepted() -> None:
    inputs = vm({"network": {"interfaces": [{"name": "eth0", "gateway4": "None", "addresses": [UNKNOWN]}]}})
    assert check(VM, inputs) == {}
    assert check(VM, vm({"volumes": UNKNOWN, "readinessProbe": UNKNOWN}, waitFor=UNKNOWN)) == {}


def service(**spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": "lb", "namespace": "dev"}, "spec": {"type": "LoadBalancer", **spec}}


def test_service_rules() -> None:
    unnamed = service(ports=[{"port": 80, "targetPort": 80, "protocol": "TCP"}])
    assert check(SERVICE, unnamed)["spec.ports[0].name"] == "missing required property"  # the CRD requires it
    without_ports = service()
    assert "spec.ports" in check(SERVICE, without_ports)  # a LoadBalancer service needs ports (webhook)
    port = {"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP"}
    assert check(SERVICE, service(ports=[port])) == {}
    external = {"metadata": {"name": "db", "namespace": "dev"}, "spec": {"type": "ExternalName"}}
    assert "spec.externalName" in check(SERVICE, external)


def test_provider_config_is_checked_before_any_connection() -> None:
    provider = Provider(lambda *args: None)
    _, failures = provider.check_config({"vsphereServer": "https://[::1"})
    assert [f.path for f in failures] == ["vsphereServer"] and "not a valid URL" in failures[0].reason
    _, failures = provider.check_config({"namespace": "Dev_NS"})
    assert [f.path for f in failures] == ["namespace"]
    _, failures = provider.check_config({"vsphereThumbprint": "not-a-thumbprint"})
    assert [f.path for f in failures] == ["vsphereThumbprint"]
    assert provider.check_config({"vsphereServer": "[fd00::1]:8443", "namespace": "dev"})[1] == []


@pytest.mark.parametrize(
    ("token", "inputs", "path", "reason"),
    [
        (VM, vm({"minHardwareVersion": 2**31}), "spec.minHardwareVersion", "must be at most 2147483647"),
        (VM, vm({"minHardwareVersion": 12}), "spec.minHardwareVersion", "must be at least 13"),
        (
            VM,
            vm({"network": {"interfaces": [{"name": "eth0", "mtu": 2**63}]}}),
            "spec.network.interfaces[0].mtu",
            "must be at most 9223372036854775807",
        ),
        (
            "vmservice:index:VirtualMachinePublishRequest",
            {
                "metadata": {"name": "p", "namespace": "dev"},
                "spec": {"source": {"name": "web"}, "ttlSecondsAfterFinished": 2**63},
            },
            "spec.ttlSecondsAfterFinished",
            "must be at most 9223372036854775807",
        ),
        (
            "vmservice:vcenter:Namespace",
            {"name": "dev", "supervisor": "domain-c8", "resourceLimits": {"cpuLimitMhz": -1}},
            "resourceLimits.cpuLimitMhz",
            "must be at least 0",
        ),
        (
            "vmservice:vcenter:Namespace",
            {"name": "dev", "supervisor": "", "resourceLimits": {"memoryLimitMib": 2**63}},
            "supervisor",
            "must not be empty",
        ),
        ("vmservice:vcenter:ContentLibrary", {"name": "", "datastore": "ds"}, "name", "must not be empty"),
        (
            "vmservice:vcenter:ContentLibrary",
            {"name": "lib", "datastore": ""},
            "datastore",
            "must not be empty",
        ),
        (
            "vmservice:vcenter:ContentLibraryItem",
            {"library": "", "name": "img", "sourceUrl": "https://example.com/a.ova"},
            "library",
            "must not be empty",
        ),
    ],
)
def test_numbers_out_of_the_apis_range_and_empty_names_are_refused(
    token: str, inputs: dict[str, Any], path: str, reason: str
) -> None:
    failures = check(token, inputs)
    assert path in failures, failures
    assert reason in failures[path]


def test_lookups_refuse_empty_names() -> None:
    provider = Provider(lambda *args: None)
    for token in ("vmservice:vcenter:getDatastore", "vmservice:vcenter:getSupervisor"):
        from pulumi_vmservice_provider.errors import InvalidInputs

        with pytest.raises(InvalidInputs) as refused:
            provider.invoke(token, {"name": ""})
        assert refused.value.failures == [("name", "must not be empty")]


def test_a_field_no_supported_release_serves_is_refused_offline_naming_where_it_moved() -> None:
    # spec.cdrom is in v1alpha3 and v1alpha4 only: 8.0 U3 (v1alpha2) has none, 9.1 (v1alpha5) moved it to
    # spec.hardware.cdrom. The apiserver refuses it as undeclared at both releases the provider writes.
    cdrom = [{"name": "cd0", "image": {"kind": "VirtualMachineImage", "name": "vmi-iso"}}]
    failures = check(VM, vm({"cdrom": cdrom}))
    assert "field not declared in schema" in failures.get("spec.cdrom", ""), failures
    assert "v1alpha5 has it as spec.hardware.cdrom" in failures["spec.cdrom"]


def test_a_field_only_the_older_release_lacks_is_not_judged_offline() -> None:
    logged: list[str] = []
    provider = Provider(lambda severity, message, urn, ephemeral: logged.append(message))
    inputs = vm({"guestID": "ubuntu64Guest"})  # v1alpha3+: 9.1 has it, 8.0 U3 does not
    _, failures = provider.check(VM, "web", {}, inputs, b"seed", urn="urn:pulumi:s::p::t::web")
    assert failures == []
    assert any("only a vSphere 8.0 U3 Supervisor refuses spec.guestID" in m for m in logged), logged
