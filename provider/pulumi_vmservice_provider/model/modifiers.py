"""Per-property behaviour, as an open list of modifiers on the field (in the style of
terraform-plugin-framework's plan modifiers).

A property's `modifiers` say how a change of it is planned and how its value travels:

- planning (Diff): `Replace`, `ReplaceIf`, `RefuseIf`, `AppliedWhileOff`, `DataLoss`;
- writing (Create/Update): `OneShot` (a request the server acts on once), `ServerRewrite` (the server stores
  another spelling of the user's value);
- reading (Read/import): `ServerDefault` (what the server fills in is never drift), `OneShot` and
  `ServerRewrite` (the user's words stay the input);
- previews: `Stable` (an output an update keeps).

A resource can carry `ResourceModifier`s too: they see each planned change with the whole old and new inputs
and may reclassify it (a VM's power cycle is one, owned by the VM kind). The engine runs them in order and
names no kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from vmservice_api.objects import JSON, JSONObject

if TYPE_CHECKING:
    from pulumi_vmservice_provider.model.plan import PlannedChange

ChangeKind = Literal["add", "delete", "update"]


class ServerFacts(Protocol):
    """What the target Supervisor can do, as far as the provider knows without side effects."""

    def api_version_at_least(self, version: str) -> bool | None:
        """Whether the served VM Operator API is `version` or newer; None when the Supervisor cannot be
        asked (offline preview)."""
        ...

    def capability(self, name: str) -> bool | None:
        """Whether the Supervisor has capability `name` (`VMResize`, `MutableNetworks`, ...) as its published
        capabilities say; None when it cannot be asked."""
        ...

    def release(self) -> str | None:
        """The vSphere release of the VM Operator API the Supervisor serves ("8.0u3", "9.1"), None when it
        cannot be asked."""
        ...


class NoServer:
    """Server facts of an offline preview: nothing is known."""

    def api_version_at_least(self, version: str) -> bool | None:
        return None

    def capability(self, name: str) -> bool | None:
        return None

    def release(self) -> str | None:
        return None


@dataclass(frozen=True)
class ChangeContext:
    """One change as a modifier sees it: the whole old and new inputs (plain values: secrets revealed,
    unknowns absent), the kind of change and what the server can do."""

    path: str
    kind: ChangeKind
    old: JSONObject
    new: JSONObject
    server: ServerFacts


class Modifier:
    """Base of every property modifier; a subclass implements the hooks it needs."""

    def note(self) -> str | None:
        """What the schema and docs say about this behaviour (None: nothing)."""
        return None


@dataclass(frozen=True)
class Replace(Modifier):
    """Any change at or below the property replaces the resource, for `reason`."""

    reason: str

    def note(self) -> str:
        return f"Changing it replaces the resource ({self.reason})."


@dataclass(frozen=True)
class ReplaceIf(Modifier):
    """A change replaces the resource when `decide` returns the reason (None: it updates in place);
    `description` says when, for the schema and docs."""

    decide: Callable[[ChangeContext], str | None]
    description: str

    def note(self) -> str:
        return f"Replacement: {self.description}."


@dataclass(frozen=True)
class RefuseIf(Modifier):
    """A change the Supervisor refuses in some states: `decide` returns the refusal (the preview fails with it
    instead of `up` failing later), or None; `description` says when."""

    decide: Callable[[ChangeContext], str | None]
    description: str

    def note(self) -> str:
        return f"Refused: {self.description}."


@dataclass(frozen=True)
class AppliedWhileOff(Modifier):
    """A change is applied only while the object is stopped; a resource modifier decides what that means
    (for a VM: at its next power-on, with a power cycle, or refused)."""


@dataclass(frozen=True)
class DataLoss(Modifier):
    """A change discards data (`what`, e.g. the guest's data when reverting to a snapshot)."""

    what: str = "the guest's data"


@dataclass(frozen=True)
class ServerDefault(Modifier):
    """What the server fills in when the field is left out: `value`, or any value `matches` accepts. Never
    drift, never imported."""

    value: JSON = None
    matches: Callable[[JSON], bool] | None = None

    def is_default(self, value: JSON) -> bool:
        if self.matches is not None:
            return bool(self.matches(value))
        return bool(value == self.value)

    def note(self) -> str | None:
        return None if self.value is None else f"The Supervisor's default: `{self.value}`."


@dataclass(frozen=True)
class Stable(Modifier):
    """An output an update never changes: previews of updates keep its old value."""


DROP = object()
"""What a write hook returns to leave the field out of the object it sends."""


@dataclass(frozen=True)
class OneShot(Modifier):
    """A request the server acts on once and then records or clears (`nextRestartTime: now`, a snapshot
    revert). A new object is created without it; an update resends an unchanged request as the server has it
    (or leaves it out when the server cleared it), so an unrelated change does not act on it again; reading
    keeps the user's words as the input."""

    description: str

    def on_create(self, value: JSON) -> object:
        return DROP

    def on_update(self, value: JSON, before: JSON, live: JSON) -> object:
        if value != before:
            return value
        return live if live not in (None, "") else DROP

    def on_read(self, written: JSON, live: JSON) -> JSON:
        return written


@dataclass(frozen=True)
class ServerRewrite(Modifier):
    """The server stores another spelling of the user's value (an image's display name becomes its `vmi-`
    name): `rewritten(written, live)` tells when `live` is the server's spelling of `written`. Updates send the
    server's spelling (resending the user's would be refused as a change); reading keeps the user's words."""

    rewritten: Callable[[JSON, JSON], bool]
    description: str

    def on_create(self, value: JSON) -> object:
        return value

    def on_update(self, value: JSON, before: JSON, live: JSON) -> object:
        return live if self.rewritten(value, live) else value

    def on_read(self, written: JSON, live: JSON) -> JSON:
        return written if self.rewritten(written, live) else live


WriteModifier = OneShot | ServerRewrite


class ResourceModifier(Protocol):
    """Behaviour of a whole resource over its planned changes (e.g. a VM's power cycle)."""

    def reclassify(self, change: PlannedChange, old: JSONObject, new: JSONObject) -> PlannedChange:
        """The change as this resource applies it (unchanged when the modifier has nothing to say)."""
        ...
