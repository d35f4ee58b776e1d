"""Pulumi's ResourceProvider service: decodes requests, calls `provider.core`, encodes answers.

Nothing here knows about Kubernetes or vCenter. Errors become gRPC codes that the engine reads as clean
failures; a create that leaves an object behind is reported as a partial failure so it stays in state.
"""

from __future__ import annotations

import collections
import contextlib
import json
import threading
import traceback
from typing import Any

import grpc
from google.protobuf import any_pb2, empty_pb2

from pulumi_vmservice_provider import __version__
from pulumi_vmservice_provider.core import Provider, unjudged_message
from pulumi_vmservice_provider.errors import InvalidInputs, PartialFailure, ProviderError
from pulumi_vmservice_provider.model.plan import Plan
from pulumi_vmservice_provider.server.proto import (
    engine_pb2,
    engine_pb2_grpc,
    plugin_pb2,
    provider_pb2,
    provider_pb2_grpc,
    status_pb2,
)
from pulumi_vmservice_provider.wire import dict_to_struct, struct_to_dict

_KIND = {
    ("add", False): provider_pb2.PropertyDiff.ADD,
    ("add", True): provider_pb2.PropertyDiff.ADD_REPLACE,
    ("delete", False): provider_pb2.PropertyDiff.DELETE,
    ("delete", True): provider_pb2.PropertyDiff.DELETE_REPLACE,
    ("update", False): provider_pb2.PropertyDiff.UPDATE,
    ("update", True): provider_pb2.PropertyDiff.UPDATE_REPLACE,
}
_SEVERITY = {name: engine_pb2.LogSeverity.Value(name) for name in ("DEBUG", "INFO", "WARNING", "ERROR")}


class _Status(collections.namedtuple("_Status", ("code", "details", "trailing_metadata")), grpc.Status):  # type: ignore[misc]
    pass


class EngineLog:
    """Sends log and status messages to the engine's Log service (never to stdout)."""

    def __init__(self) -> None:
        self._stub: Any = None
        self._lock = threading.Lock()

    def connect(self, address: str) -> None:
        if not address:
            return
        with self._lock:
            channel = grpc.insecure_channel(address)
            self._stub = engine_pb2_grpc.EngineStub(channel)

    def __call__(self, severity: str, message: str, urn: str, ephemeral: bool) -> None:
        stub = self._stub
        if stub is None:
            return
        with contextlib.suppress(grpc.RpcError):  # logging must never fail an operation
            stub.Log(
                engine_pb2.LogRequest(
                    severity=_SEVERITY[severity], message=message, urn=urn, ephemeral=ephemeral
                ),
                timeout=10,
            )


def _type_of(urn: str) -> str:
    # urn:pulumi:stack::project::[parent$]type::name
    return urn.split("::")[2].split("$")[-1] if urn.count("::") >= 3 else ""


class ResourceProviderServicer(provider_pb2_grpc.ResourceProviderServicer):  # type: ignore[misc]
    def __init__(self, engine_address: str = ""):
        self.log = EngineLog()
        self.log.connect(engine_address)
        self.provider = Provider(self.log)

    # ---- errors --------------------------------------------------------------------------------
    def _fail(self, context: Any, error: BaseException, redact: Any = None) -> None:
        redact = redact or (lambda text: text)
        if isinstance(error, PartialFailure):
            detail = provider_pb2.ErrorResourceInitFailed(
                id=error.resource_id,
                properties=dict_to_struct(error.outputs),
                inputs=dict_to_struct(error.inputs),
                reasons=[redact(error.reason)],
            )
            packed = any_pb2.Any()
            packed.Pack(detail)
            message = redact(error.reason)
            status = status_pb2.Status(
                code=grpc.StatusCode.UNKNOWN.value[0], message=message, details=[packed]
            )
            context.abort_with_status(
                _Status(
                    grpc.StatusCode.UNKNOWN,
                    message,
                    (("grpc-status-details-bin", status.SerializeToString()),),
                )
            )
        if isinstance(error, ProviderError):
            context.abort(getattr(grpc.StatusCode, error.code), redact(str(error)))
        self.log("DEBUG", redact(traceback.format_exc()), "", False)
        context.abort(
            grpc.StatusCode.INTERNAL, redact(f"unexpected provider error: {type(error).__name__}: {error}")
        )

    # ---- plugin lifecycle ----------------------------------------------------------------------
    def Handshake(self, request: Any, context: Any) -> Any:
        self.log.connect(request.engine_address)
        return provider_pb2.ProviderHandshakeResponse(
            accept_secrets=True,
            accept_resources=False,
            accept_outputs=False,
            supports_autonaming_configuration=True,
        )

    def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return plugin_pb2.PluginInfo(version=__version__)

    def GetSchema(self, request: Any, context: Any) -> Any:
        from pulumi_vmservice_provider.schema import generate

        return provider_pb2.GetSchemaResponse(schema=json.dumps(generate(), indent=2, sort_keys=True))

    def Attach(self, request: Any, context: Any) -> Any:
        self.log.connect(request.address)
        return empty_pb2.Empty()

    def Cancel(self, request: Any, context: Any) -> Any:
        self.provider.state.cancelled.set()
        return empty_pb2.Empty()

    # ---- configuration -------------------------------------------------------------------------
    def CheckConfig(self, request: Any, context: Any) -> Any:
        checked, failures = self.provider.check_config(struct_to_dict(request.news))
        return provider_pb2.CheckResponse(
            inputs=dict_to_struct(checked),
            failures=[provider_pb2.CheckFailure(property=f.path, reason=f.reason) for f in failures],
        )

    def DiffConfig(self, request: Any, context: Any) -> Any:
        old = struct_to_dict(request.old_inputs) or struct_to_dict(request.olds)
        new = struct_to_dict(request.news)
        changed = sorted(k for k in set(old) | set(new) if k != "version" and old.get(k) != new.get(k))
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME if changed else provider_pb2.DiffResponse.DIFF_NONE,
            diffs=changed,
            hasDetailedDiff=True,
            detailedDiff={
                k: provider_pb2.PropertyDiff(kind=provider_pb2.PropertyDiff.UPDATE, inputDiff=True)
                for k in changed
            },
        )

    def Configure(self, request: Any, context: Any) -> Any:
        from pulumi_vmservice_provider.settings import parse_config_variables

        config = parse_config_variables(dict(request.variables), struct_to_dict(request.args))
        self.provider.configure(config)
        return provider_pb2.ConfigureResponse(
            acceptSecrets=True,
            supportsPreview=True,
            acceptResources=False,
            supports_autonaming_configuration=True,
        )

    # ---- resources -----------------------------------------------------------------------------
    def Check(self, request: Any, context: Any) -> Any:
        try:
            checked, failures = self.provider.check(
                request.type or _type_of(request.urn),
                request.name,
                struct_to_dict(request.olds),
                struct_to_dict(request.news),
                bytes(request.randomSeed),
                urn=request.urn,
            )
        except InvalidInputs as error:
            return provider_pb2.CheckResponse(
                failures=[provider_pb2.CheckFailure(property=p, reason=r) for p, r in error.failures]
            )
        return provider_pb2.CheckResponse(
            inputs=dict_to_struct(checked),
            failures=[provider_pb2.CheckFailure(property=f.path, reason=f.reason) for f in failures],
        )

    def Diff(self, request: Any, context: Any) -> Any:
        token = request.type or _type_of(request.urn)
        old_inputs = struct_to_dict(request.old_inputs)
        try:
            plan = self.provider.diff(
                token, old_inputs, struct_to_dict(request.news), request.id, request.urn
            )
        except Exception as error:
            self._fail(context, error)
            raise
        for warning in plan.warnings():
            self.log("WARNING", warning, request.urn, False)
        if plan.unjudged:
            self.log("INFO", unjudged_message(plan.unjudged), request.urn, False)
        return _diff_response(plan)

    def Create(self, request: Any, context: Any) -> Any:
        token = request.type or _type_of(request.urn)
        inputs = struct_to_dict(request.properties)
        if request.preview:
            try:
                planned = self.provider.preview(token, inputs, None, request.urn)
            except Exception as error:
                self._fail(context, error)
                raise
            return provider_pb2.CreateResponse(id="", properties=dict_to_struct(planned))
        ctx = self.provider.context(request.urn, request.timeout, inputs)
        try:
            resource_id, outputs = self.provider.create(token, ctx, inputs)
        except Exception as error:
            self._fail(context, error, ctx.redact)
            raise
        return provider_pb2.CreateResponse(id=resource_id, properties=dict_to_struct(outputs))

    def Read(self, request: Any, context: Any) -> Any:
        token = request.type or _type_of(request.urn)
        state = struct_to_dict(request.properties)
        inputs = struct_to_dict(request.inputs) if request.HasField("inputs") else None
        ctx = self.provider.context(request.urn, request.timeout, state, inputs)
        try:
            found = self.provider.read(token, ctx, request.id, state, inputs)
        except Exception as error:
            self._fail(context, error, ctx.redact)
            raise
        if found is None:
            return provider_pb2.ReadResponse(id="")
        resource_id, outputs, new_inputs = found
        return provider_pb2.ReadResponse(
            id=resource_id, properties=dict_to_struct(outputs), inputs=dict_to_struct(new_inputs)
        )

    def Update(self, request: Any, context: Any) -> Any:
        token = request.type or _type_of(request.urn)
        news = struct_to_dict(request.news)
        olds = struct_to_dict(request.olds)
        if request.preview:
            planned = self.provider.preview(token, news, olds)
            return provider_pb2.UpdateResponse(properties=dict_to_struct(planned))
        old_inputs = struct_to_dict(request.old_inputs)
        ctx = self.provider.context(request.urn, request.timeout, news, olds)
        try:
            outputs = self.provider.update(token, ctx, request.id, olds, old_inputs, news)
        except Exception as error:
            self._fail(context, error, ctx.redact)
            raise
        return provider_pb2.UpdateResponse(properties=dict_to_struct(outputs))

    def Delete(self, request: Any, context: Any) -> Any:
        token = request.type or _type_of(request.urn)
        olds = struct_to_dict(request.properties)
        old_inputs = struct_to_dict(request.old_inputs)
        ctx = self.provider.context(request.urn, request.timeout, olds)
        try:
            self.provider.delete(token, ctx, request.id, olds, old_inputs)
        except Exception as error:
            self._fail(context, error, ctx.redact)
            raise
        return empty_pb2.Empty()

    def Invoke(self, request: Any, context: Any) -> Any:
        try:
            result = self.provider.invoke(request.tok, struct_to_dict(request.args))
        except InvalidInputs as error:
            return provider_pb2.InvokeResponse(
                failures=[provider_pb2.CheckFailure(property=p, reason=r) for p, r in error.failures]
            )
        except Exception as error:
            self._fail(context, error)
            raise
        return provider_pb2.InvokeResponse(**{"return": dict_to_struct(result)})


def _diff_response(plan: Plan) -> Any:
    from pulumi_vmservice_provider.model.paths import top_level

    changes = plan.changes
    detailed = {
        c.path: provider_pb2.PropertyDiff(kind=_KIND[(c.kind, c.replaces)], inputDiff=True) for c in changes
    }
    diffs = sorted({top_level(c.path) for c in changes})
    replaces = sorted({top_level(c.path) for c in changes if c.replaces})
    return provider_pb2.DiffResponse(
        changes=provider_pb2.DiffResponse.DIFF_SOME if changes else provider_pb2.DiffResponse.DIFF_NONE,
        replaces=replaces,
        deleteBeforeReplace=plan.deletes_first,
        diffs=diffs,
        detailedDiff=detailed,
        hasDetailedDiff=True,
    )
