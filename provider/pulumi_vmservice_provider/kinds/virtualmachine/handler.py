"""vmservice:index:VirtualMachine: what a VM adds to the lifecycle every Supervisor object shares.

- Check asks the Supervisor whether the class, image and storage class exist (`references.py`).
- `userData` and `sysprepSecrets` live in Secrets the provider owns (`userdata.py`, `sysprep.py`).
- An update whose plan has a power cycle powers the VM off, applies it, and lets the wait power it on.
- "Done" is what `waitFor` says: created, powered on, an IP assigned, or the readiness probe (`readiness.py`).

The one-shot fields (`nextRestartTime`, `currentSnapshotName`), the image's `vmi-` rewrite, the zone label
and the default NIC are modifiers in the declaration; the engine applies them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from vmservice_api.objects import JSONObject, KubeObject, ObjectView
from vmservice_api.types.release_9_1.virtualmachine import VirtualMachineSpec, VirtualMachineStatus

from pulumi_vmservice_provider.kinds.virtualmachine import references, sysprep, userdata
from pulumi_vmservice_provider.kinds.virtualmachine.declaration import VIRTUAL_MACHINE
from pulumi_vmservice_provider.kinds.virtualmachine.readiness import (
    default_wait_for,
    power_off_readiness,
    virtual_machine_readiness,
)
from pulumi_vmservice_provider.model.plan import Disruption
from pulumi_vmservice_provider.resources.kubeobject import split_id, with_plan_inputs
from pulumi_vmservice_provider.resources.registry import handles

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.operations import DryRunRequest, UpdateRequest, UpdateResult
    from pulumi_vmservice_provider.readiness import Readiness
    from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler

VM = ObjectView[VirtualMachineSpec, VirtualMachineStatus]


def spec_of(inputs: JSONObject) -> VirtualMachineSpec:
    spec = inputs.get("spec")
    return cast(VirtualMachineSpec, spec if isinstance(spec, dict) else {})


@handles(VIRTUAL_MACHINE)
class VirtualMachine:
    def __init__(self) -> None:
        self.catalogs = references.Catalogs()

    # ---- check ---------------------------------------------------------------------------------
    def validate_with_server(self, engine: KubeObjectHandler, inputs: JSONObject) -> list[tuple[str, str]]:
        namespace = (inputs.get("metadata") or {}).get("namespace")
        if not isinstance(namespace, str):
            return []
        spec = cast(JSONObject, spec_of(inputs))
        try:
            found = references.problems(self.catalogs.of(engine.kube, namespace), namespace, spec)
            if found:  # made since the catalog was read?
                found = references.problems(self.catalogs.of(engine.kube, namespace, True), namespace, spec)
        except Exception:  # the checks are a courtesy; the webhook has the final word at apply time
            return []
        return found

    # ---- the objects written -------------------------------------------------------------------
    def shape_manifest(self, body: KubeObject, inputs: JSONObject) -> None:
        userdata.point_bootstrap_at_secret(body, inputs)
        sysprep.point_selectors_at_secret(body, inputs)

    def apply_companions(
        self, engine: KubeObjectHandler, ctx: OperationContext, inputs: JSONObject, live: KubeObject | None
    ) -> None:
        userdata.apply_secret(engine, ctx, inputs, live)
        sysprep.apply_secret(engine, ctx, inputs, live)

    def delete_companions(
        self, engine: KubeObjectHandler, ctx: OperationContext, resource_id: str, inputs: JSONObject
    ) -> None:
        userdata.delete_secret(engine, ctx, resource_id, inputs)
        sysprep.delete_secret(engine, ctx, resource_id, inputs)

    # ---- update: the plan's power cycle ---------------------------------------------------------
    def update(self, engine: KubeObjectHandler, request: UpdateRequest) -> UpdateResult:
        ctx = request.ctx
        live = engine.current(ctx, request.id)
        if not _cycled(request.plan.has(Disruption.POWER_CYCLE), live):
            return engine.apply_update(request, live)
        request = with_plan_inputs(request, _restart_done_by_cycle(request))
        ctx.status("powering off to apply changes")
        self.apply_companions(engine, ctx, request.inputs.value, live)
        engine.apply(ctx, self._power_off_body(engine, request, live), request.old_inputs.value)
        namespace, name = split_id(request.id)
        engine.wait_for(ctx, namespace, name, power_off_readiness(), "powering off")
        return engine.apply_update(request)

    def dry_run_body(
        self, engine: KubeObjectHandler, request: DryRunRequest, live: KubeObject, api_version: str
    ) -> KubeObject | None:
        # A change applied with a power cycle is first applied together with powering off: that is the request
        # the webhooks judge (the power-on after it changes nothing else).
        if request.old_inputs is None or not _cycled(request.plan.has(Disruption.POWER_CYCLE), live):
            return None
        old = _restart_done_by_cycle_of(request.old_inputs.value, request.inputs.value)
        body = engine.update_body(old, request.inputs.value, live, api_version)
        cast(JSONObject, body)["spec"]["powerState"] = "PoweredOff"
        return body

    def _power_off_body(
        self, engine: KubeObjectHandler, request: UpdateRequest, live: KubeObject
    ) -> KubeObject:
        body = engine.update_body(request.old_inputs.value, request.inputs.value, live, VM(live).api_version)
        cast(JSONObject, body)["spec"]["powerState"] = "PoweredOff"
        return body

    # ---- wait ----------------------------------------------------------------------------------
    def readiness(self, inputs: JSONObject, where: str) -> tuple[Readiness[KubeObject], str] | None:
        spec = spec_of(inputs)
        target = inputs.get("waitFor") or default_wait_for(spec)
        if target == "none":
            return None
        return virtual_machine_readiness(
            str(target), spec, where
        ), f"waiting for VirtualMachine {where} ({target})"


def _cycled(planned: bool, live: KubeObject) -> bool:
    """The plan has a power cycle and the VM is on now (one that is off takes the change as it is)."""
    return planned and VM(live).status.get("powerState") == "PoweredOn"


def _restart_done_by_cycle(request: UpdateRequest) -> JSONObject:
    return _restart_done_by_cycle_of(request.old_inputs.value, request.inputs.value)


def _restart_done_by_cycle_of(old_inputs: JSONObject, news: JSONObject) -> JSONObject:
    """The old inputs as a power cycle leaves them: the cycle is a restart, so a new `nextRestartTime: now`
    is satisfied by it (and VM Operator refuses to restart a powered-off VM); it counts as applied already."""
    restart = spec_of(news).get("nextRestartTime")
    if restart is None:
        return old_inputs
    return {**old_inputs, "spec": {**spec_of(old_inputs), "nextRestartTime": restart}}
