"""getVirtualMachineClass: the lookup of a VM class assigned to a namespace."""

from __future__ import annotations

from pulumi_vmservice_provider.kinds.virtualmachineclass import generated as virtualmachineclass
from pulumi_vmservice_provider.model.common import NAMESPACE_ARGUMENT
from pulumi_vmservice_provider.model.types import FunctionDef, boolean, integer, obj, string

GET_VIRTUAL_MACHINE_CLASS = FunctionDef(
    token="vmservice:index:getVirtualMachineClass",
    description="Read a VM class assigned to a namespace, so programs and policies can reason about its size.",
    inputs={"namespace": NAMESPACE_ARGUMENT, "name": string("Class name.", required=True)},
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
