"""vCenter admin objects behind the VM Service (module `vcenter`): VM classes, content libraries and their
items, vSphere Namespaces, plus lookups of Supervisors, storage policies and datastores."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pulumi_vmservice_provider.model.common import DNS_LABEL_HINT
from pulumi_vmservice_provider.model.types import (
    FunctionDef,
    ObjectType,
    Prop,
    ResourceDef,
    any_value,
    array,
    boolean,
    integer,
    obj,
    string,
)

MODULE = "vcenter"
DNS_LABEL_63 = r"(?=.{1,63}\Z)[a-z0-9]([-a-z0-9]*[a-z0-9])?"
ROLES = ("OWNER", "EDIT", "VIEW")
SUBJECT_TYPES = ("USER", "GROUP")
MAX_VCPUS = 768  # vSphere 8 per-VM maximum
MAX_MEMORY_MB = 24 * 1024 * 1024  # 24 TiB
ITEM_SUFFIXES = (".ova", ".ovf", ".iso")


@dataclass(frozen=True)
class RangedProp(Prop):
    """A number whose failures state the whole allowed range, e.g. "must be between 1 and 768, got -2"."""

    def check_scalar(self, value: Any) -> str | None:
        problem = super().check_scalar(value)
        if problem and problem.startswith("must be at"):
            low = "" if self.minimum is None else f"{self.minimum:g}"
            high = "" if self.maximum is None else f"{self.maximum:g}"
            return f"must be between {low} and {high}, got {value:g}" if low and high else problem
        return problem


def ranged(description: str, low: int, high: int, **kw: Any) -> Prop:
    return RangedProp("integer", description, minimum=low, maximum=high, **kw)


def dns_label(description: str, replace: str) -> Prop:
    return string(
        description, required=True, replace=replace, pattern=DNS_LABEL_63, pattern_hint=DNS_LABEL_HINT
    )


# ---- VirtualMachineClass -----------------------------------------------------------------------
DirectPathDevice = ObjectType(
    "DynamicDirectPathIoDevice",
    "A PCI device passed through to VMs of the class with Dynamic DirectPath I/O.",
    {
        "vendorId": ranged("PCI vendor id (e.g. 4318 for 0x10de, NVIDIA).", 0, 65535, required=True),
        "deviceId": ranged("PCI device id.", 0, 65535, required=True),
        "customLabel": string("Custom label that selects among devices with the same vendor and device id."),
    },
    module=MODULE,
)


def validate_vm_class(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    failures: list[tuple[str, str]] = []
    if (inputs.get("vgpuDevices") or inputs.get("dynamicDirectPathIoDevices")) and inputs.get(
        "memoryReservation"
    ) != 100:
        failures.append(
            (
                "memoryReservation",
                "must be 100 when vgpuDevices or dynamicDirectPathIoDevices are set "
                f"(devices need all memory reserved), got {inputs.get('memoryReservation', 'nothing')}",
            )
        )
    spec = inputs.get("configSpec")
    if spec is not None and not isinstance(spec, dict):
        failures.append(("configSpec", "expected an object (a VirtualMachineConfigSpec in JSON form)"))
    elif isinstance(spec, dict):
        for key, field in (("numCPUs", "cpuCount"), ("memoryMB", "memoryMb")):
            if key in spec and field in inputs and spec[key] != inputs[field]:
                failures.append(
                    (
                        f"configSpec.{key}",
                        f"is {spec[key]!r} but {field} is {inputs[field]!r}; vCenter rejects a mismatch",
                    )
                )
    return failures


VIRTUAL_MACHINE_CLASS = ResourceDef(
    token="vmservice:vcenter:VirtualMachineClass",
    description=(
        "A VM class: the CPU, memory, reservations and devices of VMs that VM Service users create. Sizes, "
        "reservations, devices and the config spec update in place (VMs pick up the change on their next "
        "power cycle); a new name creates a new class. Import with the class name as the id."
    ),
    inputs={
        "name": dns_label("Id of the class, unique in vCenter.", "the id of a VM class cannot change"),
        "cpuCount": ranged(f"Number of virtual CPUs (1 to {MAX_VCPUS}).", 1, MAX_VCPUS, required=True),
        "memoryMb": ranged(f"Memory in MiB (4 to {MAX_MEMORY_MB}).", 4, MAX_MEMORY_MB, required=True),
        "cpuReservation": ranged(
            "Percentage of the CPUs reserved for the VM (0 to 100; 100 = guaranteed).", 0, 100
        ),
        "memoryReservation": ranged(
            "Percentage of the memory reserved for the VM (0 to 100; 100 = guaranteed). Must be 100 with "
            "vGPU or Dynamic DirectPath I/O devices.",
            0,
            100,
        ),
        "description": string("Description of the class."),
        "vgpuDevices": array(
            string(), "NVIDIA vGPU profile names (e.g. `grid_t4-4q`) attached to VMs of the class."
        ),
        "dynamicDirectPathIoDevices": array(
            obj(DirectPathDevice), "PCI devices passed through to VMs of the class."
        ),
        "configSpec": any_value(
            "A full VirtualMachineConfigSpec in vSphere's JSON form (vSphere 8.0 U2 and newer), e.g. "
            '`{"_typeName": "VirtualMachineConfigSpec", "numCPUs": 2, "memoryMB": 2048}`. `numCPUs` and '
            "`memoryMB` in it must match cpuCount and memoryMb."
        ),
    },
    outputs={
        "configStatus": string("READY, or REMOVING while vCenter deletes the class."),
        "namespaces": array(string(), "vSphere Namespaces the class is assigned to."),
        "vms": array(string(), "VMs that use the class."),
    },
    validators=(validate_vm_class,),
    # Only a new name replaces a class, so the new one can exist before the old one goes.
    delete_before_replace_when_named=False,
    handler="vcenter_vmclass:VirtualMachineClassHandler",
)


# ---- ContentLibrary ----------------------------------------------------------------------------
SubscriptionAuth = ObjectType(
    "ContentLibraryAuthentication",
    "HTTP basic authentication for the published library a subscribed library pulls from.",
    {
        "username": string("User name (vCenter publishes libraries with the user `vcsp`).", required=True),
        "password": string("Password.", required=True, secret=True),
    },
    module=MODULE,
)

TYPE_CHANGE = "a library cannot change between local and subscribed"
SUBSCRIPTION_ONLY = ("onDemand", "automaticSync", "subscriptionThumbprint", "authentication")


def validate_library(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    if inputs.get("subscriptionUrl"):
        url = str(inputs["subscriptionUrl"])
        if not re.match(r"https?://", url):
            return [("subscriptionUrl", f"{url!r} is not an http:// or https:// URL")]
        return []
    return [
        (key, "only applies to subscribed libraries; set subscriptionUrl or remove it")
        for key in SUBSCRIPTION_ONLY
        if inputs.get(key) is not None
    ]


CONTENT_LIBRARY = ResourceDef(
    token="vmservice:vcenter:ContentLibrary",
    description=(
        "A content library holding VM images for VM Service: a local library, or a subscribed library when "
        "`subscriptionUrl` is set. Name, description and subscription settings update in place; changing the "
        "datastore, or between local and subscribed, replaces the library. Import with the library id."
    ),
    inputs={
        "name": string("Name of the library.", required=True),
        "description": string("Description of the library."),
        "datastore": string(
            "Datastore that stores the library's files: its name (e.g. `vsanDatastore`) or managed object id "
            "(e.g. `datastore-46`).",
            required=True,
            replace="a library's storage backing cannot change",
        ),
        "subscriptionUrl": string(
            "URL of a published library's `lib.json`; makes this a subscribed library. Adding or removing it "
            f"replaces the library ({TYPE_CHANGE}).",
        ),
        "onDemand": boolean(
            "Subscribed libraries: download item content only when it is used (default false: download all)."
        ),
        "automaticSync": boolean(
            "Subscribed libraries: synchronize automatically (vCenter's default: true)."
        ),
        "subscriptionThumbprint": string(
            "Subscribed libraries: SHA-1 thumbprint of the publisher's TLS certificate, when vCenter does not "
            "trust it already."
        ),
        "authentication": obj(SubscriptionAuth),
    },
    outputs={
        "libraryId": string("The library id (also the resource id)."),
        "type": string("LOCAL or SUBSCRIBED."),
        "datastoreId": string("Managed object id of the datastore."),
    },
    validators=(validate_library,),
    handler="vcenter_library:ContentLibraryHandler",
)


# ---- ContentLibraryItem ------------------------------------------------------------------------
SOURCE_CHANGE = "the item's content comes from its source; a new source uploads a new item"


def source_name(source: str) -> str:
    return re.split(r"[?#]", source)[0].rstrip("/").rsplit("/", 1)[-1]


def validate_item(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    failures: list[tuple[str, str]] = []
    if inputs.get("filePath") is not None and inputs.get("url") is not None:
        failures.append(("url", "set either filePath or url, not both"))
    for key in ("filePath", "url"):
        value = inputs.get(key)
        if value is None:
            continue
        if key == "url" and not re.match(r"https?://", str(value)):
            failures.append((key, f"{value!r} is not an http:// or https:// URL"))
        elif not source_name(str(value)).lower().endswith(ITEM_SUFFIXES):
            failures.append((key, f"{value!r} must name a file ending in {', '.join(ITEM_SUFFIXES)}"))
    if inputs.get("sslThumbprint") is not None and not str(inputs.get("url") or "").startswith("https://"):
        failures.append(("sslThumbprint", "only applies to an https url"))
    return failures


def require_item_source(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    # Only on create: an imported item has no source until the program names one.
    if inputs.get("filePath") is None and inputs.get("url") is None:
        return [("filePath", "set filePath (a local .ova, .ovf or .iso) or url: a new item needs content")]
    return []


CONTENT_LIBRARY_ITEM = ResourceDef(
    token="vmservice:vcenter:ContentLibraryItem",
    description=(
        "An OVF/OVA template (or ISO image) in a local content library, uploaded from a local file or pulled "
        "by vCenter from a URL. Creation waits until vCenter has the content. Name and description update in "
        "place; a new source, or another library, replaces the item. Import with the item id (the source is "
        "not recorded by vCenter, so an imported item has none until you add one, which does not re-upload)."
    ),
    inputs={
        "library": string(
            "Id of the local library (e.g. `${library.id}`).",
            required=True,
            replace="an item cannot move to another library",
        ),
        "name": string("Name of the item in the library.", required=True),
        "description": string("Description of the item."),
        "filePath": string(
            "Local `.ova`, `.ovf` (with its disk files beside it) or `.iso` file to upload.",
            replace=SOURCE_CHANGE,
        ),
        "url": string(
            "http(s) URL of an `.ova`, `.ovf` or `.iso` file that vCenter downloads itself.",
            replace=SOURCE_CHANGE,
        ),
        "sslThumbprint": string(
            "For an https `url`: SHA-1 thumbprint of the server's certificate when vCenter does not trust it."
        ),
    },
    outputs={
        "itemId": string("The item id (also the resource id)."),
        "type": string("Item type: ovf or iso."),
        "sizeBytes": integer("Size of the item's content in bytes, as vCenter reports it."),
        "contentVersion": string("Version of the item's content."),
    },
    validators=(validate_item,),
    create_validators=(require_item_source,),
    handler="vcenter_item:ContentLibraryItemHandler",
)


# ---- Namespace ---------------------------------------------------------------------------------
StoragePolicyAssignment = ObjectType(
    "NamespaceStoragePolicy",
    "A storage policy available to the namespace, with an optional storage limit.",
    {
        "policy": string("Storage policy name or id.", required=True),
        "limitMib": integer(
            "Storage the namespace may use with this policy, in MiB (default: no limit).", minimum=0
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
        "cpuLimitMhz": integer("CPU limit across all workloads, in MHz.", minimum=0),
        "memoryLimitMib": integer("Memory limit across all workloads, in MiB.", minimum=0),
        "storageLimitMib": integer("Storage request limit across all storage policies, in MiB.", minimum=0),
    },
    module=MODULE,
)


def validate_namespace(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    failures: list[tuple[str, str]] = []
    if inputs.get("writableContentLibraries") is not None and inputs.get("contentLibraries") is None:
        failures.append(("writableContentLibraries", "needs contentLibraries"))
    for key in ("vmClasses", "contentLibraries"):
        values = inputs.get(key) or []
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            failures.append((key, f"lists {', '.join(duplicates)} more than once"))
    policies = [p.get("policy") for p in inputs.get("storagePolicies") or []]
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
        "supervisorId": string("Managed object id of the Supervisor cluster."),
        "configStatus": string("CONFIGURING, RUNNING, REMOVING or ERROR."),
        "storagePolicyIds": array(string(), "Ids of storagePolicies, in the same order."),
    },
    validators=(validate_namespace,),
    handler="vcenter_namespace:NamespaceHandler",
)


# ---- functions ---------------------------------------------------------------------------------
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
    handler="vcenter_functions:get_supervisor",
)

GET_STORAGE_POLICY = FunctionDef(
    token="vmservice:vcenter:getStoragePolicy",
    description="Look up a VM storage policy (SPBM) by name or id.",
    inputs={"name": string("Policy name or id.", required=True)},
    outputs={"id": string("Policy id."), "name": string("Policy name."), "description": string()},
    handler="vcenter_functions:get_storage_policy",
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
    handler="vcenter_functions:get_datastore",
)

RESOURCES = (VIRTUAL_MACHINE_CLASS, CONTENT_LIBRARY, CONTENT_LIBRARY_ITEM, NAMESPACE)
FUNCTIONS = (GET_SUPERVISOR, GET_STORAGE_POLICY, GET_DATASTORE)
