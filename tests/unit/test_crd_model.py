"""The model generated from the VM Operator CRDs: fresh, typed, version-aware, with the hand layer on top."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pulumi_vmservice_provider.model import crdgen
from pulumi_vmservice_provider.model.check import check_properties
from pulumi_vmservice_provider.model.layering import overlay, refine
from pulumi_vmservice_provider.model.modifiers import ReplaceIf
from pulumi_vmservice_provider.model.registry import FUNCTIONS, RESOURCES
from pulumi_vmservice_provider.model.types import ObjectType, Prop, string
from pulumi_vmservice_provider.resources.registry import make_handler
from pulumi_vmservice_provider.resources.state import ProviderState

from tests.conftest import skip_or_fail_missing

CRDS = crdgen.ROOT / ".tools" / "crds"
VM = RESOURCES["vmservice:index:VirtualMachine"]


def test_generated_model_is_what_the_crds_give() -> None:
    for _, release in crdgen.VERSION_SOURCES:
        if not (CRDS / release).is_dir():
            skip_or_fail_missing(f"{CRDS / release} is missing; run `make tools`")
    fresh = crdgen.generate(CRDS)
    committed = {
        f"{path.parent.name}/generated.py": path.read_text() for path in crdgen.OUT.glob("*/generated.py")
    }
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert stale == [], f"generated model is stale ({', '.join(stale)}): run `make model` and commit it"


def test_generated_types_are_what_the_crds_give() -> None:
    from pulumi_vmservice_provider.model.crdtypes import TYPES_PACKAGE, generate_types

    if not (CRDS / "9.1").is_dir():
        skip_or_fail_missing(f"{CRDS} is missing; run `make tools`")
    fresh = generate_types(CRDS)
    committed = {str(p.relative_to(TYPES_PACKAGE)): p.read_text() for p in TYPES_PACKAGE.rglob("*.py")}
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert stale == [], f"vmservice_api/types is stale ({', '.join(stale)}): run `make model` and commit it"


def _check(inputs: dict[str, Any]) -> dict[str, str]:
    _, failures = check_properties(VM.inputs, inputs)
    return {failure.path: failure.reason for failure in failures}


def _vm(**spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "vm", "namespace": "dev"},
        "spec": {"className": "c", "imageName": "i", **spec},
    }


def test_fields_of_newer_api_versions_are_typed_inputs() -> None:
    inputs = _vm(
        cdrom=[{"name": "cd0", "image": {"name": "vmi-iso", "kind": "VirtualMachineImage"}}],
        bootOptions={"firmware": "efi"},
        network={"interfaces": [{"name": "eth0", "macAddr": "00:50:56:00:00:01"}]},
        bootstrap={"cloudInit": {"cloudConfig": {"users": [{"name": "ops"}], "runcmd": ["ls"]}}},
        readinessProbe={"guestHeartbeat": {"thresholdStatus": "green"}},
    )
    assert _check(inputs) == {}


def test_typed_nested_fields_reject_what_the_crd_does_not_allow() -> None:
    problems = _check(_vm(readinessProbe={"guestHeartbeat": {"thresholdStatus": "purple"}}))
    assert (
        "'purple' is not allowed; allowed values: yellow, green"
        in problems["spec.readinessProbe.guestHeartbeat.thresholdStatus"]
    )
    problems = _check(_vm(bootstrap={"cloudInit": {"cloudConfig": {"userz": []}}}))
    assert "unknown property 'userz'" in problems["spec.bootstrap.cloudInit.cloudConfig.userz"]


def test_quantities_take_integers_and_strings_but_not_nonsense() -> None:
    assert _check(_vm(advanced={"bootDiskCapacity": "20Gi"})) == {}
    assert _check(_vm(readinessProbe={"tcpSocket": {"port": 22}})) == {}
    problems = _check(_vm(advanced={"bootDiskCapacity": "lots"}))
    assert "must be a Kubernetes quantity" in problems["spec.advanced.bootDiskCapacity"]


def test_each_field_carries_the_version_that_introduced_it() -> None:
    spec = VM.inputs["spec"].obj
    assert spec is not None
    assert spec.properties["className"].since is None  # v1alpha2 (vSphere 8.0 U3) has it
    assert spec.properties["cdrom"].since == "v1alpha3"
    assert spec.properties["promoteDisksMode"].since == "v1alpha4"
    assert spec.properties["currentSnapshotName"].since == "v1alpha5"
    interface = spec.properties["network"].obj.properties["interfaces"].items.obj  # type: ignore[union-attr]
    assert interface.properties["macAddr"].since == "v1alpha3"
    assert interface.name == "VirtualMachineNetworkInterfaceSpec"  # today's SDK type names stay


def test_the_hand_layer_keeps_its_behaviour_on_the_generated_types() -> None:
    spec = VM.inputs["spec"].obj
    assert spec is not None
    assert not spec.properties["className"].required and spec.properties["className"].has(ReplaceIf)
    assert spec.properties["imageName"].replace_reason
    assert spec.properties["powerOffMode"].server_default == "TrySoft"
    assert VM.inputs["userData"].secret


def test_a_supervisor_that_does_not_serve_a_field_rejects_it_with_both_versions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler = make_handler(VM, ProviderState())
    monkeypatch.setattr(handler, "reachable_api_version", lambda: "vmoperator.vmware.com/v1alpha2")
    inputs = _vm(
        cdrom=[{"name": "cd0", "image": {"name": "vmi-iso"}}],
        promoteDisksMode="Offline",
        network={"interfaces": [{"name": "eth0"}, {"name": "eth1", "macAddr": "00:50:56:00:00:02"}]},
    )
    problems = dict(handler.validate_with_server(inputs))
    assert set(problems) == {
        "spec.cdrom",
        "spec.promoteDisksMode",
        "spec.network.interfaces[1].macAddr",
    }
    assert "needs VM Operator API v1alpha3 or newer" in problems["spec.cdrom"]
    assert "newest supported version is v1alpha2" in problems["spec.cdrom"]
    assert "needs VM Operator API v1alpha4 or newer" in problems["spec.promoteDisksMode"]
    monkeypatch.setattr(handler, "reachable_api_version", lambda: "vmoperator.vmware.com/v1alpha4")
    assert "spec.cdrom" not in dict(handler.validate_with_server(inputs))
    # v1alpha5 (9.1) dropped spec.cdrom for spec.hardware.cdrom; the apiserver would refuse the field.
    monkeypatch.setattr(handler, "reachable_api_version", lambda: "vmoperator.vmware.com/v1alpha5")
    problems = dict(handler.validate_with_server(inputs))
    assert set(problems) == {"spec.cdrom"}
    assert (
        "v1alpha4 is the last version with this field; v1alpha5 has it as spec.hardware.cdrom"
        in (problems["spec.cdrom"])
    )


def test_a_field_a_newer_version_dropped_carries_the_last_version_that_has_it() -> None:
    spec = VM.inputs["spec"].obj
    assert spec is not None
    cdrom = spec.properties["cdrom"]
    assert (cdrom.since, cdrom.until, cdrom.moved_to) == ("v1alpha3", "v1alpha4", "spec.hardware.cdrom")
    hardware = spec.properties["hardware"].obj
    assert hardware is not None and hardware.properties["cdrom"].until is None
    assert spec.properties["className"].until is None


def test_lookups_return_typed_status() -> None:
    image = FUNCTIONS["vmservice:index:getVirtualMachineImage"].outputs["status"]
    vm_class = FUNCTIONS["vmservice:index:getVirtualMachineClass"].outputs
    vm = FUNCTIONS["vmservice:index:getVirtualMachine"].outputs["status"]
    assert image.kind == "object" and "osInfo" in image.obj.properties  # type: ignore[union-attr]
    hardware = vm_class["spec"].obj.properties["hardware"]  # type: ignore[union-attr]
    assert hardware.kind == "object" and "cpus" in hardware.obj.properties  # type: ignore[union-attr]
    assert vm.obj is not None and {"network", "class", "volumes", "primaryIP4"} <= set(vm.obj.properties)
    assert vm.obj.properties["class"].kind == "object"


GENERATED = ObjectType(
    "Thing", "A thing.", {"size": string("Size.", pattern="[0-9]+"), "name": string("Name.")}
)


def test_overlay_keeps_hand_behaviour_and_fills_in_from_the_api() -> None:
    hand = ObjectType("Thing", "", {"size": string("How big.", replace="sizes are fixed")})
    merged = overlay(GENERATED, hand)
    assert merged.description == "A thing." and set(merged.properties) == {"size", "name"}
    assert (
        merged.properties["size"].replace_reason == "sizes are fixed"
        and merged.properties["size"].pattern == "[0-9]+"
    )
    with pytest.raises(KeyError, match="lack"):
        overlay(GENERATED, ObjectType("Thing", "", {"colour": string("Colour.")}))


def test_refine_changes_named_fields_only() -> None:
    refined = refine(GENERATED, {"name": {"required": True}}, extra={"waitFor": Prop("string", "Wait.")})
    assert refined.properties["name"].required and not refined.properties["size"].required
    assert "waitFor" in refined.properties
    with pytest.raises(KeyError, match="no field"):
        refine(GENERATED, {"nmae": {"required": True}})


def test_generated_modules_are_not_hand_edited(tmp_path: Path) -> None:
    # The generator's own check mode fails on a hand edit, as `make model` would overwrite it.
    if not (CRDS / "9.1").is_dir():
        skip_or_fail_missing(f"{CRDS} is missing; run `make tools`")
    from pulumi_vmservice_provider.model.crdtypes import generate_types

    kinds, types = tmp_path / "kinds", tmp_path / "types"
    for folder, files in ((kinds, crdgen.generate(CRDS)), (types, generate_types(CRDS))):
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
    check = ["--crds", str(CRDS), "--out", str(kinds), "--types-out", str(types), "--check"]
    assert crdgen.main(check) == 0
    for edited in (kinds / "virtualmachine" / "generated.py", types / "release_9_1" / "virtualmachine.py"):
        original = edited.read_text()
        edited.write_text(original + "# edited\n")
        assert crdgen.main(check) == 1
        edited.write_text(original)
