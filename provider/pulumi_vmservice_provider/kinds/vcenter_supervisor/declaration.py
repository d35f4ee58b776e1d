"""getSupervisor: a Supervisor (a cluster with Workload Management) by name or id."""

from __future__ import annotations

from pulumi_vmservice_provider.model.types import FunctionDef, string

GET_SUPERVISOR = FunctionDef(
    token="vmservice:vcenter:getSupervisor",
    description="Look up a Supervisor (a cluster with Workload Management enabled) by cluster name or id.",
    inputs={"name": string("Cluster name or managed object id.", required=True, min_length=1)},
    outputs={
        "id": string("Managed object id of the cluster (what Namespace.supervisor accepts)."),
        "name": string("Cluster name."),
        "configStatus": string("Supervisor configuration status: CONFIGURING, RUNNING, REMOVING or ERROR."),
        "kubernetesStatus": string("Kubernetes status: READY, WARNING or ERROR."),
    },
)
