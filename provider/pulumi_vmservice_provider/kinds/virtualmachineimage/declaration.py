"""getVirtualMachineImage: the lookup of an image (VirtualMachineImage or ClusterVirtualMachineImage)."""

from __future__ import annotations

from pulumi_vmservice_provider.kinds.virtualmachineimage import generated as virtualmachineimage
from pulumi_vmservice_provider.model.common import NAMESPACE_ARGUMENT
from pulumi_vmservice_provider.model.layering import overlay
from pulumi_vmservice_provider.model.types import FunctionDef, ObjectType, boolean, integer, obj, string

GET_VIRTUAL_MACHINE_IMAGE = FunctionDef(
    token="vmservice:index:getVirtualMachineImage",
    description="Find a VM image by display name, resource name, or OS type/version, in the namespace and in the "
    "cluster-wide images. Fails with the list of candidates when nothing or more than one image matches.",
    inputs={
        "namespace": NAMESPACE_ARGUMENT,
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
