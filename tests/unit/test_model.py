"""The declarative model on its own: check, diff, wire encoding, schema (no I/O)."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.core import Provider, autoname
from pulumi_vmservice_provider.model.check import check_properties
from pulumi_vmservice_provider.model.plan import planned_changes
from pulumi_vmservice_provider.model.registry import RESOURCES
from pulumi_vmservice_provider.schema import generate
from pulumi_vmservice_provider.wire import (
    UNKNOWN,
    Secret,
    dict_to_struct,
    reveal,
    secret_strings,
    struct_to_dict,
)

VM = RESOURCES["vmservice:index:VirtualMachine"]


def test_wire_round_trip_keeps_secrets_unknowns_and_integers() -> None:
    values = {"a": 3, "b": 2.5, "s": Secret({"pw": "x"}), "u": UNKNOWN, "l": [True, None, "t"]}
    decoded = struct_to_dict(dict_to_struct(values))
    assert decoded == values
    assert isinstance(decoded["a"], int)
    assert reveal(decoded)["s"] == {"pw": "x"}
    assert secret_strings(decoded) == set()  # "x" is too short to redact safely
    assert secret_strings({"k": Secret("hunter2")}) == {"hunter2"}


def test_secret_repr_never_shows_the_value() -> None:
    assert "hunter2" not in repr(Secret("hunter2"))


def test_check_fills_defaults_and_reports_paths() -> None:
    svc = RESOURCES["vmservice:index:VirtualMachineService"]
    checked, failures = check_properties(
        svc.inputs, {"spec": {"type": "LoadBalancer", "ports": [{"port": 80, "targetPort": 80}, {"port": 0}]}}
    )
    assert checked["spec"]["ports"][0]["protocol"] == "TCP"
    reasons = {f.path: f.reason for f in failures}
    assert reasons["spec.ports[1].port"] == "must be at least 1, got 0"
    assert reasons["spec.ports[1].targetPort"] == "missing required property"


def test_check_rejects_wrong_types_and_unknown_fields() -> None:
    _, failures = check_properties(VM.inputs, {"spec": {"className": 4, "imageNmae": "x", "imageName": "i"}})
    reasons = {f.path: f.reason for f in failures}
    assert reasons["spec.className"] == "expected a string, got int"
    assert "unknown property 'imageNmae'" in reasons["spec.imageNmae"]
    assert "imageName" in reasons["spec.imageNmae"]


def test_label_paths_with_dots_use_brackets() -> None:
    old = {"metadata": {"labels": {"topology.kubernetes.io/zone": "zone-a"}}}
    new = {"metadata": {"labels": {"topology.kubernetes.io/zone": "zone-b"}}}
    (change,) = planned_changes(VM, old, new)
    assert change.path == 'metadata.labels["topology.kubernetes.io/zone"]'


def test_diff_replace_reasons_are_inherited_by_nested_fields() -> None:
    old = {"spec": {"network": {"interfaces": [{"name": "eth0"}]}}}
    new = {"spec": {"network": {"interfaces": [{"name": "eth0"}, {"name": "eth1"}]}}}
    (change,) = planned_changes(VM, old, new)
    assert change.path == "spec.network.interfaces[1]" and change.kind == "add"
    assert change.replace_reason and "network interfaces" in change.replace_reason


def test_diff_of_secret_values_compares_plaintext_without_exposing_it() -> None:
    same = planned_changes(VM, {"userData": Secret("a-long-secret")}, {"userData": Secret("a-long-secret")})
    assert same == []
    (changed,) = planned_changes(
        VM, {"userData": Secret("a-long-secret")}, {"userData": Secret("other-secret")}
    )
    assert changed.path == "userData" and "secret" not in repr(changed).lower().replace("userdata", "")


def test_diff_of_unknown_counts_as_update() -> None:
    old, new = {"spec": {"powerState": "PoweredOn"}}, {"spec": {"powerState": UNKNOWN}}
    (change,) = planned_changes(VM, old, new)
    assert change.kind == "update" and not change.replaces


class FakeSupervisor:
    """A Supervisor serving `served`, with the capabilities of its release unless told otherwise."""

    def __init__(self, served: str | None, **capabilities: bool):
        self.served = served
        resize = served is not None and served >= "v1alpha3"
        self.capabilities = {"VMResize": resize, "MutableNetworks": False, **capabilities}

    def api_version_at_least(self, version: str) -> bool | None:
        return None if self.served is None else self.served >= version

    def capability(self, name: str) -> bool | None:
        return None if self.served is None else self.capabilities.get(name, False)


def test_class_change_replace_rule_is_declared_on_the_field() -> None:
    old = {"spec": {"className": "best-effort-small"}}
    old_cycle = {**old, "allowPowerCycle": True}
    new_on = {"spec": {"className": "best-effort-large"}}
    new_cycle = {**new_on, "allowPowerCycle": True}
    (offline,) = planned_changes(VM, old_cycle, new_cycle)
    assert offline.replaces and "could not be asked" in (offline.replace_reason or "")
    (old_api,) = planned_changes(VM, old_cycle, new_cycle, FakeSupervisor("v1alpha2"))
    assert "cannot resize" in (old_api.replace_reason or "")
    (stays_on,) = planned_changes(VM, old, new_on, FakeSupervisor("v1alpha5"))
    assert "allowPowerCycle" in (stays_on.replace_reason or "")
    (cycled,) = planned_changes(VM, old_cycle, new_cycle, FakeSupervisor("v1alpha5"))
    assert not cycled.replaces
    off = {"spec": {"className": "best-effort-large", "powerState": "PoweredOff"}}
    assert not any(c.replaces for c in planned_changes(VM, old, off, FakeSupervisor("v1alpha3")))
    powering_on = {"spec": {"className": "best-effort-large", "powerState": "PoweredOn"}}
    was_off = {"spec": {"className": "best-effort-small", "powerState": "PoweredOff"}}
    assert not any(c.replaces for c in planned_changes(VM, was_off, powering_on, FakeSupervisor("v1alpha5")))
    no_resize = FakeSupervisor("v1alpha5", VMResize=False)
    (not_resizable,) = planned_changes(VM, old_cycle, new_cycle, no_resize)
    assert "no VMResize capability" in (not_resizable.replace_reason or "")


INTERFACE = {"name": "eth0", "network": {"name": "primary"}, "addresses": ["10.0.0.5/24"]}


def interfaces(*items: dict[str, Any]) -> dict[str, Any]:
    return {"spec": {"network": {"interfaces": list(items)}}}


def test_interface_settings_update_in_place_and_only_membership_name_and_network_replace() -> None:
    fixed, mutable = FakeSupervisor("v1alpha2"), FakeSupervisor("v1alpha5", MutableNetworks=True)
    old = interfaces(INTERFACE)
    edits = interfaces(
        {
            **INTERFACE,
            "addresses": ["10.0.0.6/24"],
            "gateway4": "10.0.0.1",
            "nameservers": ["10.0.0.2"],
            "mtu": 9000,
            "routes": [{"to": "10.1.0.0/16", "via": "10.0.0.1"}],
        }
    )
    changes = planned_changes(VM, old, edits, fixed)
    assert len(changes) == 5 and not any(c.replaces for c in changes)
    added = interfaces(INTERFACE, {**INTERFACE, "name": "eth1"})
    renamed = interfaces({**INTERFACE, "name": "eth1"})
    moved = interfaces({**INTERFACE, "network": {"name": "other"}})
    for new, reason in ((added, "number"), (renamed, "name"), (moved, "network")):
        (change,) = planned_changes(VM, old, new, fixed)
        assert reason in (change.replace_reason or "") and "MutableNetworks" in (change.replace_reason or "")
        assert not any(c.replaces for c in planned_changes(VM, old, new, mutable))
        (offline,) = planned_changes(VM, old, new)
        assert "could not be asked" in (offline.replace_reason or "")
    (removed,) = planned_changes(VM, added, old, fixed)
    assert removed.kind == "delete" and removed.replaces


def test_turning_the_network_off_follows_the_interface_membership_rule() -> None:
    # network.disabled adds or removes every interface: in place with MutableNetworks (VM Operator's update
    # validation judges only the interfaces, webhooks/virtualmachine/validation validateNetworkSpecUpdate).
    on, off = {"spec": {"network": {"disabled": False}}}, {"spec": {"network": {"disabled": True}}}
    (fixed,) = planned_changes(VM, on, off, FakeSupervisor("v1alpha5"))
    assert fixed.replaces and "no MutableNetworks capability" in (fixed.replace_reason or "")
    assert not any(
        c.replaces for c in planned_changes(VM, on, off, FakeSupervisor("v1alpha5", MutableNetworks=True))
    )
    (offline,) = planned_changes(VM, on, off)
    assert "could not be asked" in (offline.replace_reason or "")


def test_zone_label_replaces_only_once_placed() -> None:
    zone = "topology.kubernetes.io/zone"
    unplaced = {"metadata": {"labels": {"app": "a"}}}
    placed = {"metadata": {"labels": {"app": "a", zone: "zone-a"}}}
    moved = {"metadata": {"labels": {"app": "a", zone: "zone-b"}}}
    assert not any(c.replaces for c in planned_changes(VM, unplaced, placed))
    (change,) = planned_changes(VM, placed, moved)
    assert change.replace_reason == "a VM cannot move to another zone once placed"
    relabelled = {"metadata": {"labels": {"app": "b", zone: "zone-a"}}}
    assert not any(c.replaces for c in planned_changes(VM, placed, relabelled))


def test_bootstrap_provider_change_replaces_even_with_power_cycle() -> None:
    old = {"spec": {"bootstrap": {"linuxPrep": {"timeZone": "UTC"}}}, "allowPowerCycle": True}
    new = {
        "spec": {"bootstrap": {"sysprep": {"rawSysprep": {"name": "s", "key": "k"}}}},
        "allowPowerCycle": True,
    }
    changes = planned_changes(VM, old, new)
    assert changes and all("linuxPrep -> sysprep" in (c.replace_reason or "") for c in changes)
    same = {"spec": {"bootstrap": {"linuxPrep": {"timeZone": "CET"}}}, "allowPowerCycle": True}
    assert not any(c.replaces for c in planned_changes(VM, old, same))


def test_autoname_is_deterministic_and_dns_safe() -> None:
    # Fixed literals: the sha256 of the seed, so a name cannot change between runs or releases unnoticed.
    assert autoname("My_VM", b"s") == "my-vm-043a718"
    assert autoname("My_VM", b"t") == "my-vm-e3b98a4"
    assert autoname("__", b"s") == "vm-043a718"


def test_check_requires_a_namespace_when_no_default_is_configured() -> None:
    provider = Provider(lambda *a: None)
    _, failures = provider.check(VM.token, "web", {}, {"spec": {"className": "c", "imageName": "i"}}, b"x")
    assert [f.path for f in failures] == ["metadata.namespace"]


def test_suspended_and_bootstrap_rules() -> None:
    provider = Provider(lambda *a: None)
    provider.configure({"namespace": "dev"})
    _, failures = provider.check(
        VM.token,
        "web",
        {},
        {"spec": {"className": "c", "imageName": "i", "bootstrap": {"cloudInit": {}, "linuxPrep": {}}}},
        b"x",
    )
    # VM Operator's own words (webhooks/virtualmachine/validation, validateBootstrap), from the rules package.
    reasons = {f.path: f.reason for f in failures}
    assert (
        "CloudInit may not be used with any other bootstrap provider" in reasons["spec.bootstrap.cloudInit"]
    )
    assert "LinuxPrep may not be used with either CloudInit or Sysprep" in reasons["spec.bootstrap.linuxPrep"]


def test_schema_marks_secrets_and_replacements() -> None:
    schema = generate()
    vm = schema["resources"]["vmservice:index:VirtualMachine"]
    assert vm["inputProperties"]["userData"]["secret"] is True
    spec_type = schema["types"]["vmservice:index:VirtualMachineSpec"]
    assert spec_type["properties"]["imageName"]["replaceOnChanges"] is True
    # The Supervisor requires className or (9.1) spec.class: its rules say which.
    assert "required" not in spec_type
    assert schema["config"]["variables"]["vspherePassword"]["secret"] is True
    assert schema["config"]["variables"]["vsphereInsecure"]["defaultInfo"]["environment"] == [
        "VSPHERE_INSECURE",
        "VSPHERE_ALLOW_UNVERIFIED_SSL",
    ]
