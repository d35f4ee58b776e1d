"""One registration per VM Operator kind the simulator serves: its controller, declared in
`vmservice_sim.kinds.<kind>`. The webhook server derives its routes from the registrations and the admission
rules the rules package (`vmservice_api.rules`) holds for each kind, and the emulator its controllers;
adding a kind means adding one module there:

    SERVICE = register("VirtualMachineService", "virtualmachineservices")

    @SERVICE.reconcile()
    class ServiceReconciler(KindReconciler): ...

The simulator has no admission rule of its own: what its webhooks admit is decided by the rules package.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from vmservice_sim.context import EmulatorContext
from vmservice_sim.controller import Mapper
from vmservice_sim.kube import Kind
from vmservice_sim.release import GROUP, Release


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
    reconciler: type[KindReconciler] | None = None
    workers: int = 1
    # The releases whose CRDs have the kind (empty: every release).
    releases: tuple[str, ...] = ()
    # The module under `vmservice_sim.kinds` that registered it (named after the kind in lower case).
    module_name: str = ""
    # The one API version the kind has (v1alpha1 WebConsoleRequest); None: the release's storage version.
    version: str | None = None

    def served_in(self, release: Release) -> bool:
        return not self.releases or release.name in self.releases

    @property
    def lower(self) -> str:
        """The lower-case kind VM Operator names its webhooks and finalizers after."""
        return self.kind.lower()

    def in_version(self, version: str) -> Kind:
        return Kind(self.kind, self.plural, GROUP, version)

    def version_in(self, release: Release) -> str:
        """The API version its webhooks and controller use in `release`."""
        return self.version or release.storage_version

    def reconcile(self, workers: int = 1) -> Callable[[R], R]:
        """Class decorator: the controller, with `workers` objects reconciled at once."""

        def decorate(reconciler: R) -> R:
            self.reconciler = reconciler
            self.workers = workers
            return reconciler

        return decorate


@dataclass
class Registry:
    _by_kind: dict[str, KindRegistration] = field(default_factory=dict)

    def register(
        self,
        kind: str,
        plural: str,
        releases: tuple[str, ...] = (),
        module: str = "",
        version: str | None = None,
    ) -> KindRegistration:
        if kind in self._by_kind:
            raise ValueError(f"{kind} is registered twice")
        registration = KindRegistration(kind, plural, releases=releases, module_name=module, version=version)
        self._by_kind[kind] = registration
        return registration

    def all(self) -> list[KindRegistration]:
        return list(self._by_kind.values())


REGISTRY = Registry()


def register(
    kind: str, plural: str, releases: tuple[str, ...] = (), version: str | None = None
) -> KindRegistration:
    """Declare a VM Operator kind the simulator serves (once per kind, in its module under `kinds/`);
    `releases` names the releases whose CRDs have it, when not all do (9.1-only kinds); `version` the one API
    version a kind has, when it is not the release's storage version."""
    caller = str(sys._getframe(1).f_globals.get("__name__", ""))
    module = caller.removeprefix("vmservice_sim.kinds.").split(".")[0]
    return REGISTRY.register(kind, plural, releases, module, version)


def registrations(release: Release | None = None) -> list[KindRegistration]:
    """Every kind (served in `release`, when given), after importing each module and package under
    `vmservice_sim.kinds` (in name order)."""
    import vmservice_sim.kinds as package

    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return [r for r in REGISTRY.all() if release is None or r.served_in(release)]
