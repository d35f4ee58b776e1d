"""VirtualMachineReplicaSet and VirtualMachineGroup with the real Pulumi CLI on a 9.1 simulator: a replica set
of 2 VMs becomes ready, scaling to 3 updates it in place, a group reports its two member VMs (placed and
powered on), `vmservice import` does not offer the replica set's VMs, and destroy leaves no VM behind."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from pulumi_vmservice_provider.adoption.namespace_import import why_skipped

from tests.e2e.test_vm_behaviour import (
    GROUP,
    NS,
    STORAGE_CLASS,
    Supervisor,
    destroy_quietly,
    ops,
    project_for,
    rewrite,
    simulator_91,
    sup_91,
    vm_resource,
    vm_steps,
)

pytestmark = pytest.mark.e2e
__all__ = ["simulator_91", "sup_91"]  # the module-scoped 9.1 simulator, started once for this module


def program(rs_name: str, group_name: str, members: list[str], replicas: int) -> str:
    text = f"""resources:
  rs:
    type: vmservice:index:VirtualMachineReplicaSet
    properties:
      metadata:
        name: {rs_name}
      spec:
        replicas: {replicas}
        selector:
          matchLabels:
            app: {rs_name}
        template:
          metadata:
            labels:
              app: {rs_name}
          spec:
            className: best-effort-small
            imageName: ubuntu-22.04
            storageClass: {STORAGE_CLASS}
            powerState: PoweredOn
  group:
    type: vmservice:index:VirtualMachineGroup
    properties:
      metadata:
        name: {group_name}
      spec:
        powerState: PoweredOn
        bootOrder:
          - members:
              - kind: VirtualMachine
                name: {members[0]}
          - members:
              - kind: VirtualMachine
                name: {members[1]}
            powerOnDelay: 1s
"""
    for index, member in enumerate(members):
        text += vm_resource(f"member{index}", member, spec_extra=f"groupName: {group_name}")
    return (
        text
        + """outputs:
  ready: ${rs.status.readyReplicas}
  members: ${group.status.members}
"""
    )


def owned_vms(sup: Supervisor, uid: str) -> list[dict[str, Any]]:
    items = sup.custom.list_namespaced_custom_object(GROUP, sup.version, NS, "virtualmachines")["items"]
    return [
        vm for vm in items if any(r.get("uid") == uid for r in vm["metadata"].get("ownerReferences") or [])
    ]


def test_replica_set_scales_in_place_and_group_reports_members(
    pulumi_cli: Path, tmp_path: Path, simulator_91: Any, sup_91: Supervisor
) -> None:
    suffix = secrets.token_hex(3)
    rs_name, group_name = f"rs-{suffix}", f"grp-{suffix}"
    members = [f"grp-db-{suffix}", f"grp-web-{suffix}"]
    project = project_for(simulator_91, tmp_path / "groups", program(rs_name, group_name, members, 2))
    try:
        project.run("up", "--yes")
        outputs = project.outputs()
        assert outputs["ready"] == 2
        reported = {m["name"]: m for m in outputs["members"]}
        assert set(reported) == set(members)
        for member in reported.values():
            assert member["powerState"] == "PoweredOn"
            assert member["placement"]["zoneID"].startswith("zone-")
        rs = sup_91.custom.get_namespaced_custom_object(
            GROUP, sup_91.version, NS, "virtualmachinereplicasets", rs_name
        )
        uid = rs["metadata"]["uid"]
        replicas = owned_vms(sup_91, uid)
        assert len(replicas) == 2
        assert all(
            (why_skipped(vm) or "").startswith(f"owned by VirtualMachineReplicaSet {rs_name}")
            for vm in replicas
        )
        project.run("refresh", "--yes", "--expect-no-changes")

        rewrite(project, program(rs_name, group_name, members, 3))
        preview = project.preview_json()
        assert ops(preview, "rs") == {"update"}, vm_steps(preview, "rs")
        project.run("up", "--yes")
        assert project.outputs()["ready"] == 3
        assert len(owned_vms(sup_91, uid)) == 3
        scaled = sup_91.custom.get_namespaced_custom_object(
            GROUP, sup_91.version, NS, "virtualmachinereplicasets", rs_name
        )
        assert scaled["metadata"]["uid"] == uid and scaled["spec"]["replicas"] == 3

        project.run("destroy", "--yes")
        assert owned_vms(sup_91, uid) == []
        assert all(sup_91.vm(name) is None for name in members)
    finally:
        destroy_quietly(project)
