"""VirtualMachineSetResourcePolicy admission: VM Operator's validating webhook (there is no mutating one).

On create a reservation may not exceed its limit and a cluster-module group may be named once; afterwards
nothing of the spec may change.

Sources: v1.10.0 webhooks/virtualmachinesetresourcepolicy/validation/virtualmachinesetresourcepolicy_validator.go
and v1.8.6's v1alpha2/validation copy. The releases differ only in the field paths they name: v1.8.6 says
`spec.resourcepool` and `spec.clustermodules` where v1.10.0 says `spec.resourcePool` and
`spec.clusterModuleGroups` (the JSON fields are the same in both).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vmservice_api.rules.fielderrors import IMMUTABLE, Effect, FieldError, duplicate, invalid, path, semantic
from vmservice_api.rules.framework import Release, Request, validation
from vmservice_api.rules.kinds._support import govalues
from vmservice_api.rules.kinds._support.quantity import parse
from vmservice_api.types.release_9_1.virtualmachinesetresourcepolicy import VirtualMachineSetResourcePolicy

KIND = "VirtualMachineSetResourcePolicy"
_VALIDATOR = (
    "webhooks/virtualmachinesetresourcepolicy/validation/virtualmachinesetresourcepolicy_validator.go"
)

# The names each release's messages give the resource pool and the cluster-module groups.
RESOURCE_POOL: dict[Release, str] = {"8.0u3": "resourcepool", "9.1": "resourcePool"}
CLUSTER_MODULES: dict[Release, str] = {"8.0u3": "clustermodules", "9.1": "clusterModuleGroups"}

_RESOURCES = govalues.Struct(
    "VirtualMachineResourceSpec",
    (govalues.Field("Cpu", "cpu", "quantity"), govalues.Field("Memory", "memory", "quantity")),
)
RESOURCE_POOL_SPEC = govalues.Struct(
    "ResourcePoolSpec",
    (
        govalues.Field("Name", "name", "string"),
        govalues.Field("Reservations", "reservations", _RESOURCES),
        govalues.Field("Limits", "limits", _RESOURCES),
    ),
)


def _spec(view: Any) -> dict[str, Any]:
    return dict(view.spec)


@validation(
    KIND, source=f"{_VALIDATOR}: validateResourcePool, validateReservationAndLimit", operations=("CREATE",)
)
def reservations_within_limits(req: Request[VirtualMachineSetResourcePolicy]) -> Iterable[FieldError]:
    pool = dict(_spec(req.view).get("resourcePool") or {})
    reservations, limits = dict(pool.get("reservations") or {}), dict(pool.get("limits") or {})
    at = path("spec", RESOURCE_POOL[req.release], "reservations")
    errors = []
    for resource in ("cpu", "memory"):
        reservation, limit = parse(reservations.get(resource)), parse(limits.get(resource))
        # An absent (zero) reservation or limit sets no bound.
        if reservation is None or limit is None or reservation.amount == 0 or limit.amount == 0:
            continue
        if reservation.value > limit.value:
            errors.append(
                invalid(
                    at.child(resource), str(reservation), "reservation value cannot exceed the limit value"
                )
            )
    return errors


@validation(KIND, source=f"{_VALIDATOR}: validateClusterModules", operations=("CREATE",))
def cluster_module_groups_unique(req: Request[VirtualMachineSetResourcePolicy]) -> Iterable[FieldError]:
    groups = [str(g) for g in _spec(req.view).get("clusterModuleGroups") or []]
    at = path("spec", CLUSTER_MODULES[req.release])
    seen: set[str] = set()
    errors = []
    for i, name in enumerate(groups):
        if name in seen:
            errors.append(duplicate(at.index(i).child("clusterModuleGroups"), name))
        seen.add(name)
    return errors


def _pool_as_compared(pool: Any) -> Any:
    """The resource pool as apimachinery's semantic equality sees it: quantities by amount."""
    pool = dict(pool or {})
    compared: dict[str, Any] = {"name": pool.get("name")}
    for part in ("reservations", "limits"):
        resources = dict(pool.get(part) or {})
        compared[part] = {
            r: (q.amount if (q := parse(resources.get(r))) else None) for r in ("cpu", "memory")
        }
    return semantic(compared)


@validation(KIND, source=f"{_VALIDATOR}: validateAllowedChanges", operations=("UPDATE",))
def spec_unchanged(req: Request[VirtualMachineSetResourcePolicy]) -> Iterable[FieldError]:
    new, old = _spec(req.view), _spec(req.old_view)
    errors: list[FieldError] = []
    if _pool_as_compared(new.get("resourcePool")) != _pool_as_compared(old.get("resourcePool")):
        shown = govalues.render(req.release, RESOURCE_POOL_SPEC, new.get("resourcePool"))
        errors.append(invalid(path("spec", RESOURCE_POOL[req.release]), shown, IMMUTABLE, Effect.IMMUTABLE))
    if (new.get("folder") or "") != (old.get("folder") or ""):
        errors.append(
            invalid(path("spec", "folder"), str(new.get("folder") or ""), IMMUTABLE, Effect.IMMUTABLE)
        )
    groups, old_groups = new.get("clusterModuleGroups"), old.get("clusterModuleGroups")
    if semantic(groups) != semantic(old_groups):
        shown = govalues.render_list(req.release, groups)
        errors.append(invalid(path("spec", CLUSTER_MODULES[req.release]), shown, IMMUTABLE, Effect.IMMUTABLE))
    return errors
