"""The policy pack (pulumi_vmservice_policy, run by examples/policy-python/run-pack) under the real CLI: a
program that breaks every policy and one that keeps them all, offline; remediation of required labels (also in a
replica set's template); class reservations and devices from the pack config, never from the class name; a replica
set's template held to every VM rule; and, on a 9.1 simulator, a VM group's members that the stack does not declare
(nested groups followed) held to every VM rule, and snapshot limits counting the Supervisor's snapshots and their
age."""

from __future__ import annotations

import json
import secrets
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.pulumi_cli import ROOT, PulumiProject, yaml_project
from tests.e2e.test_vm_behaviour import (
    GROUP,
    NS,
    STORAGE_CLASS,
    Supervisor,
    destroy_quietly,
    project_for,
    rewrite,
    simulator_91,
    sup_91,
)

pytestmark = pytest.mark.e2e
__all__ = ["simulator_91", "sup_91"]  # the module-scoped 9.1 simulator, started once for this module
PACK = ROOT / "examples" / "policy-python" / "run-pack"
LABELS = "{owner: shop-team, cost-center: cc-42, role: web}"
CLASSES = {  # as vCenter would report them: names say nothing
    "gold": {"cpus": 2, "memoryMib": 4096, "cpuReservation": 100, "memoryReservation": 100},
    "guaranteed-small": {"cpus": 2, "memoryMib": 4096, "cpuReservation": 50, "memoryReservation": 100},
    "best-effort-small": {"cpus": 2, "memoryMib": 4096, "cpuReservation": 0, "memoryReservation": 0},
    "compute-large": {  # a vGPU class whose name does not say so
        "cpus": 8,
        "memoryMib": 65536,
        "cpuReservation": 100,
        "memoryReservation": 100,
        "vgpuDevices": ["grid_t4-4q"],
    },
}
CONFIG = {
    "vm-guaranteed-class-in-production": {
        "productionNamespaces": ["prod"],
        "classes": CLASSES,
        "supervisorLookup": False,
    },
    "vm-allowed-classes": {
        "allowed": {
            "prod": ["gold", "compute-large"],
            "ml-team": ["compute-large"],
            "*": ["gold", "guaranteed-small"],
        }
    },
    "vm-allowed-images": {"allowed": {"prod": ["ubuntu-*"]}, "supervisorLookup": False},
    "vm-allowed-storage-classes": {"allowed": {"prod": ["vsan-default-storage-policy"]}},
    "vm-zone-spread": {"minZones": 2},
    "vm-gpu-classes": {"allowedNamespaces": ["ml-*"], "classes": CLASSES, "supervisorLookup": False},
    "vm-images-from-allowed-libraries": {
        "allowed": {"prod": ["golden-*"]},
        "images": {"ubuntu-22.04": "golden-images", "photon-5": "community-images"},
        "supervisorLookup": False,
    },
    "vm-no-power-cycle-in-production": {"productionNamespaces": ["prod"]},
    "vm-snapshot-limits": {"maxPerVM": 2, "maxAgeDays": 3, "supervisorLookup": False},
    "vm-publish-allowed-libraries": {"allowed": {"prod": ["prod-images"]}},
}

BAD = f"""resources:
  web1:
    type: vmservice:index:VirtualMachine
    properties:
      metadata: {{name: web-1, namespace: prod, labels: {{role: web}}}}
      spec:
        className: guaranteed-small
        imageName: photon-5
        storageClass: gold-storage
        bootstrap:
          cloudInit:
            cloudConfig:
              runcmd: ["echo 'root:hunter2' | chpasswd"]
  web2:
    type: vmservice:index:VirtualMachine
    properties:
      metadata: {{name: web-2, namespace: prod, labels: {LABELS}}}
      spec:
        className: gold
        imageName: ubuntu-22.04
        bootstrap:
          vAppConfig:
            properties:
              - key: admin-password
                value: {{value: hunter2}}
      allowPowerCycle: true
  ml:
    type: vmservice:index:VirtualMachine
    properties:
      metadata:
        name: ml-1
        namespace: prod
        labels: {{owner: shop-team, cost-center: cc-42, role: ml, topology.kubernetes.io/zone: zone-a}}
      spec: {{className: compute-large, imageName: ubuntu-22.04}}
  snap1:
    type: vmservice:index:VirtualMachineSnapshot
    properties:
      metadata: {{name: web-2-a, namespace: prod, labels: {LABELS}}}
      spec: {{vmName: web-2}}
  snap2:
    type: vmservice:index:VirtualMachineSnapshot
    properties:
      metadata: {{name: web-2-b, namespace: prod, labels: {LABELS}}}
      spec: {{vmName: web-2}}
  snap3:
    type: vmservice:index:VirtualMachineSnapshot
    properties:
      metadata: {{name: web-2-c, namespace: prod, labels: {LABELS}}}
      spec: {{vmName: web-2}}
  pub:
    type: vmservice:index:VirtualMachinePublishRequest
    properties:
      metadata: {{name: web-2-image, namespace: prod, labels: {LABELS}}}
      spec: {{source: {{name: web-2}}, target: {{location: {{name: scratch}}}}}}
  group:
    type: vmservice:index:VirtualMachineGroup
    properties:
      metadata: {{name: web, namespace: prod, labels: {LABELS}}}
      spec:
        bootOrder:
          - members: [{{kind: VirtualMachine, name: web-2}}, {{kind: VirtualMachine, name: ghost}}]
  lb:
    type: vmservice:index:VirtualMachineService
    properties:
      metadata: {{name: lb, namespace: prod, labels: {LABELS}}}
      spec: {{type: LoadBalancer, selector: {{role: web}}, ports: [{{name: http, protocol: TCP, port: 80, targetPort: 8080}}], loadBalancerSourceRanges: [0.0.0.0/0]}}
  cls:
    type: vmservice:vcenter:VirtualMachineClass
    properties: {{name: guaranteed-xl, cpuCount: 8, memoryMb: 8192, cpuReservation: 100, memoryReservation: 50}}
  ns:
    type: vmservice:vcenter:Namespace
    properties:
      name: prod
      supervisor: WCP-supervisor
      storagePolicies: [{{policy: vsan-default-storage-policy}}]
  lib:
    type: vmservice:vcenter:ContentLibrary
    properties: {{name: mirror, datastore: LocalDS_0, subscriptionUrl: "http://images.example.com/lib.json"}}
"""

GOOD = f"""resources:
  web1:
    type: vmservice:index:VirtualMachine
    properties:
      metadata:
        name: web-1
        namespace: prod
        labels: {{owner: shop-team, cost-center: cc-42, role: web, topology.kubernetes.io/zone: zone-a}}
      spec:
        className: gold
        imageName: ubuntu-22.04
        storageClass: vsan-default-storage-policy
        bootstrap:
          cloudInit:
            cloudConfig:
              users: [{{name: ops, hashed_passwd: {{name: ops-password, key: hash}}}}]
              runcmd: ["systemctl enable --now nginx"]
  web2:
    type: vmservice:index:VirtualMachine
    properties:
      metadata:
        name: web-2
        namespace: prod
        labels: {{owner: shop-team, cost-center: cc-42, role: web, topology.kubernetes.io/zone: zone-b}}
      spec:
        className: gold
        imageName: ubuntu-22.04
      userData:
        fn::secret: "#cloud-config\\npassword: only-in-a-secret"
      allowPowerCycle: false
  ml:
    type: vmservice:index:VirtualMachine
    properties:
      metadata:
        name: ml-1
        namespace: ml-team
        labels: {{owner: shop-team, cost-center: cc-42, role: ml, topology.kubernetes.io/zone: zone-a}}
      spec: {{className: compute-large, imageName: ubuntu-22.04}}
      allowPowerCycle: true
  snap1:
    type: vmservice:index:VirtualMachineSnapshot
    properties:
      metadata: {{name: web-2-a, namespace: prod, labels: {LABELS}}}
      spec: {{vmName: web-2}}
  snap2:
    type: vmservice:index:VirtualMachineSnapshot
    properties:
      metadata: {{name: web-2-b, namespace: prod, labels: {LABELS}}}
      spec: {{vmName: web-2}}
  pub:
    type: vmservice:index:VirtualMachinePublishRequest
    properties:
      metadata: {{name: web-2-image, namespace: prod, labels: {LABELS}}}
      spec: {{source: {{name: web-2}}, target: {{location: {{name: prod-images}}}}}}
  group:
    type: vmservice:index:VirtualMachineGroup
    properties:
      metadata: {{name: web, namespace: prod, labels: {LABELS}}}
      spec:
        bootOrder:
          - members: [{{kind: VirtualMachine, name: web-1}}, {{kind: VirtualMachine, name: web-2}}]
  lb:
    type: vmservice:index:VirtualMachineService
    properties:
      metadata: {{name: lb, namespace: prod, labels: {LABELS}}}
      spec: {{type: LoadBalancer, selector: {{role: web}}, ports: [{{name: http, protocol: TCP, port: 80, targetPort: 8080}}], loadBalancerSourceRanges: [10.0.0.0/8]}}
  cls:
    type: vmservice:vcenter:VirtualMachineClass
    properties: {{name: guaranteed-xl, cpuCount: 8, memoryMb: 8192, cpuReservation: 100, memoryReservation: 100}}
  ns:
    type: vmservice:vcenter:Namespace
    properties:
      name: prod
      supervisor: WCP-supervisor
      storagePolicies: [{{policy: vsan-default-storage-policy, limitMib: 102400}}]
  lib:
    type: vmservice:vcenter:ContentLibrary
    properties:
      name: mirror
      datastore: LocalDS_0
      subscriptionUrl: "https://images.example.com/lib.json"
      subscriptionThumbprint: "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01"
"""

OFFLINE = {
    "KUBECONFIG": "/nonexistent",
    "VSPHERE_SERVER": "127.0.0.1:9",
    "VSPHERE_USER": "nobody",
    "VSPHERE_PASSWORD": "unused",
    "VMSERVICE_POLICY_PYTHON": sys.executable,
    "PULUMI_ENABLE_STREAMING_JSON_PREVIEW": "1",
}


def guarded(directory: Path, body: str, env: dict[str, str] | None = None) -> PulumiProject:
    project = yaml_project(directory, "guarded", body)
    project.env.update(env or OFFLINE)
    project.env["VMSERVICE_POLICY_PYTHON"] = sys.executable
    project.env["PULUMI_ENABLE_STREAMING_JSON_PREVIEW"] = "1"
    project.init_stack()
    return project


def policy_preview(project: PulumiProject, config: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """(exit code, engine events) of a preview with the pack; the events carry the policy results."""
    path = project.dir / "policy-config.json"
    path.write_text(json.dumps(config))
    result = project.run(
        "preview", "--json", "--policy-pack", str(PACK), "--policy-pack-config", str(path), check=False
    )
    events = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert events, result.stdout + result.stderr
    return result.returncode, events


def violations(events: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for event in events:
        if "policyEvent" in event:
            raw = event["policyEvent"]
            key = (raw["policyName"], raw.get("resourceUrn", "").rsplit("::", 1)[-1])
            found.setdefault(key, []).append(raw["message"])
    return found


def test_every_policy_fails_on_the_bad_program(pulumi_cli: Path, tmp_path: Path) -> None:
    code, events = policy_preview(guarded(tmp_path / "bad", BAD), CONFIG)
    found = violations(events)
    assert code != 0
    assert set(found) == {
        ("vm-guaranteed-class-in-production", "web1"),
        ("vm-allowed-classes", "web1"),
        ("vm-allowed-images", "web1"),
        ("vm-allowed-storage-classes", "web1"),
        ("vm-no-plaintext-secrets", "web1"),
        ("vm-no-plaintext-secrets", "web2"),
        ("vm-zone-spread", "web1"),
        ("vm-zone-spread", "web2"),
        ("required-labels", "web1"),
        ("lb-source-ranges", "lb"),
        ("vcenter-guaranteed-classes-reserve-all", "cls"),
        ("vcenter-namespace-storage-limits", "ns"),
        ("vcenter-subscribed-library-https", "lib"),
        ("vm-gpu-classes", "ml"),
        ("vm-images-from-allowed-libraries", "web1"),
        ("vm-no-power-cycle-in-production", "web2"),
        ("vm-snapshot-limits", "snap1"),
        ("vm-snapshot-limits", "snap2"),
        ("vm-snapshot-limits", "snap3"),
        ("vm-publish-allowed-libraries", "pub"),
        ("vm-group-members-known", "group"),
    }, found
    text = json.dumps(list(found.values()))
    # decided from the class data: 'guaranteed-small' reserves half its CPU here, so it is not guaranteed
    assert "uses class 'guaranteed-small', which reserves CPU 50 %, memory 100 %" in text
    assert "cloudConfig.runcmd[0] sets a password inline" in text
    assert "vAppConfig.properties[0] (admin-password) is inline" in text
    assert "hunter2" not in text  # the violation names the property, never the password
    assert "2 VMs in 0 zone(s)" in text
    assert "metadata.labels lacks cost-center, owner" in text
    assert "0.0.0.0/0, which is every address" in text
    assert "subscribes over http; use https" in text and "pins no subscriptionThumbprint" in text
    # decided from the class data: 'compute-large' gives the VM a vGPU, and prod may not have one
    assert "class 'compute-large' gives the VM vGPU grid_t4-4q, which namespace 'prod' is not allowed" in text
    assert "image 'photon-5' comes from content library community-images" in text
    assert "allowPowerCycle is true in production namespace 'prod'" in text
    assert "VM prod/web-2 would have 3 snapshots (3 in this stack), more than maxPerVM 2" in text
    assert "publishes to content library 'scratch'" in text
    assert "member VirtualMachine prod/ghost (Supervisor not readable: " in text
    assert "web-2 (" not in text  # a member the stack declares is checked as itself


def test_every_policy_passes_on_the_good_program(pulumi_cli: Path, tmp_path: Path) -> None:
    code, events = policy_preview(guarded(tmp_path / "good", GOOD), CONFIG)
    assert violations(events) == {}
    assert code == 0
    kinds = ("policyAnalyzeSummaryEvent", "policyAnalyzeStackSummaryEvent")
    summaries = [e[kind] for e in events for kind in kinds if kind in e]
    passed = {name for s in summaries for name in s.get("passed", [])}
    assert {
        "vm-guaranteed-class-in-production",
        "vm-zone-spread",
        "vcenter-subscribed-library-https",
        "vm-gpu-classes",
        "vm-images-from-allowed-libraries",
        "vm-no-power-cycle-in-production",
        "vm-snapshot-limits",
        "vm-publish-allowed-libraries",
        "vm-group-members-known",
    } <= passed


def test_required_labels_remediation_adds_defaults(pulumi_cli: Path, tmp_path: Path) -> None:
    body = """resources:
  vm:
    type: vmservice:index:VirtualMachine
    properties:
      metadata: {name: app, namespace: dev, labels: {owner: me}}
      spec: {className: gold, imageName: ubuntu-22.04}
"""
    config: dict[str, Any] = {
        "required-labels": {"labels": {"owner": "", "cost-center": "cc-unassigned"}},
        "vm-gpu-classes": {"classes": {"gold": {}}},  # offline: class data from the config
    }
    code, events = policy_preview(guarded(tmp_path / "remediate", body), config)
    assert code == 0 and violations(events) == {}
    remediations = [e["policyRemediationEvent"] for e in events if "policyRemediationEvent" in e]
    assert [r["policyName"] for r in remediations] == ["required-labels"]
    after = remediations[0]["after"]["metadata"]["labels"]
    assert after == {"owner": "me", "cost-center": "cc-unassigned"}
    # without a default the label stays required: a mandatory violation
    config["required-labels"]["labels"]["team"] = ""
    code, events = policy_preview(guarded(tmp_path / "required", body), config)
    assert code != 0
    assert violations(events) == {
        ("required-labels", "vm"): [violations(events)[("required-labels", "vm")][0]]
    }
    assert "metadata.labels lacks team" in json.dumps(list(violations(events).values()))


# ---- replica sets: the template is a VM ----------------------------------------------------------------------
RS_CONFIG = {**CONFIG, "vm-zone-spread": {"minZones": 2}}

RS_BAD = f"""resources:
  rs1:
    type: vmservice:index:VirtualMachineReplicaSet
    properties:
      metadata: {{name: web, namespace: prod, labels: {LABELS}}}
      spec:
        replicas: 3
        selector: {{matchLabels: {{role: web}}}}
        template:
          metadata:
            labels: {{role: web}}
          spec:
            className: best-effort-small
            imageName: photon-5
            storageClass: gold-storage
            bootstrap:
              cloudInit:
                cloudConfig:
                  runcmd: ["echo 'root:hunter2' | chpasswd"]
  rs2:
    type: vmservice:index:VirtualMachineReplicaSet
    properties:
      metadata: {{name: train, namespace: prod, labels: {LABELS}}}
      spec:
        replicas: 1
        selector: {{matchLabels: {{role: train}}}}
        template:
          metadata:
            labels: {{owner: ml-team, cost-center: cc-7, role: train, topology.kubernetes.io/zone: zone-a}}
          spec: {{className: compute-large, imageName: ubuntu-22.04}}
"""

RS_GOOD = f"""resources:
  rs1:
    type: vmservice:index:VirtualMachineReplicaSet
    properties:
      metadata: {{name: web, namespace: prod, labels: {LABELS}}}
      spec:
        replicas: 3
        selector: {{matchLabels: {{app: web}}}}
        template:
          metadata:
            labels: {{owner: shop-team, cost-center: cc-42, app: web}}
          spec:
            className: gold
            imageName: ubuntu-22.04
            storageClass: vsan-default-storage-policy
            bootstrap:
              cloudInit:
                cloudConfig:
                  runcmd: ["systemctl enable --now nginx"]
  rs2:
    type: vmservice:index:VirtualMachineReplicaSet
    properties:
      metadata: {{name: train, namespace: ml-team, labels: {LABELS}}}
      spec:
        replicas: 2
        selector: {{matchLabels: {{app: train}}}}
        template:
          metadata:
            labels: {{owner: ml-team, cost-center: cc-7, app: train}}
          spec: {{className: compute-large, imageName: ubuntu-22.04}}
"""


def test_a_replica_sets_template_is_held_to_every_vm_rule(pulumi_cli: Path, tmp_path: Path) -> None:
    code, events = policy_preview(guarded(tmp_path / "bad", RS_BAD), RS_CONFIG)
    found = violations(events)
    assert code != 0
    assert set(found) == {
        ("vm-guaranteed-class-in-production", "rs1"),
        ("vm-allowed-classes", "rs1"),
        ("vm-allowed-images", "rs1"),
        ("vm-allowed-storage-classes", "rs1"),
        ("vm-no-plaintext-secrets", "rs1"),
        ("vm-zone-spread", "rs1"),
        ("vm-images-from-allowed-libraries", "rs1"),
        ("required-labels", "rs1"),
        ("vm-gpu-classes", "rs2"),
    }, found
    text = json.dumps(list(found.values()))
    assert "spec.template: VM in production namespace 'prod' uses class 'best-effort-small'" in text
    assert "spec.template: class 'best-effort-small' is not allowed in namespace 'prod'" in text
    assert "spec.template: image 'photon-5' is not allowed" in text
    assert "spec.template: spec.storageClass: storage class 'gold-storage' is not allowed" in text
    assert "spec.template: cloudConfig.runcmd[0] sets a password inline" in text
    assert "spec.template: image 'photon-5' comes from content library community-images" in text
    assert "spec.template.metadata.labels lacks cost-center, owner" in text
    assert "role 'web' in namespace 'prod': 3 VMs in 0 zone(s)" in text  # the replicas count
    assert "spec.template: class 'compute-large' gives the VM vGPU grid_t4-4q" in text
    assert "hunter2" not in text

    code, events = policy_preview(guarded(tmp_path / "good", RS_GOOD), RS_CONFIG)
    assert violations(events) == {}
    assert code == 0


def test_required_labels_remediation_reaches_the_template(pulumi_cli: Path, tmp_path: Path) -> None:
    body = """resources:
  rs:
    type: vmservice:index:VirtualMachineReplicaSet
    properties:
      metadata: {name: web, namespace: dev, labels: {owner: me}}
      spec:
        replicas: 1
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web, owner: me}}
          spec: {className: gold, imageName: ubuntu-22.04}
"""
    config: dict[str, Any] = {
        "required-labels": {"labels": {"owner": "", "cost-center": "cc-unassigned"}},
        "vm-gpu-classes": {"classes": {"gold": {}}},
    }
    code, events = policy_preview(guarded(tmp_path / "remediate", body), config)
    assert code == 0 and violations(events) == {}, violations(events)
    remediations = [e["policyRemediationEvent"] for e in events if "policyRemediationEvent" in e]
    assert [r["policyName"] for r in remediations] == ["required-labels"]
    after = remediations[0]["after"]
    assert after["metadata"]["labels"] == {"owner": "me", "cost-center": "cc-unassigned"}
    assert after["spec"]["template"]["metadata"]["labels"] == {
        "app": "web",
        "owner": "me",
        "cost-center": "cc-unassigned",
    }


# ---- against a Supervisor: a group's members the stack does not declare, snapshots --------------------------
OWNED = {"owner": "shop-team", "cost-center": "cc-42"}


def live_vm(sup: Supervisor, name: str, class_name: str, image: str, **extra: Any) -> None:
    """A VM made on the Supervisor by someone else (no Pulumi stack), powered off."""
    body = {
        "apiVersion": f"{GROUP}/{sup.version}",
        "kind": "VirtualMachine",
        "metadata": {"name": name, "namespace": NS, "labels": extra.pop("labels", {})},
        "spec": {
            "className": class_name,
            "imageName": image,
            "storageClass": STORAGE_CLASS,
            "powerState": "PoweredOff",
            **extra,
        },
    }
    sup.custom.create_namespaced_custom_object(GROUP, sup.version, NS, "virtualmachines", body)


def delete_live(sup: Supervisor, plural: str, *names: str) -> None:
    from kubernetes.client.exceptions import ApiException

    for name in names:
        try:
            sup.custom.delete_namespaced_custom_object(GROUP, sup.version, NS, plural, name)
        except ApiException as error:
            if error.status != 404:
                raise


def on_supervisor(project: PulumiProject) -> PulumiProject:
    """The pack reads the Supervisor through the stack's KUBECONFIG (the simulator's DevOps user)."""
    project.env["VMSERVICE_POLICY_PYTHON"] = sys.executable
    project.env["PULUMI_ENABLE_STREAMING_JSON_PREVIEW"] = "1"
    return project


GROUP_CONFIG: dict[str, Any] = {
    "vm-guaranteed-class-in-production": {"productionNamespaces": [NS]},
    "vm-allowed-classes": {"allowed": {NS: ["guaranteed-small"]}},
    "vm-allowed-images": {"allowed": {NS: ["photon-*"]}},
    "vm-images-from-allowed-libraries": {
        "allowed": {NS: ["golden"]},
        "images": {"photon-5": "golden", "ubuntu-22.04": "vmservice-images"},
    },
    "vm-zone-spread": {"minZones": 1},
    "required-labels": {"labels": {"owner": "", "cost-center": ""}},
}


def group_program(suffix: str, members: list[tuple[str, str]], inside_class: str = "guaranteed-small") -> str:
    listed = ", ".join(f"{{kind: {kind}, name: {name}}}" for kind, name in members)
    return f"""resources:
  inside:
    type: vmservice:index:VirtualMachine
    properties:
      metadata: {{name: inside-{suffix}, labels: {{owner: shop-team, cost-center: cc-42}}}}
      spec:
        className: {inside_class}
        imageName: photon-5
        storageClass: {STORAGE_CLASS}
        powerState: PoweredOff
        groupName: grp-{suffix}
  grp:
    type: vmservice:index:VirtualMachineGroup
    properties:
      metadata: {{name: grp-{suffix}, labels: {{owner: shop-team, cost-center: cc-42}}}}
      spec:
        powerState: PoweredOff
        bootOrder:
          - members: [{listed}]
"""


def test_a_groups_members_are_held_to_every_vm_rule(
    pulumi_cli: Path, tmp_path: Path, simulator_91: Any, sup_91: Supervisor
) -> None:
    """Members the stack does not declare are read from the Supervisor (nested groups followed) and checked by
    every VM rule; a member nobody has fails; members the stack declares are checked as themselves."""
    suffix = secrets.token_hex(3)
    outsider, good, nested = f"outsider-{suffix}", f"good-{suffix}", f"outgrp-{suffix}"
    live_vm(
        sup_91,
        outsider,
        "best-effort-small",
        "ubuntu-22.04",
        labels={"role": "db"},
        bootstrap={"cloudInit": {"cloudConfig": {"runcmd": ["echo 'root:hunter2' | chpasswd"]}}},
    )
    live_vm(sup_91, good, "guaranteed-small", "photon-5", labels=OWNED)
    sup_91.custom.create_namespaced_custom_object(
        GROUP,
        sup_91.version,
        NS,
        "virtualmachinegroups",
        {
            "apiVersion": f"{GROUP}/{sup_91.version}",
            "kind": "VirtualMachineGroup",
            "metadata": {"name": nested, "namespace": NS},
            "spec": {"bootOrder": [{"members": [{"kind": "VirtualMachine", "name": outsider}]}]},
        },
    )
    try:
        members = [
            ("VirtualMachine", f"inside-{suffix}"),
            ("VirtualMachineGroup", nested),
            ("VirtualMachine", f"ghost-{suffix}"),
        ]
        project = on_supervisor(project_for(simulator_91, tmp_path / "bad", group_program(suffix, members)))
        code, events = policy_preview(project, GROUP_CONFIG)
        found = violations(events)
        assert code != 0
        assert set(found) == {
            ("vm-guaranteed-class-in-production", "grp"),
            ("vm-allowed-classes", "grp"),
            ("vm-allowed-images", "grp"),
            ("vm-no-plaintext-secrets", "grp"),
            ("vm-images-from-allowed-libraries", "grp"),
            ("required-labels", "grp"),
            ("vm-group-members-known", "grp"),
        }, found
        text = json.dumps(list(found.values()))
        member = f"member VirtualMachine {NS}/{outsider} in group {nested}: "
        assert member + f"class 'best-effort-small' is not allowed in namespace '{NS}'" in text
        assert member + f"VM in production namespace '{NS}' uses class 'best-effort-small'" in text
        # 9.1 keeps the display name in spec.imageName (the vmi- name goes to spec.image)
        assert member + "image 'ubuntu-22.04' (OS linux) is not allowed" in text
        assert member + "cloudConfig.runcmd[0] sets a password inline" in text
        assert member + "metadata.labels lacks cost-center, owner" in text
        assert "comes from content library vmservice-images" in text
        assert f"member VirtualMachine {NS}/ghost-{suffix} (not on the Supervisor)" in text
        assert f"inside-{suffix}" not in text  # declared in the stack: checked as itself, and it passes
        assert "hunter2" not in text

        members = [("VirtualMachine", f"inside-{suffix}"), ("VirtualMachine", good)]
        project = on_supervisor(project_for(simulator_91, tmp_path / "good", group_program(suffix, members)))
        code, events = policy_preview(project, GROUP_CONFIG)
        assert violations(events) == {}
        assert code == 0

        # Once the stack made its VM, the Supervisor's copy carries the stack's URN: a later change to it is
        # judged as the stack declares it, not from the older object on the Supervisor.
        made = [("VirtualMachine", f"inside-{suffix}m")]
        project = on_supervisor(
            project_for(
                simulator_91, tmp_path / "made", group_program(suffix + "m", made, "best-effort-small")
            )
        )
        try:
            project.run("up", "--yes")
            rewrite(project, group_program(suffix + "m", made, "guaranteed-small"))
            code, events = policy_preview(project, GROUP_CONFIG)
            assert violations(events) == {}, violations(events)
        finally:
            destroy_quietly(project)
    finally:
        delete_live(sup_91, "virtualmachinegroups", nested)
        delete_live(sup_91, "virtualmachines", outsider, good)


def test_snapshot_limits_count_the_supervisors_snapshots_and_their_age(
    pulumi_cli: Path, tmp_path: Path, simulator_91: Any, sup_91: Supervisor
) -> None:
    suffix = secrets.token_hex(3)
    vm, mine, other = f"snapvm-{suffix}", f"snap-{suffix}", f"manual-{suffix}"
    body = f"""resources:
  vm:
    type: vmservice:index:VirtualMachine
    properties:
      metadata: {{name: {vm}, labels: {{owner: shop-team, cost-center: cc-42}}}}
      spec: {{className: best-effort-small, imageName: ubuntu-22.04, storageClass: {STORAGE_CLASS}, powerState: PoweredOff}}
  snap:
    type: vmservice:index:VirtualMachineSnapshot
    properties:
      metadata: {{name: {mine}, labels: {{owner: shop-team, cost-center: cc-42}}}}
      spec: {{vmName: {vm}}}
    options: {{dependsOn: ["${{vm}}"]}}
"""
    project = on_supervisor(project_for(simulator_91, tmp_path / "snapshots", body))
    try:
        project.run("up", "--yes")
        sup_91.custom.create_namespaced_custom_object(
            GROUP,
            sup_91.version,
            NS,
            "virtualmachinesnapshots",
            {
                "apiVersion": f"{GROUP}/{sup_91.version}",
                "kind": "VirtualMachineSnapshot",
                "metadata": {"name": other, "namespace": NS},
                "spec": {"vmName": vm},
            },
        )
        time.sleep(2)
        strict = {"vm-snapshot-limits": {"maxPerVM": 1, "maxAgeDays": 0.00001}}  # about a second
        code, events = policy_preview(project, strict)
        found = violations(events)
        assert code != 0
        assert set(found) == {("vm-snapshot-limits", "snap")}, found
        text = json.dumps(found[("vm-snapshot-limits", "snap")])
        assert f"VM {NS}/{vm} would have 2 snapshots (1 in this stack, 1 more on the Supervisor)" in text
        assert f"snapshot {NS}/{mine} of VM {vm} is " in text and "older than maxAgeDays 1e-05" in text

        code, events = policy_preview(project, {"vm-snapshot-limits": {"maxPerVM": 2, "maxAgeDays": 3}})
        assert violations(events) == {}
        assert code == 0
    finally:
        delete_live(sup_91, "virtualmachinesnapshots", other)
        destroy_quietly(project)


@pytest.mark.parametrize(
    "config_file", ["examples/policy-python/config.example.json", "examples/gitops/policy-config.json"]
)
def test_the_example_configs_fit_the_packs_schemas(
    pulumi_cli: Path, tmp_path: Path, config_file: str
) -> None:
    """The engine checks a pack's config against each policy's schema before anything runs."""
    config = json.loads((ROOT / config_file).read_text())
    body = f"""resources:
  lb:
    type: vmservice:index:VirtualMachineService
    properties:
      metadata: {{name: lb, namespace: prod, labels: {LABELS}}}
      spec: {{type: ClusterIP, selector: {{role: web}}, ports: [{{name: http, protocol: TCP, port: 80, targetPort: 8080}}]}}
"""
    code, events = policy_preview(guarded(tmp_path / "config", body), config)
    assert code == 0, events
    assert violations(events) == {}
    broken = {**config, "vm-snapshot-limits": {"maxPerVM": "three"}}
    code, events = policy_preview(guarded(tmp_path / "broken", body), broken)
    assert code != 0
    assert "maxPerVM" in json.dumps(events)
