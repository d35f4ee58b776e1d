"""A Secret the provider keeps for a VM (its inline user data, its Sysprep passwords): written before the VM
(so the VM can boot from it), owned by the VM once the VM exists (garbage-collected with it), deleted with
it. Its data never appears in a message: the Supervisor's answers are redacted like everything else."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject, KubeObject, ObjectMeta, view

from pulumi_vmservice_provider.clients.supervisor import FIELD_MANAGER, SECRET
from pulumi_vmservice_provider.errors import ServerRejected
from pulumi_vmservice_provider.resources.kubeobject import split_id

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler


def secret_name(vm_name: str, suffix: str) -> str:
    return f"{vm_name}-{suffix}"[:253]


def apply(
    engine: KubeObjectHandler,
    ctx: OperationContext,
    inputs: JSONObject,
    vm: KubeObject | None,
    suffix: str,
    data: Mapping[str, str],
    what: str,
) -> None:
    """Write the Secret `<vm>-<suffix>` with exactly `data` (keys the inputs no longer give are removed)."""
    meta = inputs["metadata"]
    assert isinstance(meta, dict)
    secret_meta = ObjectMeta(
        name=secret_name(str(meta["name"]), suffix),
        namespace=str(meta["namespace"]),
        labels={"app.kubernetes.io/managed-by": FIELD_MANAGER},
    )
    if vm is not None:
        secret_meta["ownerReferences"] = [view(vm).owner_reference()]
    secret: JSONObject = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": dict(secret_meta),
        "type": "Opaque",
        "data": {key: base64.b64encode(value.encode()).decode() for key, value in data.items()},
    }
    where = f"the {what} Secret {secret_meta['namespace']}/{secret_meta['name']}"
    try:
        engine.kube.apply(ctx, SECRET, secret, what=where)
    except ServerRejected as error:
        # The server's message never contains the data, but redact anyway.
        raise ServerRejected(ctx.redact(str(error))) from None


def delete(
    engine: KubeObjectHandler, ctx: OperationContext, resource_id: str, suffix: str, what: str
) -> None:
    namespace, name = split_id(resource_id)
    try:  # normally already garbage-collected through the owner reference
        engine.kube.delete(ctx, SECRET, namespace, secret_name(name, suffix))
    except ServerRejected as error:
        ctx.warn(f"could not delete the {what} Secret of {resource_id}: {error}")
