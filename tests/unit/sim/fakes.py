"""AdmissionReview requests and a cluster made of plain dicts, for the simulator's admission adapter."""

from __future__ import annotations

import copy
from typing import Any

from vmservice_api.rules import StaticCluster

Obj = dict[str, Any]
NS = "dev"
DEVOPS = {"username": "sso:devops@vsphere.local", "groups": ["system:authenticated"]}
ADMIN = {"username": "kubernetes-admin", "groups": ["system:masters", "system:authenticated"]}
VM_OPERATOR = {"username": "system:serviceaccount:vmware-system-vmop:vmware-system-vmop-controller-manager"}


class CountingCluster(StaticCluster):
    """A cluster of given objects that counts reads (it has no write method, like the real reader)."""

    reads: list[tuple[str, str]]

    def __init__(self, *objects: Obj) -> None:
        super().__init__(tuple(objects))
        object.__setattr__(self, "reads", [])

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        self.reads.append(("get", kind))
        return super().get(kind, namespace, name)

    def list(self, kind: str, namespace: str | None = None) -> list[Obj]:
        self.reads.append(("list", kind))
        return super().list(kind, namespace)


def review(
    operation: str,
    obj: Obj,
    old: Obj | None = None,
    *,
    user: dict[str, Any] = DEVOPS,
    dry_run: bool = False,
) -> Obj:
    request = {
        "uid": "u-1",
        "operation": operation,
        "object": copy.deepcopy(obj),
        "oldObject": copy.deepcopy(old),
        "dryRun": dry_run,
        "userInfo": user,
    }
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}


def vm(image: str = "ubuntu-22.04", version: str = "v1alpha2", **spec: Any) -> Obj:
    return {
        "apiVersion": f"vmoperator.vmware.com/{version}",
        "kind": "VirtualMachine",
        "metadata": {"name": "web-1", "namespace": NS},
        "spec": {"className": "best-effort-small", "imageName": image, **spec},
    }


def image(
    name: str = "vmi-0123456789abcdef0", display: str = "ubuntu-22.04", version: str = "v1alpha2"
) -> Obj:
    return {
        "apiVersion": f"vmoperator.vmware.com/{version}",
        "kind": "VirtualMachineImage",
        "metadata": {"name": name, "namespace": NS},
        "status": {"name": display},
    }


def config_map(namespace: str, name: str, data: dict[str, str]) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace},
        "data": data,
    }
