"""Kubernetes Events on the objects the simulated controllers manage, as VM Operator's recorder writes them
(pkg/record: a failed operation is a Warning with reason `<Operation>Failure` and the error as message)."""

from __future__ import annotations

import secrets

from vmservice_sim.kube import EVENT, Kube, Obj
from vmservice_sim.objects import rfc3339

COMPONENT = "vmoperator-controller-manager"


def warn(kube: Kube, obj: Obj, reason: str, message: str) -> None:
    meta = obj["metadata"]
    moment = rfc3339()
    kube.create(
        EVENT,
        {
            "metadata": {
                "name": f"{meta['name']}.{secrets.token_hex(8)}",
                "namespace": meta["namespace"],
            },
            "involvedObject": {
                "apiVersion": obj.get("apiVersion"),
                "kind": obj.get("kind"),
                "name": meta["name"],
                "namespace": meta["namespace"],
                "uid": meta.get("uid"),
                "resourceVersion": meta.get("resourceVersion"),
            },
            "type": "Warning",
            "reason": reason,
            "message": message,
            "source": {"component": COMPONENT},
            "firstTimestamp": moment,
            "lastTimestamp": moment,
            "count": 1,
        },
    )
