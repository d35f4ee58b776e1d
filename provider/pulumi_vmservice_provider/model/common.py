"""Types shared by every Supervisor resource: Kubernetes metadata and the provider's own options."""

from __future__ import annotations

from pulumi_vmservice_provider.model.types import (
    DNS1123_SUBDOMAIN,
    ObjectType,
    any_value,
    array,
    obj,
    string,
    string_map,
)

ObjectMeta = ObjectType(
    "ObjectMeta",
    "Kubernetes object metadata of a Supervisor resource.",
    {
        "name": string(
            "Name of the object in its namespace. When omitted, the provider generates one from the "
            "resource's logical name plus a random suffix, and replacements create the new object before "
            "deleting the old one. A fixed name means replacements delete first.",
            replace="the name of a Kubernetes object cannot change",
            pattern=DNS1123_SUBDOMAIN,
            pattern_hint="must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-' and '.', "
            "starting and ending with a letter or digit, at most 253 characters)",
        ),
        "namespace": string(
            "vSphere Namespace (Supervisor namespace) of the object. Defaults to the provider's "
            "`namespace` setting.",
            replace="an object cannot move to another namespace",
            pattern=DNS1123_SUBDOMAIN,
            pattern_hint="must be a lowercase RFC 1123 label",
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
        "name": string(),
        "namespace": string(),
        "labels": string_map(),
        "annotations": string_map(),
        "uid": string("Unique id the Supervisor assigned to the object."),
        "creationTimestamp": string(),
        "generation": any_value(),
        "resourceVersion": string(),
        "finalizers": array(string()),
    },
)

Condition = ObjectType(
    "Condition",
    "A status condition reported by VM Operator.",
    {
        "type": string(),
        "status": string(),
        "reason": string(),
        "message": string(),
        "severity": string(),
        "lastTransitionTime": string(),
    },
)

DNS_LABEL_HINT = "must be a lowercase RFC 1123 label (a-z, 0-9 and '-', at most 63 characters)"
