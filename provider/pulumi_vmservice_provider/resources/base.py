"""The interface every resource handler implements: one typed request in, one typed result out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_vmservice_provider.model.types import NoServer, ResourceDef, ServerFacts
from pulumi_vmservice_provider.wire import UNKNOWN

if TYPE_CHECKING:
    from pulumi_vmservice_provider.operations import (
        CreateRequest,
        CreateResult,
        DeleteRequest,
        PreviewRequest,
        PropertyMap,
        ReadRequest,
        ReadResult,
        UpdateRequest,
        UpdateResult,
    )
    from pulumi_vmservice_provider.resources.state import ProviderState


class ResourceHandler:
    def __init__(self, definition: ResourceDef, state: ProviderState):
        self.definition = definition
        self.state = state

    def validate_with_server(self, inputs: PropertyMap) -> list[tuple[str, str]]:
        """Checks that need the Supervisor; only called when it is configured. Must not raise on outage."""
        return []

    def server_facts(self) -> ServerFacts:
        """What the target server can do, for the model's `replace_if` rules (nothing known by default)."""
        return NoServer()

    def preview(self, request: PreviewRequest) -> PropertyMap:
        """Planned outputs: the inputs, outputs an update keeps (`stable`), everything else unknown."""
        outputs = dict(request.inputs)
        olds = request.state or {}
        for key, prop in self.definition.outputs.items():
            if prop.stable and key in olds:
                outputs.setdefault(key, olds[key])
            else:
                outputs.setdefault(key, UNKNOWN)
        return outputs

    def create(self, request: CreateRequest) -> CreateResult:
        raise NotImplementedError

    def read(self, request: ReadRequest) -> ReadResult | None:
        """The object as it is now, or None when it is gone."""
        raise NotImplementedError

    def update(self, request: UpdateRequest) -> UpdateResult:
        raise NotImplementedError

    def delete(self, request: DeleteRequest) -> None:
        raise NotImplementedError
