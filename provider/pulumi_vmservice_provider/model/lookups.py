"""Lookups (invokes) on the Supervisor side: images, classes, VMs and web console URLs."""

from __future__ import annotations

from pulumi_vmservice_provider.model.common import OutputMeta
from pulumi_vmservice_provider.model.generated import virtualmachineclass, virtualmachineimage
from pulumi_vmservice_provider.model.layering import overlay, refine
from pulumi_vmservice_provider.model.types import (
    FunctionDef,
    ObjectType,
    any_value,
    boolean,
    integer,
    obj,
    string,
)
from pulumi_vmservice_provider.model.virtualmachine import VirtualMachineSpec, VirtualMachineStatus

_NAMESPACE = string("vSphere Namespace to search (default: the provider's `namespace`).")

GET_VIRTUAL_MACHINE_IMAGE = FunctionDef(
    token="vmservice:index:getVirtualMachineImage",
    description="Find a VM image by display name, resource name, or OS type/version, in the namespace and in the "
    "cluster-wide images. Fails with the list of candidates when nothing or more than one image matches.",
    inputs={
        "namespace": _NAMESPACE,
        "displayName": string(
            "Display name of the image (e.g. `ubuntu-22.04`), as shown in the content library."
        ),
        "name": string("Resource name of the image (`vmi-...`)."),
        "osType": string(
            "Filter: guest OS type (label os.image.vmoperator.vmware.com/type or status.osInfo.type)."
        ),
        "osVersion": string("Filter: guest OS version."),
    },
    outputs={
        "imageName": string("The name to use in spec.imageName."),
        "kind": string("VirtualMachineImage or ClusterVirtualMachineImage."),
        "displayName": string("The display name of the image (as in the content library)."),
        "osInfo": obj(
            overlay(
                virtualmachineimage.VirtualMachineImageOSInfo,
                ObjectType(
                    "VirtualMachineImageOSInfo",
                    "Guest OS of the image, as the Supervisor reports it.",
                    {
                        "id": string("Guest OS identifier (e.g. ubuntu64Guest)."),
                        "type": string("OS type (e.g. linux)."),
                        "version": string("OS version (e.g. 22.04)."),
                    },
                ),
            )
        ),
        "firmware": string("Firmware the image boots with: `bios` or `efi`."),
        "hardwareVersion": integer("Virtual hardware version of the image (e.g. 19)."),
        "ready": boolean("True when the image is ready to deploy VMs from."),
        "status": obj(
            virtualmachineimage.VirtualMachineImageStatus,
            "The image's whole status as the Supervisor reports it (disks, OVF properties, product info, ...).",
        ),
    },
)

GET_VIRTUAL_MACHINE_CLASS = FunctionDef(
    token="vmservice:index:getVirtualMachineClass",
    description="Read a VM class assigned to a namespace, so programs and policies can reason about its size.",
    inputs={"namespace": _NAMESPACE, "name": string("Class name.", required=True)},
    outputs={
        "name": string("Class name."),
        "cpus": integer("Number of virtual CPUs of VMs of this class."),
        "memory": string("Memory as a Kubernetes quantity (e.g. 16Gi)."),
        "memoryMb": integer("Memory of VMs of this class in MiB."),
        "reserved": boolean("True when CPU or memory is reserved (a guaranteed class)."),
        "spec": obj(
            virtualmachineclass.VirtualMachineClassSpec,
            "The full class spec: hardware (CPUs, memory, devices, instance storage), policies (reservations "
            "and limits), the vSphere configSpec and more.",
        ),
        "status": obj(
            virtualmachineclass.VirtualMachineClassStatus, "The class's status as the Supervisor reports it."
        ),
    },
)

GET_VIRTUAL_MACHINE = FunctionDef(
    token="vmservice:index:getVirtualMachine",
    description="Read any VM in a namespace, including VMs that are not managed by this stack.",
    inputs={"namespace": _NAMESPACE, "name": string("VM name.", required=True)},
    outputs={
        "metadata": obj(OutputMeta),
        "spec": obj(VirtualMachineSpec, "Desired state of the VM as the Supervisor has it."),
        "status": obj(
            refine(
                VirtualMachineStatus,
                name="GetVirtualMachineStatus",
                description="Observed state of the VM: the whole status as VM Operator reports it, plus its "
                "primary IP addresses at the top level.",
                extra={
                    "primaryIP4": string("The primary IPv4 address of the guest (`network.primaryIP4`)."),
                    "primaryIP6": string("The primary IPv6 address of the guest (`network.primaryIP6`)."),
                    "raw": any_value(
                        "The whole status as the Supervisor reports it, untyped (the typed fields beside it have "
                        "the same data)."
                    ),
                },
            )
        ),
    },
)

GET_WEB_CONSOLE_URL = FunctionDef(
    token="vmservice:index:getWebConsoleUrl",
    description="Open a web console ticket for a VM (VirtualMachineWebConsoleRequest, vSphere 8.0 Update 3+): "
    "generates a key pair, creates the request, waits for the encrypted response and decrypts it. The URL is "
    "valid for about two minutes and is returned as a secret.",
    inputs={
        "namespace": _NAMESPACE,
        "name": string("VM name.", required=True),
        "timeoutSeconds": integer("How long to wait for the response (default 60).", minimum=1, maximum=600),
    },
    outputs={
        "url": string("The web console URL (secret).", secret=True),
        "expiryTime": string("When the ticket expires (RFC 3339)."),
        "proxyAddr": string("Address of the console proxy the URL points at."),
    },
)
