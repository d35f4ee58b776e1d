"""Check's look at a VM's class, image and storage class on the Supervisor: the namespace's catalog is read once
per namespace, and read again before a reference it lacks is reported (an image published earlier in the same
`up` is there by the time the VM that uses it is checked)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from pulumi_vmservice_provider.kinds.virtualmachine.handler import VirtualMachine

IMAGE = {"metadata": {"name": "vmi-0123456789abcdef0"}, "status": {"name": "ubuntu-22.04"}}
PUBLISHED = {"metadata": {"name": "vmi-fedcba9876543210f"}, "status": {"name": "golden"}}


class FakeSupervisor:
    def __init__(self) -> None:
        self.images: list[dict[str, Any]] = [IMAGE]
        self.lists = 0

    def list(self, ctx: Any, ref: Any, namespace: str | None = None) -> list[dict[str, Any]]:
        self.lists += 1
        if ref.kind == "VirtualMachineImage":
            return list(self.images)
        if ref.kind == "VirtualMachineClass":
            return [{"metadata": {"name": "best-effort-small"}}]
        return []


def vm(image: str) -> dict[str, Any]:
    return {
        "metadata": {"name": "copy", "namespace": "dev"},
        "spec": {"className": "best-effort-small", "imageName": image},
    }


def test_a_missing_reference_is_looked_up_again_before_it_is_reported() -> None:
    supervisor = FakeSupervisor()
    engine: Any = SimpleNamespace(kube=supervisor)
    handler = VirtualMachine()
    assert handler.validate_with_server(engine, vm("ubuntu-22.04")) == []
    reads = supervisor.lists
    assert handler.validate_with_server(engine, vm("ubuntu-22.04")) == []
    assert supervisor.lists == reads  # kept: one read per namespace

    supervisor.images.append(PUBLISHED)  # published since the catalog was read
    assert handler.validate_with_server(engine, vm("golden")) == []
    assert supervisor.lists > reads

    ((path, reason),) = handler.validate_with_server(engine, vm("no-such-image"))
    assert path == "spec.imageName"
    assert reason == "no image named 'no-such-image' in namespace dev; available: golden, ubuntu-22.04"
