"""vmservice:index:VirtualMachinePublishRequest: a one-shot request, waited on until the image exists.

The Supervisor deletes a finished request `ttlSecondsAfterFinished` after completion. That is the
request doing its job, not drift: refresh keeps the finished request in state, and nothing is re-created.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi_vmservice_provider.errors import ProviderError
from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler, split_id

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext

FAILED_REASONS = {
    "SourceVirtualMachineNotExist",
    "SourceVirtualMachineNotCreated",
    "TargetContentLibraryNotExist",
    "TargetContentLibraryNotWritable",
    "TargetContentLibraryNotReady",
    "TargetItemAlreadyExists",
    "UploadFailure",
    "ImageUnavailable",
    "Fatal",
}


def _describe(obj: dict[str, Any] | None) -> str:
    conditions = ((obj or {}).get("status") or {}).get("conditions") or []
    pending = [c.get("type") for c in conditions if c.get("status") != "True"]
    return f"waiting for publishing to complete ({', '.join(pending) or 'starting'})"


class PublishRequestHandler(KubeObjectHandler):
    def wait_ready(
        self, ctx: OperationContext, inputs: dict[str, Any], live: dict[str, Any]
    ) -> dict[str, Any]:
        meta = live["metadata"]

        def done(obj: dict[str, Any] | None) -> bool:
            if obj is None:
                raise ProviderError(
                    f"VirtualMachinePublishRequest {meta['namespace']}/{meta['name']} disappeared before completing"
                )
            for condition in (obj.get("status") or {}).get("conditions") or []:
                if condition.get("status") == "False" and condition.get("reason") in FAILED_REASONS:
                    raise ProviderError(
                        f"publishing failed: {condition.get('type')} is False ({condition.get('reason')}): {condition.get('message', '')}"
                    )
            return bool((obj.get("status") or {}).get("ready"))

        result = self.watch_until(
            ctx,
            meta["namespace"],
            meta["name"],
            done,
            _describe,
            f"publishing {meta['namespace']}/{meta['name']}",
        )
        return result or live

    def read(
        self, ctx: OperationContext, resource_id: str, state: dict[str, Any], inputs: dict[str, Any] | None
    ) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        found = super().read(ctx, resource_id, state, inputs)
        if found is None and (state.get("status") or {}).get("ready") and inputs:
            return resource_id, state, inputs  # finished and cleaned up by its TTL
        return found

    def update(
        self,
        ctx: OperationContext,
        resource_id: str,
        olds: dict[str, Any],
        old_inputs: dict[str, Any],
        news: dict[str, Any],
    ) -> dict[str, Any]:
        namespace, name = split_id(resource_id)
        if (olds.get("status") or {}).get("ready") and self.get(ctx, namespace, name) is None:
            # Finished and cleaned up by its TTL: there is nothing left on the Supervisor to change (only
            # labels, annotations or the TTL can differ here; source and target changes replace).
            finished = dict(news)
            for key in ("apiVersion", "status", "liveMetadata"):
                if key in olds:
                    finished[key] = olds[key]
            return finished
        return super().update(ctx, resource_id, olds, old_inputs, news)
