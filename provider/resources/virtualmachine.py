"""vmservice:index:VirtualMachine: CRUD on top of the generic handler, plus waiting for readiness."""

from __future__ import annotations

from provider.resources.kubeobject import KubeObjectHandler


class VirtualMachineHandler(KubeObjectHandler):
    pass
