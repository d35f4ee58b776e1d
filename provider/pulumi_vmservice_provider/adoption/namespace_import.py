"""`vmservice import --namespace NS`: a `pulumi import --file` document for every VM Operator object in a
namespace that a person or tool made (kubectl, the vSphere UI), so a team adopts them into a stack in one step.

Left out: objects the Supervisor or another controller made and owns (they carry owner references, e.g. the VMs
of a VirtualMachineReplicaSet or a Tanzu Kubernetes cluster), and objects a Pulumi stack already manages (they
carry the provider's URN annotation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.registry import RESOURCES

if TYPE_CHECKING:
    from pulumi_vmservice_provider.clients.supervisor import SupervisorClient

URN_ANNOTATION = "vmservice.pulumi.com/urn"


@dataclass(frozen=True)
class Skipped:
    kind: str
    name: str
    why: str


@dataclass(frozen=True)
class ImportPlan:
    resources: list[dict[str, str]]
    skipped: list[Skipped]

    def document(self) -> JSONObject:
        """The JSON `pulumi import --file` reads."""
        return {"resources": self.resources}


def why_skipped(obj: JSONObject) -> str | None:
    meta = obj.get("metadata") or {}
    owners = meta.get("ownerReferences") or []
    if owners:
        owner = owners[0]
        return f"owned by {owner.get('kind')} {owner.get('name')} (the Supervisor or a controller made it)"
    urn = (meta.get("annotations") or {}).get(URN_ANNOTATION)
    if urn:
        return f"already managed by a Pulumi stack ({urn})"
    if meta.get("deletionTimestamp"):
        return "being deleted"
    return None


def logical_name(name: str, kind: str, taken: set[str]) -> str:
    """A Pulumi logical name for the object: its own name, or `<kind>-<name>` where two kinds share a name."""
    base = re.sub(r"[^A-Za-z0-9_-]", "-", name)
    candidate = base if base not in taken else f"{kind[0].lower()}{kind[1:]}-{base}"
    suffix = 2
    while candidate in taken:
        candidate = f"{base}-{suffix}"
        suffix += 1
    taken.add(candidate)
    return candidate


def plan_import(client: SupervisorClient, namespace: str) -> ImportPlan:
    """Every importable VM Operator object of `namespace`, kinds in the model's order."""
    resources: list[dict[str, str]] = []
    skipped: list[Skipped] = []
    taken: set[str] = set()
    for token, definition in RESOURCES.items():
        kube = definition.kube
        if kube is None:
            continue
        if client.preferred_version(kube.group, kube.versions) is None:
            continue  # a kind this Supervisor does not serve (e.g. groups and replica sets before 9.1)
        for obj in sorted(client.list(None, kube, namespace), key=lambda o: o["metadata"]["name"]):
            name = obj["metadata"]["name"]
            why = why_skipped(obj)
            if why:
                skipped.append(Skipped(kube.kind, name, why))
                continue
            resources.append(
                {"type": token, "name": logical_name(name, kube.kind, taken), "id": f"{namespace}/{name}"}
            )
    return ImportPlan(resources, skipped)
