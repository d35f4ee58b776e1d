"""The VirtualMachine validation rules in an offline preview: no Supervisor facts (features, cluster objects,
caller) are known, yet what depends only on the object is still judged, and what needs a fact is reported
as unjudged instead of refused. The corpus (tests/fidelity) proves the verdicts when every fact is known."""

from __future__ import annotations

import copy
from typing import Any

from vmservice_api import rules
from vmservice_api.rules.fielderrors import Effect

VM: dict[str, Any] = {
    "apiVersion": "vmoperator.vmware.com/v1alpha5",
    "kind": "VirtualMachine",
    "metadata": {"name": "web", "namespace": "dev"},
    "spec": {
        "className": "best-effort-small",
        "image": {"kind": "VirtualMachineImage", "name": "vmi-1"},
        "imageName": "vmi-1",
        "powerState": "PoweredOn",
        "guestID": "ubuntu64Guest",
        "network": {"interfaces": [{"name": "eth0"}]},
        "hardware": {
            "cdrom": [{"name": "cd1", "image": {"kind": "VirtualMachineImage", "name": "iso-1"}}],
        },
    },
}


def offline_update(change: dict[str, Any]) -> rules.Validated:
    new = copy.deepcopy(VM)
    new["spec"].update(change)
    return rules.validate(
        rules.Request(kind="VirtualMachine", operation="UPDATE", object=new, old=VM, release="9.1")
    )


def test_an_image_change_is_judged_immutable_without_supervisor_facts() -> None:
    result = offline_update({"image": {"kind": "VirtualMachineImage", "name": "vmi-2"}})
    assert [(e.field, e.effect) for e in result.errors] == [("spec.image", Effect.IMMUTABLE)]


def test_a_cdrom_added_to_a_running_vm_needs_a_power_cycle() -> None:
    cdroms = VM["spec"]["hardware"]["cdrom"] + [
        {"name": "cd2", "image": {"kind": "VirtualMachineImage", "name": "iso-2"}}
    ]
    result = offline_update({"hardware": {"cdrom": cdroms}})
    assert ("spec.hardware.cdrom", Effect.WHILE_OFF) in [(e.field, e.effect) for e in result.errors]


def test_rules_that_need_facts_stay_silent_and_say_which() -> None:
    result = offline_update(
        {"storageClass": "gold"}
    )  # immutable: judged; the controller checks need switches
    assert [e.field for e in result.errors] == ["spec.storageClass"]
    # The controller rules read VMSharedDisks; tried both ways, they find nothing wrong either way here.
    assert not any(s.rule.name == "update_controllers" for s in result.unjudged)
    shared = copy.deepcopy(VM["spec"])
    shared["volumes"] = [
        {"name": "data", "persistentVolumeClaim": {"claimName": "d"}, "sharingMode": "MultiWriter"}
    ]
    result = offline_update({"volumes": shared["volumes"]})
    needed = {skipped.rule.name: skipped.fact for skipped in result.unjudged}
    assert needed.get("update_shared_volumes") == "PersistentVolumeClaim dev/d", needed


def test_admin_annotations_need_to_know_who_asks_only_when_they_change() -> None:
    new = copy.deepcopy(VM)
    new["metadata"]["annotations"] = {"vmoperator.vmware.com/cloud-init-instance-id": "x"}
    request = rules.Request(kind="VirtualMachine", operation="UPDATE", object=new, old=VM, release="9.1")
    result = rules.validate(request)
    assert not result.errors
    assert any(
        s.rule.name == "update_admin_annotations" and s.fact == "whether the caller is a privileged account"
        for s in result.unjudged
    )
    unchanged = rules.validate(
        rules.Request(kind="VirtualMachine", operation="UPDATE", object=VM, old=VM, release="9.1")
    )
    assert not any(s.rule.name == "update_admin_annotations" for s in unchanged.unjudged)
