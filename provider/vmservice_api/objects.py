"""What every Kubernetes object shares, and one typed, read-only view over a live object.

Objects travel as JSON dicts (from the Kubernetes client, an admission review or Pulumi inputs); the
generated TypedDicts in `vmservice_api.types` give them their shape. `ObjectView` reads the parts every kind
has (metadata, conditions) the same way everywhere, instead of `.get("status", {}).get(...)` chains.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypedDict, TypeVar, cast

JSON = Any
"""A JSON value: what Kubernetes and Pulumi send (objects, lists, strings, numbers, booleans, null)."""

JSONObject = dict[str, JSON]
"""A JSON object of a shape this code does not type (other tools' fields, free-form maps)."""


class OwnerReference(TypedDict, total=False):
    apiVersion: str
    kind: str
    name: str
    uid: str
    controller: bool
    blockOwnerDeletion: bool


class ObjectMeta(TypedDict, total=False):
    """Kubernetes object metadata (the fields this project reads or writes)."""

    name: str
    generateName: str
    namespace: str
    labels: dict[str, str]
    annotations: dict[str, str]
    uid: str
    resourceVersion: str
    generation: int
    creationTimestamp: str
    deletionTimestamp: str
    finalizers: list[str]
    ownerReferences: list[OwnerReference]
    managedFields: list[JSONObject]


class Condition(TypedDict, total=False):
    """A status condition (`metav1.Condition`, or VM Operator's older shape with `severity`)."""

    type: str
    status: str  # "True", "False", "Unknown"
    reason: str
    message: str
    severity: str
    observedGeneration: int
    lastTransitionTime: str


class KubeObject(TypedDict, total=False):
    """Any Kubernetes object: the generated kinds add `spec` and `status` of their own shape."""

    apiVersion: str
    kind: str
    metadata: ObjectMeta


SpecT = TypeVar("SpecT", bound=Mapping[str, Any])
StatusT = TypeVar("StatusT", bound=Mapping[str, Any])


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


class ObjectView(Generic[SpecT, StatusT]):
    """A live object read through its kind's types; missing or malformed parts read as empty.

    vm = ObjectView[VirtualMachineSpec, VirtualMachineStatus](live)
    vm.status.get("powerState"); vm.condition("VirtualMachineCreated")
    """

    __slots__ = ("raw",)

    def __init__(self, raw: Mapping[str, Any] | None) -> None:
        self.raw: Mapping[str, Any] = raw if raw is not None else {}

    # ---- metadata ------------------------------------------------------------------------------
    @property
    def metadata(self) -> ObjectMeta:
        return cast(ObjectMeta, _mapping(self.raw.get("metadata")))

    @property
    def name(self) -> str:
        return str(self.metadata.get("name") or "")

    @property
    def namespace(self) -> str:
        return str(self.metadata.get("namespace") or "")

    @property
    def key(self) -> str:
        """NAMESPACE/NAME (the provider's resource id)."""
        return f"{self.namespace}/{self.name}"

    @property
    def api_version(self) -> str:
        return str(self.raw.get("apiVersion") or "")

    @property
    def kind(self) -> str:
        return str(self.raw.get("kind") or "")

    @property
    def labels(self) -> Mapping[str, str]:
        return cast(Mapping[str, str], _mapping(self.metadata.get("labels")))

    @property
    def annotations(self) -> Mapping[str, str]:
        return cast(Mapping[str, str], _mapping(self.metadata.get("annotations")))

    @property
    def uid(self) -> str:
        return str(self.metadata.get("uid") or "")

    @property
    def resource_version(self) -> str:
        return str(self.metadata.get("resourceVersion") or "")

    @property
    def finalizers(self) -> list[str]:
        return [str(f) for f in self.metadata.get("finalizers") or ()]

    @property
    def deleting(self) -> bool:
        return bool(self.metadata.get("deletionTimestamp"))

    # ---- spec and status -----------------------------------------------------------------------
    @property
    def spec(self) -> SpecT:
        return cast(SpecT, _mapping(self.raw.get("spec")))

    @property
    def status(self) -> StatusT:
        return cast(StatusT, _mapping(self.raw.get("status")))

    def conditions(self) -> list[Condition]:
        found = _mapping(self.raw.get("status")).get("conditions")
        return [cast(Condition, c) for c in found if isinstance(c, dict)] if isinstance(found, list) else []

    def condition(self, type_: str) -> Condition | None:
        """The status condition of that type, or None when the object does not report it."""
        for condition in self.conditions():
            if condition.get("type") == type_:
                return condition
        return None

    def condition_is(self, type_: str, status: str = "True") -> bool:
        found = self.condition(type_)
        return found is not None and found.get("status") == status

    def owner_reference(self, block_owner_deletion: bool = False) -> OwnerReference:
        """A reference to this object, for objects it owns (garbage-collected with it)."""
        return OwnerReference(
            apiVersion=self.api_version,
            kind=self.kind,
            name=self.name,
            uid=self.uid,
            blockOwnerDeletion=block_owner_deletion,
        )


AnyView = ObjectView[Mapping[str, Any], Mapping[str, Any]]


def view(raw: Mapping[str, Any] | None) -> AnyView:
    """A view of an object whose kind's types do not matter to the caller."""
    return ObjectView(raw)


def clone(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars): several times faster than `copy.deepcopy`, which
    admission runs once per rule."""
    if type(value) is dict:
        return {key: clone(item) for key, item in value.items()}
    if type(value) is list:
        return [clone(item) for item in value]
    return value
