"""The lifecycle of a VM Operator object in a Supervisor namespace, the same for every kind.

Writes use server-side apply under one field manager, so fields other managers own (VM Operator's own
defaults, other tools) are left alone. Reads project the live object onto the inputs the user wrote, so
server-filled fields never appear as drift. What differs between kinds comes from the definition's modifiers
and from the small protocols a kind's handler implements (`resources/kubehooks.py`); this engine names no
kind.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, cast

from vmservice_api.objects import JSONObject, KubeObject, view

from pulumi_vmservice_provider.clients.supervisor import ApiRejected, ApplyConflict, SupervisorUnreachable
from pulumi_vmservice_provider.errors import (
    OperationCancelled,
    OperationTimedOut,
    PartialFailure,
    ProviderError,
    ServerRejected,
)
from pulumi_vmservice_provider.model.decode import Marks
from pulumi_vmservice_provider.model.modifiers import ServerFacts
from pulumi_vmservice_provider.model.types import KindRef, ResourceDef
from pulumi_vmservice_provider.operations import (
    CreateRequest,
    CreateResult,
    DeleteRequest,
    DryRunRequest,
    DryRunResult,
    Inputs,
    Planned,
    ReadRequest,
    ReadResult,
    UpdateRequest,
    UpdateResult,
)
from pulumi_vmservice_provider.readiness import Readiness, wait_until
from pulumi_vmservice_provider.readiness.deletion import deletion_readiness
from pulumi_vmservice_provider.resources import dryrun, kubefields
from pulumi_vmservice_provider.resources.admission import Verdict, api_path, offline_verdict
from pulumi_vmservice_provider.resources.base import ResourceHandler
from pulumi_vmservice_provider.resources.kubefields import URN_ANNOTATION, live_metadata, mark_urn
from pulumi_vmservice_provider.resources.kubehooks import (
    ChecksWithServer,
    CustomDelete,
    CustomDryRunBody,
    CustomRead,
    CustomUpdate,
    HasCompanions,
    ServedFrom,
    ShapesManifest,
    WaitsForReadiness,
)
from pulumi_vmservice_provider.resources.ownership import reclaimer
from pulumi_vmservice_provider.resources.versions import (
    SupervisorFacts,
    fields_outside_version,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pulumi_vmservice_provider.clients.supervisor import SupervisorClient
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.resources.state import ProviderState

# Metadata only the real create assigns: unknown in a create preview (a dry run invents placeholders).
ASSIGNED_AT_CREATE = ("uid", "creationTimestamp", "generation", "resourceVersion")


def split_id(resource_id: str) -> tuple[str, str]:
    namespace, _, name = resource_id.partition("/")
    if not name:
        raise ProviderError(f"invalid id {resource_id!r}: expected NAMESPACE/NAME")
    return namespace, name


class KubeObjectHandler(ResourceHandler):
    """The handler of every Supervisor kind; `hooks` is the kind's own handler object."""

    judged_by_server = True

    def __init__(self, definition: ResourceDef, state: ProviderState, hooks: object = None):
        super().__init__(definition, state)
        assert definition.kube is not None, f"{definition.token} is not a Supervisor kind"
        self.kind_ref: KindRef = definition.kube
        self.hooks = hooks

    # ---- the Supervisor's API ------------------------------------------------------------------
    @property
    def kube(self) -> SupervisorClient:
        return self.state.kube

    def api_version(self, ctx: OperationContext | None = None, patient: bool = True) -> str:
        """The newest version of this kind that both the Supervisor serves and the provider understands
        (asked within the operation's deadline, when there is one)."""
        return self.kube.api_version(self.kind_ref, patient=patient, ctx=ctx)

    def reachable_api_version(self) -> str | None:
        """Like api_version(), but None when the Supervisor cannot be asked (offline preview)."""
        try:
            return self.api_version(patient=False)
        except Exception:  # unreachable, bad kubeconfig, no API group: server-side checks are skipped
            return None

    def server_facts(self) -> ServerFacts:
        return SupervisorFacts(self.state, self.reachable_api_version)

    def get(self, ctx: OperationContext | None, namespace: str, name: str) -> KubeObject | None:
        return cast("KubeObject | None", self.kube.get(ctx, self.kind_ref, namespace, name))

    def apply(
        self, ctx: OperationContext, body: KubeObject, old_inputs: JSONObject | None = None
    ) -> KubeObject:
        """Write `body`; with `old_inputs`, fields the stack had that another tool changed are taken back."""
        mark_urn(body, ctx.urn)
        found = view(body)
        self.state.snapshots.forget(self.kind_ref.kind, found.namespace, found.name)
        applied = self.kube.apply(ctx, self.kind_ref, cast(JSONObject, body), reclaim=reclaimer(old_inputs))
        return cast(KubeObject, applied)

    def wait_for(
        self,
        ctx: OperationContext,
        namespace: str,
        name: str,
        readiness: Readiness[KubeObject],
        doing: str,
        written: KubeObject | None = None,
    ) -> KubeObject | None:
        """Watch one object until `readiness` holds; the first unmet condition is the status line. `written`
        is the object as this operation's write returned it: the wait starts from it instead of a read."""
        return wait_for_object(self.kube, ctx, self.kind_ref, namespace, name, readiness, doing, written)

    # ---- check ---------------------------------------------------------------------------------
    def admission(self, inputs: Inputs, old_inputs: Inputs | None) -> Verdict:
        """VM Operator's admission rules on the object the inputs describe, without asking the Supervisor."""
        unknown = frozenset(api_path(p) for p in inputs.marks.unknowns)
        old = old_inputs.value if old_inputs is not None else None
        return offline_verdict(self, inputs.value, old, unknown, self.server_facts())

    def validate_with_server(self, inputs: JSONObject) -> list[tuple[str, str]]:
        served_from = self.hooks.served_from if isinstance(self.hooks, ServedFrom) else None
        version = self.reachable_api_version()
        if version is None:
            return self._kind_unavailable(served_from) if served_from else []
        served = version.split("/")[1]
        problems = [
            (path, f"{why}; this Supervisor's newest supported version is {served}")
            for path, why in fields_outside_version(self.definition.inputs, inputs, served)
        ]
        if not problems and isinstance(self.hooks, ChecksWithServer):
            problems += self.hooks.validate_with_server(self, inputs)
        return problems

    def _kind_unavailable(self, release: str) -> list[tuple[str, str]]:
        """One problem when the Supervisor answers but serves none of the kind's API versions; none when it
        serves one or cannot be asked."""
        ref = self.kind_ref
        try:
            served = self.kube.served_versions(ref.group)
        except Exception:  # unreachable: nothing is known
            return []
        if not served:
            return []  # no VM Operator API at all: the usual error says so at create
        return [
            (
                "spec",
                f"{ref.kind} needs VM Operator API {ref.group}/{ref.versions[0]} or newer (a {release} "
                f"Supervisor); this Supervisor serves {', '.join(served)}, which has no {ref.kind}",
            )
        ]

    # ---- the objects written -------------------------------------------------------------------
    def manifest(self, inputs: JSONObject, api_version: str) -> KubeObject:
        body = kubefields.manifest(self.definition, inputs, api_version)
        if isinstance(self.hooks, ShapesManifest):
            self.hooks.shape_manifest(body, inputs)
        return body

    def create_body(self, inputs: JSONObject, api_version: str) -> KubeObject:
        body = self.manifest(inputs, api_version)
        kubefields.for_create(self.definition, body)
        return body

    def update_body(
        self, old_inputs: JSONObject | None, news: JSONObject, live: KubeObject, api_version: str
    ) -> KubeObject:
        """The object an update applies: the new inputs' manifest aligned with what the server rewrote."""
        body = self.manifest(news, api_version)
        kubefields.aligned_with_live(self.definition, body, live, old_inputs)
        return body

    # ---- dry run (previews) --------------------------------------------------------------------
    def dry_run(self, request: DryRunRequest) -> DryRunResult:
        """Send the object the create or update would apply as a dry-run server-side apply, so the
        Supervisor's webhooks and validation judge it; one quick attempt without retries, like a check."""
        version = self.reachable_api_version()
        if version is None:
            return DryRunResult(unavailable=self._why_unreachable())
        old = request.old_inputs.value if request.old_inputs is not None else None
        try:
            if request.id:
                namespace, name = split_id(request.id)
                live = self.get(None, namespace, name)
                if live is None:  # gone: the update says so and how to recover
                    return DryRunResult()
                body = None
                if isinstance(self.hooks, CustomDryRunBody):
                    body = self.hooks.dry_run_body(self, request, live, version)
                body = body or self.update_body(old, request.inputs.value, live, version)
            else:
                body = self.create_body(request.inputs.value, version)
                found = view(body)
                existing = self.get(None, found.namespace, found.name)
                if existing is not None and request.replacing == found.key:
                    # The object this resource replaces (its id in state, whoever made it: an imported object
                    # has no URN of ours) still holds the name, as a named VM is created after the old one is
                    # deleted: the Supervisor judges the new one as a create all the same.
                    self._judge_create(body, request.urn)
                    return DryRunResult()
                if existing is not None:
                    # The name is taken: by another tool's object (the create would fail: say so now), or by
                    # the object an interrupted create of this resource made, which the create continues with
                    # (the static plan stands).
                    self._continue_with(body, existing, request.urn)
                    return DryRunResult()
            mark_urn(body, request.urn)
            planned = self.kube.apply(
                None, self.kind_ref, cast(JSONObject, body), dry_run=True, reclaim=reclaimer(old)
            )
        except SupervisorUnreachable as error:
            return DryRunResult(unavailable=str(error))
        except ApplyConflict:
            raise  # the update would stop there too, with the same message
        except ApiRejected as error:
            if not error.is_admission_denial:  # RBAC (a read-only preview token), throttling, server errors
                return DryRunResult(unavailable=str(error))
            refused = dryrun.refusals(str(error))
            if request.id and refused:
                return DryRunResult(refusals=refused)
            raise
        return DryRunResult(planned=self.planned_outputs(request, cast(KubeObject, planned)))

    def planned_outputs(self, request: DryRunRequest, planned: KubeObject) -> Planned:
        """The outputs of a create, as far as its dry run tells: the apiVersion, the spec with what the
        webhooks fill in (unless the inputs' spec holds secrets), the metadata; what only the real create
        assigns (uid, resourceVersion, ...) and the status stay unknown."""
        inputs = request.inputs
        outputs = self.outputs(inputs.value, planned)
        outputs.pop("status", None)
        meta = outputs["liveMetadata"]
        assert isinstance(meta, dict)
        for key in ASSIGNED_AT_CREATE:
            meta.pop(key, None)
        spec = cast(JSONObject, planned).get("spec")
        if isinstance(spec, dict) and not inputs.marks.is_secret("spec"):
            outputs["spec"] = spec
        unknown = {("status",), *(("liveMetadata", key) for key in ASSIGNED_AT_CREATE)}
        return Planned(outputs, Marks(unknowns=frozenset(unknown)))

    def _judge_create(self, body: KubeObject, urn: str) -> None:
        """A dry-run create of `body` while an object of its name exists. The apiserver runs the mutating
        webhooks, the schema and the validating webhooks before it looks for the name, so 'already exists'
        means the new object was admitted (as does a success, if the old one went away meanwhile); a denial
        fails the preview in the Supervisor's words."""
        mark_urn(body, urn)
        try:
            self.kube.create(None, self.kind_ref, cast(JSONObject, body), dry_run=True)
        except ApiRejected as error:
            if error.status == 409 and "already exists" in str(error):
                return
            if not error.is_admission_denial:
                raise
            raise ServerRejected(
                f"the replacement cannot be created, the Supervisor refuses the new {self.kind_ref.kind}: {error}"
            ) from None

    def _continue_with(self, body: KubeObject, existing: KubeObject, urn: str) -> None:
        """A create finds its object already there: if an interrupted update of this resource made it, the
        create continues with it (aligned with what the server rewrote); anything else is refused."""
        found = view(body)
        if view(existing).annotations.get(URN_ANNOTATION) != urn:
            raise ServerRejected(
                f"{self.kind_ref.kind} {found.key} already exists; import it with "
                f"`pulumi import {self.definition.token} <logical name> {found.key}` or choose another name"
            )
        kubefields.aligned_with_live(self.definition, body, existing, None)

    def _why_unreachable(self) -> str:
        try:
            self.api_version(patient=False)
        except Exception as error:
            return str(error)
        return "the Supervisor did not answer"

    # ---- outputs and waiting -------------------------------------------------------------------
    def outputs(self, inputs: JSONObject, live: KubeObject) -> JSONObject:
        outputs = dict(inputs)
        outputs["apiVersion"] = live.get("apiVersion")
        outputs["liveMetadata"] = live_metadata(live)
        outputs["status"] = cast(JSONObject, live).get("status") or {}
        return outputs

    def wait_ready(self, ctx: OperationContext, inputs: JSONObject, live: KubeObject) -> KubeObject:
        """Wait until the object is what users mean by done (the kind's readiness)."""
        if isinstance(self.hooks, HasCompanions):
            self.hooks.apply_companions(self, ctx, inputs, live)  # now owned by the object
        found = view(live)
        planned = (
            self.hooks.readiness(inputs, found.key) if isinstance(self.hooks, WaitsForReadiness) else None
        )
        if planned is None:
            return live
        readiness, doing = planned
        return self.wait_for(ctx, found.namespace, found.name, readiness, doing, written=live) or live

    def _latest(
        self, ctx: OperationContext, namespace: str, name: str, error: BaseException
    ) -> KubeObject | None:
        """The object as it is now, for the outputs of a partial failure; None when it cannot be read."""
        if isinstance(error, OperationTimedOut | OperationCancelled):
            return None  # no time left for another request
        try:
            return self.get(ctx, namespace, name)
        except Exception:
            return None

    def _settle(
        self, ctx: OperationContext, resource_id: str, inputs: JSONObject, live: KubeObject
    ) -> JSONObject:
        """Wait for readiness; whatever goes wrong, the object exists: keep it in state (partial failure)."""
        namespace, name = split_id(resource_id)
        try:
            live = self.wait_ready(ctx, inputs, live)
        except Exception as error:
            latest = self._latest(ctx, namespace, name, error) or live
            raise PartialFailure(
                resource_id, self.outputs(inputs, latest), inputs, failure_reason(error)
            ) from None
        return self.outputs(inputs, live)

    # ---- CRUD ----------------------------------------------------------------------------------
    def create(self, request: CreateRequest) -> CreateResult:
        ctx, inputs = request.ctx, request.inputs.value
        body = self.create_body(inputs, self.api_version(ctx))
        found = view(body)
        existing = self.get(ctx, found.namespace, found.name)
        if existing is not None:
            self._continue_with(body, existing, ctx.urn)
            ctx.info(
                f"{self.kind_ref.kind} {found.key} was created for this resource by an update that was "
                "interrupted; continuing with it"
            )
        if isinstance(self.hooks, HasCompanions):
            self.hooks.apply_companions(self, ctx, inputs, None)
        live = self.apply(ctx, body)
        return CreateResult(found.key, self._settle(ctx, found.key, inputs, live))

    def update(self, request: UpdateRequest) -> UpdateResult:
        if isinstance(self.hooks, CustomUpdate):
            return self.hooks.update(self, request)
        return self.apply_update(request)

    def current(self, ctx: OperationContext, resource_id: str) -> KubeObject:
        """The object an update changes; an error saying how to recover when it is gone."""
        live = self.get(ctx, *split_id(resource_id))
        if live is None:
            raise ProviderError(
                f"{self.kind_ref.kind} {resource_id} no longer exists; run `pulumi refresh` and `pulumi up` to "
                "recreate it"
            )
        return live

    def apply_update(self, request: UpdateRequest, live: KubeObject | None = None) -> UpdateResult:
        """The usual update: one apply of the new inputs, then the wait."""
        ctx, news, old = request.ctx, request.inputs.value, request.old_inputs.value
        live = live or self.current(ctx, request.id)
        if isinstance(self.hooks, HasCompanions):
            self.hooks.apply_companions(self, ctx, news, live)
        body = self.update_body(old, news, live, self.api_version(ctx))
        applied = self.apply(ctx, body, old)
        return UpdateResult(self._settle(ctx, request.id, news, applied))

    def read(self, request: ReadRequest) -> ReadResult | None:
        if isinstance(self.hooks, CustomRead):
            return self.hooks.read(self, request)
        return self.read_object(request)

    def read_object(self, request: ReadRequest) -> ReadResult | None:
        """The usual read: the live object (from the namespace's list when many are read at once), projected
        onto the inputs of the last update, or all its inputs for an import."""
        ctx, resource_id = request.ctx, request.id
        namespace, name = split_id(resource_id)
        live = cast(
            "KubeObject | None",
            self.state.snapshots.find(
                self.kind_ref.kind, namespace, name, lambda: self._list(ctx, namespace)
            ),
        ) or self.get(ctx, namespace, name)
        if live is None:
            return None
        if request.is_import:
            inputs = kubefields.live_inputs(self.definition, live)
        else:
            inputs = kubefields.read_back(self.definition, request.inputs.value, live)
        return ReadResult(resource_id, self.outputs(inputs, live), inputs)

    def _list(self, ctx: OperationContext, namespace: str) -> list[JSONObject]:
        api_version = self.api_version(ctx)
        return [
            {"apiVersion": api_version, "kind": self.kind_ref.kind, **item}
            for item in self.kube.list(ctx, self.kind_ref, namespace)
        ]

    def delete(self, request: DeleteRequest) -> None:
        if isinstance(self.hooks, CustomDelete):
            self.hooks.delete(self, request)
        else:
            self.delete_object(request)
        if isinstance(self.hooks, HasCompanions):
            self.hooks.delete_companions(self, request.ctx, request.id, request.inputs.value)

    def delete_object(self, request: DeleteRequest) -> None:
        """Delete the object and wait until its finalizers let it go."""
        ctx = request.ctx
        namespace, name = split_id(request.id)
        if not self.kube.delete(ctx, self.kind_ref, namespace, name):
            return
        doing = f"waiting for {self.kind_ref.kind} {request.id} to be deleted"
        self.wait_for(ctx, namespace, name, deletion_readiness(), doing)


def with_plan_inputs(request: UpdateRequest, old_inputs: JSONObject) -> UpdateRequest:
    """The request as if the last update had left `old_inputs` (a step of a multi-step update did)."""
    return dataclasses.replace(request, old_inputs=dataclasses.replace(request.old_inputs, value=old_inputs))


def wait_for_object(
    kube: SupervisorClient,
    ctx: OperationContext,
    ref: KindRef,
    namespace: str,
    name: str,
    readiness: Readiness[KubeObject],
    doing: str,
    written: KubeObject | None = None,
) -> KubeObject | None:
    """The wait loop on a Supervisor object: read it (or start from the object just written), then watch it
    from that version."""

    def read() -> KubeObject | None:
        return cast("KubeObject | None", kube.get(ctx, ref, namespace, name))

    def watch(current: KubeObject | None) -> Iterator[KubeObject | None]:
        after = view(current).resource_version or None
        return cast("Iterator[KubeObject | None]", kube.watch(ctx, ref, namespace, name, after, doing))

    return wait_until(
        readiness, get=read, watch=watch, waiter=ctx, doing=doing, report=ctx.status, written=written
    )


def failure_reason(error: BaseException) -> str:
    """The message of a failed wait: a provider error as it is, anything else with its type."""
    if isinstance(error, ProviderError):
        return str(error)
    return f"unexpected error while waiting: {type(error).__name__}: {error}"
