"""getZones: the zones a namespace's VMs can be placed in, from the Supervisor's zone objects."""

from __future__ import annotations

from pulumi_vmservice_provider.model.common import NAMESPACE_ARGUMENT
from pulumi_vmservice_provider.model.types import FunctionDef, ObjectType, array, boolean, obj, string

Zone = ObjectType(
    "Zone",
    "A vSphere Zone as the Supervisor publishes it for a namespace.",
    {
        "name": string("Zone name: the value of a VM's `topology.kubernetes.io/zone` label."),
        "source": string(
            "The object it was read from: `Zone` (namespaced, vSphere 9.1) or `AvailabilityZone` "
            "(cluster-scoped, vSphere 8.0 Update 3)."
        ),
        "beingDeleted": boolean(
            "The zone is being removed from the namespace: the Supervisor places no new VM there and refuses "
            "it in a VM's zone label (only its privileged users may still name it)."
        ),
        "clusterMoIDs": array(
            string(), "Managed object ids of the zone's vSphere clusters (AvailabilityZone only)."
        ),
        "poolMoIDs": array(string(), "Managed object ids of the namespace's resource pools in the zone."),
        "folderMoID": string("Managed object id of the namespace's VM folder."),
    },
)

GET_ZONES = FunctionDef(
    token="vmservice:index:getZones",
    description="The vSphere Zones a namespace's VMs can be placed in, as VM Operator reads them: on vSphere 9.1 "
    "the namespace's `Zone` objects (every VM that is not a VKS node is placed in them), on 8.0 Update 3 the "
    "cluster-scoped `AvailabilityZone` objects that list the namespace. Needs only read access a DevOps user "
    "has. Spread VMs over them with the `topology.kubernetes.io/zone` label; a Supervisor without zones "
    "returns none.",
    inputs={"namespace": NAMESPACE_ARGUMENT},
    outputs={
        "names": array(
            string(),
            "Names of the zones new VMs can use (sorted; zones being deleted are left out): values for a VM's "
            "`topology.kubernetes.io/zone` label.",
        ),
        "zones": array(
            obj(Zone), "Every zone of the namespace, including those being deleted (sorted by name)."
        ),
        "source": string("Which objects were read: `Zone` (9.1) or `AvailabilityZone` (8.0 Update 3)."),
    },
)
