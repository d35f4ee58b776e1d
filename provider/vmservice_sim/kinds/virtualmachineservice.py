"""VirtualMachineService: VM Operator's controller (its webhook is the rules package's).

The controller makes a selector-less Service and an Endpoints object of the same name (owned by the
VirtualMachineService), the VMs' addresses as endpoints, and for type LoadBalancer an ingress IP from the
load-balancer pool (203.0.113.10+) in both statuses.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from vmservice_sim.controller import Mapper
from vmservice_sim.kube import ENDPOINTS, SERVICE, Kind, Obj
from vmservice_sim.objects import conditions
from vmservice_sim.registry import KindReconciler, register

SERVICE_KIND = register("VirtualMachineService", "virtualmachineservices")

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
