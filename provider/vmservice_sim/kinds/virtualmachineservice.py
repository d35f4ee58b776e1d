"""VirtualMachineService: VM Operator's validation webhook (8.0 U3 rules and messages) and its controller.

The controller makes a selector-less Service and an Endpoints object of the same name (owned by the
VirtualMachineService), the VMs' addresses as endpoints, and for type LoadBalancer an ingress IP from the
load-balancer pool (203.0.113.10+) in both statuses.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from vmservice_sim.admission import (
    FieldError,
    GoStruct,
    Verdict,
    dns1035_label,
    dns1123_label,
    dns1123_subdomain,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    path,
    required,
    spec_of,
)
from vmservice_sim.controller import Mapper
from vmservice_sim.kube import ENDPOINTS, SERVICE, Kind, Obj
from vmservice_sim.objects import conditions
from vmservice_sim.registry import AdmissionRequest, KindReconciler, register

SERVICE_KIND = register("VirtualMachineService", "virtualmachineservices")

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer")
PROTOCOLS = ("SCTP", "TCP", "UDP")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")

# ========================================================================== admission


@SERVICE_KIND.validate
def validate(request: AdmissionRequest) -> Verdict:
    obj, old = request.object, request.old_object
    errors: list[FieldError] = []
    if request.operation == "CREATE":
        name = str((obj.get("metadata") or {}).get("name") or "")
        errors += [invalid(path("metadata", "name"), name, m) for m in dns1035_label(name)]
        errors += _service_spec(obj)
    elif old is not None and not request.deleting:
        spec, old_spec = spec_of(obj), spec_of(old)
        if spec.get("type") != old_spec.get("type"):
            errors.append(forbidden(path("spec", "type"), "field is immutable"))
        if (spec.get("clusterIp") or "") != (old_spec.get("clusterIp") or ""):
            errors.append(forbidden(path("spec", "clusterIP"), "field is immutable"))
        errors += _service_spec(obj)
    return Verdict.validation(errors)


def _service_spec(obj: Obj) -> list[FieldError]:
    spec = spec_of(obj)
    at = path("spec")
    kind = spec.get("type") or ""
    cluster_ip = spec.get("clusterIp") or ""
    errors: list[FieldError] = []
    if kind == "LoadBalancer" and cluster_ip == "None":
        errors.append(
            invalid(at.child("clusterIP"), cluster_ip, "may not be set to 'None' for LoadBalancer services")
        )
    if kind == "ExternalName":
        if cluster_ip:
            errors.append(forbidden(at.child("clusterIP"), "may not be set for ExternalName services"))
        cname = (spec.get("externalName") or "").removesuffix(".")
        if cname:
            errors += [invalid(at.child("externalName"), cname, m) for m in dns1123_subdomain(cname)]
        else:
            errors.append(required(at.child("externalName")))
    errors += _ports(spec, kind, cluster_ip)
    for key, value in (spec.get("selector") or {}).items():
        errors += _label(at.child("selector"), str(key), str(value))
    if cluster_ip and cluster_ip != "None":
        try:
            ipaddress.ip_address(cluster_ip)
        except ValueError:
            errors.append(
                invalid(
                    at.child("clusterIP"),
                    cluster_ip,
                    "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                )
            )
    if not kind:
        errors.append(required(at.child("type")))
    elif kind not in SERVICE_TYPES:
        errors.append(not_supported(at.child("type"), kind, SERVICE_TYPES))
    ranges = spec.get("loadBalancerSourceRanges") or []
    if ranges:
        p = at.child("loadBalancerSourceRanges")
        if kind != "LoadBalancer":
            errors.append(forbidden(p, "may only be used when `type` is 'LoadBalancer'"))
        try:
            for cidr in ranges:
                ipaddress.ip_network(str(cidr).strip(), strict=False)
        except ValueError:
            errors.append(
                invalid(
                    p,
                    "[" + " ".join(str(r) for r in ranges) + "]",
                    "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24",
                )
            )
    return errors


def _ports(spec: Obj, kind: str, cluster_ip: str) -> list[FieldError]:
    ports = spec.get("ports") or []
    at = path("spec", "ports")
    errors: list[FieldError] = []
    if not ports and cluster_ip != "None" and kind != "ExternalName":
        errors.append(required(at))
    names: set[str] = set()
    for index, port in enumerate(ports):
        port = port or {}
        p = at.index(index)
        name = port.get("name") or ""
        if len(ports) > 1 and not name:
            errors.append(required(p.child("name")))
        elif name:
            errors += [invalid(p.child("name"), name, m) for m in dns1123_label(name)]
            if name in names:
                errors.append(duplicate(p.child("name"), name))
            names.add(name)
        if not 1 <= int(port.get("port") or 0) <= 65535:
            errors.append(
                invalid(p.child("port"), int(port.get("port") or 0), "must be between 1 and 65535, inclusive")
            )
        protocol = port.get("protocol") or ""
        if not protocol:
            errors.append(required(p.child("protocol")))
        elif protocol not in PROTOCOLS:
            errors.append(not_supported(p.child("protocol"), protocol, PROTOCOLS))
        if not 1 <= int(port.get("targetPort") or 0) <= 65535:
            errors.append(
                invalid(
                    p.child("targetPort"),
                    int(port.get("targetPort") or 0),
                    "must be between 1 and 65535, inclusive",
                )
            )
    seen: set[tuple[str, int]] = set()
    for index, entry in enumerate(ports):
        entry = entry or {}
        key = (str(entry.get("protocol") or ""), int(entry.get("port") or 0))
        if key in seen:
            struct = GoStruct(
                "v1alpha2.VirtualMachineServicePort",
                [("Name", ""), ("Protocol", key[0]), ("Port", key[1]), ("TargetPort", 0)],
            )
            errors.append(duplicate(at.index(index), struct))
        seen.add(key)
    return errors


def _label(at: Any, key: str, value: str) -> list[FieldError]:
    errors = []
    name = key.rpartition("/")[2]
    prefix = key.rpartition("/")[0]
    if (
        not name
        or len(name) > 63
        or not _QUALIFIED_NAME.match(name)
        or (prefix and dns1123_subdomain(prefix))
    ):
        errors.append(
            invalid(
                at,
                key,
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
                "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            )
        )
    if len(value) > 63 or not _LABEL_VALUE.match(value):
        errors.append(
            invalid(
                at.key(key),
                value,
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            )
        )
    return errors


# ========================================================================== controller


@SERVICE_KIND.reconcile()
class VirtualMachineServiceReconciler(KindReconciler):
    def also_watch(self) -> list[tuple[Kind, Mapper]]:
        return [(self.ctx.kinds.vm, self.keys_for_vm)]

    def keys_for_vm(self, vm: Obj) -> Iterable[tuple[str, str]]:
        """A VM changed: every VirtualMachineService of its namespace may select it."""
        namespace = (vm.get("metadata") or {}).get("namespace") or ""
        try:
            services, _ = self.ctx.kube.list(self.kind, namespace)
        except Exception:  # the service watch's resync catches up
            return []
        return [(namespace, s["metadata"]["name"]) for s in services]

    def __call__(self, namespace: str, name: str) -> float | None:
        kube = self.ctx.kube
        service = kube.get(self.kind, namespace, name)
        if service is None:
            return None
        meta = service["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        if meta.get("deletionTimestamp"):
            if self.finalizer in finalizers:
                self.ctx.lb_ips.release(meta["uid"])
                kube.remove_finalizer(self.kind, service, self.finalizer)
            return None
        if kube.add_finalizer(self.kind, service, self.finalizer):
            return 0.0

        spec = service.get("spec") or {}
        kind = spec.get("type") or "ClusterIP"
        owner = {
            "apiVersion": service.get("apiVersion") or self.ctx.release.api_version,
            "kind": "VirtualMachineService",
            "name": name,
            "uid": meta["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
        ports = [
            {
                "name": p.get("name") or "",
                "protocol": p.get("protocol") or "TCP",
                "port": int(p.get("port") or 0),
                "targetPort": int(p.get("targetPort") or 0),
            }
            for p in spec.get("ports") or []
        ]
        core_spec: Obj = {"type": kind}
        if kind == "ExternalName":
            core_spec["externalName"] = spec.get("externalName")
        else:
            core_spec["ports"] = [{k: v for k, v in p.items() if v != ""} for p in ports]
            if spec.get("clusterIp"):
                core_spec["clusterIP"] = spec["clusterIp"]
        if kind == "LoadBalancer":
            core_spec["allocateLoadBalancerNodePorts"] = False
            if spec.get("loadBalancerSourceRanges"):
                core_spec["loadBalancerSourceRanges"] = spec["loadBalancerSourceRanges"]
        labels = dict(meta.get("labels") or {})
        kube.apply(
            SERVICE,
            {
                "metadata": {
                    "name": name,
                    "namespace": namespace,
                    "labels": labels,
                    "ownerReferences": [owner],
                },
                "spec": core_spec,
            },
        )

        status: Obj = {}
        if kind == "LoadBalancer":
            previous = [
                i.get("ip")
                for i in ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            ]
            wanted = spec.get("loadBalancerIP") or (previous[0] if previous else None)
            ip = self.ctx.lb_ips.allocate(meta["uid"], wanted)
            status = {"loadBalancer": {"ingress": [{"ip": ip}]}}
            kube.patch(
                SERVICE, namespace, name, {"status": {"loadBalancer": {"ingress": [{"ip": ip}]}}}, status=True
            )
        if kind != "ExternalName":
            self._endpoints(namespace, name, spec, ports, owner, labels)
        if status != (service.get("status") or {}):
            kube.replace_status(self.kind, namespace, name, copy.deepcopy(status))
        return None

    def _endpoints(
        self, namespace: str, name: str, spec: Obj, ports: list[Obj], owner: Obj, labels: dict[str, str]
    ) -> None:
        selector = spec.get("selector") or {}
        ready: list[Obj] = []
        not_ready: list[Obj] = []
        if selector:
            vms, _ = self.ctx.kube.list(self.ctx.kinds.vm, namespace)
            for vm in vms:
                vm_labels = vm["metadata"].get("labels") or {}
                if any(vm_labels.get(k) != v for k, v in selector.items()) or vm["metadata"].get(
                    "deletionTimestamp"
                ):
                    continue
                ip = ((vm.get("status") or {}).get("network") or {}).get("primaryIP4")
                if not ip:
                    continue
                address = {
                    "ip": ip,
                    "targetRef": {
                        "apiVersion": vm.get("apiVersion"),
                        "kind": "VirtualMachine",
                        "namespace": namespace,
                        "name": vm["metadata"]["name"],
                        "uid": vm["metadata"]["uid"],
                    },
                }
                probe = (vm.get("spec") or {}).get("readinessProbe")
                is_ready = not probe or conditions(vm).get("Ready", {}).get("status") == "True"
                (ready if is_ready else not_ready).append(address)
        subsets: list[Obj] = []
        if ready or not_ready:
            subset: Obj = {
                "ports": [
                    {
                        k: v
                        for k, v in {
                            "name": p["name"],
                            "port": p["targetPort"],
                            "protocol": p["protocol"],
                        }.items()
                        if v != ""
                    }
                    for p in ports
                ]
            }
            if ready:
                subset["addresses"] = sorted(ready, key=lambda a: str(a["ip"]))
            if not_ready:
                subset["notReadyAddresses"] = sorted(not_ready, key=lambda a: str(a["ip"]))
            subsets.append(subset)
        self.ctx.kube.apply(
            ENDPOINTS,
            {
                "metadata": {
                    "name": name,
                    "namespace": namespace,
                    "labels": labels,
                    "ownerReferences": [owner],
                },
                "subsets": subsets,
            },
        )
