"""Which objects `vmservice import` adopts, and their logical names (no Supervisor needed)."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.adoption.namespace_import import logical_name, plan_import, why_skipped


class FakeSupervisor:
    def __init__(self, objects: dict[str, list[dict[str, Any]]]):
        self.objects = objects

    def list(self, ctx: Any, ref: Any, namespace: str | None = None) -> list[dict[str, Any]]:
        return self.objects.get(ref.plural, [])

    def preferred_version(self, group: str, understood: tuple[str, ...]) -> str | None:
        return "v1alpha2" if "v1alpha2" in understood else None  # an 8.0U3 Supervisor


def obj(name: str, **meta: Any) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": "dev", **meta}}


def test_owned_managed_and_deleting_objects_are_left_out() -> None:
    assert why_skipped(obj("a")) is None
    assert "owned by VirtualMachineReplicaSet rs" in str(
        why_skipped(obj("b", ownerReferences=[{"kind": "VirtualMachineReplicaSet", "name": "rs"}]))
    )
    managed = obj("c", annotations={"vmservice.pulumi.com/urn": "urn:pulumi:prod::p::t::c"})
    assert "already managed by a Pulumi stack" in str(why_skipped(managed))
    assert why_skipped(obj("d", deletionTimestamp="2026-12-03T10:00:00Z")) == "being deleted"


def test_plan_lists_every_kind_with_unique_logical_names() -> None:
    supervisor: Any = FakeSupervisor(
        {
            "virtualmachines": [
                obj("web"),
                obj("db"),
                obj("w", ownerReferences=[{"kind": "X", "name": "y"}]),
            ],
            "virtualmachineservices": [obj("web")],
        }
    )
    plan = plan_import(supervisor, "dev")
    assert plan.document() == {
        "resources": [
            {"type": "vmservice:index:VirtualMachine", "name": "db", "id": "dev/db"},
            {"type": "vmservice:index:VirtualMachine", "name": "web", "id": "dev/web"},
            {
                "type": "vmservice:index:VirtualMachineService",
                "name": "virtualMachineService-web",
                "id": "dev/web",
            },
        ]
    }
    assert [(s.kind, s.name) for s in plan.skipped] == [("VirtualMachine", "w")]


def test_logical_names_stay_unique() -> None:
    taken: set[str] = set()
    assert [logical_name("a.b", "VirtualMachine", taken) for _ in range(3)] == [
        "a-b",
        "virtualMachine-a-b",
        "a-b-2",
    ]
