"""CRDs of the Supervisor's other operators that VM Operator's webhooks read, defined by the simulator.

A real Supervisor serves them from other components (zones from the topology operator, storage policy quotas
from CNS, storage policies from VM Operator's infra API, encryption classes from its BYOK API). Their Go API
modules are VM Operator's `external/*` submodules, which the Go module proxy does not serve, so they cannot
be generated with controller-gen like the VM Operator and image registry CRDs. These are the narrowest
definitions that carry what the rules read, in the kinds' real groups, names and scopes:

- `availabilityzones.topology.tanzu.vmware.com` (cluster-scoped): a zone's existence (8.0 U3's zone label).
- `zones.topology.tanzu.vmware.com` (namespaced): a namespace's zones and whether one is being deleted (9.1).
- `storagepolicyquotas.cns.vmware.com` (namespaced; v1alpha1 on 8.0 U3, v1alpha2 on 9.1): `spec.storagePolicyId`
  and `status.scLevelQuotaStatuses[].storageClassName` (stretched Supervisors' storage assignment).
- `storagepolicies.infra.vmware.com` (namespaced, in vmware-system-vmop): `status.encrypted`.
- `encryptionclasses.encryption.vmware.com` (namespaced): `spec.keyProvider`, `spec.keyID`.

Fields beyond those are kept as given (`x-kubernetes-preserve-unknown-fields`), since their real schemas
are not at hand.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

OPEN: Obj = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def _crd(
    group: str,
    kind: str,
    plural: str,
    *,
    namespaced: bool,
    versions: tuple[str, ...] = ("v1alpha1",),
    spec: Obj | None = None,
    status: Obj | None = None,
) -> Obj:
    schema: Obj = {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {**OPEN, **(spec or {})},
            "status": {**OPEN, **(status or {})},
        },
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": f"{plural}.{group}",
            "labels": {"vmservice-sim.vmware.com/defined-by": "simulator"},
        },
        "spec": {
            "group": group,
            "names": {"kind": kind, "listKind": f"{kind}List", "plural": plural, "singular": kind.lower()},
            "scope": "Namespaced" if namespaced else "Cluster",
            "versions": [
                {
                    "name": version,
                    "served": True,
                    "storage": version == versions[-1],
                    "schema": {"openAPIV3Schema": schema},
                    "subresources": {"status": {}},
                }
                for version in versions
            ],
        },
    }


def _fields(**types: Obj) -> Obj:
    return {"properties": types}


STRING: Obj = {"type": "string"}


def manifests() -> list[Obj]:
    """The CRDs, for every release (each version is served with the same schema; no conversion needed)."""
    return [
        _crd("topology.tanzu.vmware.com", "AvailabilityZone", "availabilityzones", namespaced=False),
        _crd("topology.tanzu.vmware.com", "Zone", "zones", namespaced=True),
        _crd(
            "cns.vmware.com",
            "StoragePolicyQuota",
            "storagepolicyquotas",
            namespaced=True,
            versions=("v1alpha1", "v1alpha2"),
            spec=_fields(storagePolicyId=STRING),
            status=_fields(
                scLevelQuotaStatuses={
                    "type": "array",
                    "items": {**OPEN, **_fields(storageClassName=STRING)},
                }
            ),
        ),
        _crd(
            "infra.vmware.com",
            "StoragePolicy",
            "storagepolicies",
            namespaced=True,
            status=_fields(encrypted={"type": "boolean"}),
        ),
        _crd(
            "encryption.vmware.com",
            "EncryptionClass",
            "encryptionclasses",
            namespaced=True,
            spec=_fields(keyProvider=STRING, keyID=STRING),
        ),
    ]
