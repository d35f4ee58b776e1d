"""The simulated Supervisor's starting point, created the way an administrator would (in vCenter where the
real thing lives there, in Kubernetes for what the Supervisor itself provides):

- vCenter: the cluster renamed `WCP-supervisor` (vcsim reports `WCP-…` clusters as Supervisors), four VM classes, a content
  library `vmservice-images` with `ubuntu-22.04`, `photon-5` and `windows-2022`, a library `vmservice-published` for publish
  requests, and the vSphere Namespace `dev` with all of them assigned (`vmservice-published` writable there,
  `vmservice-images` read-only).
- Kubernetes: the StorageClass `vsan-default-storage-policy`, the availability zones, the fault-injection
  ConfigMap, VM Operator's provider ConfigMap and the API load balancer Service web consoles point at. (Who
  may do what is `identities`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vmservice_sim import zones as zone_objects
from vmservice_sim.faults import FAULTS_CONFIGMAP, FAULTS_NAMESPACE
from vmservice_sim.kube import CONFIG_MAP, NAMESPACE, SERVICE, STORAGE_CLASS, Kube
from vmservice_sim.vcenter import VCenter
from vmservice_sim.vcenter_sync import DEFAULT_STORAGE_CLASS, STORAGE_POLICY_ID

DEMO_NAMESPACE = "dev"
SUPERVISOR_NAME = "WCP-supervisor"
IMAGE_LIBRARY = "vmservice-images"
PUBLISH_LIBRARY = "vmservice-published"


@dataclass(frozen=True)
class VMClassSeed:
    name: str
    cpus: int
    memory_mb: int
    reserved: bool


VM_CLASSES = (
    VMClassSeed("guaranteed-large", 4, 16 * 1024, True),
    VMClassSeed("best-effort-large", 4, 16 * 1024, False),
    VMClassSeed("guaranteed-small", 2, 4 * 1024, True),
    VMClassSeed("best-effort-small", 2, 4 * 1024, False),
)
IMAGES = (
    ("ubuntu-22.04", "Ubuntu 22.04 LTS (Jammy) cloud image"),
    ("photon-5", "VMware Photon OS 5.0"),
    ("windows-2022", "Windows Server 2022 Datacenter (Sysprep-ready)"),
)
PROXY_VIP = "203.0.113.2"  # below the load-balancer pool (203.0.113.10+)


def seed_vcenter(vcenter: VCenter) -> dict[str, Any]:
    """Idempotent; returns what was found or made (cluster name, library ids)."""
    cluster = vcenter.rename_cluster(SUPERVISOR_NAME)
    for seed in VM_CLASSES:
        if vcenter.get_vm_class(seed.name) is None:
            vcenter.create_vm_class(
                seed.name,
                seed.cpus,
                seed.memory_mb,
                100 if seed.reserved else 0,
                f"{seed.cpus} vCPU, {seed.memory_mb // 1024} GiB, {'reserved' if seed.reserved else 'best effort'}",
            )
    libraries = {}
    for library_name in (IMAGE_LIBRARY, PUBLISH_LIBRARY):
        found = vcenter.find_library(library_name)
        libraries[library_name] = str(found["id"]) if found else vcenter.create_library(library_name)
    for item_name, description in IMAGES:
        if vcenter.find_item(libraries[IMAGE_LIBRARY], item_name) is None:
            vcenter.create_item(libraries[IMAGE_LIBRARY], item_name, description)
    if vcenter.get_namespace(DEMO_NAMESPACE) is None:
        vcenter.create_namespace(
            DEMO_NAMESPACE,
            [s.name for s in VM_CLASSES],
            list(libraries.values()),
            writable=(libraries[PUBLISH_LIBRARY],),
            storage_policies=(STORAGE_POLICY_ID,),
        )
    return {"cluster": cluster, "libraries": libraries}


def seed_kubernetes(kube: Kube, zones: tuple[str, ...]) -> None:
    for name in (FAULTS_NAMESPACE, "vmware-system-vmop"):
        kube.create_or_get(NAMESPACE, {"metadata": {"name": name}})
    zone_objects.seed(kube, zones)  # each namespace is placed in them on sync
    kube.create_or_get(
        STORAGE_CLASS,
        {
            "metadata": {
                "name": DEFAULT_STORAGE_CLASS,
                "annotations": {"storageclass.kubernetes.io/is-default-class": "false"},
            },
            "provisioner": "csi.vsphere.vmware.com",
            "parameters": {"storagePolicyID": STORAGE_POLICY_ID},
            "allowVolumeExpansion": True,
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "Immediate",
        },
    )
    kube.create_or_get(
        CONFIG_MAP,
        {
            "metadata": {"name": FAULTS_CONFIGMAP, "namespace": FAULTS_NAMESPACE},
            "data": {},
        },
    )
    kube.create_or_get(
        CONFIG_MAP,
        {
            "metadata": {
                "name": "vsphere.provider.config.vmoperator.vmware.com",
                "namespace": "vmware-system-vmop",
            },
            "data": {"IsRestrictedNetwork": "false", "Network": "primary"},
        },
    )
    proxy, _ = kube.create_or_get(
        SERVICE,
        {
            "metadata": {"name": "kube-apiserver-lb-svc", "namespace": "kube-system"},
            "spec": {
                "type": "LoadBalancer",
                "allocateLoadBalancerNodePorts": False,
                "ports": [{"name": "nginx", "port": 443, "targetPort": 443, "protocol": "TCP"}],
            },
        },
    )
    if not ((proxy.get("status") or {}).get("loadBalancer") or {}).get("ingress"):
        kube.patch(
            SERVICE,
            "kube-system",
            "kube-apiserver-lb-svc",
            {"status": {"loadBalancer": {"ingress": [{"ip": PROXY_VIP}]}}},
            status=True,
        )
