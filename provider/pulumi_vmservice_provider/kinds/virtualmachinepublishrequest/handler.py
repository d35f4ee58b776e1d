"""vmservice:index:VirtualMachinePublishRequest: a one-shot request, waited on until the image exists.

The Supervisor deletes a finished request `ttlSecondsAfterFinished` after completion. That is the
request doing its job, not drift: refresh keeps the finished request in state, and nothing is re-created.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject, KubeObject

from pulumi_vmservice_provider.kinds.virtualmachinepublishrequest.declaration import (
    VIRTUAL_MACHINE_PUBLISH_REQUEST,
)
from pulumi_vmservice_provider.kinds.virtualmachinepublishrequest.readiness import publish_readiness
from pulumi_vmservice_provider.operations import ReadRequest, ReadResult, UpdateRequest, UpdateResult
from pulumi_vmservice_provider.resources.kubeobject import split_id
from pulumi_vmservice_provider.resources.registry import handles

if TYPE_CHECKING:
    from pulumi_vmservice_provider.readiness import Readiness
    from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler


def finished(state: JSONObject) -> bool:
    status = state.get("status")
    return isinstance(status, dict) and bool(status.get("ready"))


@handles(VIRTUAL_MACHINE_PUBLISH_REQUEST)
class VirtualMachinePublishRequest:
    def readiness(self, inputs: JSONObject, where: str) -> tuple[Readiness[KubeObject], str] | None:
        return publish_readiness(where), f"publishing {where}"

    def read(self, engine: KubeObjectHandler, request: ReadRequest) -> ReadResult | None:
        found = engine.read_object(request)
        if found is None and finished(request.state.value) and not request.is_import:
            return ReadResult(request.id, request.state.value, request.inputs.value)  # removed by its TTL
        return found

    def update(self, engine: KubeObjectHandler, request: UpdateRequest) -> UpdateResult:
        olds = request.state.value
        if finished(olds) and engine.get(request.ctx, *split_id(request.id)) is None:
            # Finished and cleaned up by its TTL: there is nothing left on the Supervisor to change (only
            # labels, annotations or the TTL can differ here; source and target changes replace).
            outputs = dict(request.inputs.value)
            for key in ("apiVersion", "status", "liveMetadata"):
                if key in olds:
                    outputs[key] = olds[key]
            return UpdateResult(outputs)
        return engine.apply_update(request)
