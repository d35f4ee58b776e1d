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
        DryRunRequest,
        DryRunResult,
        PreviewRequest,
        PropertyMap,
        ReadRequest,
        ReadResult,
        UpdateRequest,
        UpdateResult,
    )
    from pulumi_vmservice_provider.resources.state import ProviderState


class ResourceHandler:
    # Whether the server can judge a planned object without side effects (`dry_run`).
    judged_by_server = False

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

    def dry_run(self, request: DryRunRequest) -> DryRunResult:
        """The server's verdict on the planned create or update, changing nothing (see `judged_by_server`)."""
        raise NotImplementedError

    def create(self, request: CreateRequest) -> CreateResult:
        raise NotImplementedError

    def read(self, request: ReadRequest) -> ReadResult | None:
        """The object as it is now, or None when it is gone."""
        raise NotImplementedError

    def update(self, request: UpdateRequest) -> UpdateResult:
        raise NotImplementedError

    def delete(self, request: DeleteRequest) -> None:
        raise NotImplementedError
