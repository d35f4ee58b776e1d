"""The provider's behaviour, independent of gRPC: configure, check, diff and CRUD over the model."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.context import LogSink, OperationContext, Redactor
from pulumi_vmservice_provider.errors import InvalidInputs, PartialFailure, ServerRejected
from pulumi_vmservice_provider.model import paths
from pulumi_vmservice_provider.model.check import Failure, check_properties
from pulumi_vmservice_provider.model.config import CONFIG, validate_config
from pulumi_vmservice_provider.model.decode import Marks, decode, encode
from pulumi_vmservice_provider.model.plan import Plan, build_plan, plan_key
from pulumi_vmservice_provider.model.registry import FUNCTIONS, RESOURCES
from pulumi_vmservice_provider.model.types import ResourceDef
from pulumi_vmservice_provider.operations import (
    CreateRequest,
    DeleteRequest,
    DryRunRequest,
    DryRunResult,
    InvokeRequest,
    Planned,
    PreviewRequest,
    PropertyMap,
    ReadRequest,
    UpdateRequest,
)
from pulumi_vmservice_provider.resources import registry
from pulumi_vmservice_provider.resources.admission import Verdict
from pulumi_vmservice_provider.resources.base import ResourceHandler
from pulumi_vmservice_provider.resources.state import ProviderState
from pulumi_vmservice_provider.settings import resolve
from pulumi_vmservice_provider.wire import UNKNOWN, Secret, reveal, secret_strings

DEFAULT_TIMEOUT_SECONDS = 20 * 60
# Lookups run during previews: an unreachable backend must fail them in seconds, not minutes.
INVOKE_TIMEOUT_SECONDS = 10
AUTONAMED = "__autonamed"
STATIC_RULES_WARNING = (
    "could not ask the Supervisor to judge the planned changes ({why}); the preview uses the provider's "
    "static rules"
)


@dataclass
class Plans:
    """The plans Diff made, kept for the Update that follows it in the same plugin process, so an update
    executes exactly what the preview showed and the diff is computed once."""

    limit: int = 20_000
    _plans: dict[str, Plan] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def remember(self, key: str, plan: Plan) -> None:
        with self._lock:
            if len(self._plans) >= self.limit:
                self._plans.pop(next(iter(self._plans)))
            self._plans[key] = plan

    def take(self, key: str) -> Plan | None:
        with self._lock:
            return self._plans.pop(key, None)


@dataclass
class Handlers:
    """One handler instance per resource type, created on first use."""

    state: ProviderState
    _instances: dict[str, ResourceHandler] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, token: str) -> ResourceHandler:
        definition = resource_def(token)
        with self._lock:
            if token not in self._instances:
                self._instances[token] = registry.make_handler(definition, self.state)
            return self._instances[token]


def resource_def(token: str) -> ResourceDef:
    try:
        return RESOURCES[token]
    except KeyError:
        raise InvalidInputs(
            [("type", f"unknown resource type {token!r}; known: {', '.join(sorted(RESOURCES))}")]
        ) from None


class Provider:
    def __init__(self, log_sink: LogSink):
        self.state = ProviderState()
        self.handler = Handlers(self.state)
        self._in_state: set[str] = set()  # URNs Check saw with old inputs in this plugin process
        self.log_sink = log_sink
        self._static_rules_warned = threading.Event()  # one warning per plugin process, not one per resource
        self.plans = Plans()

    # ---- configuration -------------------------------------------------------------------------
    def check_config(self, news: PropertyMap) -> tuple[PropertyMap, list[Failure]]:
        props = {key: spec.prop for key, spec in CONFIG.items()}
        # The engine adds `version` for default providers; it is not ours to validate.
        extra = {k: v for k, v in news.items() if k == "version"}
        checked, failures = check_properties(props, {k: v for k, v in news.items() if k != "version"})
        if not failures:
            failures = [Failure(path, reason) for path, reason in validate_config(reveal(checked))]
        checked.update(extra)
        return checked, without_secrets(failures, news, checked)

    def configure(self, config: PropertyMap) -> None:
        self.state.reconfigure(resolve(config))

    # ---- check ---------------------------------------------------------------------------------
    def check(
        self, token: str, name: str, olds: PropertyMap, news: PropertyMap, seed: bytes, urn: str = ""
    ) -> tuple[PropertyMap, list[Failure]]:
        definition = resource_def(token)
        checked, failures = check_properties(definition.inputs, news)
        if olds:
            self._in_state.add(urn)
        if definition.kube is not None:
            # A resource that is not in state gets a name derived from its URN, so an `up` that was
            # interrupted (plugin killed) names it the same way again and finds the object it created; a
            # replacement (the URN is in state) gets a fresh name from the engine's random seed.
            naming_seed = seed if urn in self._in_state or not urn else urn.encode()
            self._fill_metadata(name, olds, checked, naming_seed, failures)
        if not failures:
            plain = reveal(checked)
            validators = definition.validators + (definition.create_validators if not olds else ())
            for validator in validators:
                failures.extend(Failure(path, reason) for path, reason in validator(plain))
        if not failures:
            handler = self.handler(token)
            decoded = decode(checked)
            # An update whose inputs did not change sends nothing: there is nothing for the Supervisor to judge.
            unchanged = bool(olds) and reveal(olds) == reveal(checked)
            verdict = Verdict() if unchanged else handler.admission(decoded, decode(olds) if olds else None)
            failures += [
                Failure(paths.to_property(e.field, definition.inputs), str(e)) for e in verdict.refusals()
            ]
            if not failures and self.state.server_checks_allowed():
                validated = handler.validate_with_server(decoded.value)
                failures.extend(Failure(path, reason) for path, reason in validated)
            elif not olds and verdict.unjudged and not self.state.server_checks_allowed():
                message = secrets_redactor(news, checked)(unjudged_message(verdict.unjudged))
                self.log_sink("INFO", message, urn, False)
        return checked, without_secrets(failures, news, checked)

    def _fill_metadata(
        self, name: str, olds: PropertyMap, checked: PropertyMap, seed: bytes, failures: list[Failure]
    ) -> None:
        meta = checked.get("metadata")
        if meta is UNKNOWN or not isinstance(meta, dict | None):
            return  # Check already reported a metadata that is not an object
        meta = dict(meta or {})
        checked.pop(AUTONAMED, None)
        if meta.get("name") is None:
            old_meta = olds.get("metadata") if isinstance(olds.get("metadata"), dict) else {}
            assert isinstance(old_meta, dict)
            if olds.get(AUTONAMED) and isinstance(old_meta.get("name"), str):
                meta["name"] = old_meta["name"]
            else:
                meta["name"] = autoname(name, seed)
            checked[AUTONAMED] = True
        if meta.get("namespace") is None:
            if self.state.settings.namespace:
                meta["namespace"] = self.state.settings.namespace
            elif self.state.settings.has_unknowns:
                meta["namespace"] = UNKNOWN
            else:
                failures.append(
                    Failure(
                        "metadata.namespace",
                        "missing: set metadata.namespace or the provider's `namespace` "
                        "(config vmservice:namespace or VMSERVICE_NAMESPACE)",
                    )
                )
        checked["metadata"] = meta

    # ---- diff ----------------------------------------------------------------------------------
    def diff(
        self, token: str, old_inputs: PropertyMap, news: PropertyMap, resource_id: str = "", urn: str = ""
    ) -> Plan:
        """The plan of the change, by the model's modifiers; an in-place update of an existing object is then
        sent to the server as a dry run, whose refusals to change a field in place become replacements (with
        the server's words as the reason) and whose other denials fail the diff."""
        plan = self._plan(token, old_inputs, news)
        if plan.changes and resource_id and not plan.replaces:
            request = DryRunRequest(urn, decode(news), resource_id, decode(old_inputs), plan)
            verdict = self._dry_run(token, request)
            if verdict is not None:  # the Supervisor judged it: nothing is left unjudged
                plan = dataclasses.replace(plan, unjudged=())
                if verdict.refusals:
                    refused = [(r.path, r.message) for r in verdict.refusals]
                    plan = plan.with_refusals(refused, resource_def(token).inputs)
        if plan.replaces and resource_id:
            # The replacement is a create of the new inputs: the Supervisor judges that (a denial fails the
            # preview), not the in-place update it refused.
            verdict = self._dry_run(token, DryRunRequest(urn, decode(news), replacing=resource_id))
            if verdict is not None:
                plan = dataclasses.replace(plan, unjudged=())
        self.plans.remember(plan_key(urn, old_inputs, news), plan)
        return plan

    def _plan(self, token: str, old_inputs: PropertyMap, news: PropertyMap) -> Plan:
        definition = resource_def(token)
        named = not news.get(AUTONAMED)
        handler = self.handler(token)
        plan = build_plan(
            definition,
            old_inputs,
            news,
            handler.server_facts(),
            delete_before_replace=named and definition.delete_before_replace_when_named,
        )
        if plan.changes:
            decoded = decode(news)
            verdict = handler.admission(decoded, decode(old_inputs))
            plan = plan.with_admission(verdict.errors, definition, old_inputs, news)
            unjudged = verdict.unjudged
            if plan.replaces:
                created = handler.admission(decoded, None)
                plan = plan.with_create_refusals(created.refusals(), definition)
                unjudged = tuple(dict.fromkeys((*unjudged, *created.unjudged)))
            plan = dataclasses.replace(plan, unjudged=unjudged)
            plan = plan.redacted(secrets_redactor(old_inputs, news))
        if plan.refused:
            raise InvalidInputs(plan.refused)
        return plan

    # ---- CRUD: each request decoded once, each answer's secrets wrapped again -------------------
    def context(self, urn: str, timeout: float, *values: Any) -> OperationContext:
        secrets: set[str] = set(self.state.settings.secrets)
        for value in values:
            secrets |= secret_strings(value)
        return OperationContext(
            urn=urn,
            cancelled=self.state.cancelled,
            timeout_seconds=timeout or DEFAULT_TIMEOUT_SECONDS,
            log_sink=self.log_sink,
            redact=Redactor(secrets),
        )

    def _outputs(self, token: str, outputs: JSONObject, marks: Marks) -> PropertyMap:
        """A handler's plain outputs as Pulumi values: secret where the request was, and where the model says."""
        declared = frozenset((key,) for key, prop in resource_def(token).outputs.items() if prop.secret)
        return encode(outputs, marks | Marks(secrets=declared))

    def _partial(self, token: str, failure: PartialFailure, marks: Marks) -> PartialFailure:
        return PartialFailure(
            failure.resource_id,
            self._outputs(token, failure.outputs, marks),
            encode(failure.inputs, marks),
            failure.reason,
        )

    def preview(
        self, token: str, inputs: PropertyMap, state: PropertyMap | None = None, urn: str = ""
    ) -> PropertyMap:
        """Planned outputs. For a create, the server's dry run of the new object adds what its webhooks fill
        in (see the handler's `planned_outputs`); a denial fails the preview."""
        decoded = decode(inputs)
        request = PreviewRequest(decoded, decode(state) if state is not None else None)
        planned = self.handler(token).preview(request)
        if not request.is_update:
            verdict = self._dry_run(token, DryRunRequest(urn, decoded))
            if verdict is not None and verdict.planned is not None:
                unknown = planned.unknown.unknowns - {(key,) for key in verdict.planned.outputs}
                planned = Planned(
                    {**planned.outputs, **verdict.planned.outputs},
                    Marks(unknowns=unknown | verdict.planned.unknown.unknowns),
                )
        return self._outputs(token, planned.outputs, decoded.marks | planned.unknown)

    def _dry_run(self, token: str, request: DryRunRequest) -> DryRunResult | None:
        """The server's verdict on a planned object, or None when it cannot judge it: the kind has no dry
        run, the plan has unknowns (they cannot be sent), or the server cannot be asked (then the preview
        warns once per process that it uses the static rules). Denials are redacted like any message."""
        handler = self.handler(token)
        if not handler.judged_by_server or not request.inputs.known:
            return None
        if not self.state.server_checks_allowed():
            why = (
                "the provider's configuration is not known yet"
                if self.state.settings.has_unknowns
                else ("no Supervisor kubeconfig is configured")
            )
            verdict = DryRunResult(unavailable=why)
        else:
            old_marks = request.old_inputs.marks if request.old_inputs is not None else Marks()
            redact = Redactor(request.inputs.marks.secret_texts | old_marks.secret_texts)
            try:
                verdict = handler.dry_run(request)
            except ServerRejected as error:
                raise ServerRejected(redact(str(error))) from None
            verdict = dataclasses.replace(
                verdict,
                refusals=tuple(dataclasses.replace(r, message=redact(r.message)) for r in verdict.refusals),
            )
        if verdict.unavailable is not None:
            if not self._static_rules_warned.is_set():
                self._static_rules_warned.set()
                self.log_sink("WARNING", STATIC_RULES_WARNING.format(why=verdict.unavailable), "", False)
            return None
        return verdict

    def create(self, token: str, ctx: OperationContext, inputs: PropertyMap) -> tuple[str, PropertyMap]:
        decoded = decode(inputs)
        try:
            created = self.handler(token).create(CreateRequest(ctx, decoded))
        except PartialFailure as failure:
            raise self._partial(token, failure, decoded.marks) from None
        return created.id, self._outputs(token, created.outputs, decoded.marks)

    def read(
        self,
        token: str,
        ctx: OperationContext,
        resource_id: str,
        state: PropertyMap,
        inputs: PropertyMap | None,
    ) -> tuple[str, PropertyMap, PropertyMap] | None:
        old_state, old_inputs = decode(state), decode(inputs or {})
        found = self.handler(token).read(ReadRequest(ctx, resource_id, old_state, old_inputs))
        if found is None:
            return None
        marks = old_state.marks | old_inputs.marks
        return found.id, self._outputs(token, found.outputs, marks), encode(found.inputs, old_inputs.marks)

    def update(
        self,
        token: str,
        ctx: OperationContext,
        resource_id: str,
        state: PropertyMap,
        old_inputs: PropertyMap,
        news: PropertyMap,
    ) -> PropertyMap:
        """Execute the plan Diff made for this change (computed here only when this process made none)."""
        plan = self.plans.take(plan_key(ctx.urn, old_inputs, news)) or self._plan(token, old_inputs, news)
        decoded = decode(news)
        request = UpdateRequest(ctx, resource_id, decode(state), decode(old_inputs), decoded, plan)
        try:
            updated = self.handler(token).update(request)
        except PartialFailure as failure:
            raise self._partial(token, failure, decoded.marks) from None
        return self._outputs(token, updated.outputs, decoded.marks)

    def delete(
        self, token: str, ctx: OperationContext, resource_id: str, state: PropertyMap, old_inputs: PropertyMap
    ) -> None:
        self.handler(token).delete(DeleteRequest(ctx, resource_id, decode(state), decode(old_inputs)))

    def invoke(self, token: str, args: PropertyMap) -> PropertyMap:
        definition = FUNCTIONS.get(token)
        if definition is None:
            raise InvalidInputs(
                [("tok", f"unknown function {token!r}; known: {', '.join(sorted(FUNCTIONS)) or 'none'}")]
            )
        checked, failures = check_properties(definition.inputs, args)
        if failures:
            raise InvalidInputs([(f.path, f.reason) for f in failures])
        decoded = decode(checked)
        if decoded.marks.unknowns:
            raise InvalidInputs(
                [
                    (paths.join_all(path), "not known yet: a lookup needs known arguments")
                    for path in sorted(decoded.marks.unknowns, key=str)
                ]
            )
        waits = decoded.value.get("timeoutSeconds")
        timeout = INVOKE_TIMEOUT_SECONDS + (waits if isinstance(waits, int) else 0)
        ctx = self.context(token, timeout, checked)
        result = registry.function_impl(token)(self.state, InvokeRequest(ctx, decoded))
        secret_keys = {k for k, p in definition.outputs.items() if p.secret}
        return {k: Secret(v) if k in secret_keys and v is not None else v for k, v in result.items()}


def unjudged_message(unjudged: tuple[str, ...]) -> str:
    """What the preview says about the Supervisor's rules it could not judge offline."""
    listed = "; ".join(unjudged[:8]) + (f"; and {len(unjudged) - 8} more" if len(unjudged) > 8 else "")
    return (
        f"{len(unjudged)} of the Supervisor's admission rules could not be judged without asking it "
        f"(the Supervisor checks them at apply time): {listed}"
    )


def secrets_redactor(*values: PropertyMap) -> Redactor:
    """Masks every secret of the values, also as quoted in a message (with escapes: see Redactor)."""
    hidden: set[str] = set()
    for value in values:
        hidden |= secret_strings(value)
    return Redactor(hidden)


def without_secrets(failures: list[Failure], *values: PropertyMap) -> list[Failure]:
    """The failures with every secret value of the inputs (given as secret or secret by the model) masked:
    a failure names the property, never quotes a secret."""
    hidden: set[str] = set()
    for value in values:
        hidden |= secret_strings(value)
    if not hidden:
        return failures
    redact = Redactor(hidden)
    return [Failure(redact(f.path), redact(f.reason)) for f in failures]


def autoname(logical_name: str, seed: bytes) -> str:
    """`<logical name>-<7 hex chars>`, deterministic for the seed, DNS-1123 safe."""
    base = re.sub(r"[^a-z0-9-]+", "-", logical_name.lower()).strip("-")[:50] or "vm"
    digest = hashlib.sha256(seed or logical_name.encode()).hexdigest()
    return f"{base}-{digest[:7]}"
