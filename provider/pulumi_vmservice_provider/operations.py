"""Typed requests and results of the resource operations, the only shapes handlers see.

The core decodes each request once (`model/decode.py`): handlers get plain values of their kind's shape,
never a `Secret` wrapper or an unknown sentinel, and answer with plain values; the core wraps the answer's
secrets (and a preview's unknowns) again from the request's marks. The engine's gRPC messages never reach a
handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.decode import Decoded, Marks
from pulumi_vmservice_provider.model.plan import Plan

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext

from pulumi_vmservice_provider.wire import PropertyMap

Inputs: TypeAlias = Decoded[JSONObject]


@dataclass(frozen=True)
class CreateRequest:
    ctx: OperationContext
    inputs: Inputs


@dataclass(frozen=True)
class CreateResult:
    id: str
    outputs: JSONObject


@dataclass(frozen=True)
class ReadRequest:
    """Refresh (with the inputs of the last update) or import (no inputs)."""

    ctx: OperationContext
    id: str
    state: Inputs
    inputs: Inputs

    @property
    def is_import(self) -> bool:
        return not self.inputs.value


@dataclass(frozen=True)
class ReadResult:
    id: str
    outputs: JSONObject
    inputs: JSONObject


@dataclass(frozen=True)
class UpdateRequest:
    ctx: OperationContext
    id: str
    state: Inputs  # the outputs of the last operation
    old_inputs: Inputs
    inputs: Inputs
    plan: Plan = field(default_factory=Plan)  # what Diff planned: the update executes it


@dataclass(frozen=True)
class UpdateResult:
    outputs: JSONObject


@dataclass(frozen=True)
class DeleteRequest:
    ctx: OperationContext
    id: str
    state: Inputs
    inputs: Inputs  # the inputs of the last update


@dataclass(frozen=True)
class PreviewRequest:
    """The planned outputs of a create (state None) or an update, without side effects."""

    inputs: Inputs
    state: Inputs | None = None

    @property
    def is_update(self) -> bool:
        return self.state is not None


@dataclass(frozen=True)
class Planned:
    """Planned outputs: plain values, and the paths that stay unknown until the operation runs."""

    outputs: JSONObject
    unknown: Marks = field(default_factory=Marks)


@dataclass(frozen=True)
class DryRunRequest:
    """A planned create (`id` empty) or update of `urn`, to be judged by the server without side effects."""

    urn: str
    inputs: Inputs
    id: str = ""
    old_inputs: Inputs | None = None
    plan: Plan = field(default_factory=Plan)  # for an update: what Diff planned
    replacing: str = ""  # for a create: the id of the object it replaces (which may still hold the name)


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

    planned: Planned | None = None
    refusals: tuple[Refusal, ...] = ()
    unavailable: str | None = None


@dataclass(frozen=True)
class InvokeRequest:
    ctx: OperationContext
    args: Inputs


__all__ = [
    "CreateRequest",
    "CreateResult",
    "DeleteRequest",
    "DryRunRequest",
    "DryRunResult",
    "Inputs",
    "InvokeRequest",
    "Planned",
    "PreviewRequest",
    "PropertyMap",
    "ReadRequest",
    "ReadResult",
    "Refusal",
    "UpdateRequest",
    "UpdateResult",
]
