"""The other Supervisor resources: VirtualMachineService, VirtualMachineSetResourcePolicy and
VirtualMachinePublishRequest."""

from __future__ import annotations

from pulumi_vmservice_provider.model.common import Condition, OutputMeta, metadata
from pulumi_vmservice_provider.model.types import (
    KubeKind,
    ObjectType,
    ResourceDef,
    any_value,
    array,
    boolean,
    integer,
    obj,
    string,
    string_map,
)

ServicePort = ObjectType(
    "VirtualMachineServicePort",
    "A port of the service.",
    {
        "name": string("Port name (required when there is more than one port)."),
        "protocol": string(enum=("TCP", "UDP", "SCTP"), default="TCP"),
        "port": integer("Port the service exposes.", required=True, minimum=1, maximum=65535),
        "targetPort": integer("Port on the VMs.", required=True, minimum=1, maximum=65535),
    },
)

VirtualMachineServiceSpec = ObjectType(
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
        "ports": array(obj(ServicePort)),
        "loadBalancerIP": string(),
        "loadBalancerSourceRanges": array(string()),
        "clusterIp": string(replace="the cluster IP of a service cannot change"),
        "externalName": string(),
    },
)

LoadBalancerIngress = ObjectType(
    "LoadBalancerIngress", "One load-balancer address.", {"ip": string(), "hostname": string()}
)
VirtualMachineServiceStatus = ObjectType(
    "VirtualMachineServiceStatus",
    "Observed state of the service.",
    {
        "loadBalancer": obj(
            ObjectType(
                "LoadBalancerStatus", "Load-balancer addresses.", {"ingress": array(obj(LoadBalancerIngress))}
            )
        ),
        "conditions": array(obj(Condition)),
    },
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
        "apiVersion": string(),
        "status": obj(VirtualMachineServiceStatus),
        "liveMetadata": obj(OutputMeta),
    },
    handler="vmservice:VirtualMachineServiceHandler",
    kube=KubeKind("VirtualMachineService", "virtualmachineservices"),
)

ResourcePoolSpec = ObjectType(
    "ResourcePoolSpec",
    "A child resource pool for the set of VMs.",
    {"name": string(), "reservations": any_value(), "limits": any_value()},
)

VirtualMachineSetResourcePolicySpec = ObjectType(
    "VirtualMachineSetResourcePolicySpec",
    "Resource pool, folder and cluster-module groups for a set of VMs.",
    {
        "resourcePool": obj(ResourcePoolSpec),
        "folder": string(),
        "clusterModuleGroups": array(string()),
    },
)

VIRTUAL_MACHINE_SET_RESOURCE_POLICY = ResourceDef(
    token="vmservice:index:VirtualMachineSetResourcePolicy",
    description="A child resource pool, VM folder and cluster-module groups used by a set of VMs. The whole "
    "spec is immutable: any change replaces it.",
    inputs={
        "metadata": metadata,
        "spec": obj(
            VirtualMachineSetResourcePolicySpec,
            replace="the spec of a VirtualMachineSetResourcePolicy is immutable",
        ),
    },
    outputs={"apiVersion": string(), "status": any_value(), "liveMetadata": obj(OutputMeta)},
    handler="kubeobject:KubeObjectHandler",
    kube=KubeKind("VirtualMachineSetResourcePolicy", "virtualmachinesetresourcepolicies"),
)

PublishSource = ObjectType(
    "VirtualMachinePublishRequestSource",
    "The VM to publish.",
    {"name": string("VM name (defaults to the request name)."), "kind": string(), "apiVersion": string()},
)
PublishTargetItem = ObjectType(
    "VirtualMachinePublishRequestTargetItem",
    "The content library item to create.",
    {"name": string("Item name (defaults to `<source>-image`)."), "description": string()},
)
PublishTargetLocation = ObjectType(
    "VirtualMachinePublishRequestTargetLocation",
    "The content library to publish to.",
    {"name": string(required=True), "kind": string(), "apiVersion": string()},
)
PublishTarget = ObjectType(
    "VirtualMachinePublishRequestTarget",
    "Where the image goes.",
    {"item": obj(PublishTargetItem), "location": obj(PublishTargetLocation)},
)
PublishSpec = ObjectType(
    "VirtualMachinePublishRequestSpec",
    "What to publish and where.",
    {
        "source": obj(PublishSource, replace="the source of a publish request is immutable"),
        "target": obj(PublishTarget, replace="the target of a publish request is immutable"),
        "ttlSecondsAfterFinished": integer(
            "Seconds after completion before the Supervisor deletes the request.", minimum=0
        ),
    },
)

VIRTUAL_MACHINE_PUBLISH_REQUEST = ResourceDef(
    token="vmservice:index:VirtualMachinePublishRequest",
    description="Publishes a VM as an image in a content library and waits for completion.",
    inputs={"metadata": metadata, "spec": obj(PublishSpec)},
    outputs={
        "apiVersion": string(),
        "status": obj(
            ObjectType(
                "VirtualMachinePublishRequestStatus",
                "Progress of the publish request.",
                {
                    "ready": boolean(),
                    "imageName": string(),
                    "completionTime": string(),
                    "conditions": array(obj(Condition)),
                },
            )
        ),
        "liveMetadata": obj(OutputMeta),
    },
    handler="publish:PublishRequestHandler",
    kube=KubeKind("VirtualMachinePublishRequest", "virtualmachinepublishrequests"),
)
