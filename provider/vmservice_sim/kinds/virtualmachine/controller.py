"""The VirtualMachine controller: what VM Operator does for a VM, against vcsim.

Finalizer; prerequisite conditions (class, image, storage, bootstrap); the vSphere VM created in the
namespace's resource pool and folder, sized from the VM class; placement in a zone; power on (after
--power-on-delay) / off / suspend / restart; an IP address (after --ip-delay) in status.network; the Ready
condition when a readiness probe is set; class changes applied while powered off; on delete the vSphere VM
is powered off and destroyed before the finalizer goes.
"""

from __future__ import annotations

import copy
import logging
import threading
import time

from vmservice_sim import events, quotas
from vmservice_sim.context import ZONE_LABEL, EmulatorContext
from vmservice_sim.faults import INJECTED_MESSAGE, Faults
from vmservice_sim.kinds.virtualmachine import guest_bootstrap, guest_customization, network_status
from vmservice_sim.kinds.virtualmachine.kind import VIRTUAL_MACHINE
from vmservice_sim.kinds.virtualmachine.revert import SNAPSHOT_KIND, revert
from vmservice_sim.kube import PERSISTENT_VOLUME_CLAIM, SECRET, STORAGE_CLASS, Kind, Obj
from vmservice_sim.objects import conditions, quantity_mib, remove_condition, set_condition
from vmservice_sim.registry import KindReconciler

log = logging.getLogger("vmservice-sim")

CLASS_READY = "VirtualMachineClassReady"
IMAGE_READY = "VirtualMachineImageReady"
STORAGE_READY = "VirtualMachineStorageReady"
BOOTSTRAP_READY = "VirtualMachineBootstrapReady"
CREATED = "VirtualMachineCreated"
READY = "Ready"
CLASS_SYNCED = "VirtualMachineClassConfigurationSynced"
STUCK_REASON = "Stuck"
STUCK_MESSAGE = "held back by vmservice-sim fault injection (stuckCondition)"


class _Requeue(Exception):
    def __init__(self, after: float) -> None:
        self.after = after


def guest_id(image_display_name: str) -> str:
    name = image_display_name.lower()
    if "ubuntu" in name:
        return "ubuntu64Guest"
    if "photon" in name:
        return "vmwarePhoton64Guest"
    if "windows" in name:
        return "windows2019srvNext_64Guest"
    return "otherLinux64Guest"


@VIRTUAL_MACHINE.reconcile(workers=2)
class VirtualMachineReconciler(KindReconciler):
    def __init__(self, ctx: EmulatorContext, kind: Kind) -> None:
        super().__init__(ctx, kind)
        self._lock = threading.Lock()
        # uid -> (desired power state, monotonic time the request was first seen)
        self._power_requests: dict[str, tuple[str, float]] = {}
        # uid -> monotonic time the VM was powered on (for --ip-delay)
        self._powered_on_at: dict[str, float] = {}
        # uid -> the last Warning Event's message (not repeated on every retry)
        self._warned: dict[str, str] = {}

    # ------------------------------------------------------------------------------------------ entry

    def __call__(self, namespace: str, name: str) -> float | None:
        kube = self.ctx.kube
        vm = kube.get(self.kind, namespace, name)
        if vm is None:
            return None
        meta = vm["metadata"]
        if self.ctx.release.pause_annotation in (meta.get("annotations") or {}):
            return None
        if meta.get("deletionTimestamp"):
            return self._delete(vm)
        if kube.add_finalizer(self.kind, vm, self.finalizer):
            return 0.0
        status = copy.deepcopy(vm.get("status") or {})
        try:
            after = self._reconcile(vm, status)
        except _Requeue as requeue:
            after = requeue.after
        finally:
            if status != (vm.get("status") or {}):
                kube.replace_status(self.kind, namespace, name, status)
        return after

    # ------------------------------------------------------------------------------------------ normal

    def _reconcile(self, vm: Obj, status: Obj) -> float | None:
        namespace, name = vm["metadata"]["namespace"], vm["metadata"]["name"]
        vm.get("spec") or {}
        faults = self.ctx.faults.current()
        generation = vm["metadata"].get("generation")

        if faults.reconcile_error(namespace, name):
            set_condition(status, CREATED, False, "Error", INJECTED_MESSAGE, generation)
            return 2.0

        vm_class = self._class_ready(vm, status, faults)
        image = self._image_ready(vm, status, faults)
        self._storage_ready(vm, status, faults)
        self._bootstrap_ready(vm, status, faults)
        prerequisites = (CLASS_READY, IMAGE_READY, STORAGE_READY, BOOTSTRAP_READY)
        if not all(conditions({"status": status}).get(c, {}).get("status") == "True" for c in prerequisites):
            return 2.0 if any(faults.is_stuck(namespace, name, c) for c in prerequisites) else 1.0
        assert vm_class is not None and image is not None

        moref = self._ensure_vm(vm, status, vm_class, image, faults)
        if moref is None:
            return 2.0
        info = self.ctx.vcenter.vm_info(moref)
        if info is None:  # deleted behind our back: create again
            status.pop("uniqueID", None)
            set_condition(status, CREATED, False, "NotFound", f"vSphere VM {moref} not found", generation)
            return 0.5

        requeue = self._apply_class(vm, status, vm_class, info.power_state, moref)
        after = self._power(vm, status, moref, info.power_state, vm_class)
        self._restart(vm, status, moref)
        if self.ctx.release.storage_version == SNAPSHOT_KIND.version and revert(
            self.ctx, self.kind, vm, status, moref
        ):
            after = 0.0  # the guest's power state is the snapshot's now: bring it back to the spec's
        info = self.ctx.vcenter.vm_info(moref) or info
        status["powerState"] = info.power_state
        status["hardwareVersion"] = info.hardware_version
        status["host"] = info.host
        ip_after = self._network(vm, status, info.power_state, info.macs)
        guest_customization.mark(self.ctx.kube, vm, image, status, info.power_state)
        offline = bool(((vm.get("spec") or {}).get("network") or {}).get("disabled"))
        addressed = bool((status.get("network") or {}).get("primaryIP4")) or offline
        guest_up = info.power_state == "PoweredOn" and addressed
        guest_bootstrap.mark(self.ctx.kube, vm, status, guest_up)
        self._volumes(vm, status)
        self._readiness(vm, status, faults)
        waits = [w for w in (requeue, after, ip_after) if w is not None]
        return min(waits) if waits else None

    def _volumes(self, vm: Obj, status: Obj) -> None:
        """Attach the PersistentVolumeClaims the spec names (as CNS-CSI does once a claim exists) and report
        them in status.volumes; a claim that does not exist is reported unattached with the reason."""
        namespace = vm["metadata"]["namespace"]
        reported = []
        for volume in (vm.get("spec") or {}).get("volumes") or []:
            claim_name = ((volume or {}).get("persistentVolumeClaim") or {}).get("claimName")
            if not claim_name:
                continue
            claim = self.ctx.kube.get(PERSISTENT_VOLUME_CLAIM, namespace, claim_name)
            entry: Obj = {"name": volume.get("name"), "type": "Managed"}
            if claim is None:
                entry.update(attached=False, error=f'persistentvolumeclaim "{claim_name}" not found')
            else:
                uid = str(claim["metadata"].get("uid", ""))
                entry.update(attached=True, diskUUID=uid, limit=_claim_size(claim))
                if (claim.get("status") or {}).get("phase") != "Bound":  # WaitForFirstConsumer: bound on use
                    self.ctx.kube.patch(
                        PERSISTENT_VOLUME_CLAIM,
                        namespace,
                        claim_name,
                        {"status": {"phase": "Bound"}},
                        status=True,
                    )
            reported.append(entry)
        if reported:
            status["volumes"] = reported
        else:
            status.pop("volumes", None)

    # --- prerequisites --------------------------------------------------------------------------

    def _condition(
        self, vm: Obj, status: Obj, kind: str, ok: bool, reason: str, message: str, faults: Faults
    ) -> None:
        meta = vm["metadata"]
        if ok and faults.is_stuck(meta["namespace"], meta["name"], kind):
            set_condition(status, kind, None, STUCK_REASON, STUCK_MESSAGE, meta.get("generation"))
        elif ok:
            set_condition(status, kind, True, generation=meta.get("generation"))
        else:
            set_condition(status, kind, False, reason, message, meta.get("generation"))

    def _class_ready(self, vm: Obj, status: Obj, faults: Faults) -> Obj | None:
        namespace = vm["metadata"]["namespace"]
        class_name = (vm.get("spec") or {}).get("className") or ""
        vm_class = self.ctx.kube.get(self.ctx.kinds.vm_class, namespace, class_name) if class_name else None
        message = (
            f"Failed to get VirtualMachineClass {namespace}/{class_name}: "
            f'virtualmachineclasses.vmoperator.vmware.com "{class_name}" not found'
        )
        self._condition(vm, status, CLASS_READY, vm_class is not None, "NotFound", message, faults)
        return vm_class

    def _image_ready(self, vm: Obj, status: Obj, faults: Faults) -> Obj | None:
        namespace = vm["metadata"]["namespace"]
        spec = vm.get("spec") or {}
        # 9.1's webhook resolves the image into spec.image and leaves a display name in spec.imageName.
        image_name = (spec.get("image") or {}).get("name") or spec.get("imageName") or ""
        kinds = self.ctx.kinds
        image = self.ctx.kube.get(kinds.image, namespace, image_name) if image_name else None
        image_kind = "VirtualMachineImage"
        if image is None and image_name:
            image = self.ctx.kube.get(kinds.cluster_image, None, image_name)
            image_kind = "ClusterVirtualMachineImage"
        if image is None:
            message = f'Failed to get VirtualMachineImage {namespace}/{image_name}: virtualmachineimages.vmoperator.vmware.com "{image_name}" not found'
            self._condition(vm, status, IMAGE_READY, False, "NotFound", message, faults)
            return None
        ready = conditions(image).get("Ready", {}).get("status") == "True" and not faults.image_not_ready(
            namespace, image_name, image["metadata"]["name"], str(spec.get("imageName") or "")
        )
        self._condition(
            vm, status, IMAGE_READY, ready, "NotReady", "VirtualMachineImage is not ready", faults
        )
        if ready:
            status["image"] = {
                "kind": image_kind,
                "name": image_name,
                "apiVersion": self.ctx.release.api_version,
            }
        return image if ready else None

    def _storage_ready(self, vm: Obj, status: Obj, faults: Faults) -> None:
        storage_class = (vm.get("spec") or {}).get("storageClass") or ""
        if not storage_class:
            self._condition(
                vm, status, STORAGE_READY, False, "StorageClassRequired", "StorageClass is required", faults
            )
            return
        found = self.ctx.kube.get(STORAGE_CLASS, None, storage_class) is not None
        message = f'Failed to get StorageClass {storage_class}: storageclasses.storage.k8s.io "{storage_class}" not found'
        self._condition(vm, status, STORAGE_READY, found, "NotFound", message, faults)

    def _bootstrap_ready(self, vm: Obj, status: Obj, faults: Faults) -> None:
        """The Secrets the bootstrap names exist and hold their keys (VM Operator's GetVirtualMachineBootstrap:
        a raw Secret without its key is RequiredKeyNotFound; an inline sysprep Secret without data for its
        key is GetError, as pkg/util/sysprep reports it)."""
        namespace = vm["metadata"]["namespace"]
        bootstrap = (vm.get("spec") or {}).get("bootstrap") or {}
        selectors: list[tuple[str, str | None, bool]] = []  # (secret, key, inline sysprep)
        raw = (bootstrap.get("cloudInit") or {}).get("rawCloudConfig")
        if isinstance(raw, dict):
            selectors.append((str(raw.get("name") or ""), str(raw.get("key") or ""), False))
        raw_sysprep = (bootstrap.get("sysprep") or {}).get("rawSysprep")
        if isinstance(raw_sysprep, dict):
            selectors.append((str(raw_sysprep.get("name") or ""), str(raw_sysprep.get("key") or ""), False))
        for ref in guest_customization.sysprep_secret_refs(bootstrap):
            selectors.append((ref[0], ref[1], True))
        raw_properties = (bootstrap.get("vAppConfig") or {}).get("rawProperties")
        if isinstance(raw_properties, str) and raw_properties:
            selectors.append((raw_properties, None, False))
        for secret_name, key, inline in selectors:
            secret = self.ctx.kube.get(SECRET, namespace, secret_name)
            if secret is None:
                message = f'secrets "{secret_name}" not found'
                if not inline:
                    message = f"Failed to get bootstrap data Secret {namespace}/{secret_name}: {message}"
                self._condition(vm, status, BOOTSTRAP_READY, False, "NotFound", message, faults)
                return
            data = {**(secret.get("data") or {}), **(secret.get("stringData") or {})}
            if inline and key and not data.get(key):
                message = f'no data found for key "{key}" for secret {namespace}/{secret_name}'
                self._condition(vm, status, BOOTSTRAP_READY, False, "GetError", message, faults)
                return
            if key and key not in data:
                message = f'required key "{key}" not found in Secret {namespace}/{secret_name}'
                self._condition(vm, status, BOOTSTRAP_READY, False, "RequiredKeyNotFound", message, faults)
                return
        self._condition(vm, status, BOOTSTRAP_READY, True, "", "", faults)

    # --- creation -------------------------------------------------------------------------------

    def _ensure_vm(self, vm: Obj, status: Obj, vm_class: Obj, image: Obj, faults: Faults) -> str | None:
        meta = vm["metadata"]
        namespace, name = meta["namespace"], meta["name"]
        vcenter = self.ctx.vcenter
        moref = status.get("uniqueID") or vcenter.find_vm(namespace, name)
        if moref and vcenter.vm_info(moref) is not None:
            if not faults.is_stuck(namespace, name, CREATED):
                set_condition(status, CREATED, True, generation=meta.get("generation"))
            status["uniqueID"] = moref
            return str(moref)
        if faults.is_stuck(namespace, name, CREATED):
            set_condition(status, CREATED, None, STUCK_REASON, STUCK_MESSAGE, meta.get("generation"))
            return None

        zone = (meta.get("labels") or {}).get(ZONE_LABEL) or self.ctx.next_zone()
        if (meta.get("labels") or {}).get(ZONE_LABEL) != zone:
            self.ctx.kube.patch(self.kind, namespace, name, {"metadata": {"labels": {ZONE_LABEL: zone}}})
        hardware = (vm_class.get("spec") or {}).get("hardware") or {}
        spec = vm.get("spec") or {}
        interfaces = (
            []
            if (spec.get("network") or {}).get("disabled")
            else ((spec.get("network") or {}).get("interfaces") or [])
        )
        try:
            moref = vcenter.create_vm(
                namespace,
                name,
                cpus=int(hardware.get("cpus") or 1),
                memory_mb=quantity_mib(hardware.get("memory"), 1024) or 1024,
                guest_id=guest_id(str((image.get("status") or {}).get("name") or image["metadata"]["name"])),
                nics=len(interfaces),
                extra_config={"vmservice.namespacedName": f"{namespace}/{name}"},
            )
        except Exception as error:
            set_condition(status, CREATED, False, "Error", str(error), meta.get("generation"))
            raise _Requeue(5.0) from None
        info = vcenter.vm_info(moref)
        assert info is not None
        status.update(
            {
                "uniqueID": moref,
                "biosUUID": info.bios_uuid,
                "instanceUUID": info.instance_uuid,
                "hardwareVersion": info.hardware_version,
                "zone": zone,
                "class": {
                    "kind": "VirtualMachineClass",
                    "name": spec.get("className"),
                    "apiVersion": self.ctx.release.api_version,
                },
                "powerState": info.power_state,
            }
        )
        set_condition(status, CREATED, True, generation=meta.get("generation"))
        log.info("created vSphere VM %s for %s/%s in %s", moref, namespace, name, zone)
        return moref

    # --- class changes --------------------------------------------------------------------------

    def _apply_class(self, vm: Obj, status: Obj, vm_class: Obj, power_state: str, moref: str) -> float | None:
        spec = vm.get("spec") or {}
        wanted = spec.get("className")
        current = (status.get("class") or {}).get("name")
        if not current or current == wanted:
            if self.ctx.release.class_resize:
                set_condition(status, CLASS_SYNCED, True)
            return None
        if power_state != "PoweredOff":
            if spec.get("powerState") == "PoweredOff":
                return 0.1  # applied once the power-off below has happened
            if self.ctx.release.class_resize:
                set_condition(
                    status,
                    CLASS_SYNCED,
                    False,
                    "ClassNameChanged",
                    "the class change is applied at the next power-on",
                )
            return None
        hardware = (vm_class.get("spec") or {}).get("hardware") or {}
        self.ctx.vcenter.reconfigure(
            moref, int(hardware.get("cpus") or 1), quantity_mib(hardware.get("memory"), 1024) or 1024
        )
        status["class"] = {
            "kind": "VirtualMachineClass",
            "name": wanted,
            "apiVersion": self.ctx.release.api_version,
        }
        if self.ctx.release.class_resize:
            set_condition(status, CLASS_SYNCED, True)
        return None

    # --- power ----------------------------------------------------------------------------------

    def _power(self, vm: Obj, status: Obj, moref: str, current: str, vm_class: Obj) -> float | None:
        uid = vm["metadata"]["uid"]
        desired = (vm.get("spec") or {}).get("powerState") or "PoweredOn"
        vcenter = self.ctx.vcenter
        if desired == current:
            with self._lock:
                self._power_requests.pop(uid, None)
                if current == "PoweredOn":
                    self._powered_on_at.setdefault(uid, time.monotonic())
            return None
        now = time.monotonic()
        with self._lock:
            request = self._power_requests.get(uid)
            if request is None or request[0] != desired:
                request = (desired, now)
                self._power_requests[uid] = request
        if desired == "PoweredOn":
            remaining = self.ctx.options.power_on_delay - (now - request[1])
            if remaining > 0:
                return remaining
            refused = self._admission_failure(vm, vm_class)
            if refused is not None:
                self._warn(vm, "UpdateFailure", refused)
                return 10.0
            vcenter.power_on(moref)
            with self._lock:
                self._powered_on_at[uid] = time.monotonic()
        elif desired == "PoweredOff":
            vcenter.power_off(moref)
            with self._lock:
                self._powered_on_at.pop(uid, None)
        elif desired == "Suspended" and current == "PoweredOn":
            vcenter.suspend(moref)
            with self._lock:
                self._powered_on_at.pop(uid, None)
        with self._lock:
            self._power_requests.pop(uid, None)
        return 0.0 if desired == "PoweredOn" else None

    def _admission_failure(self, vm: Obj, vm_class: Obj) -> str | None:
        """vSphere's admission control at power-on: the VM's reservation and those of the VMs already on in
        the namespace's resource pool against the pool's limits (the vSphere Namespace's CPU/memory limits)."""
        namespace = vm["metadata"]["namespace"]
        cpu_limit, memory_limit = self.ctx.vcenter.pool_limits(namespace)
        if cpu_limit is None and memory_limit is None:
            return None
        mhz = self.ctx.vcenter.mhz_per_cpu()
        others = []
        for other in self.ctx.kube.list(self.kind, namespace)[0]:
            if other["metadata"]["uid"] == vm["metadata"]["uid"]:
                continue
            if (other.get("status") or {}).get("powerState") != "PoweredOn":
                continue
            name = ((other.get("status") or {}).get("class") or {}).get("name") or ""
            found = self.ctx.kube.get(self.ctx.kinds.vm_class, namespace, name) if name else None
            if found is not None:
                others.append(quotas.class_reservation(found, mhz))
        wanted = quotas.class_reservation(vm_class, mhz)
        return quotas.admission_failure(wanted, others, cpu_limit, memory_limit)

    def _warn(self, vm: Obj, reason: str, message: str) -> None:
        """A Warning Event on the VM, as VM Operator's recorder emits a failed operation (once per message)."""
        uid = vm["metadata"]["uid"]
        with self._lock:
            if self._warned.get(uid) == message:
                return
            self._warned[uid] = message
        events.warn(self.ctx.kube, vm, reason, message)

    def _restart(self, vm: Obj, status: Obj, moref: str) -> None:
        wanted = (vm.get("spec") or {}).get("nextRestartTime")
        if not wanted or wanted == status.get("lastRestartTime"):
            return
        info = self.ctx.vcenter.vm_info(moref)
        if info is not None and info.power_state == "PoweredOn":
            self.ctx.vcenter.reset(moref)
            with self._lock:
                self._powered_on_at[vm["metadata"]["uid"]] = time.monotonic()
        status["lastRestartTime"] = wanted

    # --- network and readiness ------------------------------------------------------------------

    def _network(self, vm: Obj, status: Obj, power_state: str, macs: list[str]) -> float | None:
        """status.network: the resolved config at once, what the guest reports once it is up (`network_status`)."""
        uid = vm["metadata"]["uid"]
        network_spec = (vm.get("spec") or {}).get("network") or {}
        interfaces = [] if network_spec.get("disabled") else (network_spec.get("interfaces") or [])
        resolved = network_status.config(vm, interfaces) if interfaces else None
        resolved_only = {"config": resolved} if resolved else None
        if power_state != "PoweredOn" or not interfaces:
            _set_network(status, resolved_only)
            return None
        with self._lock:
            on_at = self._powered_on_at.setdefault(uid, time.monotonic())
        remaining = self.ctx.options.ip_delay - (time.monotonic() - on_at)
        if remaining > 0:
            _set_network(status, resolved_only)
            return remaining
        for interface in interfaces:  # a static address is never handed out to another VM
            for address in (interface or {}).get("addresses") or []:
                if ":" not in str(address):
                    ip = str(address).split("/")[0]
                    self.ctx.vm_ips.reserve(f"{uid}/static/{ip}", ip)

        def pool_address(interface: str, wanted: str | None) -> str:
            return self.ctx.vm_ips.with_prefix(self.ctx.vm_ips.allocate(f"{uid}/{interface}", wanted))

        observed = network_status.observed(vm, interfaces, macs, pool_address, status.get("network") or {})
        _set_network(status, {**({"config": resolved} if resolved else {}), **observed})
        return None

    def _readiness(self, vm: Obj, status: Obj, faults: Faults) -> None:
        meta = vm["metadata"]
        if not (vm.get("spec") or {}).get("readinessProbe"):
            remove_condition(status, READY)
            return
        ready = status.get("powerState") == "PoweredOn" and bool(
            (status.get("network") or {}).get("primaryIP4")
        )
        if ready and faults.is_stuck(meta["namespace"], meta["name"], READY):
            set_condition(status, READY, None, STUCK_REASON, STUCK_MESSAGE, meta.get("generation"))
        elif ready:
            set_condition(status, READY, True, generation=meta.get("generation"))
        else:
            set_condition(
                status,
                READY,
                False,
                "NotReady",
                "the readiness probe has not succeeded yet",
                meta.get("generation"),
            )

    # ------------------------------------------------------------------------------------------ delete

    def _delete(self, vm: Obj) -> float | None:
        meta = vm["metadata"]
        if self.finalizer not in (meta.get("finalizers") or []):
            return None
        namespace, name, uid = meta["namespace"], meta["name"], meta.get("uid", "")
        if self.ctx.faults.current().deletion_stuck(namespace, name):
            return 1.0
        moref = (vm.get("status") or {}).get("uniqueID") or self.ctx.vcenter.find_vm(namespace, name)
        if moref:
            self.ctx.vcenter.destroy_vm(str(moref))
            log.info("destroyed vSphere VM %s of %s/%s", moref, namespace, name)
        self.ctx.vm_ips.release(uid)
        with self._lock:
            self._power_requests.pop(uid, None)
            self._powered_on_at.pop(uid, None)
        self.ctx.kube.remove_finalizer(self.kind, vm, self.finalizer)
        return None


def _set_network(status: Obj, network: Obj | None) -> None:
    if network:
        status["network"] = network
    else:
        status.pop("network", None)


def reserve_known_ips(ctx: EmulatorContext, vms: list[Obj]) -> None:
    """After a restart of the emulator, keep the addresses VMs already report."""
    for vm in vms:
        uid = (vm.get("metadata") or {}).get("uid")
        for interface in ((vm.get("status") or {}).get("network") or {}).get("interfaces") or []:
            for address in (interface.get("ip") or {}).get("addresses") or []:
                ip = str(address.get("address", "")).split("/")[0]
                if uid and ip and ":" not in ip:
                    pooled = address.get("origin") != "manual"
                    owner = f"{uid}/{interface.get('name')}" if pooled else f"{uid}/static/{ip}"
                    ctx.vm_ips.reserve(owner, ip)


def _claim_size(claim: Obj) -> str | None:
    size = (((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage")
    return str(size) if size is not None else None
