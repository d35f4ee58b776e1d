"""vmservice:index:VirtualMachinePublishRequest: a one-shot request, waited on until the image exists.

The Supervisor deletes a finished request `ttlSecondsAfterFinished` after completion. That is the
request doing its job, not drift: refresh keeps the finished request in state, and nothing is re-created.
"""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.kinds.virtualmachinepublishrequest.declaration import (
    VIRTUAL_MACHINE_PUBLISH_REQUEST,
)
from pulumi_vmservice_provider.kinds.virtualmachinepublishrequest.readiness import publish_readiness
from pulumi_vmservice_provider.operations import ReadRequest, ReadResult, UpdateRequest, UpdateResult
from pulumi_vmservice_provider.readiness import Readiness
from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler, Obj, split_id
from pulumi_vmservice_provider.resources.registry import handles


@handles(VIRTUAL_MACHINE_PUBLISH_REQUEST)
class PublishRequestHandler(KubeObjectHandler):
    def readiness(self, inputs: dict[str, Any], where: str) -> tuple[Readiness[Obj], str] | None:
        return publish_readiness(where), f"publishing {where}"

    def read(self, request: ReadRequest) -> ReadResult | None:
        found = super().read(request)
        if found is None and (request.state.get("status") or {}).get("ready") and request.inputs:
            return ReadResult(request.id, request.state, request.inputs)  # finished, removed by its TTL
        return found

    def update(self, request: UpdateRequest) -> UpdateResult:
        olds = request.state
        namespace, name = split_id(request.id)
        if (olds.get("status") or {}).get("ready") and self.get(request.ctx, namespace, name) is None:
            # Finished and cleaned up by its TTL: there is nothing left on the Supervisor to change (only
            # labels, annotations or the TTL can differ here; source and target changes replace).
            finished = dict(request.inputs)
            for key in ("apiVersion", "status", "liveMetadata"):
                if key in olds:
                    finished[key] = olds[key]
            return UpdateResult(finished)
        return super().update(request)
