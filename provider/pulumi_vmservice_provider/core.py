"""The provider's behaviour, independent of gRPC: configure, check, diff and CRUD over the model."""

from __future__ import annotations

import hashlib
import importlib
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from pulumi_vmservice_provider.clients.kube import KubeClient
from pulumi_vmservice_provider.context import LogSink, OperationContext, Redactor
from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.model.check import Failure, check_properties
from pulumi_vmservice_provider.model.config import CONFIG
from pulumi_vmservice_provider.model.diff import Change, diff_properties
from pulumi_vmservice_provider.model.registry import FUNCTIONS, RESOURCES
from pulumi_vmservice_provider.model.types import ResourceDef
from pulumi_vmservice_provider.resources.base import ResourceHandler
from pulumi_vmservice_provider.settings import Settings, resolve
from pulumi_vmservice_provider.wire import UNKNOWN, Secret, reveal, secret_strings

DEFAULT_TIMEOUT_SECONDS = 20 * 60
AUTONAMED = "__autonamed"


@dataclass
class DiffResult:
    changes: list[Change]
    delete_before_replace: bool

    @property
    def replaces(self) -> list[Change]:
        return [c for c in self.changes if c.replaces]


@dataclass
class ProviderState:
    """Configuration and lazily created clients, shared by all operations of one plugin process."""

    settings: Settings = field(default_factory=Settings)
    cancelled: threading.Event = field(default_factory=threading.Event)
    _kube: KubeClient | None = None
    _handlers: dict[str, ResourceHandler] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def kube(self) -> KubeClient:
        with self._lock:
            if self._kube is None:
                self._kube = KubeClient(self.settings)
            return self._kube

    def settings_allow_server_checks(self) -> bool:
        """Checks against the Supervisor run only when one is configured (never during offline previews)."""
        return not self.settings.has_unknowns and bool(self.settings.kubeconfig)

    def handler(self, token: str) -> ResourceHandler:
        definition = resource_def(token)
        with self._lock:
            if token not in self._handlers:
                module_name, class_name = definition.handler.split(":")
                module = importlib.import_module(f"pulumi_vmservice_provider.resources.{module_name}")
                self._handlers[token] = getattr(module, class_name)(definition, self)
            return self._handlers[token]


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
        self.log_sink = log_sink

    # ---- configuration -------------------------------------------------------------------------
    def check_config(self, news: dict[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
        props = {key: spec.prop for key, spec in CONFIG.items()}
        # The engine adds `version` for default providers; it is not ours to validate.
        extra = {k: v for k, v in news.items() if k == "version"}
        checked, failures = check_properties(props, {k: v for k, v in news.items() if k != "version"})
        checked.update(extra)
        return checked, failures

    def configure(self, config: dict[str, Any]) -> None:
        self.state.settings = resolve(config)

    # ---- check ---------------------------------------------------------------------------------
    def check(
        self, token: str, name: str, olds: dict[str, Any], news: dict[str, Any], seed: bytes
    ) -> tuple[dict[str, Any], list[Failure]]:
        definition = resource_def(token)
        checked, failures = check_properties(definition.inputs, news)
        if definition.kube is not None:
            self._fill_metadata(name, olds, checked, seed, failures)
        if not failures:
            plain = reveal(checked)
            validators = definition.validators + (definition.create_validators if not olds else ())
            for validator in validators:
                failures.extend(Failure(path, reason) for path, reason in validator(plain))
        if not failures and self.state.settings_allow_server_checks():
            handler = self.state.handler(token)
            failures.extend(Failure(path, reason) for path, reason in handler.validate_with_server(checked))
        return checked, failures

    def _fill_metadata(
        self, name: str, olds: dict[str, Any], checked: dict[str, Any], seed: bytes, failures: list[Failure]
    ) -> None:
        meta = checked.get("metadata")
        if meta is UNKNOWN:
            return
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
    def diff(self, token: str, old_inputs: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        definition = resource_def(token)
        changes = diff_properties(definition.inputs, old_inputs, news)
        changes = self.state.handler(token).adjust_diff(old_inputs, news, changes)
        named = not news.get(AUTONAMED)
        return DiffResult(
            changes, delete_before_replace=named and definition.delete_before_replace_when_named
        )

    # ---- CRUD ----------------------------------------------------------------------------------
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

    def preview(
        self, token: str, inputs: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return self.state.handler(token).preview_outputs(inputs, olds)

    def create(self, token: str, ctx: OperationContext, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return self.state.handler(token).create(ctx, inputs)

    def read(
        self,
        token: str,
        ctx: OperationContext,
        resource_id: str,
        state: dict[str, Any],
        inputs: dict[str, Any] | None,
    ) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        return self.state.handler(token).read(ctx, resource_id, state, inputs)

    def update(
        self,
        token: str,
        ctx: OperationContext,
        resource_id: str,
        olds: dict[str, Any],
        old_inputs: dict[str, Any],
        news: dict[str, Any],
    ) -> dict[str, Any]:
        return self.state.handler(token).update(ctx, resource_id, olds, old_inputs, news)

    def delete(
        self,
        token: str,
        ctx: OperationContext,
        resource_id: str,
        olds: dict[str, Any],
        old_inputs: dict[str, Any],
    ) -> None:
        self.state.handler(token).delete(ctx, resource_id, olds, old_inputs)

    def invoke(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        definition = FUNCTIONS.get(token)
        if definition is None:
            raise InvalidInputs(
                [("tok", f"unknown function {token!r}; known: {', '.join(sorted(FUNCTIONS)) or 'none'}")]
            )
        checked, failures = check_properties(definition.inputs, args)
        if failures:
            raise InvalidInputs([(f.path, f.reason) for f in failures])
        module_name, function_name = definition.handler.split(":")
        module = importlib.import_module(f"pulumi_vmservice_provider.resources.{module_name}")
        ctx = self.context(token, DEFAULT_TIMEOUT_SECONDS, checked)
        result: dict[str, Any] = getattr(module, function_name)(self.state, ctx, checked)
        secret_keys = {k for k, p in definition.outputs.items() if p.secret}
        return {k: Secret(v) if k in secret_keys and v is not None else v for k, v in result.items()}


def autoname(logical_name: str, seed: bytes) -> str:
    """`<logical name>-<7 random chars>`, deterministic for the engine's random seed, DNS-1123 safe."""
    base = re.sub(r"[^a-z0-9-]+", "-", logical_name.lower()).strip("-")[:50] or "vm"
    digest = hashlib.sha256(seed or logical_name.encode()).hexdigest()
    return f"{base}-{digest[:7]}"
