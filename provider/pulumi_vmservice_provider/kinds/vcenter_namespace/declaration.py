"""vmservice:vcenter:Namespace — a vSphere Namespace on a Supervisor."""

from __future__ import annotations

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.types import (
    ObjectType,
    ResourceDef,
    array,
    boolean,
    integer,
    known_list,
    known_strings,
    lookup,
    obj,
    string,
)
from pulumi_vmservice_provider.model.vcenter_common import MODULE, ROLES, SUBJECT_TYPES, dns_label

# vCenter's limits are `long` values.
VCENTER_LONG = 2**63 - 1

StoragePolicyAssignment = ObjectType(
    "NamespaceStoragePolicy",
    "A storage policy available to the namespace, with an optional storage limit.",
    {
        "policy": string("Storage policy name or id.", required=True),
        "limitMib": integer(
            "Storage the namespace may use with this policy, in MiB (default: no limit).",
            minimum=0,
            maximum=VCENTER_LONG,
        ),
    },
    module=MODULE,
)

AccessEntry = ObjectType(
    "NamespaceAccess",
    "A user or group and its role on the namespace.",
    {
        "subject": string("User or group name, e.g. `devops`.", required=True),
        "domain": string("Identity source domain, e.g. `vsphere.local`.", required=True),
        "role": string("Role on the namespace.", required=True, enum=ROLES),
        "subjectType": string(
            "Whether the subject is a user or a group.", enum=SUBJECT_TYPES, default="USER"
        ),
    },
    module=MODULE,
)

ResourceLimits = ObjectType(
    "NamespaceResourceLimits",
    "Resource quotas of the namespace (unset: unlimited).",
    {
        "cpuLimitMhz": integer("CPU limit across all workloads, in MHz.", minimum=0, maximum=VCENTER_LONG),
        "memoryLimitMib": integer(
            "Memory limit across all workloads, in MiB.", minimum=0, maximum=VCENTER_LONG
        ),
        "storageLimitMib": integer(
            "Storage request limit across all storage policies, in MiB.", minimum=0, maximum=VCENTER_LONG
        ),
    },
    module=MODULE,
)


def validate_namespace(inputs: JSONObject) -> list[tuple[str, str]]:
    failures: list[tuple[str, str]] = []
    if inputs.get("writableContentLibraries") is not None and inputs.get("contentLibraries") is None:
        failures.append(("writableContentLibraries", "needs contentLibraries"))
    for key in ("vmClasses", "contentLibraries"):
        values = known_strings(inputs.get(key))
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            failures.append((key, f"lists {', '.join(duplicates)} more than once"))
    policies = known_strings([lookup(p, "policy") for p in known_list(inputs.get("storagePolicies"))])
    duplicates = sorted({p for p in policies if policies.count(p) > 1})
    if duplicates:
        failures.append(("storagePolicies", f"lists {', '.join(duplicates)} more than once"))
    return failures


NAMESPACE = ResourceDef(
    token="vmservice:vcenter:Namespace",
    description=(
        "A vSphere Namespace on a Supervisor, with the VM classes, content libraries, storage policies, "
        "permissions and limits its users get. Assignments update in place; a new name or Supervisor "
        "replaces the namespace. Creation waits until vCenter reports it RUNNING. Lists left out of the "
        "program are not managed. Import with the namespace name."
    ),
    inputs={
        "supervisor": string(
            "Supervisor (Workload Management enabled cluster): the cluster's name or managed object id "
            "(e.g. `domain-c8`).",
            required=True,
            min_length=1,
            replace="a namespace cannot move to another Supervisor",
        ),
        "name": dns_label("Name of the namespace.", "the name of a namespace cannot change"),
        "description": string("Description of the namespace."),
        "vmClasses": array(string(), "VM classes VM Service users in the namespace may use (class names)."),
        "contentLibraries": array(
            string(), "Ids of the content libraries that provide VM images to the namespace."
        ),
        "writableContentLibraries": boolean(
            "Let namespace users publish images into contentLibraries (VM Image Service, vSphere 8.0 U2+)."
        ),
        "storagePolicies": array(obj(StoragePolicyAssignment), "Storage policies the namespace may use."),
        "accessList": array(obj(AccessEntry), "Users and groups with a role on the namespace."),
        "resourceLimits": obj(ResourceLimits),
    },
    outputs={
        "supervisorId": string("Managed object id of the Supervisor cluster.", stable=True),
        "configStatus": string("CONFIGURING, RUNNING, REMOVING or ERROR."),
        "storagePolicyIds": array(string(), "Ids of storagePolicies, in the same order."),
    },
    validators=(validate_namespace,),
)
