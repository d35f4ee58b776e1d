"""getZones: read the zone objects VM Operator places a namespace's VMs by, at the Supervisor's release."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.kinds.zones.declaration import GET_ZONES
from pulumi_vmservice_provider.model.types import VMOPERATOR_GROUP, KindRef
from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.lookups import list_objects, namespace_of
from pulumi_vmservice_provider.resources.registry import implements
from pulumi_vmservice_provider.resources.versions import version_order

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext
    from pulumi_vmservice_provider.resources.state import ProviderState

TOPOLOGY = "topology.tanzu.vmware.com"
ZONES = KindRef("Zone", "zones", TOPOLOGY, ("v1alpha1",))
AVAILABILITY_ZONES = KindRef(
    "AvailabilityZone", "availabilityzones", TOPOLOGY, ("v1alpha1",), namespaced=False
)
# VM Operator v1.10.0 (vSphere 9.1, API v1alpha5) places VMs by the namespace's Zones.
ZONES_SINCE = "v1alpha5"


def places_by_namespace_zones(state: ProviderState, ctx: OperationContext) -> bool:
    served = state.kube.served_versions(VMOPERATOR_GROUP, patient=True, ctx=ctx)
    return any(version_order(version) >= version_order(ZONES_SINCE) for version in served)


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def from_zone(zone: JSONObject) -> JSONObject:
    """A namespaced Zone (v1.10.0 pkg/providers/vsphere/placement/zone_placement.go reads spec.managedVMs)."""
    spec = zone.get("spec") or {}
    managed = spec.get("managedVMs") or {}
    return {
        "name": zone["metadata"]["name"],
        "source": "Zone",
        "beingDeleted": bool(zone["metadata"].get("deletionTimestamp")),
        "poolMoIDs": _strings(managed.get("poolMoIDs")),
        "folderMoID": managed.get("folderMoID"),
    }


def from_availability_zone(zone: JSONObject, namespace: str) -> JSONObject | None:
    """A cluster-scoped AvailabilityZone, when it lists the namespace (v1.8.6 zone_placement.go skips the
    others); None otherwise."""
    spec = zone.get("spec") or {}
    placed = (spec.get("namespaces") or {}).get(namespace)
    if not isinstance(placed, dict):
        return None
    pools = _strings(placed.get("poolMoIDs")) or _strings(
        [placed["poolMoId"]] if placed.get("poolMoId") else []
    )
    clusters = _strings(spec.get("clusterComputeResourceMoIDs"))
    if not clusters and spec.get("clusterComputeResourceMoId"):
        clusters = [str(spec["clusterComputeResourceMoId"])]
    return {
        "name": zone["metadata"]["name"],
        "source": "AvailabilityZone",
        "beingDeleted": bool(zone["metadata"].get("deletionTimestamp")),
        "clusterMoIDs": clusters,
        "poolMoIDs": pools,
        "folderMoID": placed.get("folderMoId"),
    }


@implements(GET_ZONES)
def get_zones(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    ctx, args = request.ctx, request.args.value
    namespace = namespace_of(state, args)
    if places_by_namespace_zones(state, ctx):
        source = "Zone"
        zones = [from_zone(z) for z in list_objects(state, ZONES, namespace, ctx)]
    else:
        source = "AvailabilityZone"
        found = (
            from_availability_zone(z, namespace) for z in list_objects(state, AVAILABILITY_ZONES, None, ctx)
        )
        zones = [z for z in found if z is not None]
    zones.sort(key=lambda z: str(z["name"]))
    return {
        "names": [z["name"] for z in zones if not z["beingDeleted"]],
        "zones": zones,
        "source": source,
    }
