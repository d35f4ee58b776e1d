"""Reading the Supervisor's capabilities: the Capabilities object wins over the ConfigMap, and what cannot be
read is unknown (None), never an error."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.clients.capabilities import supervisor_capabilities
from pulumi_vmservice_provider.clients.supervisor import SupervisorUnreachable
from pulumi_vmservice_provider.model.types import KindRef


class FakeKube:
    def __init__(self, served: list[str] | Exception, objects: dict[str, Any]):
        self.served, self.objects, self.reads = served, objects, 0

    def served_versions(self, group: str) -> list[str]:
        if isinstance(self.served, Exception):
            raise self.served
        return self.served if group == "iaas.vmware.com" else []

    def get(self, ctx: Any, ref: KindRef, namespace: str | None, name: str) -> Any:
        self.reads += 1
        found = self.objects.get(ref.kind)
        if isinstance(found, Exception):
            raise found
        return found


CONFIG_MAP = {
    "data": {"supports_VM_service_mutable_networks": "true", "supports_VM_service_VM_groups": "false"}
}
CRD = {"status": {"supervisor": {"supports_VM_service_VM_groups": {"activated": True}}}}


def test_the_capabilities_object_wins_over_the_config_map_and_is_read_once() -> None:
    kube = FakeKube(["v1alpha1"], {"ConfigMap": CONFIG_MAP, "Capabilities": CRD})
    expected = {"supports_VM_service_mutable_networks": True, "supports_VM_service_VM_groups": True}
    assert supervisor_capabilities(kube) == expected  # type: ignore[arg-type]
    assert supervisor_capabilities(kube) == expected  # type: ignore[arg-type]
    assert kube.reads == 2


def test_without_the_crd_only_the_config_map_counts() -> None:
    kube = FakeKube([], {"ConfigMap": CONFIG_MAP, "Capabilities": CRD})
    assert supervisor_capabilities(kube)["supports_VM_service_VM_groups"] is False  # type: ignore[arg-type,index]
    assert supervisor_capabilities(FakeKube([], {})) == {}  # type: ignore[arg-type]


def test_an_unreachable_or_forbidding_supervisor_gives_unknown() -> None:
    offline = FakeKube(SupervisorUnreachable("refused"), {})
    assert supervisor_capabilities(offline) is None  # type: ignore[arg-type]
    forbidden = FakeKube([], {"ConfigMap": PermissionError("403")})
    assert supervisor_capabilities(forbidden) is None  # type: ignore[arg-type]
