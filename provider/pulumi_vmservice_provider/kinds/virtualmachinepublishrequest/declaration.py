"""vmservice:index:VirtualMachinePublishRequest — publishes a VM as a content-library image."""

from __future__ import annotations

from pulumi_vmservice_provider.kinds.virtualmachinepublishrequest import generated
from pulumi_vmservice_provider.model import semantics
from pulumi_vmservice_provider.model.common import API_VERSION_OUTPUT, Condition, OutputMeta, metadata
from pulumi_vmservice_provider.model.layering import overlay
from pulumi_vmservice_provider.model.types import (
    ObjectType,
    ResourceDef,
    array,
    boolean,
    integer,
    obj,
    string,
    vm_operator,
)

PublishSource = ObjectType(
    "VirtualMachinePublishRequestSource",
    "The VM to publish.",
    {
        "name": string("VM name (defaults to the request name)."),
        "kind": string("Kind of the source (`VirtualMachine`)."),
        "apiVersion": string("API version of the source."),
    },
)
PublishTargetItem = ObjectType(
    "VirtualMachinePublishRequestTargetItem",
    "The content library item to create.",
    {
        "name": string("Item name (defaults to `<source>-image`)."),
        "description": string("Description of the new content library item."),
    },
)
PublishTargetLocation = ObjectType(
    "VirtualMachinePublishRequestTargetLocation",
    "The content library to publish to.",
    {
        "name": string(
            "Name of the content library (assigned to the namespace) to publish to.", required=True
        ),
        "kind": string("Kind of the target (`ContentLibrary`)."),
        "apiVersion": string("API version of the target."),
    },
)
PublishTarget = ObjectType(
    "VirtualMachinePublishRequestTarget",
    "Where the image goes.",
    {"item": obj(PublishTargetItem), "location": obj(PublishTargetLocation)},
)
PublishSpec = overlay(
    generated.VirtualMachinePublishRequestSpec,
    ObjectType(
        "VirtualMachinePublishRequestSpec",
        "What to publish and where.",
        {
            "source": obj(PublishSource, replace="the source of a publish request is immutable"),
            "target": obj(PublishTarget, replace="the target of a publish request is immutable"),
            "ttlSecondsAfterFinished": integer(
                "Seconds after completion before the Supervisor deletes the request.", minimum=0
            ),
        },
    ),
)

VIRTUAL_MACHINE_PUBLISH_REQUEST = ResourceDef(
    token="vmservice:index:VirtualMachinePublishRequest",
    description="Publishes a VM as an image in a content library and waits for completion.",
    inputs={"metadata": metadata, "spec": obj(PublishSpec)},
    outputs={
        "apiVersion": API_VERSION_OUTPUT,
        "status": obj(
            overlay(
                generated.VirtualMachinePublishRequestStatus,
                ObjectType(
                    "VirtualMachinePublishRequestStatus",
                    "Progress of the publish request.",
                    {
                        "ready": boolean("True once the image is published and available."),
                        "imageName": string("Name of the VirtualMachineImage the request created."),
                        "completionTime": string("When publishing completed (RFC 3339)."),
                        "conditions": array(
                            obj(Condition),
                            "Progress conditions (source valid, target valid, uploaded, image available, complete).",
                        ),
                    },
                ),
            )
        ),
        "liveMetadata": obj(OutputMeta),
    },
    kube=vm_operator("VirtualMachinePublishRequest", "virtualmachinepublishrequests"),
    validators=(semantics.metadata_labels,),
)
