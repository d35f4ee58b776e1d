"""The policy pack's pure parts on plain dicts: a replica set's template as a VM, a group's members, the class
devices and the image library read from Supervisor objects (both imageregistry API versions VM Operator points
at), and the snapshot limits at a fixed time. The pack under the real CLI is tests/e2e/test_policy_pack.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pulumi_vmservice_policy import classes, libraries, rules, vms


def test_a_replica_sets_template_is_a_vm_of_its_namespace() -> None:
    view = vms.template_view(
        {
            "metadata": {"name": "web", "namespace": "prod", "labels": {"owner": "rs-only"}},
            "spec": {
                "replicas": 3.0,  # numbers arrive as floats
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"className": "gold"}},
            },
        }
    )
    assert view.props == {
        "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web"}, "annotations": {}},
        "spec": {"className": "gold"},
    }
    assert view.count == 3 and view.say("x") == "spec.template: x"
    assert vms.template_view({"spec": {"template": {"spec": {}}}}).count == 1  # VM Operator's default


def test_group_members_in_boot_order_and_the_stack_of_an_urn() -> None:
    group = {
        "spec": {
            "bootOrder": [
                {"members": [{"name": "db"}, {"kind": "VirtualMachineGroup", "name": "inner"}]},
                {"members": [{"kind": "VirtualMachine", "name": "web"}, {"kind": "VirtualMachine"}]},
            ]
        }
    }
    assert vms.group_members(group) == [
        ("VirtualMachine", "db"),
        ("VirtualMachineGroup", "inner"),
        ("VirtualMachine", "web"),
    ]
    prefix = vms.stack_prefix("urn:pulumi:prod::shop::vmservice:index:VirtualMachineGroup::grp")
    assert prefix == "urn:pulumi:prod::shop::"
    mine = {"metadata": {"annotations": {vms.URN_ANNOTATION: prefix + "vmservice:index:VirtualMachine::db"}}}
    other = {"metadata": {"annotations": {vms.URN_ANNOTATION: "urn:pulumi:dev::shop::x::db"}}}
    assert vms.made_by(mine, prefix) and not vms.made_by(other, prefix) and not vms.made_by({}, prefix)


def test_class_devices_from_the_supervisor_the_stack_and_the_config() -> None:
    supervisor_class = {
        "metadata": {"name": "compute"},
        "spec": {
            "hardware": {
                "devices": {
                    "vgpuDevices": [{"profileName": "grid_t4-4q"}],
                    "dynamicDirectPathIODevices": [{"vendorID": 4318, "deviceID": 7864}],
                }
            }
        },
    }
    devices = classes.devices_of(supervisor_class)
    assert devices == classes.ClassDevices(("grid_t4-4q",), 1) and devices.any
    assert devices.describe() == "vGPU grid_t4-4q and 1 DirectPath I/O device(s)"
    assert not classes.devices_of({"spec": {"hardware": {}}}).any
    stack = classes.devices_from_stack(
        [("vmservice:vcenter:VirtualMachineClass", {"name": "ml", "vgpuDevices": ["grid_a100-8c"]})]
    )
    assert stack == {"ml": classes.ClassDevices(("grid_a100-8c",), 0)}
    config = classes.devices_from_config({"plain": {}, "pass": {"dynamicDirectPathIoDevices": [{}, {}]}})
    assert config == {"plain": classes.ClassDevices(), "pass": classes.ClassDevices((), 2)}
    lookup = classes.device_chain(config, stack, None)
    prod_vm = {"metadata": {"namespace": "prod"}, "spec": {"className": "pass"}}
    assert rules.gpu_class(prod_vm, ["ml-*"], lookup, "src") == [
        "class 'pass' gives the VM 2 DirectPath I/O device(s), which namespace 'prod' is not allowed "
        "(namespaces allowed them: ml-*)"
    ]
    assert rules.gpu_class({**prod_vm, "metadata": {"namespace": "ml-team"}}, ["ml-*"], lookup, "src") == []
    unknown = {"metadata": {"namespace": "prod"}, "spec": {"className": "mystery"}}
    assert "cannot tell whether class 'mystery'" in rules.gpu_class(unknown, [], lookup, "src")[0]


def image(provider: dict[str, Any] | None = None, status: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "metadata": {"name": "vmi-0123456789abcdef0", "namespace": "dev"},
        "spec": {"providerRef": provider} if provider else {},
        "status": {"name": "ubuntu-22.04", **(status or {})},
    }


def reader(objects: dict[tuple[str, str | None, str], dict[str, Any]]) -> Any:
    def read(kind: str, plural: str, namespace: str | None, name: str) -> dict[str, Any] | None:
        return objects.get((kind, namespace, name))

    return read


def test_the_library_of_an_image_through_its_provider_item() -> None:
    library = {"spec": {"id": "5b4d-lib-uuid"}, "status": {"name": "golden-images"}}
    v1alpha2 = reader(
        {
            ("ContentLibraryItem", "dev", "clitem-1"): {"spec": {"libraryName": "cl-abc"}},
            ("ContentLibrary", "dev", "cl-abc"): library,
        }
    )
    item_ref = {"kind": "ContentLibraryItem", "name": "clitem-1"}
    assert libraries.library_of_image(image(item_ref), v1alpha2) == {
        "cl-abc",
        "golden-images",
        "5b4d-lib-uuid",
    }

    v1alpha1 = reader(
        {
            ("ClusterContentLibraryItem", None, "cclitem-1"): {
                "status": {"contentLibraryRef": {"name": "ccl-xyz", "kind": "ClusterContentLibrary"}}
            },
            ("ClusterContentLibrary", None, "ccl-xyz"): {
                "spec": {"uuid": "9f-uuid"},
                "status": {"name": "vmware"},
            },
        }
    )
    cluster_ref = {"kind": "ClusterContentLibraryItem", "name": "cclitem-1"}
    assert libraries.library_of_image(image(cluster_ref), v1alpha1) == {"ccl-xyz", "vmware", "9f-uuid"}

    # older images name their library themselves; an image nobody can place has no library
    deprecated = image(status={"contentLibraryRef": {"name": "cl-old", "kind": "ContentLibrary"}})
    assert libraries.library_of_image(deprecated, reader({})) == {"cl-old"}
    assert libraries.library_of_image(image(item_ref), reader({})) == frozenset()


def test_images_from_allowed_libraries() -> None:
    lookup = libraries.chain({"ubuntu-22.04": frozenset({"golden-images"})}, {}, None)
    config = {"allowed": {"prod": ["golden-*"]}}

    def vm(ref: str) -> dict[str, Any]:
        return {"metadata": {"namespace": "prod"}, "spec": {"imageName": ref}}

    assert rules.image_library(vm("ubuntu-22.04"), config, lookup, "src") == []
    assert (
        "cannot tell which content library image 'photon-5'"
        in (rules.image_library(vm("photon-5"), config, lookup, "src")[0])
    )
    stack = libraries.from_stack(
        [
            ("vmservice:vcenter:ContentLibrary", {"name": "scratch", "libraryId": "lib-1"}),
            ("vmservice:vcenter:ContentLibraryItem", {"name": "photon-5", "library": "lib-1"}),
        ]
    )
    assert rules.image_library(vm("photon-5"), config, libraries.chain({}, stack, None), "src") == [
        "image 'photon-5' comes from content library lib-1, scratch, which namespace 'prod' may not use; "
        "allowed: golden-*"
    ]


def test_snapshot_limits_count_and_age() -> None:
    now = datetime(2026, 1, 10, tzinfo=UTC)

    def snapshot(name: str, vm: str, age: timedelta | None = None) -> dict[str, Any]:
        props: dict[str, Any] = {"metadata": {"name": name, "namespace": "dev"}, "spec": {"vmName": vm}}
        if age is not None:
            props["liveMetadata"] = {"creationTimestamp": (now - age).isoformat().replace("+00:00", "Z")}
        return props

    mine = [
        ("urn:a", snapshot("a", "web", timedelta(days=4))),
        ("urn:b", snapshot("b", "web", timedelta(hours=2))),
        ("urn:c", snapshot("c", "db")),
    ]
    live = {"dev": [{"metadata": {"name": "manual"}, "spec": {"vmName": "web"}}, snapshot("b", "web")]}
    found = rules.snapshot_limits(mine, live, max_per_vm=2, max_age_days=3, now=now)
    assert found == [
        (
            "urn:a",
            "snapshot dev/a of VM web is 4.0 days old, older than maxAgeDays 3: delete it (a snapshot is not a "
            "backup, and every one slows the VM's disks)",
        ),
        (
            "urn:a",
            "VM dev/web would have 3 snapshots (2 in this stack, 1 more on the Supervisor), more than maxPerVM 2",
        ),
        (
            "urn:b",
            "VM dev/web would have 3 snapshots (2 in this stack, 1 more on the Supervisor), more than maxPerVM 2",
        ),
    ]
    assert rules.snapshot_limits(mine, {}, max_per_vm=2, max_age_days=5, now=now) == []


def test_publish_targets_and_power_cycles() -> None:
    config = {"allowed": {"prod": ["prod-images"]}}
    request = {"metadata": {"namespace": "prod"}, "spec": {"target": {"location": {"name": "prod-images"}}}}
    assert rules.publish_target(request, config) == []
    assert (
        "goes to the namespace's default library"
        in rules.publish_target({"metadata": {"namespace": "prod"}, "spec": {}}, config)[0]
    )
    assert rules.publish_target({"metadata": {"namespace": "dev"}, "spec": {}}, config) == []  # not listed
    vm = {"metadata": {"namespace": "prod"}, "allowPowerCycle": True}
    assert rules.power_cycle_in_production(vm, ["prod"])
    assert rules.power_cycle_in_production({**vm, "allowPowerCycle": False}, ["prod"]) == []
    assert rules.power_cycle_in_production(vm, ["production"]) == []
