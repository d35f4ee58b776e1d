"""VM Operator's VirtualMachine webhooks: the mutating defaults and the validation rules, with their messages.

Follows `webhooks/virtualmachine/v1alpha2/{mutation,validation}` of VM Operator's `release/vc-8.0.3` branch
(vSphere 8.0 U3); with the 9.1 release the class may change (resize) and `spec.image`, `instanceUUID`,
`biosUUID` are defaulted and immutable.
"""

from __future__ import annotations

import copy
import ipaddress
import uuid
from typing import Any

from vmservice_sim.admission import (
    IMMUTABLE,
    FieldError,
    Path,
    Verdict,
    dns1123_subdomain,
    duplicate,
    forbidden,
    immutable,
    invalid,
    not_supported,
    path,
    replace_patch,
    required,
    semantic,
)
from vmservice_sim.context import NETWORK_API_VERSION, NETWORK_KIND, ZONE_LABEL, EmulatorContext
from vmservice_sim.kube import CONFIG_MAP, RESOURCE_QUOTA, STORAGE_CLASS, Obj
from vmservice_sim.objects import parse_quantity, parse_time, rfc3339nano

NO_DEFAULT_NIC = "vmoperator.vmware.com/no-default-nic"
CREATED_AT_BUILD = "vmoperator.vmware.com/created-at-build-version"
CREATED_AT_SCHEMA = "vmoperator.vmware.com/created-at-schema-version"
INSTANCE_ID_ANNOTATION = "vmoperator.vmware.com/cloud-init-instance-id"
FIRST_BOOT_DONE = "virtualmachine.vmoperator.vmware.com/first-boot-done"
ADMIN_ONLY = "modifying this annotation is not allowed for non-admin users"
POWERED_ON_ONLY = "updates to this field is not allowed when VM power is on"
PROVIDER_CONFIGMAP = ("vmware-system-vmop", "vsphere.provider.config.vmoperator.vmware.com")
ON, OFF, SUSPENDED = "PoweredOn", "PoweredOff", "Suspended"


def _spec(vm: Obj) -> Obj:
    spec = vm.get("spec")
    return spec if isinstance(spec, dict) else {}


def _meta(vm: Obj, key: str) -> dict[str, str]:
    value = (vm.get("metadata") or {}).get(key)
    return value if isinstance(value, dict) else {}


def _dig(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


class VirtualMachineAdmission:
    def __init__(self, ctx: EmulatorContext) -> None:
        self.ctx = ctx

    # ================================================================================== mutation

    def mutate(self, operation: str, vm: Obj, old: Obj | None) -> Verdict:
        mutated = copy.deepcopy(vm)
        spec = mutated.setdefault("spec", {})
        if operation == "CREATE":
            annotations = dict(_meta(mutated, "annotations"))
            annotations[CREATED_AT_BUILD] = self.ctx.release.build_version
            annotations[CREATED_AT_SCHEMA] = self.ctx.release.storage_version
            mutated.setdefault("metadata", {})["annotations"] = annotations
            self._default_network(mutated)
            if not spec.get("powerState"):
                spec["powerState"] = ON
            try:
                self._resolve_image(mutated)
            except ValueError as error:
                return Verdict.denied(str(error))
            if self.ctx.release.image_ref:
                self._default_identity(spec)
        elif operation == "UPDATE" and old is not None:
            problem = self._next_restart_time(spec, _spec(old))
            if problem is not None:
                return Verdict.denied(str(problem))
        patch = replace_patch(vm, mutated)
        return Verdict(patch=patch or None)

    def _default_network(self, vm: Obj) -> None:
        spec = vm["spec"]
        network = spec.get("network")
        interfaces = (network or {}).get("interfaces") or []
        default_net = self.ctx.options.default_network
        if interfaces:
            for interface in interfaces:  # fill what the user left out of each interface's network
                if not isinstance(interface, dict):
                    continue
                net = interface.get("network")
                if not isinstance(net, dict):
                    net = interface["network"] = {}
                net.setdefault("name", default_net)
                if not net.get("kind") and not net.get("apiVersion"):
                    net["kind"], net["apiVersion"] = NETWORK_KIND, NETWORK_API_VERSION
            return
        if NO_DEFAULT_NIC in _meta(vm, "annotations") or (network or {}).get("disabled"):
            return
        network = spec.setdefault("network", {}) if isinstance(network, dict) or network is None else network
        spec["network"] = network
        network["interfaces"] = [
            {
                "name": "eth0",
                "network": {"name": default_net, "kind": NETWORK_KIND, "apiVersion": NETWORK_API_VERSION},
            }
        ]

    def _resolve_image(self, vm: Obj) -> None:
        spec = vm["spec"]
        name = spec.get("imageName")
        if not isinstance(name, str) or not name or name.startswith("vmi-"):
            if self.ctx.release.image_ref and isinstance(name, str) and name and not spec.get("image"):
                spec["image"] = {"kind": self._image_kind(vm, name), "name": name}
            return
        namespace = str((vm.get("metadata") or {}).get("namespace") or "")
        kinds = self.ctx.kinds
        images, _ = self.ctx.kube.list(kinds.image, namespace)
        local = [i["metadata"]["name"] for i in images if (i.get("status") or {}).get("name") == name]
        cluster_images, _ = self.ctx.kube.list(kinds.cluster_image)
        cluster = [
            i["metadata"]["name"] for i in cluster_images if (i.get("status") or {}).get("name") == name
        ]
        if len(local) > 1:
            raise ValueError(f'multiple VM images exist for "{name}" in namespace scope')
        if len(cluster) > 1:
            raise ValueError(f'multiple VM images exist for "{name}" in cluster scope')
        if local and cluster:
            raise ValueError(f'multiple VM images exist for "{name}" in namespace and cluster scope')
        if not local and not cluster:
            raise ValueError(f'no VM image exists for "{name}" in namespace or cluster scope')
        spec["imageName"] = (local or cluster)[0]
        if self.ctx.release.image_ref and not spec.get("image"):
            spec["image"] = {
                "kind": "VirtualMachineImage" if local else "ClusterVirtualMachineImage",
                "name": spec["imageName"],
            }

    def _image_kind(self, vm: Obj, name: str) -> str:
        namespace = str((vm.get("metadata") or {}).get("namespace") or "")
        found = self.ctx.kube.get(self.ctx.kinds.image, namespace, name)
        return "VirtualMachineImage" if found is not None else "ClusterVirtualMachineImage"

    @staticmethod
    def _default_identity(spec: Obj) -> None:
        spec.setdefault("instanceUUID", str(uuid.uuid4()))
        bios = spec.setdefault("biosUUID", str(uuid.uuid4()))
        cloud_init = _dig(spec, "bootstrap", "cloudInit")
        if isinstance(cloud_init, dict) and not cloud_init.get("instanceID"):
            cloud_init["instanceID"] = bios

    @staticmethod
    def _next_restart_time(spec: Obj, old_spec: Obj) -> FieldError | None:
        new, previous = spec.get("nextRestartTime") or "", old_spec.get("nextRestartTime") or ""
        at = path("spec", "nextRestartTime")
        if not new:
            if previous:
                spec["nextRestartTime"] = previous
            return None
        if new.lower() == "now":
            if old_spec.get("powerState") != ON:
                return invalid(at, new, "can only restart powered on vm")
            spec["nextRestartTime"] = rfc3339nano()
            return None
        if new == previous:
            return None
        return invalid(at, new, 'may only be set to "now"')

    # ================================================================================== validation

    def validate(self, operation: str, vm: Obj, old: Obj | None, privileged: bool) -> Verdict:
        if operation == "CREATE":
            errors = self._validate_create(vm, privileged)
        elif operation == "UPDATE" and old is not None:
            if (vm.get("metadata") or {}).get("deletionTimestamp"):
                return Verdict()
            errors = self._validate_update(vm, old, privileged)
        else:
            errors = []
        return Verdict.validation(errors)

    def _validate_create(self, vm: Obj, privileged: bool) -> list[FieldError]:
        spec = _spec(vm)
        errors = self._availability_zone(vm, None)
        if not spec.get("imageName") and not (self.ctx.release.image_ref and spec.get("image")):
            errors.append(required(path("spec", "imageName")))
        if not spec.get("className"):
            errors.append(required(path("spec", "className")))
        errors += self._storage_class(vm)
        errors += self._bootstrap(spec)
        errors += self._network(vm)
        errors += self._volumes(vm)
        errors += self._instance_storage(vm, None, privileged)
        errors += self._readiness_probe(vm)
        errors += self._advanced(spec)
        if spec.get("powerState") == SUSPENDED:
            errors.append(
                invalid(
                    path("spec", "powerState"), SUSPENDED, f"cannot set a new VM's power state to {SUSPENDED}"
                )
            )
        if spec.get("nextRestartTime"):
            errors.append(
                invalid(
                    path("spec", "nextRestartTime"), spec["nextRestartTime"], "cannot restart VM on create"
                )
            )
        errors += self._annotations(vm, None, privileged)
        return errors

    def _validate_update(self, vm: Obj, old: Obj, privileged: bool) -> list[FieldError]:
        spec, old_spec = _spec(vm), _spec(old)
        errors = self._immutable_fields(vm, old)
        errors += self._power_state_update(spec, old_spec)
        errors += self._availability_zone(vm, old)
        errors += self._bootstrap(spec)
        errors += self._network(vm)
        errors += self._volumes(vm)
        errors += self._instance_storage(vm, old, privileged)
        errors += self._readiness_probe(vm)
        errors += self._advanced(spec)
        errors += self._next_restart_time_update(spec, old_spec)
        errors += self._annotations(vm, old, privileged)
        errors += self._min_hardware_version(spec, old_spec)
        return errors

    # ---------------------------------------------------------------------------------- update rules

    def _immutable_fields(self, vm: Obj, old: Obj) -> list[FieldError]:
        spec, old_spec = _spec(vm), _spec(old)
        at = path("spec")
        errors = immutable(spec.get("imageName"), old_spec.get("imageName"), at.child("imageName"))
        if not self.ctx.release.class_resize:
            errors += immutable(spec.get("className"), old_spec.get("className"), at.child("className"))
        errors += immutable(spec.get("storageClass"), old_spec.get("storageClass"), at.child("storageClass"))
        errors += immutable(
            _dig(spec, "reserved", "resourcePolicyName"),
            _dig(old_spec, "reserved", "resourcePolicyName"),
            at.child("reserved", "resourcePolicyName"),
        )
        if self.ctx.release.image_ref:
            errors += immutable(spec.get("image"), old_spec.get("image"), at.child("image"))
            for key in ("instanceUUID", "biosUUID"):
                if old_spec.get(key):
                    errors += immutable(spec.get(key), old_spec.get(key), at.child(key))
            old_kind, new_kind = _bootstrap_kind(old_spec), _bootstrap_kind(spec)
            if old_kind and new_kind != old_kind:
                errors.append(forbidden(at.child("bootstrap"), "bootstrap provider type cannot be changed"))
        errors += self._immutable_network(spec, old_spec)
        return errors

    @staticmethod
    def _immutable_network(spec: Obj, old_spec: Obj) -> list[FieldError]:
        new_net, old_net = spec.get("network"), old_spec.get("network")
        if new_net is None and old_net is None:
            return []
        at = path("spec", "network")
        new_ifs = (new_net or {}).get("interfaces") or []
        old_ifs = (old_net or {}).get("interfaces") or []
        if len(new_ifs) != len(old_ifs):
            return [forbidden(at.child("interfaces"), "network interfaces cannot be added or removed")]
        errors = []
        for index, (new_if, old_if) in enumerate(zip(new_ifs, old_ifs, strict=True)):
            pi = at.child("interfaces").index(index)
            if (new_if or {}).get("name") != (old_if or {}).get("name"):
                errors.append(forbidden(pi.child("name"), IMMUTABLE))
            if _net_ref(new_if) != _net_ref(old_if):
                errors.append(forbidden(pi.child("network"), IMMUTABLE))
        return errors

    @staticmethod
    def _power_state_update(spec: Obj, old_spec: Obj) -> list[FieldError]:
        at = path("spec", "powerState")
        new, previous = spec.get("powerState") or "", old_spec.get("powerState") or ""
        if new == "":
            return [invalid(at, new, "cannot set power state to empty string")]
        errors = []
        if previous == ON and new == ON:
            if semantic(spec.get("bootstrap")) != semantic(old_spec.get("bootstrap")):
                errors.append(forbidden(path("spec", "bootstrap"), POWERED_ON_ONLY))
        elif previous == OFF and new == SUSPENDED:
            errors.append(invalid(at, new, "cannot suspend a VM that is powered off"))
        return errors

    @staticmethod
    def _next_restart_time_update(spec: Obj, old_spec: Obj) -> list[FieldError]:
        new, previous = spec.get("nextRestartTime") or "", old_spec.get("nextRestartTime") or ""
        if new == previous:
            return []
        at = path("spec", "nextRestartTime")
        if new.lower() == "now":
            return [invalid(at, new, "mutation webhooks are required to restart VM")]
        if parse_time(new) is None:
            return [invalid(at, new, "must be formatted as RFC3339Nano")]
        return []

    @staticmethod
    def _min_hardware_version(spec: Obj, old_spec: Obj) -> list[FieldError]:
        at = path("spec", "minHardwareVersion")
        new, previous = int(spec.get("minHardwareVersion") or 0), int(old_spec.get("minHardwareVersion") or 0)
        if new < previous:
            return [invalid(at, new, "cannot downgrade hardware version")]
        if new > previous and OFF not in (old_spec.get("powerState"), spec.get("powerState")):
            return [invalid(at, new, "cannot upgrade hardware version unless powered off")]
        return []

    # ---------------------------------------------------------------------------------- shared rules

    def _availability_zone(self, vm: Obj, old: Obj | None) -> list[FieldError]:
        at = path("metadata", "labels").key(ZONE_LABEL)
        if old is not None:
            previous = _meta(old, "labels").get(ZONE_LABEL)
            if previous:
                return immutable(_meta(vm, "labels").get(ZONE_LABEL, ""), previous, at)
        zone = _meta(vm, "labels").get(ZONE_LABEL)
        if zone and zone not in self.ctx.options.zones:
            return [invalid(at, zone, f'availabilityzones.topology.tanzu.vmware.com "{zone}" not found')]
        return []

    def _storage_class(self, vm: Obj) -> list[FieldError]:
        name = _spec(vm).get("storageClass")
        if not name:
            return []
        namespace = str((vm.get("metadata") or {}).get("namespace") or "")
        at = path("spec", "storageClass")
        message = f"Storage policy is not associated with the namespace {namespace}"
        if self.ctx.kube.get(STORAGE_CLASS, None, name) is None:
            return [invalid(at, name, message)]
        quotas, _ = self.ctx.kube.list(RESOURCE_QUOTA, namespace)
        prefix = f"{name}.storageclass.storage.k8s.io/"
        for quota in quotas:
            if any(str(key).startswith(prefix) for key in (_dig(quota, "spec", "hard") or {})):
                return []
        return [invalid(at, name, message)]

    @staticmethod
    def _bootstrap(spec: Obj) -> list[FieldError]:
        bootstrap = spec.get("bootstrap") or {}
        at = path("spec", "bootstrap")
        cloud_init, linux_prep = bootstrap.get("cloudInit"), bootstrap.get("linuxPrep")
        sysprep, vapp = bootstrap.get("sysprep"), bootstrap.get("vAppConfig")
        errors: list[FieldError] = []
        if cloud_init is not None:
            p = at.child("cloudInit")
            if linux_prep is not None or sysprep is not None or vapp is not None:
                errors.append(forbidden(p, "CloudInit may not be used with any other bootstrap provider"))
            cloud_config = (cloud_init or {}).get("cloudConfig")
            if cloud_config is not None:
                if (cloud_init or {}).get("rawCloudConfig") is not None:
                    errors.append(
                        invalid(p, "cloudInit", "cloudConfig and rawCloudConfig are mutually exclusive")
                    )
                errors += _cloud_config(p.child("cloudConfig"), cloud_config)
        if linux_prep is not None and (cloud_init is not None or sysprep is not None):
            errors.append(
                forbidden(
                    at.child("linuxPrep"),
                    "LinuxPrep may not be used with either CloudInit or Sysprep bootstrap providers",
                )
            )
        if sysprep is not None:
            p = at.child("sysprep")
            if cloud_init is not None or linux_prep is not None:
                errors.append(
                    forbidden(
                        p, "Sysprep may not be used with either CloudInit or LinuxPrep bootstrap providers"
                    )
                )
            inline, raw = (sysprep or {}).get("sysprep"), (sysprep or {}).get("rawSysprep")
            if inline is not None and raw is not None:
                errors.append(invalid(p, "sysPrep", "sysprep and rawSysprep are mutually exclusive"))
            elif inline is None and raw is None:
                errors.append(invalid(p, "sysPrep", "either sysprep or rawSysprep must be provided"))
            if isinstance(inline, dict):
                errors += _inline_sysprep(p.child("sysprep"), inline)
        if vapp is not None:
            p = at.child("vAppConfig")
            if cloud_init is not None:
                errors.append(
                    forbidden(
                        p, "vAppConfig may not be used in conjunction with CloudInit bootstrap provider"
                    )
                )
            properties = (vapp or {}).get("properties") or []
            if properties and (vapp or {}).get("rawProperties"):
                errors.append(invalid(p, "vAppConfig", "properties and rawProperties are mutually exclusive"))
            for prop in properties:
                if not (prop or {}).get("key"):
                    errors.append(
                        invalid(
                            p.child("properties", "key"),
                            "key",
                            "key is a required field in vAppConfig Properties",
                        )
                    )
                value = (prop or {}).get("value") or {}
                if value.get("from") is not None and value.get("value") is not None:
                    errors.append(
                        invalid(
                            p.child("properties", "value"), "value", "from and value is mutually exclusive"
                        )
                    )
        return errors

    def _network(self, vm: Obj) -> list[FieldError]:
        spec = _spec(vm)
        interfaces = (spec.get("network") or {}).get("interfaces") or []
        vm_name = str((vm.get("metadata") or {}).get("name") or "")
        bootstrap = spec.get("bootstrap") or {}
        errors: list[FieldError] = []
        at = path("spec", "network", "interfaces")
        for index, interface in enumerate(interfaces):
            if isinstance(interface, dict):
                errors += _interface(at.index(index), interface, vm_name)
                errors += _interface_with_bootstrap(at.index(index), interface, bootstrap)
        return errors

    @staticmethod
    def _volumes(vm: Obj) -> list[FieldError]:
        vm_name = str((vm.get("metadata") or {}).get("name") or "")
        seen: set[str] = set()
        errors: list[FieldError] = []
        for index, volume in enumerate(_spec(vm).get("volumes") or []):
            volume = volume or {}
            p = path("spec", "volumes").index(index)
            name = volume.get("name") or ""
            if name:
                if name in seen:
                    errors.append(duplicate(p.child("name"), name))
                seen.add(name)
                for message in dns1123_subdomain(f"{vm_name}-{name}"):
                    errors.append(invalid(p.child("name"), name, message))
            else:
                errors.append(required(p.child("name")))
            claim = volume.get("persistentVolumeClaim")
            if claim is None:
                errors.append(required(p.child("persistentVolumeClaim")))
                continue
            if not claim.get("claimName"):
                errors.append(required(p.child("persistentVolumeClaim", "claimName")))
            if claim.get("readOnly"):
                errors.append(not_supported(p.child("persistentVolumeClaim", "readOnly"), True, ["false"]))
        return errors

    @staticmethod
    def _instance_storage(vm: Obj, old: Obj | None, privileged: bool) -> list[FieldError]:
        if privileged:
            return []

        def instance_volumes(obj: Obj | None) -> list[Any]:
            return [
                v
                for v in (_spec(obj or {}).get("volumes") or [])
                if _dig(v, "persistentVolumeClaim", "instanceVolumeClaim") is not None
            ]

        if semantic(instance_volumes(vm)) != semantic(instance_volumes(old)):
            return [
                forbidden(
                    path("spec", "volumes"),
                    "adding or modifying instance storage volume claim(s) is not allowed",
                )
            ]
        return []

    def _readiness_probe(self, vm: Obj) -> list[FieldError]:
        probe = _spec(vm).get("readinessProbe")
        if not isinstance(probe, dict):
            return []
        at = path("spec", "readinessProbe")
        actions = sum(1 for key in ("tcpSocket", "guestHeartbeat") if probe.get(key) is not None)
        actions += 1 if probe.get("guestInfo") else 0
        errors = []
        if actions > 1:
            errors.append(forbidden(at, "only one action can be specified"))
        tcp = probe.get("tcpSocket")
        if isinstance(tcp, dict) and _port_number(tcp.get("port")) != 6443:
            restricted = self._restricted_network()
            if restricted:
                errors.append(
                    not_supported(at.child("tcpSocket", "port"), _port_number(tcp.get("port")), ["6443"])
                )
        return errors

    def _restricted_network(self) -> bool:
        config_map = self.ctx.kube.get(CONFIG_MAP, *PROVIDER_CONFIGMAP)
        return bool(((config_map or {}).get("data") or {}).get("IsRestrictedNetwork") == "true")

    @staticmethod
    def _advanced(spec: Obj) -> list[FieldError]:
        capacity = _dig(spec, "advanced", "bootDiskCapacity")
        if capacity in (None, "", 0):
            return []
        try:
            value = int(parse_quantity(capacity))
        except (ValueError, ArithmeticError):
            return []
        if value and value % (1 << 20):
            return [
                invalid(path("spec", "advanced", "bootDiskCapacity"), value, "value must be a multiple of MB")
            ]
        return []

    @staticmethod
    def _annotations(vm: Obj, old: Obj | None, privileged: bool) -> list[FieldError]:
        if privileged:
            return []
        at = path("metadata", "annotations")
        new, previous = _meta(vm, "annotations"), _meta(old or {}, "annotations")
        keys = [INSTANCE_ID_ANNOTATION, FIRST_BOOT_DONE]
        if old is not None:
            keys += [CREATED_AT_BUILD, CREATED_AT_SCHEMA]
        return [forbidden(at.child(key), ADMIN_ONLY) for key in keys if new.get(key) != previous.get(key)]


# -------------------------------------------------------------------------------------- helpers


def _net_ref(interface: Any) -> Any:
    net = (interface or {}).get("network") or {}
    return {k: net.get(k) or "" for k in ("name", "kind", "apiVersion")}


def _bootstrap_kind(spec: Obj) -> str | None:
    bootstrap = spec.get("bootstrap") or {}
    for kind in ("cloudInit", "linuxPrep", "sysprep"):
        if bootstrap.get(kind) is not None:
            return kind
    return "vAppConfig" if bootstrap.get("vAppConfig") is not None else None


def _port_number(port: Any) -> int:
    try:
        return int(port)
    except (TypeError, ValueError):
        return 0


def _cidr(text: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address | None, str]:
    try:
        if "/" not in text:
            raise ValueError
        return ipaddress.ip_interface(text).ip, ""
    except ValueError:
        return None, f"invalid CIDR address: {text}"


def _ip(text: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(str(text))
    except ValueError:
        return None


def _interface(at: Path, interface: Obj, vm_name: str) -> list[FieldError]:
    errors: list[FieldError] = []
    network_name = (interface.get("network") or {}).get("name") or ""
    name = interface.get("name") or ""
    cr_name = f"{vm_name}-{network_name}-{name}" if network_name else f"{vm_name}-{name}"
    for message in dns1123_subdomain(cr_name):
        errors.append(
            invalid(at.child("name"), cr_name, "is the resulting network interface name: " + message)
        )
    v4: list[str] = []
    v6: list[str] = []
    for index, cidr in enumerate(interface.get("addresses") or []):
        ip, problem = _cidr(str(cidr))
        if ip is None:
            errors.append(invalid(at.child("addresses").index(index), cidr, problem))
            continue
        (v4 if ip.version == 4 else v6).append(str(cidr))
    for family, addrs in ((4, v4), (6, v6)):
        gateway = interface.get(f"gateway{family}")
        if gateway:
            p = at.child(f"gateway{family}")
            if not addrs:
                errors.append(
                    invalid(
                        p, gateway, f"gateway{family} must have an IPv{family} address in the addresses field"
                    )
                )
            parsed = _ip(gateway)
            if parsed is None or parsed.version != family:
                errors.append(invalid(p, gateway, f"must be a valid IPv{family} address"))
        if interface.get(f"dhcp{family}"):
            if addrs:
                errors.append(
                    invalid(
                        at.child(f"dhcp{family}"),
                        ",".join(addrs),
                        f"dhcp{family} cannot be used with IPv{family} addresses in addresses field",
                    )
                )
            if gateway:
                errors.append(
                    invalid(
                        at.child(f"gateway{family}"),
                        gateway,
                        f"gateway{family} is mutually exclusive with dhcp{family}",
                    )
                )
    for index, server in enumerate(interface.get("nameservers") or []):
        if _ip(server) is None:
            errors.append(
                invalid(at.child("nameservers").index(index), server, "must be an IPv4 or IPv6 address")
            )
    for index, route in enumerate(interface.get("routes") or []):
        route = route or {}
        p = at.child("routes").index(index)
        to, problem = _cidr(str(route.get("to") or ""))
        if to is None:
            errors.append(invalid(p.child("to"), route.get("to") or "", problem))
        via = _ip(route.get("via"))
        if via is None:
            errors.append(invalid(p.child("via"), route.get("via") or "", "must be an IPv4 or IPv6 address"))
        if (to is not None and to.version == 4) != (via is not None and via.version == 4):
            errors.append(invalid(p, "", "cannot mix IP address families"))
    return errors


def _interface_with_bootstrap(at: Path, interface: Obj, bootstrap: Obj) -> list[FieldError]:
    cloud_init, linux_prep, sysprep = (
        bootstrap.get("cloudInit"),
        bootstrap.get("linuxPrep"),
        bootstrap.get("sysprep"),
    )
    errors = []
    if interface.get("mtu") is not None and cloud_init is None:
        errors.append(
            invalid(
                at.child("mtu"),
                interface["mtu"],
                "mtu is available only with the following bootstrap providers: CloudInit",
            )
        )
    if interface.get("routes") is not None and cloud_init is None:
        errors.append(
            invalid(
                at.child("routes"),
                "routes",
                "routes is available only with the following bootstrap providers: CloudInit",
            )
        )
    sysprep_not_allowed = sysprep is None or (sysprep or {}).get("rawSysprep") is not None
    for key in ("nameservers", "searchDomains"):
        values = interface.get(key)
        if values is not None and cloud_init is None and linux_prep is None and sysprep_not_allowed:
            errors.append(
                invalid(
                    at.child(key),
                    ",".join(str(v) for v in values),
                    f"{key} is available only with the following bootstrap providers: CloudInit LinuxPrep and Sysprep (except for RawSysprep)",
                )
            )
    return errors


def _cloud_config(at: Path, cloud_config: Any) -> list[FieldError]:
    """pkg/util/cloudinit/validate: runcmd entries and write_files contents."""
    if not isinstance(cloud_config, dict):
        return []
    errors: list[FieldError] = []
    runcmd = cloud_config.get("runcmd")
    if runcmd is not None:
        if not isinstance(runcmd, list):
            errors.append(invalid(at.child("runcmds"), runcmd, "value must be a list"))
        else:
            for index, command in enumerate(runcmd):
                ok = isinstance(command, str) or (
                    isinstance(command, list) and all(isinstance(part, str) for part in command)
                )
                if not ok:
                    errors.append(
                        invalid(
                            at.child("runcmds").index(index),
                            command,
                            "value must be a string or list of strings",
                        )
                    )
    for entry in cloud_config.get("write_files") or []:
        if not isinstance(entry, dict):
            continue
        content = entry.get("content")
        ok = (
            content is None
            or isinstance(content, str)
            or (isinstance(content, dict) and {"name", "key"} <= set(content))
        )
        if not ok:
            errors.append(
                invalid(
                    Path(f"{at.child('write_files')}[{entry.get('path', '')}]"),
                    content,
                    "value must be a string, multi-line string, or SecretKeySelector",
                )
            )
    return errors


def _inline_sysprep(at: Path, sysprep: Obj) -> list[FieldError]:
    errors = []
    gui = sysprep.get("guiUnattended")
    if isinstance(gui, dict) and gui.get("autoLogon"):
        if not gui.get("autoLogonCount"):
            errors.append(invalid(at, "guiUnattended", "autoLogon requires autoLogonCount to be specified"))
        if not (gui.get("password") or {}).get("name"):
            errors.append(invalid(at, "guiUnattended", "autoLogon requires password selector to be set"))
    ident = sysprep.get("identification")
    if isinstance(ident, dict):
        if ident.get("joinDomain") and ident.get("joinWorkgroup"):
            errors.append(
                invalid(at, "identification", "joinDomain and joinWorkgroup are mutually exclusive")
            )
        if ident.get("joinDomain") and (
            not ident.get("domainAdmin") or not (ident.get("domainAdminPassword") or {}).get("name")
        ):
            errors.append(
                invalid(
                    at,
                    "identification",
                    "joinDomain requires domainAdmin and domainAdminPassword selector to be set",
                )
            )
        if ident.get("joinWorkgroup") and (
            ident.get("domainAdmin") or ident.get("domainAdminPassword") is not None
        ):
            errors.append(
                invalid(
                    at,
                    "identification",
                    "joinWorkgroup and domainAdmin/domainAdminPassword are mutually exclusive",
                )
            )
    return errors
