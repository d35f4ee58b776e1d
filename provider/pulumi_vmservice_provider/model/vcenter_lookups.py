"""Lookups of vCenter objects: Supervisors, storage policies and datastores."""

from __future__ import annotations

from pulumi_vmservice_provider.model.types import (
    FunctionDef,
    integer,
    string,
)

GET_SUPERVISOR = FunctionDef(
    token="vmservice:vcenter:getSupervisor",
    description="Look up a Supervisor (a cluster with Workload Management enabled) by cluster name or id.",
    inputs={"name": string("Cluster name or managed object id.", required=True)},
    outputs={
        "id": string("Managed object id of the cluster (what Namespace.supervisor accepts)."),
        "name": string("Cluster name."),
        "configStatus": string("Supervisor configuration status: CONFIGURING, RUNNING, REMOVING or ERROR."),
        "kubernetesStatus": string("Kubernetes status: READY, WARNING or ERROR."),
    },
)

GET_STORAGE_POLICY = FunctionDef(
    token="vmservice:vcenter:getStoragePolicy",
    description="Look up a VM storage policy (SPBM) by name or id.",
    inputs={"name": string("Policy name or id.", required=True)},
    outputs={
        "id": string("Policy id."),
        "name": string("Policy name."),
        "description": string("Description of the policy."),
    },
)

GET_DATASTORE = FunctionDef(
    token="vmservice:vcenter:getDatastore",
    description="Look up a datastore by name or managed object id.",
    inputs={"name": string("Datastore name or managed object id.", required=True)},
    outputs={
        "id": string("Managed object id, e.g. datastore-46."),
        "name": string("Datastore name."),
        "type": string("VMFS, NFS, vsan, vvol, ..."),
        "capacityBytes": integer("Capacity in bytes."),
        "freeSpaceBytes": integer("Free space in bytes."),
        "url": string("Datastore URL."),
    },
)
