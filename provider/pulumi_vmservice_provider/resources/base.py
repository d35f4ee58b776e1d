"""The interface every resource handler implements: one typed request in, one typed result out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.decode import Marks
from pulumi_vmservice_provider.model.modifiers import NoServer, ServerFacts, Stable
from pulumi_vmservice_provider.model.types import ResourceDef
from pulumi_vmservice_provider.operations import Inputs, Planned
from pulumi_vmservice_provider.resources.admission import Verdict

if TYPE_CHECKING:
    from pulumi_vmservice_provider.operations import (
        CreateRequest,
        CreateResult,
        DeleteRequest,
        DryRunRequest,
        DryRunResult,
        PreviewRequest,
        ReadRequest,
        ReadResult,
        UpdateRequest,
        UpdateResult,
    )
    from pulumi_vmservice_provider.resources.state import ProviderState


class ResourceHandler:
    """CRUD of one resource type; the defaults say "nothing known" where a handler has nothing to add."""

    # Whether the server can judge a planned object without side effects (`dry_run`).
    judged_by_server = False

    def __init__(self, definition: ResourceDef, state: ProviderState):
        self.definition = definition
        self.state = state

    def admission(self, inputs: Inputs, old_inputs: Inputs | None) -> Verdict:
        """What the server's admission rules say without asking it (nothing, for kinds that have none)."""
        return Verdict()

    def validate_with_server(self, inputs: JSONObject) -> list[tuple[str, str]]:
        """Checks that need the server; only called when one is configured. Must not raise on outage."""
        return []

    def server_facts(self) -> ServerFacts:
        """What the target server can do, for the model's modifiers (nothing known by default)."""
        return NoServer()

    def preview(self, request: PreviewRequest) -> Planned:
        """Planned outputs: the inputs, outputs an update keeps (`Stable`), everything else unknown."""
        outputs = dict(request.inputs.value)
        olds = request.state.value if request.state is not None else {}
        unknown: set[tuple[str | int, ...]] = set()
        for key, prop in self.definition.outputs.items():
            if prop.has(Stable) and key in olds:
                outputs.setdefault(key, olds[key])
            elif key not in outputs:
                unknown.add((key,))
        return Planned(outputs, Marks(unknowns=frozenset(unknown)))

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
