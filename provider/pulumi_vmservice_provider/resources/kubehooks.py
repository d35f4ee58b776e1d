"""What a Supervisor kind may add to the generic lifecycle of a VM Operator object: small, optional protocols.

A kind's handler (`kinds/<kind>/handler.py`) is a plain class registered with `@handles(DEFINITION)`; it
implements only the protocols it needs, and the engine (`resources/kubeobject.py`) asks for each with
`isinstance`. Nothing is overridden: the engine's steps are fixed, a kind contributes to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from vmservice_api.objects import JSONObject, KubeObject

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.operations import (
        DeleteRequest,
        DryRunRequest,
        ReadRequest,
        ReadResult,
        UpdateRequest,
        UpdateResult,
    )
    from pulumi_vmservice_provider.readiness import Readiness
    from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler

Problem = tuple[str, str]


@runtime_checkable
class ChecksWithServer(Protocol):
    """Checks at preview that need the Supervisor (references to classes, images, ...). Called only when one
    is configured; must not raise when it cannot be reached."""

    def validate_with_server(self, engine: KubeObjectHandler, inputs: JSONObject) -> list[Problem]: ...


@runtime_checkable
class ShapesManifest(Protocol):
    """Adds to the object sent to the Supervisor what the inputs imply beyond `metadata` and `spec`."""

    def shape_manifest(self, body: KubeObject, inputs: JSONObject) -> None: ...


@runtime_checkable
class HasCompanions(Protocol):
    """Objects the provider keeps beside the kind's own (a VM's user-data Secret)."""

    def apply_companions(
        self, engine: KubeObjectHandler, ctx: OperationContext, inputs: JSONObject, live: KubeObject | None
    ) -> None:
        """Write them; `live` is the kind's object once it exists (to own them), None before."""
        ...

    def delete_companions(
        self, engine: KubeObjectHandler, ctx: OperationContext, resource_id: str, inputs: JSONObject
    ) -> None: ...


@runtime_checkable
class WaitsForReadiness(Protocol):
    """What "done" means after an apply, and the words for the wait; None: done once accepted."""

    def readiness(self, inputs: JSONObject, where: str) -> tuple[Readiness[KubeObject], str] | None: ...


@runtime_checkable
class CustomUpdate(Protocol):
    """An update that takes more steps than one apply (a power cycle); `engine.apply_update` is the usual one."""

    def update(self, engine: KubeObjectHandler, request: UpdateRequest) -> UpdateResult: ...


@runtime_checkable
class CustomDryRunBody(Protocol):
    """The first object a multi-step update applies, which a preview's dry run sends."""

    def dry_run_body(
        self, engine: KubeObjectHandler, request: DryRunRequest, live: KubeObject, api_version: str
    ) -> KubeObject | None:
        """That object, or None for the usual one."""
        ...


@runtime_checkable
class CustomRead(Protocol):
    """A read that knows more than the live object (a finished request the Supervisor removed by its TTL)."""

    def read(self, engine: KubeObjectHandler, request: ReadRequest) -> ReadResult | None: ...


@runtime_checkable
class CustomDelete(Protocol):
    """A delete that waits for more than the object (the VMs a replica set owned)."""

    def delete(self, engine: KubeObjectHandler, request: DeleteRequest) -> None: ...


@runtime_checkable
class ServedFrom(Protocol):
    """A kind only newer Supervisors serve: the release that brought it, for Check's message."""

    served_from: str
