"""Where the typed model of VirtualMachineService comes from: its CRD, and the names its nested types keep."""

from __future__ import annotations

from pulumi_vmservice_provider.model.crdgen import KindSource

SOURCE = KindSource(
    "VirtualMachineService",
    "virtualmachineservices",
    "virtualmachineservice",
    names={
        "spec.ports": "VirtualMachineServicePort",
        "status.loadBalancer": "LoadBalancerStatus",
        "status.loadBalancer.ingress": "LoadBalancerIngress",
    },
)
