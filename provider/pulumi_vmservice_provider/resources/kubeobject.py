"""Generic CRUD for a VM Operator object in a Supervisor namespace.

Writes use server-side apply under one field manager, so fields other managers own (VM Operator's own
defaults, other tools) are left alone. Reads project the live object onto the inputs the user wrote, so
server-filled fields never appear as drift.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi_vmservice_provider.clients.supervisor import (
    ApiRejected,
    ApplyConflict,
    KindRef,
    SupervisorUnreachable,
)
from pulumi_vmservice_provider.errors import (
    OperationCancelled,
    OperationTimedOut,
    PartialFailure,
    ProviderError,
    ServerRejected,
)
from pulumi_vmservice_provider.model.diff import strip_server_defaults
from pulumi_vmservice_provider.model.types import ServerFacts
from pulumi_vmservice_provider.operations import (
    CreateRequest,
    CreateResult,
    DeleteRequest,
    DryRunRequest,
    DryRunResult,
    ReadRequest,
    ReadResult,
    UpdateRequest,
    UpdateResult,
)
from pulumi_vmservice_provider.readiness import Readiness, wait_until
from pulumi_vmservice_provider.readiness.deletion import deletion_readiness
from pulumi_vmservice_provider.resources import dryrun
from pulumi_vmservice_provider.resources.base import ResourceHandler
from pulumi_vmservice_provider.resources.ownership import reclaimer
from pulumi_vmservice_provider.wire import UNKNOWN, Secret, reveal, secret_strings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pulumi_vmservice_provider.clients.supervisor import SupervisorClient
    from pulumi_vmservice_provider.context import OperationContext

Obj = dict[str, Any]

# Annotations and labels the Supervisor writes; never drift, never imported into inputs.
# The provider's own mark on every object it writes: the URN of the resource, so a create that an
# interrupted `up` left behind is recognised as this resource's (and adopted) instead of duplicated.
URN_ANNOTATION = "vmservice.pulumi.com/urn"
SYSTEM_ANNOTATION_PREFIXES = ("vmoperator.vmware.com/", "kubectl.kubernetes.io/", "vmservice.pulumi.com/")
SYSTEM_LABEL_PREFIXES = ("vmoperator.vmware.com/",)


def split_id(resource_id: str) -> tuple[str, str]:
    namespace, _, name = resource_id.partition("/")
    if not name:
        raise ProviderError(f"invalid id {resource_id!r}: expected NAMESPACE/NAME")
    return namespace, name


# What outputs report of an object's metadata (no managedFields, no owner references).
LIVE_METADATA_KEYS = (
    "name",
    "namespace",
    "labels",
    "annotations",
    "uid",
    "creationTimestamp",
    "generation",
    "resourceVersion",
    "finalizers",
)


# Metadata only the real create assigns: unknown in a create preview (a dry run invents placeholders).
ASSIGNED_AT_CREATE = ("uid", "creationTimestamp", "generation", "resourceVersion")


class KubeObjectHandler(ResourceHandler):
    judged_by_server = True

    # ---- naming and versions -------------------------------------------------------------------
    @property
    def kube(self) -> Any:
        assert self.definition.kube is not None
        return self.definition.kube

    @property
    def kind_ref(self) -> KindRef:
        return KindRef(self.kube.kind, self.kube.plural, self.kube.group, self.kube.versions)

    def api_version(self, ctx: OperationContext | None = None, patient: bool = True) -> str:
        """The newest version of this kind that both the Supervisor serves and the provider understands
        (asked within the operation's deadline, when there is one)."""
        return self.state.kube.api_version(self.kind_ref, patient=patient, ctx=ctx)

    def server_facts(self) -> ServerFacts:
        return _SupervisorFacts(self)

    def reachable_api_version(self) -> str | None:
        """Like api_version(), but None when the Supervisor cannot be asked (offline preview)."""
        try:
            return self.api_version(patient=False)
        except Exception:  # unreachable, bad kubeconfig, no API group: server-side checks are skipped
            return None

    def validate_with_server(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        version = self.reachable_api_version()
        if version is None:
            return []
        served = version.split("/")[1]
        problems: list[tuple[str, str]] = []
        for path, since in fields_needing_version(self.definition.inputs, reveal(inputs)):
            if version_order(since) > version_order(served):
                problems.append(
                    (
                        path,
                        f"needs VM Operator API {since} or newer; this Supervisor's newest supported version is {served}",
                    )
                )
        return problems

    def manifest(self, inputs: dict[str, Any], api_version: str) -> dict[str, Any]:
        plain = reveal(inputs)
        meta = plain.get("metadata") or {}
        body: dict[str, Any] = {
            "apiVersion": api_version,
            "kind": self.kube.kind,
            "metadata": {
                k: v for k, v in meta.items() if k in ("name", "namespace", "labels", "annotations")
            },
        }
        if plain.get("spec") is not None:
            body["spec"] = plain["spec"]
        return body

    # ---- API calls (retries and error mapping live in the client) ------------------------------
    def get(self, ctx: OperationContext, namespace: str, name: str) -> dict[str, Any] | None:
        return self.state.kube.get(ctx, self.kind_ref, namespace, name)

    def apply(
        self, ctx: OperationContext, body: dict[str, Any], old_inputs: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Write `body`; with `old_inputs`, fields the stack had that another tool changed are taken back."""
        mark_urn(body, ctx.urn)
        self.state.snapshots.forget(self.kube.kind, body["metadata"]["namespace"], body["metadata"]["name"])
        return self.state.kube.apply(ctx, self.kind_ref, body, reclaim=reclaimer(old_inputs))

    # ---- dry run (previews) --------------------------------------------------------------------
    def dry_run(self, request: DryRunRequest) -> DryRunResult:
        """Send the object the create or update would apply as a dry-run server-side apply, so the
        Supervisor's webhooks and validation judge it; one quick attempt without retries, like a check."""
        version = self.reachable_api_version()
        if version is None:
            return DryRunResult(unavailable=self._why_unreachable())
        try:
            if request.id:
                namespace, name = split_id(request.id)
                live = self.state.kube.get(None, self.kind_ref, namespace, name)
                if live is None:  # gone: the update says so and how to recover
                    return DryRunResult()
                body = self.dry_run_body(request.old_inputs or {}, request.inputs, live, version)
            else:
                body = self.manifest(request.inputs, version)
                self.prepare_create(body)
                meta = body["metadata"]
                existing = self.state.kube.get(None, self.kind_ref, meta["namespace"], meta["name"])
                if existing is not None:
                    # The name is taken: by another tool's object (the create would fail: say so now), or by
                    # the object this resource replaces (a named VM is created after the old one is deleted)
                    # or that an interrupted create made. A new object cannot be judged against it, so the
                    # static plan stands.
                    self._continue_with(body, existing, request.urn)
                    return DryRunResult()
            mark_urn(body, request.urn)
            reclaim = reclaimer(request.old_inputs)
            planned = self.state.kube.apply(None, self.kind_ref, body, dry_run=True, reclaim=reclaim)
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
        return DryRunResult(planned=self.planned_outputs(request.inputs, planned))

    def _continue_with(self, body: dict[str, Any], existing: dict[str, Any], urn: str) -> None:
        """A create finds its object already there: if an interrupted update of this resource made it, the
        create continues with it (aligned with what the server rewrote); anything else is refused."""
        meta = body["metadata"]
        if (existing.get("metadata", {}).get("annotations") or {}).get(URN_ANNOTATION) != urn:
            raise ServerRejected(
                f"{self.kube.kind} {meta['namespace']}/{meta['name']} already exists; import it with "
                f"`pulumi import {self.definition.token} <logical name> {meta['namespace']}/{meta['name']}` "
                "or choose another name"
            )
        self.align_with_live(body, existing)

    def _why_unreachable(self) -> str:
        try:
            self.api_version(patient=False)
        except Exception as error:
            return str(error)
        return "the Supervisor did not answer"

    def update_body(
        self, old_inputs: dict[str, Any], news: dict[str, Any], live: dict[str, Any], api_version: str
    ) -> dict[str, Any]:
        """The object an update applies: the new inputs' manifest aligned with what the server rewrote."""
        body = self.manifest(news, api_version)
        self.align_with_live(body, live, old_inputs)
        return body

    def dry_run_body(
        self, old_inputs: dict[str, Any], news: dict[str, Any], live: dict[str, Any], api_version: str
    ) -> dict[str, Any]:
        """The first object an update would apply, which the dry run sends (kinds whose update takes
        several steps override it)."""
        return self.update_body(old_inputs, news, live, api_version)

    def planned_outputs(self, inputs: dict[str, Any], planned: dict[str, Any]) -> dict[str, Any]:
        """The outputs of a create, as far as its dry run tells: the apiVersion, the spec with what the
        webhooks fill in (unless the inputs' spec holds secrets), the metadata; what only the real create
        assigns (uid, resourceVersion, ...) and the status stay unknown."""
        outputs = self.outputs(inputs, planned)
        outputs["status"] = UNKNOWN
        meta = outputs["liveMetadata"]
        for key in ASSIGNED_AT_CREATE:
            meta[key] = UNKNOWN
        if isinstance(planned.get("spec"), dict) and not secret_strings(inputs.get("spec")):
            outputs["spec"] = planned["spec"]
        return outputs

    # ---- outputs -------------------------------------------------------------------------------
    def outputs(self, inputs: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
        meta = live.get("metadata", {})
        outputs = dict(inputs)
        outputs["apiVersion"] = live.get("apiVersion")
        outputs["liveMetadata"] = {k: meta[k] for k in LIVE_METADATA_KEYS if k in meta}
        outputs["status"] = live.get("status") or {}
        return outputs

    # ---- waiting -------------------------------------------------------------------------------
    def readiness(self, inputs: dict[str, Any], where: str) -> tuple[Readiness[Obj], str] | None:
        """What "done" means for this kind after an apply, and the words for the wait (`doing`); None: the
        object is done once the Supervisor accepted it (a known kind with nothing to wait for)."""
        return None

    def wait_ready(
        self, ctx: OperationContext, inputs: dict[str, Any], live: dict[str, Any]
    ) -> dict[str, Any]:
        """Wait until the object is what users mean by done (see `readiness`)."""
        meta = live["metadata"]
        planned = self.readiness(inputs, f"{meta['namespace']}/{meta['name']}")
        if planned is None:
            return live
        readiness, doing = planned
        return self.wait_for(ctx, meta["namespace"], meta["name"], readiness, doing) or live

    def wait_for(
        self, ctx: OperationContext, namespace: str, name: str, readiness: Readiness[Obj], doing: str
    ) -> Obj | None:
        """Watch one object until `readiness` holds; the first unmet condition is the status line."""
        return wait_for_object(self.state.kube, ctx, self.kind_ref, namespace, name, readiness, doing)

    # ---- CRUD ----------------------------------------------------------------------------------
    def create(self, request: CreateRequest) -> CreateResult:
        ctx, inputs = request.ctx, request.inputs
        body = self.manifest(inputs, self.api_version(ctx))
        self.prepare_create(body)
        namespace, name = body["metadata"]["namespace"], body["metadata"]["name"]
        existing = self.get(ctx, namespace, name)
        if existing is not None:
            self._continue_with(body, existing, ctx.urn)
            ctx.info(
                f"{self.kube.kind} {namespace}/{name} was created for this resource by an update that was "
                "interrupted; continuing with it"
            )
        self.before_apply(ctx, inputs, None)
        live = self.apply(ctx, body)
        resource_id = f"{namespace}/{name}"
        try:
            live = self.wait_ready(ctx, inputs, live)
        except Exception as error:  # the object exists: keep it in state whatever went wrong (partial create)
            latest = self._latest(ctx, namespace, name, error)
            raise PartialFailure(
                resource_id, self.outputs(inputs, latest or live), inputs, failure_reason(error)
            ) from None
        return CreateResult(resource_id, self.outputs(inputs, live))

    def _latest(
        self, ctx: OperationContext, namespace: str, name: str, error: BaseException
    ) -> dict[str, Any] | None:
        """The object as it is now, for the outputs of a partial failure; None when it cannot be read."""
        if isinstance(error, OperationTimedOut | OperationCancelled):
            return None  # no time left for another request
        try:
            return self.get(ctx, namespace, name)
        except Exception:
            return None

    def before_apply(
        self, ctx: OperationContext, inputs: dict[str, Any], live: dict[str, Any] | None
    ) -> None:
        """Hook for companion objects (e.g. the user-data Secret of a VM)."""

    def prepare_create(self, body: dict[str, Any]) -> None:
        """Hook to leave out of a new object what only makes sense for an existing one."""

    def align_with_live(
        self, body: dict[str, Any], live: dict[str, Any], old_inputs: dict[str, Any] | None = None
    ) -> None:
        """Hook to keep values the server rewrote (and forbids changing, or would act on again) as the server
        has them; `old_inputs` tells which of the user's values are unchanged since the last update."""

    def after_apply(self, ctx: OperationContext, inputs: dict[str, Any], live: dict[str, Any]) -> None:
        """Hook run once the object exists (e.g. to point a companion object's owner reference at it)."""

    def update(self, request: UpdateRequest) -> UpdateResult:
        ctx, resource_id, old_inputs, news = request.ctx, request.id, request.old_inputs, request.inputs
        namespace, name = split_id(resource_id)
        current = self.get(ctx, namespace, name)
        if current is None:
            raise ProviderError(
                f"{self.kube.kind} {resource_id} no longer exists; run `pulumi refresh` and `pulumi up` to recreate it"
            )
        self.before_apply(ctx, news, current)
        body = self.update_body(old_inputs, news, current, self.api_version(ctx))
        live = self.apply(ctx, body, old_inputs)
        try:
            live = self.wait_ready(ctx, news, live)
        except Exception as error:
            latest = self._latest(ctx, namespace, name, error) or live
            raise PartialFailure(
                resource_id, self.outputs(news, latest), news, failure_reason(error)
            ) from None
        return UpdateResult(self.outputs(news, live))

    def read(self, request: ReadRequest) -> ReadResult | None:
        ctx, resource_id, inputs = request.ctx, request.id, request.inputs
        namespace, name = split_id(resource_id)
        live = self.state.snapshots.find(
            self.kube.kind, namespace, name, lambda: self._list_namespace(ctx, namespace)
        ) or self.get(ctx, namespace, name)
        if live is None:
            return None
        from_live = self.live_inputs(live)
        if inputs:
            # Only what the user manages is read back; provider options (waitFor, ...) stay as written.
            new_inputs = dict(inputs)
            for key in ("metadata", "spec"):
                if key in inputs:
                    new_inputs[key] = project_onto(inputs[key], from_live.get(key, {}))
        else:
            new_inputs = from_live
        return ReadResult(resource_id, self.outputs(new_inputs, live), new_inputs)

    def _list_namespace(self, ctx: OperationContext, namespace: str) -> list[dict[str, Any]]:
        api_version = self.api_version(ctx)
        return [
            {"apiVersion": api_version, "kind": self.kube.kind, **item}
            for item in self.state.kube.list(ctx, self.kind_ref, namespace)
        ]

    def live_inputs(self, live: dict[str, Any]) -> dict[str, Any]:
        """The inputs that would produce `live`, without what the server filled in (used by import)."""
        meta = live.get("metadata", {})
        imported_meta: dict[str, Any] = {"name": meta.get("name"), "namespace": meta.get("namespace")}
        labels = {
            k: v for k, v in (meta.get("labels") or {}).items() if not k.startswith(SYSTEM_LABEL_PREFIXES)
        }
        annotations = {
            k: v
            for k, v in (meta.get("annotations") or {}).items()
            if not k.startswith(SYSTEM_ANNOTATION_PREFIXES)
        }
        if labels:
            imported_meta["labels"] = labels
        if annotations:
            imported_meta["annotations"] = annotations
        result: dict[str, Any] = {"metadata": imported_meta}
        spec = self.strip_server_defaults(live.get("spec") or {})
        if spec:
            result["spec"] = spec
        return result

    def strip_server_defaults(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The spec without what the Supervisor fills in (the fields' declared `server_default`)."""
        spec_prop = self.definition.inputs.get("spec")
        if spec_prop is None or spec_prop.obj is None:
            return spec
        return strip_server_defaults(spec_prop.obj.properties, spec)

    def delete(self, request: DeleteRequest) -> None:
        ctx, resource_id = request.ctx, request.id
        namespace, name = split_id(resource_id)
        if not self.state.kube.delete(ctx, self.kind_ref, namespace, name):
            return
        self.wait_for(
            ctx,
            namespace,
            name,
            deletion_readiness(),
            f"waiting for {self.kube.kind} {namespace}/{name} to be deleted",
        )


def wait_for_object(
    kube: SupervisorClient,
    ctx: OperationContext,
    ref: KindRef,
    namespace: str,
    name: str,
    readiness: Readiness[Obj],
    doing: str,
) -> Obj | None:
    """The wait loop on a Supervisor object: read it, then watch it from the version read."""

    def watch(current: Obj | None) -> Iterator[Obj | None]:
        after = (current or {}).get("metadata", {}).get("resourceVersion")
        return kube.watch(ctx, ref, namespace, name, after, doing)

    return wait_until(
        readiness,
        get=lambda: kube.get(ctx, ref, namespace, name),
        watch=watch,
        waiter=ctx,
        doing=doing,
        report=ctx.status,
    )


class _SupervisorFacts:
    """Server facts from the Supervisor's API discovery and published capabilities; unknown (None) when it
    cannot be asked."""

    def __init__(self, handler: KubeObjectHandler):
        self._handler = handler

    def api_version_at_least(self, version: str) -> bool | None:
        served = self._handler.reachable_api_version()
        if served is None:
            return None
        return version_order(served.split("/")[1]) >= version_order(version)

    def capability(self, name: str) -> bool | None:
        """From the Supervisor's published capabilities (read once per plugin process). A capability it does
        not publish is off, as VM Operator treats it, except class resize, which VM Operator gates with a
        deployment switch: unpublished, it follows the API version (v1alpha3+)."""
        from pulumi_vmservice_provider.clients.capabilities import KEYS, supervisor_capabilities

        try:
            published = supervisor_capabilities(self._handler.state.kube)
        except Exception:  # no usable kubeconfig: nothing can be asked
            return None
        if published is None:
            return None
        key = KEYS.get(name, name)
        if key in published:
            return published[key]
        if name == "VMResize":
            return self.api_version_at_least("v1alpha3")
        return False


def mark_urn(body: dict[str, Any], urn: str) -> None:
    """Put the resource's URN on the object it writes (see URN_ANNOTATION)."""
    if urn.startswith("urn:pulumi:"):
        body["metadata"]["annotations"] = {**(body["metadata"].get("annotations") or {}), URN_ANNOTATION: urn}


def failure_reason(error: BaseException) -> str:
    """The message of a failed wait: a provider error as it is, anything else with its type."""
    if isinstance(error, ProviderError):
        return str(error)
    return f"unexpected error while waiting: {type(error).__name__}: {error}"


def version_order(version: str) -> tuple[int, int]:
    """v1alpha2 < v1alpha3 < ... < v1beta1 < v1."""
    import re

    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not match:
        return (0, 0)
    major, stage, number = match.groups()
    rank = {"alpha": 0, "beta": 1}.get(stage or "", 2)
    return (int(major) * 10 + rank, int(number or 0))


def fields_needing_version(props: Any, values: Any, base: str = "") -> list[tuple[str, str]]:
    """(path, version) for every set field whose definition says which API version introduced it."""
    from pulumi_vmservice_provider.model import paths

    found: list[tuple[str, str]] = []
    if not isinstance(values, dict):
        return found
    for key, value in values.items():
        prop = props.get(key) if props is not None else None
        if prop is None or value is None:
            continue
        path = paths.join(base, key)
        if prop.since:
            found.append((path, prop.since))
        if prop.kind == "object" and prop.obj is not None:
            found.extend(fields_needing_version(prop.obj.properties, value, path))
        elif (
            prop.kind == "array"
            and prop.items is not None
            and prop.items.obj is not None
            and isinstance(value, list)
        ):
            for index, item in enumerate(value):
                found.extend(fields_needing_version(prop.items.obj.properties, item, paths.join(path, index)))
    return found


def project_onto(shape: Any, live: Any) -> Any:
    """Take from `live` only what `shape` (the user's inputs) has, keeping secrets as they were.

    Secrets are not read back (the Supervisor holds only a reference to them), so they stay as written.
    """
    if isinstance(shape, Secret):
        return shape
    if isinstance(shape, dict):
        if not isinstance(live, dict):
            return live
        projected: dict[str, Any] = {}
        for key, value in shape.items():
            if isinstance(value, Secret):
                projected[key] = value
            elif key in live:
                projected[key] = project_onto(value, live[key])
        return projected
    if isinstance(shape, list) and isinstance(live, list):
        return [project_onto(shape[i], item) if i < len(shape) else item for i, item in enumerate(live)]
    return live
