"""The simulated vCenter (vcsim) as the emulator uses it: inventory and VMs over SOAP (pyVmomi), content
libraries, VM classes, vSphere Namespaces and cluster modules over REST (httpx).

vcsim's VirtualMachine.runtime carries an empty faultToleranceState that pyVmomi cannot decode, so VM
properties are always read as leaf paths through the PropertyCollector.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

POWER_STATES = {"poweredOn": "PoweredOn", "poweredOff": "PoweredOff", "suspended": "Suspended"}
SESSION_HEADER = "vmware-api-session-id"


class VCenterError(RuntimeError):
    pass


@dataclass
class VmInfo:
    moref: str
    name: str
    bios_uuid: str
    instance_uuid: str
    hardware_version: int
    power_state: str
    host: str
    cpus: int
    memory_mb: int
    macs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AccessEntry:
    """One entry of a vSphere Namespace's access list."""

    subject: str
    domain: str
    role: str  # OWNER, EDIT or VIEW
    subject_type: str = "USER"


DEVOPS_CAN_EDIT = AccessEntry("devops", "vsphere.local", "EDIT")  # the user of DIR/kubeconfig


class VCenter:
    """One SOAP session and one REST session to vcsim, shared by the emulator's threads."""

    def __init__(self, host: str, username: str, password: str, ca_file: str) -> None:
        self.host = host  # host:port
        self.username = username
        self.password = password
        self.ssl_context = ssl.create_default_context(cafile=ca_file)
        self._lock = threading.RLock()
        self._rest_lock = threading.Lock()
        self._si: Any = None
        self._http = httpx.Client(
            base_url=f"https://{host}", verify=self.ssl_context, trust_env=False, timeout=30.0
        )
        self._session: str | None = None
        self._cache: dict[str, Any] = {}

    # -------------------------------------------------------------------------------------- SOAP basics

    @property
    def si(self) -> Any:
        with self._lock:
            if self._si is None:
                from pyVim.connect import SmartConnect

                hostname, _, port = self.host.rpartition(":")
                self._si = SmartConnect(
                    host=hostname,
                    port=int(port),
                    user=self.username,
                    pwd=self.password,
                    sslContext=self.ssl_context,
                    connectionPoolTimeout=-1,
                )
            return self._si

    def close(self) -> None:
        with self._lock:
            if self._si is not None:
                from pyVim.connect import Disconnect

                with contextlib.suppress(Exception):  # the process is going away anyway
                    Disconnect(self._si)
                self._si = None
        self._http.close()

    def about(self) -> dict[str, str]:
        about = self.si.content.about
        return {
            "fullName": str(about.fullName),
            "version": str(about.version),
            "apiVersion": str(about.apiVersion),
        }

    def props(self, obj: Any, paths: list[str]) -> dict[str, Any]:
        from pyVmomi import vmodl

        collector = vmodl.query.PropertyCollector
        spec = collector.FilterSpec(
            objectSet=[collector.ObjectSpec(obj=obj)],
            propSet=[collector.PropertySpec(type=type(obj), pathSet=paths)],
        )
        with self._lock:
            result = self.si.content.propertyCollector.RetrieveContents([spec])
        if not result:
            return {}
        return {prop.name: prop.val for prop in (result[0].propSet or [])}

    def wait(self, task: Any, timeout: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            info = self.props(task, ["info.state", "info.error", "info.result"])
            state = info.get("info.state")
            if state == "success":
                return info.get("info.result")
            if state == "error":
                error = info.get("info.error")
                raise VCenterError(getattr(error, "msg", None) or str(error))
            if time.monotonic() > deadline:
                raise VCenterError(f"task {task} did not finish in {timeout:.0f}s")
            time.sleep(0.01)

    def _view(self, vim_type: Any) -> list[Any]:
        content = self.si.content
        with self._lock:
            view = content.viewManager.CreateContainerView(content.rootFolder, [vim_type], True)
            try:
                return list(view.view)
            finally:
                view.Destroy()

    def _cached(self, key: str, make: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def datacenter(self) -> Any:
        from pyVmomi import vim

        return self._cached("dc", lambda: self._view(vim.Datacenter)[0])

    @property
    def cluster(self) -> Any:
        from pyVmomi import vim

        return self._cached("cluster", lambda: self._view(vim.ClusterComputeResource)[0])

    @property
    def datastore(self) -> Any:
        from pyVmomi import vim

        return self._cached("ds", lambda: self._view(vim.Datastore)[0])

    @property
    def network_name(self) -> str:
        from pyVmomi import vim

        def pick() -> str:
            names = [self.props(net, ["name"]).get("name", "") for net in self._view(vim.Network)]
            return "VM Network" if "VM Network" in names else (names[0] if names else "VM Network")

        return str(self._cached("network", pick))

    def moref(self, vim_type: Any, moref: str) -> Any:
        return vim_type(moref, self.si._stub)

    def name_of(self, obj: Any) -> str:
        return str(self.props(obj, ["name"]).get("name", ""))

    def _host_name(self, host: Any) -> str:
        """A host's name, asked once per host (every VM status reports it; ESXi hosts are not renamed)."""
        return str(self._cached(f"host-name:{host._moId}", lambda: self.name_of(host)))

    def rename_cluster(self, new_name: str) -> str:
        """Rename the cluster (vcsim reports clusters named `WCP-…` as Supervisors)."""
        if self.name_of(self.cluster) != new_name:
            with self._lock:
                task = self.cluster.Rename_Task(new_name)
            self.wait(task)
        return new_name

    # -------------------------------------------------------------------------------------- placement

    def child(self, parent: Any, children_path: str, name: str) -> Any | None:
        children = self.props(parent, [children_path]).get(children_path) or []
        names = self.names_of(children)
        return next((child for child in children if names.get(child._moId) == name), None)

    def names_of(self, objects: list[Any]) -> dict[str, str]:
        """moref -> name of each object, in one property-collector call (a folder of N VMs is one request,
        not N); one deleted since it was listed (a VM going away) has no name."""
        from pyVmomi import vmodl

        if not objects:
            return {}
        collector = vmodl.query.PropertyCollector
        spec = collector.FilterSpec(
            objectSet=[collector.ObjectSpec(obj=obj) for obj in objects],
            propSet=[
                collector.PropertySpec(type=kind, pathSet=["name"]) for kind in {type(obj) for obj in objects}
            ],
        )
        try:
            with self._lock:
                result = self.si.content.propertyCollector.RetrieveContents([spec])
        except vmodl.fault.ManagedObjectNotFound:  # one of them went away: ask one by one
            names = {}
            for obj in objects:
                with contextlib.suppress(vmodl.fault.ManagedObjectNotFound):
                    names[obj._moId] = self.name_of(obj)
            return names
        return {
            content.obj._moId: str(prop.val)
            for content in result or []
            for prop in content.propSet or []
            if prop.name == "name"
        }

    def namespace_pool(self, namespace: str, create: bool = True) -> Any | None:
        """The vSphere Namespace's resource pool (a child of the cluster's root pool)."""
        root = self.props(self.cluster, ["resourcePool"])["resourcePool"]
        with self._lock:
            pool = self.child(root, "resourcePool", namespace)
            if pool is None and create:
                pool = root.CreateResourcePool(namespace, _resource_spec())
            return pool

    def namespace_folder(self, namespace: str, create: bool = True) -> Any | None:
        vm_folder = self.props(self.datacenter, ["vmFolder"])["vmFolder"]
        with self._lock:
            folder = self.child(vm_folder, "childEntity", namespace)
            if folder is None and create:
                folder = vm_folder.CreateFolder(namespace)
            return folder

    def child_pool(self, parent: Any, name: str, cpu: tuple[int, int], memory: tuple[int, int]) -> Any:
        """A child pool with (reservation, limit) in MHz and MB; -1 limit means unlimited."""
        with self._lock:
            pool = self.child(parent, "resourcePool", name)
            if pool is None:
                pool = parent.CreateResourcePool(name, _resource_spec(cpu, memory))
            return pool

    def set_pool_limits(self, namespace: str, cpu_mhz: int | None, memory_mib: int | None) -> None:
        """The namespace pool's CPU (MHz) and memory (MB) limits (None: unlimited), as WCP sets them from the
        vSphere Namespace's resource limits."""
        pool = self.namespace_pool(namespace)
        wanted = (-1 if cpu_mhz is None else cpu_mhz, -1 if memory_mib is None else memory_mib)
        if pool is None or self.pool_limits(namespace) == (cpu_mhz, memory_mib):
            return
        with self._lock:
            pool.UpdateConfig(None, _resource_spec((0, wanted[0]), (0, wanted[1])))

    def pool_limits(self, namespace: str) -> tuple[int | None, int | None]:
        """The namespace pool's (CPU MHz, memory MB) limits; None where unlimited."""
        pool = self.namespace_pool(namespace, create=False)
        if pool is None:
            return None, None
        config = self.props(pool, ["config"]).get("config")
        limits = []
        for allocation in (config.cpuAllocation, config.memoryAllocation) if config else ():
            limit = getattr(allocation, "limit", None)
            limits.append(None if limit is None or limit < 0 else int(limit))
        return (limits[0], limits[1]) if limits else (None, None)

    def mhz_per_cpu(self) -> int:
        """The clock of the cluster's hosts (what a VM class's CPU reservation is counted in)."""

        def read() -> int:
            hosts = self.props(self.cluster, ["host"]).get("host") or []
            for host in hosts:
                hardware = self.props(host, ["summary.hardware"]).get("summary.hardware")
                mhz = int(getattr(hardware, "cpuMhz", None) or 0)
                if mhz:
                    return mhz
            return 2000

        return int(self._cached("mhz_per_cpu", read))

    def storage_policy_names(self) -> dict[str, str]:
        """Storage policy ID -> name (PBM; vcsim serves it at /pbm)."""
        from pyVmomi import pbm
        from pyVmomi.SoapAdapter import SoapStubAdapter

        si = self.si
        cookie = si._stub.cookie.split(";", 1)[0].split("=", 1)[-1].strip('"')
        hostname, _, port = self.host.rpartition(":")
        stub = SoapStubAdapter(
            host=hostname,
            port=int(port),
            path="/pbm",
            version="pbm.version.version11",
            sslContext=self.ssl_context,
            requestContext={"vcSessionCookie": cookie},
        )
        manager = pbm.ServiceInstance("ServiceInstance", stub).RetrieveContent().profileManager
        ids = manager.PbmQueryProfile(
            resourceType=pbm.profile.ResourceType(resourceType="STORAGE"), profileCategory="REQUIREMENT"
        )
        profiles = manager.PbmRetrieveContent(profileIds=ids) if ids else []
        return {str(p.profileId.uniqueId): str(p.name) for p in profiles}

    def child_folder(self, parent: Any, name: str) -> Any:
        with self._lock:
            folder = self.child(parent, "childEntity", name)
            if folder is None:
                folder = parent.CreateFolder(name)
            return folder

    def destroy(self, entity: Any) -> None:
        with self._lock:
            task = entity.Destroy_Task()
        self.wait(task)

    def remove_namespace_placement(self, namespace: str) -> None:
        for getter in (self.namespace_folder, self.namespace_pool):
            entity = getter(namespace, False)
            if entity is not None:
                with contextlib.suppress(Exception):  # not empty or already gone: leave it
                    self.destroy(entity)

    # -------------------------------------------------------------------------------------- VMs

    def find_vm(self, namespace: str, name: str) -> str | None:
        folder = self.namespace_folder(namespace, create=False)
        if folder is None:
            return None
        vm = self.child(folder, "childEntity", name)
        return str(vm._moId) if vm is not None else None

    def vm_info(self, moref: str) -> VmInfo | None:
        from pyVmomi import vim, vmodl

        vm = self.moref(vim.VirtualMachine, moref)
        try:
            values = self.props(
                vm,
                [
                    "name",
                    "config.uuid",
                    "config.instanceUuid",
                    "config.version",
                    "runtime.powerState",
                    "runtime.host",
                    "config.hardware.numCPU",
                    "config.hardware.memoryMB",
                    "config.hardware.device",
                ],
            )
        except vmodl.fault.ManagedObjectNotFound:
            return None
        if not values:
            return None
        host = values.get("runtime.host")
        version = str(values.get("config.version") or "vmx-0")
        macs = [
            str(device.macAddress)
            for device in values.get("config.hardware.device") or []
            if isinstance(device, vim.vm.device.VirtualEthernetCard) and device.macAddress
        ]
        return VmInfo(
            moref=moref,
            name=str(values.get("name", "")),
            bios_uuid=str(values.get("config.uuid", "")),
            instance_uuid=str(values.get("config.instanceUuid", "")),
            hardware_version=int(version.removeprefix("vmx-") or 0),
            power_state=POWER_STATES.get(str(values.get("runtime.powerState")), "PoweredOff"),
            host=self._host_name(host) if host is not None else "",
            cpus=int(values.get("config.hardware.numCPU") or 0),
            memory_mb=int(values.get("config.hardware.memoryMB") or 0),
            macs=macs,
        )

    def create_vm(
        self,
        namespace: str,
        name: str,
        *,
        cpus: int,
        memory_mb: int,
        guest_id: str,
        nics: int,
        pool: Any | None = None,
        folder: Any | None = None,
        extra_config: dict[str, str] | None = None,
    ) -> str:
        from pyVmomi import vim

        ds_name = self.name_of(self.datastore)
        devices = []
        for index in range(nics):
            nic = vim.vm.device.VirtualVmxnet3(
                key=-(index + 1),
                backing=vim.vm.device.VirtualEthernetCard.NetworkBackingInfo(deviceName=self.network_name),
                connectable=vim.vm.device.VirtualDevice.ConnectInfo(startConnected=True, connected=False),
                addressType="generated",
            )
            devices.append(vim.vm.device.VirtualDeviceSpec(operation="add", device=nic))
        spec = vim.vm.ConfigSpec(
            name=name,
            numCPUs=cpus,
            memoryMB=memory_mb,
            guestId=guest_id,
            version="vmx-19",
            files=vim.vm.FileInfo(vmPathName=f"[{ds_name}]"),
            deviceChange=devices,
            extraConfig=[vim.option.OptionValue(key=k, value=v) for k, v in (extra_config or {}).items()],
        )
        target_pool = pool if pool is not None else self.namespace_pool(namespace)
        target_folder = folder if folder is not None else self.namespace_folder(namespace)
        assert target_folder is not None
        with self._lock:
            task = target_folder.CreateVM_Task(config=spec, pool=target_pool)
        vm = self.wait(task)
        return str(vm._moId)

    def _vm_task(self, moref: str, method: str, *args: Any) -> None:
        from pyVmomi import vim

        vm = self.moref(vim.VirtualMachine, moref)
        with self._lock:
            task = getattr(vm, method)(*args)
        self.wait(task)

    def power_on(self, moref: str) -> None:
        self._vm_task(moref, "PowerOnVM_Task")

    def power_off(self, moref: str) -> None:
        self._vm_task(moref, "PowerOffVM_Task")

    def suspend(self, moref: str) -> None:
        self._vm_task(moref, "SuspendVM_Task")

    def reset(self, moref: str) -> None:
        self._vm_task(moref, "ResetVM_Task")

    def reconfigure(self, moref: str, cpus: int, memory_mb: int) -> None:
        from pyVmomi import vim

        self._vm_task(moref, "ReconfigVM_Task", vim.vm.ConfigSpec(numCPUs=cpus, memoryMB=memory_mb))

    # --- snapshots (VirtualMachineSnapshot and a VM's spec.currentSnapshotName) ------------------

    def create_snapshot(self, moref: str, name: str, description: str, memory: bool, quiesce: bool) -> str:
        """A vSphere snapshot of the VM (which becomes its current snapshot); its moref."""
        from pyVmomi import vim

        vm = self.moref(vim.VirtualMachine, moref)
        with self._lock:
            task = vm.CreateSnapshot_Task(name=name, description=description, memory=memory, quiesce=quiesce)
        snapshot = self.wait(task)
        return str(snapshot._moId)

    def find_snapshot(self, moref: str, name: str) -> str | None:
        """The moref of the VM's snapshot called `name` (anywhere in its tree), or None."""
        from pyVmomi import vim

        tree = self.props(self.moref(vim.VirtualMachine, moref), ["snapshot"]).get("snapshot")
        pending = list(getattr(tree, "rootSnapshotList", None) or [])
        while pending:
            node = pending.pop()
            if node.name == name:
                return str(node.snapshot._moId)
            pending.extend(node.childSnapshotList or [])
        return None

    def revert_to_snapshot(self, snapshot: str) -> None:
        from pyVmomi import vim

        with self._lock:
            task = self.moref(vim.vm.Snapshot, snapshot).RevertToSnapshot_Task()
        self.wait(task)

    def remove_snapshot(self, snapshot: str) -> None:
        """Remove one snapshot (its children stay); a snapshot already gone is not an error."""
        from pyVmomi import vim, vmodl

        try:
            with self._lock:
                task = self.moref(vim.vm.Snapshot, snapshot).RemoveSnapshot_Task(removeChildren=False)
            self.wait(task)
        except vmodl.fault.ManagedObjectNotFound:
            return

    def destroy_vm(self, moref: str) -> None:
        from pyVmomi import vmodl

        info = self.vm_info(moref)
        if info is None:
            return
        try:
            if info.power_state != "PoweredOff":
                self.power_off(moref)
            self._vm_task(moref, "Destroy_Task")
        except vmodl.fault.ManagedObjectNotFound:
            return

    def list_vms(self) -> list[str]:
        from pyVmomi import vim

        return [str(vm._moId) for vm in self._view(vim.VirtualMachine)]

    # -------------------------------------------------------------------------------------- REST

    def _login(self) -> str:
        response = self._http.post("/rest/com/vmware/cis/session", auth=(self.username, self.password))
        if response.status_code != 200:
            raise VCenterError(f"vCenter REST login failed: {response.status_code} {response.text}")
        return str(response.json()["value"])

    def rest(self, method: str, path: str, *, json: Any = None, params: dict[str, str] | None = None) -> Any:
        """A REST call with the session header (re-login once on 401); the decoded JSON body or None."""
        for attempt in (0, 1):
            with self._rest_lock:
                if self._session is None:
                    self._session = self._login()
                session = self._session
            response = self._http.request(
                method, path, json=json, params=params, headers={SESSION_HEADER: session}
            )
            if response.status_code == 401 and attempt == 0:
                with self._rest_lock:
                    self._session = None
                continue
            if response.status_code == 404:
                return None
            if response.status_code >= 400:
                raise VCenterError(f"{method} {path}: {response.status_code} {response.text.strip()}")
            text = response.text.strip()
            if not text:
                return None
            try:
                return response.json()
            except ValueError:  # vcsim sometimes appends an error body after a 200 (namespace PATCH)
                return None
        raise VCenterError(f"{method} {path}: unauthorized")

    @staticmethod
    def _value(body: Any) -> Any:
        return body.get("value") if isinstance(body, dict) and "value" in body else body

    # vSphere Namespaces and VM classes (/api)
    def list_namespaces(self) -> list[dict[str, Any]]:
        return list(self.rest("GET", "/api/vcenter/namespaces/instances") or [])

    def get_namespace(self, namespace: str) -> dict[str, Any] | None:
        body = self.rest("GET", f"/api/vcenter/namespaces/instances/{namespace}")
        return body if isinstance(body, dict) and "error_type" not in body else None

    def create_namespace(
        self,
        namespace: str,
        vm_classes: list[str],
        libraries: list[str],
        writable: tuple[str, ...] = (),
        storage_policies: tuple[str, ...] = (),
        access: tuple[AccessEntry, ...] = (DEVOPS_CAN_EDIT,),
    ) -> None:
        """A vSphere Namespace with the classes, libraries and storage policies (no limit) assigned; `writable`
        libraries may be published to from it (the Image Service list of vSphere 8.0 U2+); `access` is its
        access list (by default the DevOps user may edit)."""
        self.rest(
            "POST",
            "/api/vcenter/namespaces/instances",
            json={
                "cluster": str(self.cluster._moId),
                "namespace": namespace,
                "vm_service_spec": {"vm_classes": vm_classes, "content_libraries": libraries},
                "content_libraries": [
                    {"content_library": library, "writable": library in writable} for library in libraries
                ],
                "storage_specs": [{"policy": policy} for policy in storage_policies],
                "access_list": [
                    {"subject": a.subject, "domain": a.domain, "role": a.role, "subject_type": a.subject_type}
                    for a in access
                ],
            },
        )

    def namespace_configured(self, namespace: str) -> None:
        """Report a vSphere Namespace made on the Supervisor, so vCenter reports it RUNNING (the project's
        vcsim keeps new namespaces CONFIGURING until then, as vCenter does until WCP has made them)."""
        response = self._http.post(f"/vmservice-sim/configured-namespaces/{namespace}")
        if response.status_code >= 400:
            raise VCenterError(f"reporting namespace {namespace} configured: {response.status_code}")

    def get_vm_class(self, class_id: str) -> dict[str, Any] | None:
        body = self.rest("GET", f"/api/vcenter/namespace-management/virtual-machine-classes/{class_id}")
        return body if isinstance(body, dict) and "error_type" not in body else None

    def create_vm_class(
        self, class_id: str, cpus: int, memory_mb: int, reservation: int = 0, description: str = ""
    ) -> None:
        spec: dict[str, Any] = {
            "id": class_id,
            "cpu_count": cpus,
            "memory_MB": memory_mb,
            "description": description,
        }
        if reservation:
            spec["cpu_reservation"] = reservation
            spec["memory_reservation"] = reservation
        self.rest("POST", "/api/vcenter/namespace-management/virtual-machine-classes", json=spec)

    # content libraries (/rest)
    def list_libraries(self) -> list[str]:
        return [str(x) for x in self._value(self.rest("GET", "/rest/com/vmware/content/library")) or []]

    def get_library(self, library_id: str) -> dict[str, Any] | None:
        body = self._value(self.rest("GET", f"/rest/com/vmware/content/library/id:{library_id}"))
        return body if isinstance(body, dict) else None

    def find_library(self, name_or_id: str) -> dict[str, Any] | None:
        for library_id in self.list_libraries():
            library = self.get_library(library_id)
            if library and name_or_id in (library.get("name"), library.get("id")):
                return library
        return None

    def create_library(self, name: str, description: str = "") -> str:
        body = self.rest(
            "POST",
            "/rest/com/vmware/content/local-library",
            json={
                "create_spec": {
                    "name": name,
                    "description": description,
                    "type": "LOCAL",
                    "storage_backings": [{"type": "DATASTORE", "datastore_id": str(self.datastore._moId)}],
                }
            },
        )
        return str(self._value(body))

    def list_items(self, library_id: str) -> list[str]:
        body = self.rest("GET", "/rest/com/vmware/content/library/item", params={"library_id": library_id})
        return [str(x) for x in self._value(body) or []]

    def get_item(self, item_id: str) -> dict[str, Any] | None:
        body = self._value(self.rest("GET", f"/rest/com/vmware/content/library/item/id:{item_id}"))
        return body if isinstance(body, dict) else None

    def find_item(self, library_id: str, name: str) -> str | None:
        body = self.rest(
            "POST",
            "/rest/com/vmware/content/library/item?~action=find",
            json={"spec": {"library_id": library_id, "name": name}},
        )
        found = self._value(body) or []
        return str(found[0]) if found else None

    def create_item(self, library_id: str, name: str, description: str = "", item_type: str = "ovf") -> str:
        body = self.rest(
            "POST",
            "/rest/com/vmware/content/library/item",
            json={
                "create_spec": {
                    "library_id": library_id,
                    "name": name,
                    "description": description,
                    "type": item_type,
                }
            },
        )
        return str(self._value(body))

    def publish_vm(self, moref: str, library_id: str, name: str, description: str) -> str:
        """OVF-export a VM into a library (POST /rest/com/vmware/vcenter/ovf/library-item); the item id."""
        body = self._value(
            self.rest(
                "POST",
                "/rest/com/vmware/vcenter/ovf/library-item",
                json={
                    "source": {"type": "VirtualMachine", "id": moref},
                    "target": {"library_id": library_id},
                    "create_spec": {"name": name, "description": description},
                },
            )
        )
        if not isinstance(body, dict) or not body.get("succeeded"):
            raise VCenterError(f"OVF export of {moref} failed: {body}")
        return str(body["ovf_library_item_id"])

    # cluster modules (/rest)
    def create_cluster_module(self) -> str:
        body = self.rest(
            "POST", "/rest/vcenter/cluster/modules", json={"spec": {"cluster": str(self.cluster._moId)}}
        )
        return str(self._value(body))

    def delete_cluster_module(self, module_id: str) -> None:
        self.rest("DELETE", f"/rest/vcenter/cluster/modules/{module_id}")


def _resource_spec(cpu: tuple[int, int] = (0, -1), memory: tuple[int, int] = (0, -1)) -> Any:
    from pyVmomi import vim

    def allocation(reservation: int, limit: int) -> Any:
        return vim.ResourceAllocationInfo(
            reservation=reservation,
            limit=limit,
            expandableReservation=True,
            shares=vim.SharesInfo(level="normal", shares=0),
        )

    return vim.ResourceConfigSpec(cpuAllocation=allocation(*cpu), memoryAllocation=allocation(*memory))
