"""vmservice:index:VirtualMachineService — a load balancer or cluster IP in front of VMs."""

from __future__ import annotations

from pulumi_vmservice_provider.kinds.virtualmachineservice import generated
from pulumi_vmservice_provider.model import semantics
from pulumi_vmservice_provider.model.common import API_VERSION_OUTPUT, OutputMeta, metadata
from pulumi_vmservice_provider.model.layering import overlay
from pulumi_vmservice_provider.model.types import (
    ObjectType,
    ResourceDef,
    array,
    boolean,
    integer,
    obj,
    string,
    string_map,
    vm_operator,
)

ServicePort = ObjectType(
    "VirtualMachineServicePort",
    "A port of the service.",
    {
        "name": string("Port name (required when there is more than one port)."),
        "protocol": string("Protocol of the port.", enum=("TCP", "UDP", "SCTP"), default="TCP"),
        "port": integer("Port the service exposes.", required=True, minimum=1, maximum=65535),
        "targetPort": integer("Port on the VMs.", required=True, minimum=1, maximum=65535),
    },
)

VirtualMachineServiceSpec = overlay(
    generated.VirtualMachineServiceSpec,
    ObjectType(
        "VirtualMachineServiceSpec",
        "Desired state of the service.",
        {
            "type": string(
                "Service type.",
                enum=("ClusterIP", "LoadBalancer", "ExternalName"),
                required=True,
                replace="the type of a VirtualMachineService cannot change",
            ),
            "selector": string_map("Labels of the VMs behind the service."),
            "ports": array(
                obj(ServicePort),
                "Ports the service exposes (a name is required on each when there are several).",
            ),
            "loadBalancerIP": string(
                "A requested load-balancer IP (only where the load balancer supports it)."
            ),
            "loadBalancerSourceRanges": array(
                string(), "Client CIDRs allowed through the load balancer (all when empty)."
            ),
            "clusterIp": string(
                "A fixed cluster IP (allocated by the Supervisor when omitted).",
                replace="the cluster IP of a service cannot change",
            ),
            "externalName": string("DNS name the service aliases (type ExternalName)."),
        },
    ),
)

LoadBalancerIngress = ObjectType(
    "LoadBalancerIngress",
    "One load-balancer address.",
    {"ip": string("IP address of the load balancer."), "hostname": string("DNS name of the load balancer.")},
)
VirtualMachineServiceStatus = overlay(
    generated.VirtualMachineServiceStatus,
    ObjectType(
        "VirtualMachineServiceStatus",
        "Observed state of the service.",
        {
            "loadBalancer": obj(
                ObjectType(
                    "LoadBalancerStatus",
                    "Load-balancer addresses.",
                    {"ingress": array(obj(LoadBalancerIngress), "Addresses of the load balancer.")},
                )
            ),
        },
    ),
)


VIRTUAL_MACHINE_SERVICE = ResourceDef(
    token="vmservice:index:VirtualMachineService",
    description="A load balancer or cluster IP in front of VMs selected by label.",
    inputs={
        "metadata": metadata,
        "spec": obj(VirtualMachineServiceSpec, required=True),
        "waitForLoadBalancer": boolean(
            "For type LoadBalancer, wait until the Supervisor reports an ingress IP (default true)."
        ),
    },
    outputs={
        "apiVersion": API_VERSION_OUTPUT,
        "status": obj(VirtualMachineServiceStatus),
        "liveMetadata": obj(OutputMeta),
    },
    kube=vm_operator("VirtualMachineService", "virtualmachineservices"),
    validators=(semantics.metadata_labels,),
)
