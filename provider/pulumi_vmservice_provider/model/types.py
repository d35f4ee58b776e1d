"""Building blocks of the declarative model.

The provider validates Pulumi property values (with secrets and unknowns in them) rather than plain
Python data, so the model is a small tree of immutable property specs instead of a general-purpose
validation library: the same tree drives Check, Diff, schema.json and the docs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.modifiers import (
    AppliedWhileOff,
    DataLoss,
    Modifier,
    RefuseIf,
    Replace,
    ReplaceIf,
    ResourceModifier,
    ServerDefault,
    Stable,
)

Kind = Literal["string", "integer", "number", "boolean", "array", "map", "object", "any"]

PACKAGE = "vmservice"


# The behaviour keywords the property constructors accept as shorthand for modifiers.
_BEHAVIOUR = (
    "replace",
    "replace_if",
    "refuse_if",
    "applied_while_off",
    "data_loss",
    "server_default",
    "stable",
)


@dataclass(frozen=True)
class Prop:
    kind: Kind
    description: str = ""
    items: Prop | None = None  # element of an array, value of a map
    obj: ObjectType | None = None
    enum: tuple[str, ...] = ()
    secret: bool = False
    # How changes of this field are planned and how its value travels (model/modifiers.py).
    modifiers: tuple[Modifier, ...] = ()
    # False: the nested type is used for its shape only; the change rules declared inside it (replace, power
    # cycles, refusals) belong to its own kind, not here (a replica set's VM template reuses the VM's spec).
    rules_below: bool = True
    required: bool = False
    default: Any = None
    pattern: str | None = None
    pattern_hint: str | None = None
    max_length: int | None = None
    min_length: int | None = None
    # An array the apiserver holds to one item per key (x-kubernetes-list-type: map), and its size limit.
    list_keys: tuple[str, ...] = ()
    max_items: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    since: str | None = None  # first VM Operator API version that has the field
    until: str | None = None  # last VM Operator API version that has it, where a newer one dropped it
    moved_to: str | None = None  # where the newer versions that dropped it have it instead
    wire_name: str | None = None  # the API's own name where it differs from the Pulumi name
    int_or_string: bool = False  # a string that may also be given as an integer (x-kubernetes-int-or-string)

    def modifier(self, cls: type[M]) -> M | None:
        """The first modifier of that type, or None."""
        return next((m for m in self.modifiers if isinstance(m, cls)), None)

    def has(self, cls: type[Modifier]) -> bool:
        return any(isinstance(m, cls) for m in self.modifiers)

    @property
    def replace_reason(self) -> str | None:
        """Why any change replaces the resource (an unconditional `Replace`), or None."""
        found = self.modifier(Replace)
        return found.reason if found is not None else None

    @property
    def program_required(self) -> bool:
        """Whether a program must give it: required, and not something the Supervisor fills in when left out
        (the CRD may still require it; the webhooks fill it before the schema is checked)."""
        return self.required and not self.has(ServerDefault)

    @property
    def server_default(self) -> Any:
        found = self.modifier(ServerDefault)
        return found.value if found is not None else None

    def refined(self, **changes: Any) -> Prop:
        """A copy with changed attributes; behaviour keywords (`replace=...`) become modifiers."""
        behaviour = {k: changes.pop(k) for k in list(changes) if k in _BEHAVIOUR}
        prop = dataclasses.replace(self, **changes) if changes else self
        if behaviour:
            prop = dataclasses.replace(
                prop, modifiers=merge_modifiers(prop.modifiers, as_modifiers(**behaviour))
            )
        return prop

    def check_scalar(self, value: Any) -> str | None:
        """Why `value` does not fit this scalar property, or None."""
        if self.kind == "string":
            if self.int_or_string and isinstance(value, int) and not isinstance(value, bool):
                return None
            if not isinstance(value, str):
                return f"expected a string, got {_type_name(value)}"
            if self.min_length is not None and len(value) < self.min_length:
                return (
                    "must not be empty"
                    if self.min_length == 1
                    else f"must be at least {self.min_length} characters"
                )
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


M = TypeVar("M", bound=Modifier)


def as_modifiers(
    replace: str | None = None,
    replace_if: ReplaceIf | None = None,
    refuse_if: RefuseIf | None = None,
    applied_while_off: bool = False,
    data_loss: bool = False,
    server_default: Any = None,
    stable: bool = False,
) -> tuple[Modifier, ...]:
    """The modifiers the constructors' behaviour keywords stand for."""
    found: list[Modifier] = []
    if replace is not None:
        found.append(Replace(replace))
    if replace_if is not None:
        found.append(replace_if)
    if refuse_if is not None:
        found.append(refuse_if)
    if applied_while_off:
        found.append(AppliedWhileOff())
    if data_loss:
        found.append(DataLoss())
    if isinstance(server_default, ServerDefault):
        found.append(server_default)
    elif server_default is not None:
        found.append(ServerDefault(server_default))
    if stable:
        found.append(Stable())
    return tuple(found)


def merge_modifiers(base: tuple[Modifier, ...], added: tuple[Modifier, ...]) -> tuple[Modifier, ...]:
    """`base` with `added` laid over it: an added modifier replaces one of the same type."""
    kinds = {type(m) for m in added}
    return tuple(m for m in base if type(m) not in kinds) + added


def _prop(kind: Kind, description: str, kw: JSONObject) -> Prop:
    behaviour = {k: kw.pop(k) for k in list(kw) if k in _BEHAVIOUR}
    modifiers = tuple(kw.pop("modifiers", ())) + as_modifiers(**behaviour)
    return Prop(kind, description, modifiers=modifiers, **kw)


# Constructors keep the definitions short and readable.
def string(description: str = "", **kw: Any) -> Prop:
    return _prop("string", description, kw)


def integer(description: str = "", **kw: Any) -> Prop:
    return _prop("integer", description, kw)


def number(description: str = "", **kw: Any) -> Prop:
    return _prop("number", description, kw)


def boolean(description: str = "", **kw: Any) -> Prop:
    return _prop("boolean", description, kw)


def array(items: Prop, description: str = "", **kw: Any) -> Prop:
    return _prop("array", description, {"items": items, **kw})


def string_map(description: str = "", **kw: Any) -> Prop:
    return _prop("map", description, {"items": Prop("string"), **kw})


def any_value(description: str = "", **kw: Any) -> Prop:
    return _prop("any", description, kw)


def obj(object_type: ObjectType, description: str = "", **kw: Any) -> Prop:
    return _prop("object", description or object_type.description, {"obj": object_type, **kw})


DNS1123_SUBDOMAIN = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"


VMOPERATOR_GROUP = "vmoperator.vmware.com"
# The VM Operator API versions this provider understands, oldest first.
VMOPERATOR_VERSIONS = ("v1alpha2", "v1alpha3", "v1alpha4", "v1alpha5")


@dataclass(frozen=True)
class KindRef:
    """Where a kind lives in the Kubernetes API; `group` "" is the core API (Secret, ResourceQuota)."""

    kind: str
    plural: str
    group: str = ""
    versions: tuple[str, ...] = ("v1",)  # the versions the provider understands, oldest first
    namespaced: bool = True

    @property
    def is_core(self) -> bool:
        return not self.group


def vm_operator(
    kind: str, plural: str, versions: tuple[str, ...] = VMOPERATOR_VERSIONS, namespaced: bool = True
) -> KindRef:
    """A VM Operator kind (group vmoperator.vmware.com)."""
    return KindRef(kind, plural, VMOPERATOR_GROUP, versions, namespaced)


@dataclass(frozen=True)
class ResourceDef:
    token: str
    description: str
    inputs: Mapping[str, Prop]
    outputs: Mapping[str, Prop]  # outputs beyond the inputs (inputs are echoed as outputs)
    kube: KindRef | None = None
    # Cross-property rules that a property tree cannot express; each returns (path, reason) pairs.
    validators: tuple[Callable[[JSONObject], list[tuple[str, str]]], ...] = ()
    # Rules that apply only when the resource is created (Check with no old inputs).
    create_validators: tuple[Callable[[JSONObject], list[tuple[str, str]]], ...] = ()
    delete_before_replace_when_named: bool = True
    aliases: tuple[str, ...] = field(default=())
    # Behaviour over all planned changes of the resource (e.g. a VM's power cycle), run in order.
    modifiers: tuple[ResourceModifier, ...] = ()
    # Labels the Supervisor writes on the object: never drift, never imported.
    server_labels: tuple[str, ...] = ()

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
