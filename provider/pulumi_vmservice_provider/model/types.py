"""Building blocks of the declarative model.

The provider validates Pulumi property values (with secrets and unknowns in them) rather than plain
Python data, so the model is a small tree of immutable property specs instead of a general-purpose
validation library: the same tree drives Check, Diff, schema.json and the docs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Kind = Literal["string", "integer", "number", "boolean", "array", "map", "object", "any"]

PACKAGE = "vmservice"


@dataclass(frozen=True)
class Prop:
    kind: Kind
    description: str = ""
    items: Prop | None = None  # element of an array, value of a map
    obj: ObjectType | None = None
    enum: tuple[str, ...] = ()
    secret: bool = False
    replace: str | None = None  # why any change replaces the resource (None: updates in place)
    replace_if: ReplaceIf | None = None  # conditional replacement of changes at or below this property
    server_default: Any = None  # what the server fills in when the field is left out: never drift
    stable: bool = False  # an output an update never changes: previews of updates keep its old value
    applied_while_off: bool = False  # a change is applied only while the VM is powered off
    # When the Supervisor refuses a change of this field (the preview fails with the reason).
    refuse_if: RefuseIf | None = None
    # False: the nested type is used for its shape only; the change rules declared inside it (replace, power
    # cycles, refusals) belong to its own kind, not here (a replica set's VM template reuses the VM's spec).
    rules_below: bool = True
    data_loss: bool = False  # a change discards guest data (e.g. reverting to a snapshot)
    required: bool = False
    default: Any = None
    pattern: str | None = None
    pattern_hint: str | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    since: str | None = None  # first VM Operator API version that has the field
    wire_name: str | None = None  # the API's own name where it differs from the Pulumi name
    int_or_string: bool = False  # a string that may also be given as an integer (x-kubernetes-int-or-string)

    def check_scalar(self, value: Any) -> str | None:
        """Why `value` does not fit this scalar property, or None."""
        if self.kind == "string":
            if self.int_or_string and isinstance(value, int) and not isinstance(value, bool):
                return None
            if not isinstance(value, str):
                return f"expected a string, got {_type_name(value)}"
            if self.max_length is not None and len(value) > self.max_length:
                return f"must be no more than {self.max_length} characters, got {len(value)}"
            if self.enum and value not in self.enum:
                return f"{value!r} is not allowed; allowed values: {', '.join(self.enum)}"
            if self.pattern and not re.fullmatch(self.pattern, value):
                return f"{value!r} is invalid: {self.pattern_hint or 'must match ' + self.pattern}"
            return None
        if self.kind == "boolean":
            return None if isinstance(value, bool) else f"expected a boolean, got {_type_name(value)}"
        if self.kind in ("integer", "number"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"expected a number, got {_type_name(value)}"
            if self.kind == "integer" and not float(value).is_integer():
                return f"expected a whole number, got {value}"
            if self.minimum is not None and value < self.minimum:
                return f"must be at least {_fmt(self.minimum)}, got {_fmt(value)}"
            if self.maximum is not None and value > self.maximum:
                return f"must be at most {_fmt(self.maximum)}, got {_fmt(value)}"
        return None


class ServerFacts(Protocol):
    """What the target Supervisor can do, as far as the provider knows without side effects."""

    def api_version_at_least(self, version: str) -> bool | None:
        """Whether the served VM Operator API is `version` or newer; None when the Supervisor cannot be
        asked (offline preview)."""
        ...

    def capability(self, name: str) -> bool | None:
        """Whether the Supervisor has capability `name` (`VMResize`, `MutableNetworks`, `VMSnapshots`,
        `VMGroups`, ...) as its published capabilities say; None when it cannot be asked."""
        ...


class NoServer:
    """Server facts of an offline preview: nothing is known."""

    def api_version_at_least(self, version: str) -> bool | None:
        return None

    def capability(self, name: str) -> bool | None:
        return None


@dataclass(frozen=True)
class DiffContext:
    """One change as a `ReplaceIf` rule sees it: the whole old and new inputs (secrets revealed). Inputs may
    hold unknowns or, in old state, any shape at all: read them with `lookup`."""

    path: str
    kind: Literal["add", "delete", "update"]
    old: dict[str, Any]
    new: dict[str, Any]
    server: ServerFacts


def known_list(value: Any) -> list[Any]:
    """`value` if it is a list, else [] (unknown during preview, or a wrong type Check reported)."""
    return value if isinstance(value, list) else []


def known_strings(value: Any) -> list[str]:
    """The known string items of a list value."""
    return [item for item in known_list(value) if isinstance(item, str)]


def lookup(value: Any, *keys: str) -> Any:
    """`value[k1][k2]...`, or None where a level is missing or not an object (unknown, a wrong type)."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


@dataclass(frozen=True)
class ReplaceIf:
    """Plan-modifier style conditional replacement, declared on the field it concerns.

    `decide` returns why this change replaces the resource, or None when it updates in place; `description`
    says when that happens, for the schema and docs.
    """

    decide: Callable[[DiffContext], str | None]
    description: str


@dataclass(frozen=True)
class RefuseIf:
    """A change the Supervisor refuses in some states: `decide` returns the refusal (the preview fails with it
    instead of `up` failing later), or None; `description` says when, for the schema and docs."""

    decide: Callable[[DiffContext], str | None]
    description: str


@dataclass(frozen=True)
class ObjectType:
    name: str
    description: str
    properties: Mapping[str, Prop]
    module: str = "index"

    @property
    def token(self) -> str:
        return f"{PACKAGE}:{self.module}:{self.name}"


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


# Constructors keep the definitions short and readable.
def string(description: str = "", **kw: Any) -> Prop:
    return Prop("string", description, **kw)


def integer(description: str = "", **kw: Any) -> Prop:
    return Prop("integer", description, **kw)


def number(description: str = "", **kw: Any) -> Prop:
    return Prop("number", description, **kw)


def boolean(description: str = "", **kw: Any) -> Prop:
    return Prop("boolean", description, **kw)


def array(items: Prop, description: str = "", **kw: Any) -> Prop:
    return Prop("array", description, items=items, **kw)


def string_map(description: str = "", **kw: Any) -> Prop:
    return Prop("map", description, items=Prop("string"), **kw)


def any_value(description: str = "", **kw: Any) -> Prop:
    return Prop("any", description, **kw)


def obj(object_type: ObjectType, description: str = "", **kw: Any) -> Prop:
    return Prop("object", description or object_type.description, obj=object_type, **kw)


DNS1123_SUBDOMAIN = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"


VMOPERATOR_GROUP = "vmoperator.vmware.com"
# The VM Operator API versions this provider understands, oldest first.
VMOPERATOR_VERSIONS = ("v1alpha2", "v1alpha3", "v1alpha4", "v1alpha5")


@dataclass(frozen=True)
class KubeKind:
    """Where a Supervisor resource lives in the Kubernetes API."""

    kind: str
    plural: str
    group: str = VMOPERATOR_GROUP
    versions: tuple[str, ...] = VMOPERATOR_VERSIONS


@dataclass(frozen=True)
class ResourceDef:
    token: str
    description: str
    inputs: Mapping[str, Prop]
    outputs: Mapping[str, Prop]  # outputs beyond the inputs (inputs are echoed as outputs)
    kube: KubeKind | None = None
    # Cross-property rules that a property tree cannot express; each returns (path, reason) pairs.
    validators: tuple[Callable[[dict[str, Any]], list[tuple[str, str]]], ...] = ()
    # Rules that apply only when the resource is created (Check with no old inputs).
    create_validators: tuple[Callable[[dict[str, Any]], list[tuple[str, str]]], ...] = ()
    delete_before_replace_when_named: bool = True
    aliases: tuple[str, ...] = field(default=())

    @property
    def module(self) -> str:
        return self.token.split(":")[1]

    @property
    def name(self) -> str:
        return self.token.split(":")[2]


@dataclass(frozen=True)
class FunctionDef:
    token: str
    description: str
    inputs: Mapping[str, Prop]
    outputs: Mapping[str, Prop]
