"""vmservice:index:VirtualMachineReplicaSet: applied like any VM Operator object (scaling is an in-place
update), then waited for until `spec.replicas` VMs are ready (readiness/virtualmachinereplicaset.py).
Deleting it lets the Supervisor's garbage collector delete the VMs it owns; the delete waits for them."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.clients.supervisor import KindRef
from pulumi_vmservice_provider.kinds.virtualmachinereplicaset.declaration import VIRTUAL_MACHINE_REPLICA_SET
from pulumi_vmservice_provider.kinds.virtualmachinereplicaset.readiness import replica_set_readiness
from pulumi_vmservice_provider.model.types import VMOPERATOR_VERSIONS
from pulumi_vmservice_provider.operations import DeleteRequest
from pulumi_vmservice_provider.readiness import Readiness
from pulumi_vmservice_provider.resources.availability import kind_unavailable
from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler, Obj, split_id
from pulumi_vmservice_provider.resources.registry import handles

VIRTUAL_MACHINES = KindRef("VirtualMachine", "virtualmachines", "vmoperator.vmware.com", VMOPERATOR_VERSIONS)


@handles(VIRTUAL_MACHINE_REPLICA_SET)
class VirtualMachineReplicaSetHandler(KubeObjectHandler):
    def validate_with_server(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        return kind_unavailable(self, "vSphere 9.1") or super().validate_with_server(inputs)

    def readiness(self, inputs: dict[str, Any], where: str) -> tuple[Readiness[Obj], str] | None:
        return replica_set_readiness(), f"waiting for replica set {where}"

    def delete(self, request: DeleteRequest) -> None:
        """Delete the replica set, then wait until the garbage collector has deleted the VMs it owned, so a
        destroy leaves no VM behind."""
        ctx = request.ctx
        namespace, name = split_id(request.id)
        live = self.get(ctx, namespace, name)
        super().delete(request)
        if live is None:
            return
        uid = live["metadata"].get("uid")
        doing = f"waiting for the VMs of replica set {namespace}/{name} to be deleted"
        while True:
            left = [
                vm
                for vm in self.state.kube.list(ctx, VIRTUAL_MACHINES, namespace)
                if any(ref.get("uid") == uid for ref in vm.get("metadata", {}).get("ownerReferences") or [])
            ]
            if not left:
                return
            ctx.status(f"{doing} ({len(left)} left)")
            ctx.sleep(1.0, doing)
