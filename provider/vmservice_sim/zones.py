"""A 3-zone Supervisor's zone objects, as WCP's topology operator publishes them.

- One cluster-scoped `AvailabilityZone` per vSphere Zone, naming its clusters (`spec.clusterComputeResourceMoIDs`)
  and, for each vSphere Namespace placed in it, the namespace's resource pools and VM folder
  (`spec.namespaces[ns].poolMoIDs` / `folderMoId`). VM Operator 8.0 U3 places VMs in the zones whose
  AvailabilityZone lists the VM's namespace (v1.8.6 `pkg/vmprovider/providers/vsphere2/placement/
  zone_placement.go`, getPlacementCandidates).
- One namespaced `Zone` per vSphere Zone in each vSphere Namespace, pointing at its AvailabilityZone
  (`spec.availabilityZoneReference`) and at the namespace's pools and folder there (`spec.managedVMs`). VM
  Operator 9.1 places every VM that is not a VKS node in its namespace's Zones (v1.10.0
  `pkg/util/vmopv1/vm.go` GetContextWithWorkloadDomainIsolation, `pkg/providers/vsphere/placement/
  zone_placement.go`), skipping a Zone being deleted.

Field names are those of the topology API's CRDs (VM Operator keeps copies for its tests under
`config/crd/external-crds/`); the simulator serves narrow definitions of them (`supervisor_crds.py`). The
simulator has one vSphere cluster, so every zone names the same cluster and the namespace's one pool.
"""

from __future__ import annotations

from vmservice_sim.kube import AVAILABILITY_ZONE, ZONE, Kube, Obj


def seed(kube: Kube, zones: tuple[str, ...]) -> None:
    """The Supervisor's AvailabilityZones (namespaces are added as vCenter places them)."""
    for zone in zones:
        kube.create_or_get(AVAILABILITY_ZONE, {"metadata": {"name": zone}, "spec": {}})


def place_namespace(
    kube: Kube, zones: tuple[str, ...], namespace: str, cluster: str, pool: str, folder: str
) -> None:
    """The namespace in every zone: its entry in each AvailabilityZone and its Zone objects."""
    for zone in zones:
        kube.patch(
            AVAILABILITY_ZONE,
            None,
            zone,
            {
                "spec": {
                    "clusterComputeResourceMoIDs": [cluster],
                    "namespaces": {namespace: {"poolMoId": pool, "poolMoIDs": [pool], "folderMoId": folder}},
                }
            },
        )
        placement: Obj = {"folderMoID": folder, "poolMoIDs": [pool]}
        kube.create_or_get(
            ZONE,
            {
                "metadata": {"name": zone, "namespace": namespace},
                "spec": {
                    "availabilityZoneReference": {"apiVersion": AVAILABILITY_ZONE.api_version, "name": zone},
                    "managedVMs": placement,
                    "namespace": placement,
                },
            },
        )


def forget_namespace(kube: Kube, zones: tuple[str, ...], namespace: str) -> None:
    """A removed namespace leaves the AvailabilityZones (its Zone objects go with the namespace)."""
    for zone in zones:
        kube.patch(AVAILABILITY_ZONE, None, zone, {"spec": {"namespaces": {namespace: None}}})
