"""vmservice:index:VirtualMachine: the VM lifecycle on top of the generic VM Operator object handler.

Adds what a VM needs beyond apply/read/delete: the user-data Secret the provider owns, waiting for what
users mean by "done" (created, powered on, IP assigned, probe ready) with the controller's own reasons
when a prerequisite fails, power-gated updates, and the diff rules VM Operator's webhook enforces.
"""

from __future__ import annotations

import base64
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pulumi_vmservice_provider.clients.supervisor import FIELD_MANAGER, RESOURCE_QUOTA, SECRET
from pulumi_vmservice_provider.errors import ProviderError, ServerRejected
from pulumi_vmservice_provider.kinds.virtualmachine.declaration import VIRTUAL_MACHINE, ZONE_LABEL
from pulumi_vmservice_provider.kinds.virtualmachine.readiness import (
    default_wait_for,
    power_off_readiness,
    virtual_machine_readiness,
)
from pulumi_vmservice_provider.model.diff import diff_properties
from pulumi_vmservice_provider.operations import (
    DeleteRequest,
    ReadRequest,
    ReadResult,
    UpdateRequest,
    UpdateResult,
)
from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler, split_id
from pulumi_vmservice_provider.resources.lookups import (
    CLUSTER_VIRTUAL_MACHINE_IMAGES,
    VIRTUAL_MACHINE_CLASSES,
    VIRTUAL_MACHINE_IMAGES,
)
from pulumi_vmservice_provider.resources.registry import handles
from pulumi_vmservice_provider.wire import reveal

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.model.types import ResourceDef
    from pulumi_vmservice_provider.resources.state import ProviderState

USER_DATA_KEY = "user-data"


def user_data_secret_name(vm_name: str) -> str:
    return f"{vm_name}-user-data"[:253]


@dataclass(frozen=True)
class NamespaceCatalog:
    fetched: float
    classes: list[str]
    images: list[tuple[str | None, str]]  # (display name, vmi- name)
    storage_classes: list[str]


CATALOG_TTL_SECONDS = 15.0
_CATALOG_LOCK = threading.Lock()


@handles(VIRTUAL_MACHINE)
class VirtualMachineHandler(KubeObjectHandler):
    def __init__(self, definition: ResourceDef, state: ProviderState):
        super().__init__(definition, state)
        self._catalogs: dict[str, NamespaceCatalog] = {}

    # ---- check ---------------------------------------------------------------------------------
    def validate_with_server(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        problems = super().validate_with_server(inputs)
        if problems or self.reachable_api_version() is None:
            return problems
        plain = reveal(inputs)
        namespace = (plain.get("metadata") or {}).get("namespace")
        spec = plain.get("spec") or {}
        if not isinstance(namespace, str):
            return problems
        try:
            problems += self._check_references(namespace, spec)
        except Exception:  # the checks are a courtesy; the webhook has the final word at apply time
            return problems
        return problems

    def _catalog(self, namespace: str) -> NamespaceCatalog:
        """Classes, images and storage classes of a namespace, cached briefly: a preview of many VMs in one
        namespace asks the Supervisor once, not once per VM."""
        with _CATALOG_LOCK:
            cached = self._catalogs.get(namespace)
            if cached is not None and time.monotonic() - cached.fetched < CATALOG_TTL_SECONDS:
                return cached
        # No operation: one quick attempt each, as befits a check.
        kube = self.state.kube
        classes = kube.list(None, VIRTUAL_MACHINE_CLASSES, namespace)
        images = kube.list(None, VIRTUAL_MACHINE_IMAGES, namespace)
        images += kube.list(None, CLUSTER_VIRTUAL_MACHINE_IMAGES)
        quotas = kube.list(None, RESOURCE_QUOTA, namespace)
        catalog = NamespaceCatalog(
            fetched=time.monotonic(),
            classes=sorted(c["metadata"]["name"] for c in classes),
            images=[((i.get("status") or {}).get("name"), i["metadata"]["name"]) for i in images],
            storage_classes=sorted(
                {
                    key.split(".storageclass.storage.k8s.io/")[0]
                    for quota in quotas
                    for key in (quota.get("spec") or {}).get("hard") or {}
                    if ".storageclass.storage.k8s.io/" in key
                }
            ),
        )
        with _CATALOG_LOCK:
            self._catalogs[namespace] = catalog
        return catalog

    def _check_references(self, namespace: str, spec: dict[str, Any]) -> list[tuple[str, str]]:
        catalog = self._catalog(namespace)
        problems: list[tuple[str, str]] = []
        class_name = spec.get("className")
        if isinstance(class_name, str) and class_name not in catalog.classes:
            available = ", ".join(catalog.classes) or "none"
            problems.append(
                (
                    "spec.className",
                    f"VM class {class_name!r} is not assigned to namespace {namespace}; available: {available}",
                )
            )
        image = spec.get("imageName")
        if isinstance(image, str):
            by_name = {name for _, name in catalog.images}
            matches = [name for shown, name in catalog.images if shown == image]
            if image not in by_name and not matches:
                choices = ", ".join(sorted({shown or name for shown, name in catalog.images})) or "none"
                problems.append(
                    (
                        "spec.imageName",
                        f"no image named {image!r} in namespace {namespace}; available: {choices}",
                    )
                )
            elif image not in by_name and len(matches) > 1:
                problems.append(
                    (
                        "spec.imageName",
                        f"display name {image!r} is ambiguous; use one of: {', '.join(sorted(matches))}",
                    )
                )
        storage = spec.get("storageClass")
        if isinstance(storage, str) and catalog.storage_classes and storage not in catalog.storage_classes:
            problems.append(
                (
                    "spec.storageClass",
                    f"storage class {storage!r} is not assigned to namespace {namespace}; "
                    f"available: {', '.join(catalog.storage_classes)}",
                )
            )
        return problems

    # ---- apply ---------------------------------------------------------------------------------
    def prepare_create(self, body: dict[str, Any]) -> None:
        # A new VM has nothing to restart (VM Operator refuses `nextRestartTime` on create); leaving it out
        # lets a program that restarted a VM once still create it again, e.g. when it is replaced.
        (body.get("spec") or {}).pop("nextRestartTime", None)
        # Nothing to revert yet (VM Operator refuses `currentSnapshotName` on create).
        (body.get("spec") or {}).pop("currentSnapshotName", None)

    def align_with_live(
        self, body: dict[str, Any], live: dict[str, Any], old_inputs: dict[str, Any] | None = None
    ) -> None:
        # The webhook turns an image display name into the vmi- name on create only; resending the display
        # name on update would be refused as a change of an immutable field.
        spec, live_spec = body.get("spec") or {}, live.get("spec") or {}
        # `nextRestartTime: now` is a one-shot request the webhook rewrites to a timestamp. Resending `now`
        # with an unrelated change would restart the VM again (or be refused while it is powered off), so an
        # unchanged request is sent as the timestamp the server already has.
        if old_inputs is not None and "nextRestartTime" in spec:
            before = (reveal(old_inputs).get("spec") or {}).get("nextRestartTime")
            if spec["nextRestartTime"] == before:
                if live_spec.get("nextRestartTime"):
                    spec["nextRestartTime"] = live_spec["nextRestartTime"]
                else:  # never applied (the VM was created with it): nothing to restart
                    spec.pop("nextRestartTime")
        # `currentSnapshotName` is a one-shot revert the Supervisor clears when done: resending an unchanged
        # name with an unrelated change would revert the VM again and discard the guest's data once more.
        if old_inputs is not None and "currentSnapshotName" in spec:
            before = (reveal(old_inputs).get("spec") or {}).get("currentSnapshotName")
            if spec["currentSnapshotName"] == before and not live_spec.get("currentSnapshotName"):
                spec.pop("currentSnapshotName")
        image, live_image = spec.get("imageName"), live_spec.get("imageName")
        if (
            isinstance(image, str)
            and isinstance(live_image, str)
            and not image.startswith("vmi-")
            and live_image.startswith("vmi-")
        ):
            spec["imageName"] = live_image

    def manifest(self, inputs: dict[str, Any], api_version: str) -> dict[str, Any]:
        body = super().manifest(inputs, api_version)
        if inputs.get("userData") is not None:
            spec = body.setdefault("spec", {})
            bootstrap = spec.setdefault("bootstrap", {})
            cloud_init = bootstrap.setdefault("cloudInit", {})
            cloud_init["rawCloudConfig"] = {
                "name": user_data_secret_name(body["metadata"]["name"]),
                "key": USER_DATA_KEY,
            }
        return body

    def before_apply(
        self, ctx: OperationContext, inputs: dict[str, Any], live: dict[str, Any] | None
    ) -> None:
        user_data = inputs.get("userData")
        if user_data is None:
            return
        meta = reveal(inputs["metadata"])
        secret_meta: dict[str, Any] = {
            "name": user_data_secret_name(meta["name"]),
            "namespace": meta["namespace"],
            "labels": {"app.kubernetes.io/managed-by": FIELD_MANAGER},
        }
        if live is not None:
            secret_meta["ownerReferences"] = [_owner_reference(live)]
        secret: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": secret_meta,
            "type": "Opaque",
            "data": {USER_DATA_KEY: base64.b64encode(str(reveal(user_data)).encode()).decode()},
        }
        self._apply_secret(ctx, secret)

    def _apply_secret(self, ctx: OperationContext, secret: dict[str, Any]) -> None:
        meta = secret["metadata"]
        what = f"the user-data Secret {meta['namespace']}/{meta['name']}"
        try:
            self.state.kube.apply(ctx, SECRET, secret, what=what)
        except ServerRejected as error:
            # The server's message never contains the data, but redact anyway.
            raise ServerRejected(ctx.redact(str(error))) from None

    def after_apply(self, ctx: OperationContext, inputs: dict[str, Any], live: dict[str, Any]) -> None:
        if inputs.get("userData") is not None:
            self.before_apply(ctx, inputs, live)  # now with the owner reference to the VM

    def update(self, request: UpdateRequest) -> UpdateResult:
        ctx, resource_id, old_inputs, news = request.ctx, request.id, request.old_inputs, request.inputs
        namespace, name = split_id(resource_id)
        live = self.get(ctx, namespace, name)
        if live is None:
            raise ProviderError(
                f"VirtualMachine {resource_id} no longer exists; run `pulumi refresh` to recreate it"
            )
        if self._needs_power_off(old_inputs, news, live):
            if not reveal(news).get("allowPowerCycle"):
                raise ProviderError(
                    f"VirtualMachine {resource_id}: this change (class, bootstrap or hardware version) is applied only "
                    "while the VM is powered off; set allowPowerCycle: true or power the VM off first"
                )
            old_inputs = _restart_done_by_cycle(old_inputs, news)
            ctx.status("powering off to apply changes")
            off = self._power_off_body(old_inputs, news, live)
            self.before_apply(ctx, news, live)
            self.apply(ctx, off, old_inputs)
            self.wait_for(ctx, namespace, name, power_off_readiness(), "powering off")
        return super().update(request.with_old_inputs(old_inputs))

    def dry_run_body(
        self, old_inputs: dict[str, Any], news: dict[str, Any], live: dict[str, Any], api_version: str
    ) -> dict[str, Any]:
        # A change applied with a power cycle is first applied together with powering off: that is the request
        # the webhooks judge (the power-on after it changes nothing else).
        if self._needs_power_off(old_inputs, news, live) and reveal(news).get("allowPowerCycle"):
            return self._power_off_body(_restart_done_by_cycle(old_inputs, news), news, live)
        return super().dry_run_body(old_inputs, news, live, api_version)

    def _power_off_body(
        self, old_inputs: dict[str, Any], news: dict[str, Any], live: dict[str, Any]
    ) -> dict[str, Any]:
        off = self.manifest(news, live["apiVersion"])
        self.align_with_live(off, live, old_inputs)
        off["spec"]["powerState"] = "PoweredOff"
        return off

    def _needs_power_off(
        self, old_inputs: dict[str, Any], news: dict[str, Any], live: dict[str, Any]
    ) -> bool:
        """A running VM that stays on gets a change the model declares `applied_while_off`."""
        if (live.get("status") or {}).get("powerState") != "PoweredOn":
            return False
        if (reveal(news).get("spec") or {}).get("powerState") == "PoweredOff":
            return False
        return any(c.applied_while_off for c in diff_properties(self.definition.inputs, old_inputs, news))

    # ---- wait ----------------------------------------------------------------------------------
    def wait_ready(
        self, ctx: OperationContext, inputs: dict[str, Any], live: dict[str, Any]
    ) -> dict[str, Any]:
        self.after_apply(ctx, inputs, live)
        plain = reveal(inputs)
        spec = plain.get("spec") or {}
        target = plain.get("waitFor") or default_wait_for(spec)
        if target == "none":
            return live
        meta = live["metadata"]
        where = f"{meta['namespace']}/{meta['name']}"
        result = self.wait_for(
            ctx,
            meta["namespace"],
            meta["name"],
            virtual_machine_readiness(target, spec, where),
            f"waiting for VirtualMachine {where} ({target})",
        )
        assert result is not None  # deletion while waiting is fatal
        return result

    # ---- read/import ---------------------------------------------------------------------------
    def strip_server_defaults(self, spec: dict[str, Any]) -> dict[str, Any]:
        stripped = super().strip_server_defaults(spec)
        stripped.pop("nextRestartTime", None)
        stripped.pop("currentSnapshotName", None)
        network = stripped.get("network")
        if isinstance(network, dict):
            interfaces = network.get("interfaces")
            if isinstance(interfaces, list) and len(interfaces) == 1 and interfaces[0].get("name") == "eth0":
                network = {k: v for k, v in network.items() if k != "interfaces"}
            if network:
                stripped["network"] = network
            else:
                stripped.pop("network")
        return stripped

    def live_inputs(self, live: dict[str, Any]) -> dict[str, Any]:
        inputs = super().live_inputs(live)
        labels = inputs["metadata"].get("labels")
        if labels and ZONE_LABEL in labels:  # written by the controller when it places the VM
            labels = {k: v for k, v in labels.items() if k != ZONE_LABEL}
            if labels:
                inputs["metadata"]["labels"] = labels
            else:
                inputs["metadata"].pop("labels")
        return inputs

    def read(self, request: ReadRequest) -> ReadResult | None:
        found = super().read(request)
        inputs = request.inputs
        if found is None or not inputs:
            return found
        spec = found.inputs.get("spec")
        written = reveal(inputs.get("spec") or {})
        if isinstance(spec, dict):
            # The webhook rewrites a display name to the image's vmi- name and `now` to a timestamp: the user's
            # words stay the input, the server's rewrite is only an output.
            image = written.get("imageName")
            if (
                isinstance(image, str)
                and not image.startswith("vmi-")
                and str(spec.get("imageName", "")).startswith("vmi-")
            ):
                spec["imageName"] = image
            if "nextRestartTime" in written:
                spec["nextRestartTime"] = written["nextRestartTime"]
            # A finished revert clears the field: the user's request stays the input, not drift.
            if "currentSnapshotName" in written:
                spec["currentSnapshotName"] = written["currentSnapshotName"]
            # The provider owns the user-data Secret; the rawCloudConfig reference to it is not the user's input.
            if inputs.get("userData") is not None and not written.get("bootstrap"):
                spec.pop("bootstrap", None)
        return found

    def delete(self, request: DeleteRequest) -> None:
        ctx, resource_id, old_inputs = request.ctx, request.id, request.inputs
        super().delete(request)
        if old_inputs.get("userData") is not None:
            namespace, name = split_id(resource_id)
            try:  # normally already garbage-collected through the owner reference
                self.state.kube.delete(ctx, SECRET, namespace, user_data_secret_name(name))
            except ServerRejected as error:
                ctx.warn(f"could not delete the user-data Secret of {resource_id}: {error}")


def _restart_done_by_cycle(old_inputs: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    """The old inputs as a power cycle leaves them: the cycle is a restart, so a new `nextRestartTime: now`
    is satisfied by it (and VM Operator refuses to restart a powered-off VM); it counts as applied already."""
    restart = (reveal(news).get("spec") or {}).get("nextRestartTime")
    if restart is None:
        return old_inputs
    old_spec = reveal(old_inputs.get("spec")) or {}
    return {**old_inputs, "spec": {**old_spec, "nextRestartTime": restart}}


def _owner_reference(live: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": live["apiVersion"],
        "kind": live["kind"],
        "name": live["metadata"]["name"],
        "uid": live["metadata"]["uid"],
        "blockOwnerDeletion": False,
    }
