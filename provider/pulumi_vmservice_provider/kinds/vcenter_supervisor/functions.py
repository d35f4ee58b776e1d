"""getSupervisor: the lookup in vCenter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_vmservice_provider.kinds.vcenter_supervisor.declaration import GET_SUPERVISOR
from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.registry import implements
from pulumi_vmservice_provider.resources.vcenter_common import resolve_supervisor

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.state import ProviderState


@implements(GET_SUPERVISOR)
def get_supervisor(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    ctx, args = request.ctx, request.args.value
    name = str((args)["name"])
    cluster_id, cluster_name, summary = resolve_supervisor(state.vcenter, state.soap, name, "name", ctx)
    return {
        "id": cluster_id,
        "name": cluster_name,
        "configStatus": summary.config_status,
        "kubernetesStatus": summary.kubernetes_status,
    }
