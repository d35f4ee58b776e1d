"""Typed requests and results of the resource operations, the only shapes handlers see.

Property values are Pulumi values: plain JSON data plus `wire.Secret` wrappers and the `wire.UNKNOWN`
sentinel (only during previews). The engine's gRPC messages never reach a handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext

PropertyMap: TypeAlias = dict[str, Any]
"""Inputs or outputs of a resource, keyed by property name (values may hold secrets and unknowns)."""


@dataclass(frozen=True)
class CreateRequest:
    ctx: OperationContext
    inputs: PropertyMap


@dataclass(frozen=True)
class CreateResult:
    id: str
    outputs: PropertyMap


@dataclass(frozen=True)
class ReadRequest:
    """Refresh (with the inputs of the last update) or import (inputs None)."""

    ctx: OperationContext
    id: str
    state: PropertyMap
    inputs: PropertyMap | None

    @property
    def is_import(self) -> bool:
        return not self.inputs


@dataclass(frozen=True)
class ReadResult:
    id: str
    outputs: PropertyMap
    inputs: PropertyMap


@dataclass(frozen=True)
class UpdateRequest:
    ctx: OperationContext
    id: str
    state: PropertyMap  # the outputs of the last operation
    old_inputs: PropertyMap
    inputs: PropertyMap

    def with_old_inputs(self, old_inputs: PropertyMap) -> UpdateRequest:
        return UpdateRequest(self.ctx, self.id, self.state, old_inputs, self.inputs)


@dataclass(frozen=True)
class UpdateResult:
    outputs: PropertyMap


@dataclass(frozen=True)
class DeleteRequest:
    ctx: OperationContext
    id: str
    state: PropertyMap
    inputs: PropertyMap  # the inputs of the last update


@dataclass(frozen=True)
class PreviewRequest:
    """The planned outputs of a create (state None) or an update, without side effects."""

    inputs: PropertyMap
    state: PropertyMap | None = None

    @property
    def is_update(self) -> bool:
        return self.state is not None


@dataclass(frozen=True)
class DryRunRequest:
    """A planned create (`id` empty) or update of `urn`, to be judged by the server without side effects."""

    urn: str
    inputs: PropertyMap
    id: str = ""
    old_inputs: PropertyMap | None = None


@dataclass(frozen=True)
class Refusal:
    """A field the server refuses to change in place (`path` in Pulumi's syntax), in its own words."""

    path: str
    message: str


@dataclass(frozen=True)
class DryRunResult:
    """The server's verdict on a planned object: what it would store (`planned`, the object's outputs as the
    server would fill them in), the fields it refuses to change in place (each one forces a replacement), or
    why it could not be asked (`unavailable`). Any other refusal is raised as `ServerRejected`."""

    planned: PropertyMap | None = None
    refusals: tuple[Refusal, ...] = ()
    unavailable: str | None = None


@dataclass(frozen=True)
class InvokeRequest:
    ctx: OperationContext
    args: PropertyMap


__all__ = [
    "CreateRequest",
    "CreateResult",
    "DeleteRequest",
    "DryRunRequest",
    "DryRunResult",
    "InvokeRequest",
    "PreviewRequest",
    "PropertyMap",
    "ReadRequest",
    "ReadResult",
    "Refusal",
    "UpdateRequest",
    "UpdateResult",
]
