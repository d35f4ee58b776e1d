"""getDatastore: a datastore by name or id."""

from __future__ import annotations

from pulumi_vmservice_provider.model.types import FunctionDef, integer, string

GET_DATASTORE = FunctionDef(
    token="vmservice:vcenter:getDatastore",
    description="Look up a datastore by name or managed object id.",
    inputs={"name": string("Datastore name or managed object id.", required=True, min_length=1)},
    outputs={
        "id": string("Managed object id, e.g. datastore-46."),
        "name": string("Datastore name."),
        "type": string("VMFS, NFS, vsan, vvol, ..."),
        "capacityBytes": integer("Capacity in bytes."),
        "freeSpaceBytes": integer("Free space in bytes."),
        "url": string("Datastore URL."),
    },
)
