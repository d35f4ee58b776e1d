"""The user-data Secret: cloud-init data given inline (`userData`) lives in a Secret the provider owns
(`owned_secret`), pointed at by `spec.bootstrap.cloudInit.rawCloudConfig`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from vmservice_api.objects import JSONObject, KubeObject, view

from pulumi_vmservice_provider.kinds.virtualmachine import owned_secret

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler

USER_DATA_KEY = "user-data"
SUFFIX = "user-data"
WHAT = "user-data"


def user_data_secret_name(vm_name: str) -> str:
    return owned_secret.secret_name(vm_name, SUFFIX)


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
    if user_data is not None:
        owned_secret.apply(engine, ctx, inputs, vm, SUFFIX, {USER_DATA_KEY: str(user_data)}, WHAT)


def delete_secret(
    engine: KubeObjectHandler, ctx: OperationContext, resource_id: str, inputs: JSONObject
) -> None:
    if inputs.get("userData") is not None:
        owned_secret.delete(engine, ctx, resource_id, SUFFIX, WHAT)
