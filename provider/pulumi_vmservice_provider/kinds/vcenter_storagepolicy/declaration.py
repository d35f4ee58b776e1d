"""getStoragePolicy: a VM storage policy (SPBM) by name or id."""

from __future__ import annotations

from pulumi_vmservice_provider.model.types import FunctionDef, string

GET_STORAGE_POLICY = FunctionDef(
    token="vmservice:vcenter:getStoragePolicy",
    description="Look up a VM storage policy (SPBM) by name or id.",
    inputs={"name": string("Policy name or id.", required=True, min_length=1)},
    outputs={
        "id": string("Policy id."),
        "name": string("Policy name."),
        "description": string("Description of the policy."),
    },
)
