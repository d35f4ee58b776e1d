"""Sysprep's secret values given inline (`sysprepSecrets`): kept in a Secret the provider owns
(`<vm>-sysprep`, `owned_secret`), and the inline answer's Secret selectors pointed at it.

VM Operator reads an inline Sysprep answer's password, domain password and product key from Secrets
(`spec.bootstrap.sysprep.sysprep.guiUnattended.password`, `.identification.domainAdminPassword`,
`.userData.productID`, each a Secret name and key; v1.10.0 `pkg/util/sysprep/secret.go`). The keys used are
the ones the CRD defaults those selectors to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from vmservice_api.objects import JSONObject, KubeObject, view

from pulumi_vmservice_provider.kinds.virtualmachine import owned_secret
from pulumi_vmservice_provider.model.types import lookup

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler

INPUT = "sysprepSecrets"
SUFFIX = "sysprep"
WHAT = "Sysprep"
INLINE_PATH = ("spec", "bootstrap", "sysprep", "sysprep")
# input field -> (where the inline answer takes it from, relative to INLINE_PATH; the Secret's key)
SELECTORS: dict[str, tuple[tuple[str, str], str]] = {
    "password": (("guiUnattended", "password"), "password"),
    "domainAdminPassword": (("identification", "domainAdminPassword"), "domain_admin_password"),
    "productID": (("userData", "productID"), "product_id"),
}


def sysprep_secret_name(vm_name: str) -> str:
    return owned_secret.secret_name(vm_name, SUFFIX)


def _given(inputs: JSONObject) -> dict[str, str]:
    values = inputs.get(INPUT)
    if not isinstance(values, dict):
        return {}
    return {key: str(value) for key, value in values.items() if key in SELECTORS and value is not None}


def point_selectors_at_secret(body: KubeObject, inputs: JSONObject) -> None:
    """Each value given fills its selector in the inline answer with the provider's Secret and key."""
    given = _given(inputs)
    if not given:
        return
    node = cast(JSONObject, body)
    for key in INLINE_PATH:
        node = node.setdefault(key, {})
    name = sysprep_secret_name(view(body).name)
    for field_name in given:
        (parent, selector), secret_key = SELECTORS[field_name]
        node.setdefault(parent, {})[selector] = {"name": name, "key": secret_key}


def problems(inputs: JSONObject) -> list[tuple[str, str]]:
    """The values need the inline answer, and each replaces a selector the program would otherwise set."""
    values = inputs.get(INPUT)
    if not isinstance(values, dict) or not values:
        return []
    inline: object = inputs
    for key in INLINE_PATH:
        if inline is None:
            break
        if not isinstance(inline, dict):
            return []  # a level is not known yet
        inline = inline.get(key)
    if inline is None:
        raw = lookup(inputs, "spec", "bootstrap", "sysprep", "rawSysprep") is not None
        why = (
            "a raw answer file (rawSysprep) carries its passwords in its own XML"
            if raw
            else "they go into the inline answer file, which is not set"
        )
        return [(INPUT, f"needs spec.bootstrap.sysprep.sysprep (the inline Sysprep answer): {why}")]
    if not isinstance(inline, dict):
        return []  # not known yet
    found = []
    for field_name, ((parent, selector), _) in SELECTORS.items():
        if values.get(field_name) is not None and lookup(inline, parent, selector) is not None:
            found.append(
                (
                    f"{INPUT}.{field_name}",
                    f"{INPUT}.{field_name} and spec.bootstrap.sysprep.sysprep.{parent}.{selector} are mutually "
                    f"exclusive: the provider keeps the value in the Secret <vm>-{SUFFIX} and points "
                    f"{parent}.{selector} at it",
                )
            )
    return found


def apply_secret(
    engine: KubeObjectHandler, ctx: OperationContext, inputs: JSONObject, vm: KubeObject | None
) -> None:
    given = _given(inputs)
    if given:
        data = {SELECTORS[field_name][1]: value for field_name, value in given.items()}
        owned_secret.apply(engine, ctx, inputs, vm, SUFFIX, data, WHAT)


def delete_secret(
    engine: KubeObjectHandler, ctx: OperationContext, resource_id: str, inputs: JSONObject
) -> None:
    if _given(inputs):
        owned_secret.delete(engine, ctx, resource_id, SUFFIX, WHAT)
