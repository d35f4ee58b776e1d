"""vmservice:index:VirtualMachineReplicaSet: applied like any VM Operator object (scaling is an in-place
update), then waited for until `spec.replicas` VMs are ready (readiness.py). Deleting it lets the
Supervisor's garbage collector delete the VMs it owns; the delete waits for them. vSphere 9.1 only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject, KubeObject, view

from pulumi_vmservice_provider.kinds.virtualmachinereplicaset.declaration import VIRTUAL_MACHINE_REPLICA_SET
from pulumi_vmservice_provider.kinds.virtualmachinereplicaset.readiness import replica_set_readiness
from pulumi_vmservice_provider.resources.kubeobject import split_id
from pulumi_vmservice_provider.resources.lookups import VIRTUAL_MACHINES
from pulumi_vmservice_provider.resources.registry import handles

if TYPE_CHECKING:
    from pulumi_vmservice_provider.operations import DeleteRequest
    from pulumi_vmservice_provider.readiness import Readiness
    from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler


@handles(VIRTUAL_MACHINE_REPLICA_SET)
class VirtualMachineReplicaSet:
    served_from = "vSphere 9.1"

    def readiness(self, inputs: JSONObject, where: str) -> tuple[Readiness[KubeObject], str] | None:
        return replica_set_readiness(), f"waiting for replica set {where}"

    def delete(self, engine: KubeObjectHandler, request: DeleteRequest) -> None:
        """Delete the replica set, then wait until the garbage collector has deleted the VMs it owned, so a
        destroy leaves no VM behind."""
        ctx = request.ctx
        namespace, name = split_id(request.id)
        live = engine.get(ctx, namespace, name)
        engine.delete_object(request)
        if live is None:
            return
        uid = view(live).uid
        doing = f"waiting for the VMs of replica set {request.id} to be deleted"
        while True:
            left = [
                vm
                for vm in engine.kube.list(ctx, VIRTUAL_MACHINES, namespace)
                if any(ref.get("uid") == uid for ref in view(vm).metadata.get("ownerReferences") or [])
            ]
            if not left:
                return
            ctx.status(f"{doing} ({len(left)} left)")
            ctx.sleep(1.0, doing)
