"""The user-data Secret: cloud-init data given inline (`userData`) lives in a Secret the provider owns.

The Secret is written before the VM (so the VM can boot from it), owned by the VM once it exists (garbage
collected with it), and pointed at by `spec.bootstrap.cloudInit.rawCloudConfig`. Its data never appears in
a message: the Supervisor's answers are redacted like everything else.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, cast

from vmservice_api.objects import JSONObject, KubeObject, ObjectMeta, view

from pulumi_vmservice_provider.clients.supervisor import FIELD_MANAGER, SECRET
from pulumi_vmservice_provider.errors import ServerRejected
from pulumi_vmservice_provider.resources.kubeobject import split_id

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler

USER_DATA_KEY = "user-data"


def user_data_secret_name(vm_name: str) -> str:
    return f"{vm_name}-user-data"[:253]


def point_bootstrap_at_secret(body: KubeObject, inputs: JSONObject) -> None:
    """`spec.bootstrap.cloudInit.rawCloudConfig` names the Secret that holds `userData`."""
    if inputs.get("userData") is None:
        return
    spec = cast(JSONObject, body).setdefault("spec", {})
    cloud_init = spec.setdefault("bootstrap", {}).setdefault("cloudInit", {})
    cloud_init["rawCloudConfig"] = {"name": user_data_secret_name(view(body).name), "key": USER_DATA_KEY}


def apply_secret(
    engine: KubeObjectHandler, ctx: OperationContext, inputs: JSONObject, vm: KubeObject | None
) -> None:
    user_data = inputs.get("userData")
    if user_data is None:
        return
    meta = inputs["metadata"]
    assert isinstance(meta, dict)
    secret_meta = ObjectMeta(
        name=user_data_secret_name(str(meta["name"])),
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
        "data": {USER_DATA_KEY: base64.b64encode(str(user_data).encode()).decode()},
    }
    what = f"the user-data Secret {secret_meta['namespace']}/{secret_meta['name']}"
    try:
        engine.kube.apply(ctx, SECRET, secret, what=what)
    except ServerRejected as error:
        # The server's message never contains the data, but redact anyway.
        raise ServerRejected(ctx.redact(str(error))) from None


def delete_secret(
    engine: KubeObjectHandler, ctx: OperationContext, resource_id: str, inputs: JSONObject
) -> None:
    if inputs.get("userData") is None:
        return
    namespace, name = split_id(resource_id)
    try:  # normally already garbage-collected through the owner reference
        engine.kube.delete(ctx, SECRET, namespace, user_data_secret_name(name))
    except ServerRejected as error:
        ctx.warn(f"could not delete the user-data Secret of {resource_id}: {error}")
