"""vmservice:index:VirtualMachineSetResourcePolicy: applied and read like any VM Operator object; the
Supervisor creates the resource pool, folder and cluster modules as soon as it accepts the policy, so there
is nothing to wait for (and nothing this kind adds to the shared lifecycle)."""

from __future__ import annotations

from pulumi_vmservice_provider.kinds.virtualmachinesetresourcepolicy.declaration import (
    VIRTUAL_MACHINE_SET_RESOURCE_POLICY,
)
from pulumi_vmservice_provider.resources.registry import handles


@handles(VIRTUAL_MACHINE_SET_RESOURCE_POLICY)
class VirtualMachineSetResourcePolicy:
    pass
