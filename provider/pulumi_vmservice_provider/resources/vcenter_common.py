"""What the vCenter admin handlers share: the process-wide clients, waiting, reference lookups and the rules
that turn live state back into the user's inputs without false drift."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.model.decode import Decoded
from pulumi_vmservice_provider.readiness import MET, Check, Readiness, unmet, wait_until
from pulumi_vmservice_provider.resources.base import ResourceHandler

if TYPE_CHECKING:
    from pulumi_vmservice_provider.clients.namespaces import SupervisorCluster
    from pulumi_vmservice_provider.clients.vcenter import Deadline, VCenterClient
    from pulumi_vmservice_provider.clients.vsphere_soap import VsphereSoap

T = TypeVar("T")


class VCenterHandler(ResourceHandler):
    @property
    def rest(self) -> VCenterClient:
        return self.state.vcenter

    @property
    def soap(self) -> VsphereSoap:
        return self.state.soap

    def already_exists(self, what: str, import_id: str) -> InvalidInputs:
        return InvalidInputs(
            [
                (
                    "name",
                    f"{what} already exists in vCenter; import it with `pulumi import {self.definition.token} "
                    f"<logical name> {import_id}` or choose another name",
                )
            ]
        )


def wait_for(
    ctx: Deadline,
    doing: str,
    probe: Callable[[], T],
    done: Callable[[T], bool],
    describe: Callable[[T], str],
    status: Callable[[str], None],
) -> T:
    """Poll `probe` with backoff (0.5 s to 5 s) until `done`; raises on the operation's timeout or cancel."""

    def condition(current: T | None) -> Check:
        return MET if done(cast(T, current)) else unmet(describe(cast(T, current)))

    found = wait_until(Readiness((condition,)), get=probe, waiter=ctx, doing=doing, report=status)
    return cast(T, found)


def lookup_failure(prop: str, error: Exception) -> InvalidInputs:
    return InvalidInputs([(prop, str(error))])


def resolve_supervisor(
    rest: VCenterClient, soap: VsphereSoap, name_or_id: str, prop: str, ctx: Deadline | None = None
) -> tuple[str, str, SupervisorCluster]:
    """(cluster id, cluster name, Supervisor summary) of a cluster with Workload Management, or a clear error."""
    from pulumi_vmservice_provider.clients.namespaces import list_supervisor_clusters
    from pulumi_vmservice_provider.clients.vsphere_soap import NotFoundInInventory

    supervisors = {s.cluster: s for s in list_supervisor_clusters(rest, ctx)}
    if name_or_id in supervisors:
        found = supervisors[name_or_id]
        return name_or_id, soap.cluster_name(name_or_id) or found.cluster_name or name_or_id, found
    try:
        cluster = soap.cluster(name_or_id)
    except NotFoundInInventory as error:
        raise lookup_failure(prop, error) from None
    if cluster.id not in supervisors:
        names = ", ".join(sorted(supervisors)) or "none"
        raise InvalidInputs(
            [
                (
                    prop,
                    f"cluster {cluster.name!r} ({cluster.id}) is not a Supervisor: Workload Management is not "
                    f"enabled on it; Supervisor clusters: {names}",
                )
            ]
        )
    return cluster.id, cluster.name, supervisors[cluster.id]


# ---- live state -> inputs ----------------------------------------------------------------------
def is_empty(value: Any) -> bool:
    """None, "", 0, false, [] or {}: what servers leave out of their answers."""
    return value is None or not value


def same_items(mine: list[Any], live: list[Any], key: Callable[[Any], Any] = repr) -> bool:
    return sorted(map(key, mine)) == sorted(map(key, live))


def keep_order(mine: list[Any], live: list[Any], key: Callable[[Any], Any] = repr) -> list[Any]:
    """The user's list when it holds the same items as the live one (the server may reorder sets)."""
    return mine if same_items(mine, live, key) else live


def project(shape: Any, live: Any) -> Any:
    """Only the parts of `live` that `shape` (the user's value) has."""
    if isinstance(shape, dict) and isinstance(live, dict):
        return {k: project(v, live[k]) for k, v in shape.items() if k in live}
    if isinstance(shape, list) and isinstance(live, list) and len(shape) == len(live):
        return [project(s, item) for s, item in zip(shape, live, strict=True)]
    return live


def refresh_inputs(
    inputs: JSONObject | None,
    live: JSONObject,
    *,
    unmanaged_when_unset: frozenset[str] = frozenset(),
    unreported: frozenset[str] = frozenset(),
    secret: frozenset[str] = frozenset(),
) -> JSONObject:
    """The inputs that describe `live`, spelled the way the user wrote them where equivalent.

    `live` holds the inputs derived from the server. With no `inputs` (import) its non-empty values are the
    answer. Otherwise a key the user set gets its live value, kept as written when equal as a set or when both
    are empty; `unreported` keys (this server does not report them) keep the user's value. Keys the user did
    not set come from `live` too (drift), except `unmanaged_when_unset` ones (server defaults, or fields the
    resource leaves alone unless asked). `secret` keys keep the user's value: servers never return secrets.
    """
    present = {k: v for k, v in live.items() if not is_empty(v)}
    if not inputs:
        return present
    result = {k: v for k, v in present.items() if k not in unmanaged_when_unset}
    for key, mine in inputs.items():
        if key.startswith("__") or key in unreported or key in secret:
            result[key] = mine
            continue
        current = present.get(key)
        if current is None:
            if is_empty(mine):
                result[key] = mine
            else:
                result.pop(key, None)
        elif isinstance(mine, list) and isinstance(current, list):
            result[key] = keep_order(mine, current)
        else:
            result[key] = current
    return result


def secret_keys(inputs: Decoded[Any]) -> frozenset[str]:
    """The inputs' top-level keys the program gave as secrets (a refresh keeps them as written)."""
    return frozenset(str(path[0]) for path in inputs.marks.secrets if len(path) == 1)
