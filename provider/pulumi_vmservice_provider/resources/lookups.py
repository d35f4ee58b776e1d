"""What the Supervisor lookups (invokes) share: the kinds they read, the namespace they search, reading one
object with a helpful error."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.model.types import VMOPERATOR_GROUP as GROUP
from pulumi_vmservice_provider.model.types import VMOPERATOR_VERSIONS, KindRef

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.resources.state import ProviderState


def vm_operator_kind(kind: str, plural: str, namespaced: bool = True) -> KindRef:
    return KindRef(kind, plural, GROUP, VMOPERATOR_VERSIONS, namespaced)


VIRTUAL_MACHINES = vm_operator_kind("VirtualMachine", "virtualmachines")
VIRTUAL_MACHINE_CLASSES = vm_operator_kind("VirtualMachineClass", "virtualmachineclasses")
VIRTUAL_MACHINE_IMAGES = vm_operator_kind("VirtualMachineImage", "virtualmachineimages")
CLUSTER_VIRTUAL_MACHINE_IMAGES = vm_operator_kind(
    "ClusterVirtualMachineImage", "clustervirtualmachineimages", namespaced=False
)
WEB_CONSOLE_REQUESTS = vm_operator_kind("VirtualMachineWebConsoleRequest", "virtualmachinewebconsolerequests")


def namespace_of(state: ProviderState, args: JSONObject) -> str:
    namespace = args.get("namespace") or state.settings.namespace
    if not namespace:
        raise InvalidInputs([("namespace", "missing: pass namespace or set the provider's `namespace`")])
    return str(namespace)


def standalone_context(timeout: float = 60, cancelled: threading.Event | None = None) -> OperationContext:
    """For waits with their own timeout and for callers outside an engine operation (`vmservice console`)."""
    from pulumi_vmservice_provider.context import OperationContext

    return OperationContext("", cancelled or threading.Event(), timeout, lambda *_: None)


def list_objects(
    state: ProviderState, kind: KindRef, namespace: str | None, ctx: OperationContext | None = None
) -> list[JSONObject]:
    return state.kube.list(ctx or standalone_context(), kind, namespace)


def get_object(
    state: ProviderState, kind: KindRef, namespace: str, name: str, ctx: OperationContext | None = None
) -> JSONObject:
    """The object, or an input error naming the ones there are."""
    ctx = ctx or standalone_context()
    found = state.kube.get(ctx, kind, namespace, name)
    if found is None:
        names = sorted(i["metadata"]["name"] for i in list_objects(state, kind, namespace, ctx))
        raise InvalidInputs(
            [
                (
                    "name",
                    f"no {kind.kind} named {name!r} in namespace {namespace}; available: {', '.join(names) or 'none'}",
                )
            ]
        )
    return found
