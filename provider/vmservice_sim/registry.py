"""One registration per VM Operator kind: its admission rules and its controller, declared beside each other
in `vmservice_sim.kinds.<kind>`. The webhook server derives its routes and webhook configurations, and the
emulator its controllers, from `registrations()`; adding a kind means adding one module there:

    SERVICE = register("VirtualMachineService", "virtualmachineservices")

    @SERVICE.validate
    def validate(request: AdmissionRequest) -> Verdict: ...

    @SERVICE.reconcile()
    class ServiceReconciler(KindReconciler): ...

Admission rules are plain functions of an `AdmissionRequest` (the objects as dicts, the user, the dry-run
flag and a read-only `ClusterView`), so they run without an apiserver. The view has no write methods:
admission never changes anything, on dry runs or otherwise, as `sideEffects: None` promises the apiserver.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol, TypeVar

from vmservice_sim.admission import Verdict
from vmservice_sim.context import DEFAULT_NETWORK, VMOP_SERVICE_ACCOUNT, ZONES, EmulatorContext
from vmservice_sim.controller import Mapper
from vmservice_sim.kube import Kind, Kube, Obj, VmopKinds
from vmservice_sim.release import GROUP, Release

PRIVILEGED_GROUPS = frozenset({"system:masters"})  # besides VM Operator's own service account


class ClusterView(Protocol):
    """What admission rules may read of the cluster (and nothing they could write with)."""

    def get(self, kind: Kind, namespace: str | None, name: str) -> Obj | None: ...

    def list(self, kind: Kind, namespace: str | None = None) -> list[Obj]: ...


@dataclass(frozen=True)
class KubeClusterView:
    """The read-only view of the real apiserver."""

    kube: Kube

    def get(self, kind: Kind, namespace: str | None, name: str) -> Obj | None:
        return self.kube.get(kind, namespace, name)

    def list(self, kind: Kind, namespace: str | None = None) -> list[Obj]:
        return self.kube.list(kind, namespace)[0]


@dataclass(frozen=True)
class UserInfo:
    username: str = ""
    groups: tuple[str, ...] = ()

    @property
    def privileged(self) -> bool:
        """VM Operator itself and cluster admins may do what DevOps users may not."""
        return self.username == VMOP_SERVICE_ACCOUNT or bool(PRIVILEGED_GROUPS & set(self.groups))


@dataclass(frozen=True)
class AdmissionRequest:
    """One AdmissionReview request as the rules see it."""

    operation: str  # CREATE or UPDATE (DELETE is always allowed before any rule runs)
    object: Obj
    old_object: Obj | None
    user: UserInfo
    dry_run: bool
    cluster: ClusterView
    release: Release
    zones: tuple[str, ...] = ZONES
    default_network: str = DEFAULT_NETWORK

    @cached_property
    def kinds(self) -> VmopKinds:
        return VmopKinds.for_version(self.release.storage_version)

    @property
    def namespace(self) -> str:
        return str((self.object.get("metadata") or {}).get("namespace") or "")

    @property
    def deleting(self) -> bool:
        """An update of an object already being deleted (finalizers coming off): VM Operator admits it."""
        return bool((self.object.get("metadata") or {}).get("deletionTimestamp"))


Admit = Callable[[AdmissionRequest], Verdict]


class KindReconciler:
    """A kind's controller: called with an object's key, returns None (done) or seconds until the next look."""

    def __init__(self, ctx: EmulatorContext, kind: Kind) -> None:
        self.ctx = ctx
        self.kind = kind
        self.finalizer = ctx.release.finalizer(kind.kind.lower())

    def __call__(self, namespace: str, name: str) -> float | None:
        raise NotImplementedError

    def also_watch(self) -> list[tuple[Kind, Mapper]]:
        """Other kinds whose changes should requeue objects of this kind, with the keys to requeue."""
        return []


R = TypeVar("R", bound=type[KindReconciler])


@dataclass
class KindRegistration:
    """Everything the simulator does for one VM Operator kind."""

    kind: str
    plural: str
    mutator: Admit | None = None
    validator: Admit | None = None
    reconciler: type[KindReconciler] | None = None
    workers: int = 1
    # The releases whose CRDs have the kind (empty: every release).
    releases: tuple[str, ...] = ()
    # The module under `vmservice_sim.kinds` that registered it (named after the kind in lower case).
    module_name: str = ""

    def served_in(self, release: Release) -> bool:
        return not self.releases or release.name in self.releases

    @property
    def lower(self) -> str:
        """The lower-case kind VM Operator names its webhooks and finalizers after."""
        return self.kind.lower()

    def in_version(self, version: str) -> Kind:
        return Kind(self.kind, self.plural, GROUP, version)

    def mutate(self, admit: Admit) -> Admit:
        """Decorator: the mutating webhook (defaults; may also deny)."""
        self.mutator = admit
        return admit

    def validate(self, admit: Admit) -> Admit:
        """Decorator: the validating webhook."""
        self.validator = admit
        return admit

    def reconcile(self, workers: int = 1) -> Callable[[R], R]:
        """Class decorator: the controller, with `workers` objects reconciled at once."""

        def decorate(reconciler: R) -> R:
            self.reconciler = reconciler
            self.workers = workers
            return reconciler

        return decorate

    def admit(self, mutating: bool, request: AdmissionRequest) -> Verdict:
        admit = self.mutator if mutating else self.validator
        if admit is None or request.operation not in ("CREATE", "UPDATE"):
            return Verdict()
        return admit(request)


@dataclass
class Registry:
    _by_kind: dict[str, KindRegistration] = field(default_factory=dict)

    def register(
        self, kind: str, plural: str, releases: tuple[str, ...] = (), module: str = ""
    ) -> KindRegistration:
        if kind in self._by_kind:
            raise ValueError(f"{kind} is registered twice")
        registration = KindRegistration(kind, plural, releases=releases, module_name=module)
        self._by_kind[kind] = registration
        return registration

    def all(self) -> list[KindRegistration]:
        return list(self._by_kind.values())


REGISTRY = Registry()


def register(kind: str, plural: str, releases: tuple[str, ...] = ()) -> KindRegistration:
    """Declare a VM Operator kind the simulator emulates (once per kind, in its module under `kinds/`);
    `releases` names the releases whose CRDs have it, when not all do (9.1-only kinds)."""
    caller = str(sys._getframe(1).f_globals.get("__name__", ""))
    module = caller.removeprefix("vmservice_sim.kinds.").split(".")[0]
    return REGISTRY.register(kind, plural, releases, module)


def registrations(release: Release | None = None) -> list[KindRegistration]:
    """Every kind (served in `release`, when given), after importing each module and package under
    `vmservice_sim.kinds` (in name order)."""
    import vmservice_sim.kinds as package

    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return [r for r in REGISTRY.all() if release is None or r.served_in(release)]
