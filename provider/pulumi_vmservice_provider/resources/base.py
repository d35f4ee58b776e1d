"""The interface every resource handler implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi_vmservice_provider.model.diff import Change
from pulumi_vmservice_provider.model.types import ResourceDef
from pulumi_vmservice_provider.wire import UNKNOWN

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.core import ProviderState


class ResourceHandler:
    def __init__(self, definition: ResourceDef, state: ProviderState):
        self.definition = definition
        self.state = state

    def validate_with_server(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        """Checks that need the Supervisor; only called when it is configured. Must not raise on outage."""
        return []

    def adjust_diff(
        self, old_inputs: dict[str, Any], news: dict[str, Any], changes: list[Change]
    ) -> list[Change]:
        """Resource-specific diff rules on top of the model's (e.g. conditional replacement)."""
        return changes

    # Outputs an update never changes (ids, API version): previews of updates keep their old values.
    stable_outputs: tuple[str, ...] = ()

    def preview_outputs(self, inputs: dict[str, Any], olds: dict[str, Any] | None = None) -> dict[str, Any]:
        outputs = dict(inputs)
        for key in self.definition.outputs:
            if olds and key in self.stable_outputs and key in olds:
                outputs.setdefault(key, olds[key])
            else:
                outputs.setdefault(key, UNKNOWN)
        return outputs

    def create(self, ctx: OperationContext, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def read(
        self, ctx: OperationContext, resource_id: str, state: dict[str, Any], inputs: dict[str, Any] | None
    ) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        raise NotImplementedError

    def update(
        self,
        ctx: OperationContext,
        resource_id: str,
        olds: dict[str, Any],
        old_inputs: dict[str, Any],
        news: dict[str, Any],
    ) -> dict[str, Any]:
        raise NotImplementedError

    def delete(
        self, ctx: OperationContext, resource_id: str, olds: dict[str, Any], old_inputs: dict[str, Any]
    ) -> None:
        raise NotImplementedError
