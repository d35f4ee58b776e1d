"""vCenter -> Supervisor: what WCP and VM Operator's content-library controllers do when an administrator works
in vCenter, emulated by polling vcsim's REST API.

- A vSphere Namespace (/api/vcenter/namespaces/instances) becomes a Kubernetes namespace, with a resource
  pool and VM folder in vcsim, its storage policies' StorageClasses and quota and its CPU/memory limits on
  the pool (`quotas`), its place in every zone (`zones`: the AvailabilityZones' namespace entries and a Zone
  object per vSphere Zone) and a RoleBinding per entry of its access list (`identities.sync_access`).
- Each VM class assigned to it (vm_service_spec.vm_classes) becomes a VirtualMachineClass in it, with its
  vGPU and DirectPath devices.
- Each of its content libraries (vm_service_spec.content_libraries) becomes a ContentLibrary `cl-...` with
  the writability vCenter sets (`content_libraries`), and each of their items a VirtualMachineImage.
- Removed assignments and namespaces are removed again (only objects this sync created).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from vmservice_sim import content_libraries, identities, quotas, zones
from vmservice_sim.context import EmulatorContext
from vmservice_sim.images import MANAGED_LABEL, ensure_image, image_name
from vmservice_sim.kube import NAMESPACE, Obj

log = logging.getLogger("vmservice-sim")

SYNC_LABEL = "vmservice-sim.vmware.com/from-vcenter"
CLUSTER_LABEL = "vSphereClusterID"
DEFAULT_STORAGE_CLASS = "vsan-default-storage-policy"
STORAGE_POLICY_ID = "aa6d5a82-1c88-45da-85d3-3d74b91a5bad"  # vcsim's "vSAN Default Storage Policy"


def memory_quantity(memory_mb: int) -> str:
    return f"{memory_mb // 1024}Gi" if memory_mb and memory_mb % 1024 == 0 else f"{memory_mb}Mi"


def class_spec(info: dict[str, Any]) -> Obj:
    """A VirtualMachineClass spec from a vCenter VM class (cpu_count, memory_MB, reservations in %)."""
    cpus = int(info.get("cpu_count") or 0)
    memory_mb = int(info.get("memory_mb") or info.get("memory_MB") or 0)
    spec: Obj = {"hardware": {"cpus": cpus, "memory": memory_quantity(memory_mb)}}
    devices = class_devices(info.get("devices") or {})
    if devices:
        spec["hardware"]["devices"] = devices
    if info.get("description"):
        spec["description"] = info["description"]
    cpu_pct, mem_pct = int(info.get("cpu_reservation") or 0), int(info.get("memory_reservation") or 0)
    requests: Obj = {}
    if cpu_pct:
        requests["cpu"] = f"{cpus * cpu_pct * 10}m"
    if mem_pct:
        requests["memory"] = memory_quantity(memory_mb * mem_pct // 100)
    if requests:
        spec["policies"] = {"resources": {"requests": requests}}
    return spec


def class_devices(devices: dict[str, Any]) -> Obj:
    """A class's vGPU profiles and Dynamic DirectPath I/O devices in the VirtualMachineClass's form
    (`spec.hardware.devices`, VM Operator's api/v1alpha2/virtualmachineclass_types.go VirtualDevices)."""
    by_name = {key.lower(): value for key, value in devices.items()}
    vgpus = [
        {"profileName": str(d.get("profile_name"))}
        for d in by_name.get("vgpu_devices") or []
        if isinstance(d, dict) and d.get("profile_name")
    ]
    direct_path = []
    for device in by_name.get("dynamic_direct_path_io_devices") or []:
        if not isinstance(device, dict):
            continue
        entry: Obj = {
            "vendorID": int(device.get("vendor_id") or 0),
            "deviceID": int(device.get("device_id") or 0),
        }
        if device.get("custom_label"):
            entry["customLabel"] = str(device["custom_label"])
        direct_path.append(entry)
    result: Obj = {}
    if vgpus:
        result["vgpuDevices"] = vgpus
    if direct_path:
        result["dynamicDirectPathIODevices"] = direct_path
    return result


class VCenterSync:
    def __init__(self, ctx: EmulatorContext) -> None:
        self.ctx = ctx
        self._thread: threading.Thread | None = None
        self.passes = 0
        self._prepared: set[str] = set()  # namespaces given their permissions and zones by this process

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="vcenter-sync", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self.ctx.stop_event.wait(self.ctx.options.sync_interval):
            try:
                self.run_once()
            except Exception as error:  # apiserver restarting, vcsim busy: next pass
                log.debug("vCenter sync failed: %s", error)

    def run_once(self) -> None:
        vcenter, kube = self.ctx.vcenter, self.ctx.kube
        wanted = {str(n["namespace"]): n for n in vcenter.list_namespaces() if n.get("namespace")}
        for name, summary in sorted(wanted.items()):
            self._sync_namespace(name, summary)
        synced, _ = kube.list(NAMESPACE, label_selector=f"{SYNC_LABEL}=true")
        for namespace in synced:
            name = namespace["metadata"]["name"]
            if name not in wanted and not namespace["metadata"].get("deletionTimestamp"):
                log.info("vSphere Namespace %s was removed from vCenter; deleting it", name)
                kube.delete(NAMESPACE, None, name)
                self._prepared.discard(name)
                vcenter.remove_namespace_placement(name)
                zones.forget_namespace(kube, self.ctx.options.zones, name)
        self.passes += 1

    def _sync_namespace(self, name: str, summary: Obj) -> None:
        kube, vcenter, kinds = self.ctx.kube, self.ctx.vcenter, self.ctx.kinds
        live = kube.get(NAMESPACE, None, name)
        if live is None:
            kube.create(
                NAMESPACE,
                {
                    "metadata": {
                        "name": name,
                        "labels": {SYNC_LABEL: "true", CLUSTER_LABEL: str(summary.get("cluster") or "")},
                    }
                },
            )
            log.info("vSphere Namespace %s -> Kubernetes namespace", name)
        elif live["metadata"].get("deletionTimestamp"):
            return
        pool, folder = vcenter.namespace_pool(name), vcenter.namespace_folder(name)
        assert pool is not None and folder is not None  # made when missing
        if name not in self._prepared:
            zones.place_namespace(
                kube, self.ctx.options.zones, name, vcenter.cluster._moId, pool._moId, folder._moId
            )
            self._prepared.add(name)
        info = vcenter.get_namespace(name) or {}
        identities.sync_access(kube, name, info.get("access_list") or [])
        quotas.sync(kube, vcenter, name, info)
        vm_service = info.get("vm_service_spec") or {}

        # VM classes
        classes, _ = kube.list(kinds.vm_class, name)
        existing = {c["metadata"]["name"]: c for c in classes}
        assigned = set()
        for class_id in vm_service.get("vm_classes") or []:
            class_info = vcenter.get_vm_class(str(class_id))
            if class_info is None:
                continue
            assigned.add(str(class_id))
            spec = class_spec(class_info)
            current = existing.get(str(class_id))
            if current is None or current.get("spec") != spec:
                kube.apply(
                    kinds.vm_class,
                    {
                        "metadata": {
                            "name": str(class_id),
                            "namespace": name,
                            "labels": {SYNC_LABEL: "true"},
                        },
                        "spec": spec,
                    },
                )
        for class_name, vm_class in existing.items():
            if (
                class_name not in assigned
                and (vm_class["metadata"].get("labels") or {}).get(SYNC_LABEL) == "true"
            ):
                kube.delete(kinds.vm_class, name, class_name)

        # the assigned content libraries and their images
        libraries = [
            library
            for library_id in vm_service.get("content_libraries") or []
            if (library := vcenter.get_library(str(library_id))) is not None
        ]
        content_libraries.sync(kube, name, libraries, content_libraries.writability(info))
        images, _ = kube.list(kinds.image, name, label_selector=MANAGED_LABEL)
        known = {i["metadata"]["name"] for i in images}
        expected = set()
        for library_id in vm_service.get("content_libraries") or []:
            for item_id in vcenter.list_items(str(library_id)):
                item = vcenter.get_item(item_id)
                if item is None:
                    continue
                expected.add(image_name(item_id))
                if image_name(item_id) not in known:
                    ensure_image(self.ctx, name, item)
        for image in known - expected:
            kube.delete(kinds.image, name, image)
        if info.get("config_status") == "CONFIGURING":
            vcenter.namespace_configured(name)  # WCP reports the namespace to vCenter once it is made
