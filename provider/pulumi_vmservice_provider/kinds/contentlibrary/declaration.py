"""getContentLibrary: a content library of a namespace, by its vCenter name or id, as a Supervisor object."""

from __future__ import annotations

from pulumi_vmservice_provider.model.common import NAMESPACE_ARGUMENT
from pulumi_vmservice_provider.model.types import FunctionDef, any_value, boolean, string

GET_CONTENT_LIBRARY = FunctionDef(
    token="vmservice:index:getContentLibrary",
    description="Find a content library assigned to a namespace, as the Supervisor shows it: an "
    "`imageregistry.vmware.com` ContentLibrary object named `cl-...`. Its `name` is what a "
    "VirtualMachinePublishRequest's `spec.target.location.name` takes. Select it by the library's vCenter "
    "name (`displayName`), vCenter id (`libraryId`) or object name (`name`), optionally only writable ones "
    "(`writable: true`, e.g. alone, for the namespace's one library VMs can be published to). Fails with the "
    "candidates when nothing or more than one library matches. Needs only a DevOps user's read access.",
    inputs={
        "namespace": NAMESPACE_ARGUMENT,
        "displayName": string("The library's name in vCenter (e.g. `vmservice-published`).", min_length=1),
        "libraryId": string("The library's vCenter id (a UUID).", min_length=1),
        "name": string("The ContentLibrary object's name (`cl-...`).", min_length=1),
        "writable": boolean(
            "Only libraries this namespace may write to (publish VMs into): `true`; only read-only ones: "
            "`false`."
        ),
    },
    outputs={
        "name": string(
            "The ContentLibrary object's name (`cl-` and the first 17 hex digits of the library id): the "
            "target of a publish request."
        ),
        "displayName": string("The library's name in vCenter."),
        "libraryId": string("The library's vCenter id."),
        "writable": boolean("Whether VMs of this namespace can be published into the library."),
        "type": string("`Local` or `Subscribed`."),
        "ready": boolean("True when the Supervisor reports the library ready."),
        "status": any_value("The object's whole status as the Supervisor reports it."),
    },
)
