"""Types shared by every Supervisor resource: Kubernetes metadata and the provider's own options."""

from __future__ import annotations

from pulumi_vmservice_provider.model.types import (
    DNS1123_LABEL,
    DNS1123_SUBDOMAIN,
    ObjectType,
    array,
    integer,
    obj,
    string,
    string_map,
)

DNS_LABEL_HINT = "must be a lowercase RFC 1123 label (a-z, 0-9 and '-', at most 63 characters)"

ObjectMeta = ObjectType(
    "ObjectMeta",
    "Kubernetes object metadata of a Supervisor resource.",
    {
        "name": string(
            "Name of the object in its namespace. When omitted, the provider generates one from the "
            "resource's logical name plus a random suffix, and replacements create the new object before "
            "deleting the old one. A fixed name means replacements delete first.",
            replace="the name of a Kubernetes object cannot change",
            max_length=253,
            pattern=DNS1123_SUBDOMAIN,
            pattern_hint="must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-' and '.', "
            "starting and ending with a letter or digit, at most 253 characters)",
        ),
        "namespace": string(
            "vSphere Namespace (Supervisor namespace) of the object. Defaults to the provider's "
            "`namespace` setting.",
            replace="an object cannot move to another namespace",
            max_length=63,
            pattern=DNS1123_LABEL,
            pattern_hint=DNS_LABEL_HINT,
        ),
        "labels": string_map("Labels of the object."),
        "annotations": string_map("Annotations of the object."),
    },
)

metadata = obj(ObjectMeta)

API_VERSION_OUTPUT = string(
    "The VM Operator API version (group/version) the provider used for this object: the newest one both the "
    "Supervisor serves and the provider understands.",
    stable=True,
)

OutputMeta = ObjectType(
    "ObjectMetaOutput",
    "Kubernetes object metadata as the Supervisor reports it.",
    {
        "name": string("Name of the object."),
        "namespace": string("Namespace of the object."),
        "labels": string_map("All labels of the object, including those the Supervisor added."),
        "annotations": string_map("All annotations of the object, including those the Supervisor added."),
        "uid": string("Unique id the Supervisor assigned to the object."),
        "creationTimestamp": string("When the object was created (RFC 3339)."),
        "generation": integer("Sequence number of the desired state (spec) the Supervisor has seen."),
        "resourceVersion": string("Opaque version of the object for optimistic concurrency."),
        "finalizers": array(string(), "Finalizers that must finish before the object is deleted."),
    },
)

Condition = ObjectType(
    "Condition",
    "A status condition reported by VM Operator.",
    {
        "type": string("Condition type, e.g. `VirtualMachineCreated` or `Ready`."),
        "status": string("`True`, `False` or `Unknown`."),
        "reason": string("Machine-readable reason for the last transition, e.g. `NotFound`."),
        "message": string("Human-readable details of the last transition."),
        "severity": string(
            "How bad a False condition is: `Error`, `Warning` or `Info` (older API versions)."
        ),
        "lastTransitionTime": string("When the condition last changed status (RFC 3339)."),
    },
)


NAMESPACE_ARGUMENT = string("vSphere Namespace to search (default: the provider's `namespace`).")
