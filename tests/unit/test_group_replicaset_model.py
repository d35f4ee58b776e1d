"""VirtualMachineGroup and VirtualMachineReplicaSet: replace rules, Check's rules, and Check on an 8.0U3
Supervisor (which has neither kind)."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.core import Provider
from pulumi_vmservice_provider.model.plan import planned_changes
from pulumi_vmservice_provider.model.registry import RESOURCES

GROUP = RESOURCES["vmservice:index:VirtualMachineGroup"]
REPLICA_SET = RESOURCES["vmservice:index:VirtualMachineReplicaSet"]


def replica_set(replicas: int = 2, app: str = "web", labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "namespace": "dev"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": app}},
            "template": {
                "metadata": {"labels": labels if labels is not None else {"app": "web"}},
                "spec": {"className": "best-effort-small", "imageName": "ubuntu-22.04"},
            },
        },
    }


def replaced(definition: Any, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [c.path for c in planned_changes(definition, old, new) if c.replaces]


def test_both_kinds_need_v1alpha3_or_newer() -> None:
    for definition in (GROUP, REPLICA_SET):
        assert definition.kube is not None and definition.kube.versions[0] == "v1alpha3"


def test_scaling_and_template_changes_update_in_place_a_new_selector_replaces() -> None:
    assert replaced(REPLICA_SET, replica_set(2), replica_set(3)) == []
    changed = replica_set()
    changed["spec"]["template"]["spec"]["imageName"] = "photon-5"
    assert replaced(REPLICA_SET, replica_set(), changed) == []
    assert replaced(REPLICA_SET, replica_set(), replica_set(app="api", labels={"app": "api"})) == [
        "spec.selector.matchLabels.app"
    ]


def test_group_changes_update_in_place() -> None:
    old = {"metadata": {"name": "app"}, "spec": {"powerState": "PoweredOff"}}
    new = {
        "metadata": {"name": "app"},
        "spec": {"powerState": "PoweredOn", "bootOrder": [{"members": [{"name": "db"}]}]},
    }
    assert replaced(GROUP, old, new) == []


def check(token: str, news: dict[str, Any]) -> list[tuple[str, str]]:
    _, failures = Provider(lambda *args: None).check(token, "x", {}, news, b"seed")
    return [(f.path, f.reason) for f in failures]


def test_check_wants_template_labels_that_match_the_selector() -> None:
    assert check(REPLICA_SET.token, replica_set(labels={"app": "db"})) == [
        ("spec.template.metadata.labels", 'must match spec.selector "app=web"')
    ]
    assert check(REPLICA_SET.token, replica_set()) == []
    bad_member = {"metadata": {"namespace": "dev"}, "spec": {"bootOrder": [{"members": [{"kind": "Pod"}]}]}}
    assert [path for path, _ in check(GROUP.token, bad_member)] == [
        "spec.bootOrder[0].members[0].kind",
        "spec.bootOrder[0].members[0].name",
    ]


class _Kube:
    def __init__(self, served: list[str]) -> None:
        self.served = served

    def api_version(self, ref: Any, patient: bool = True, ctx: Any = None) -> str:
        for version in reversed(ref.versions):
            if version in self.served:
                return f"{ref.group}/{version}"
        raise RuntimeError("not served")

    def served_versions(self, group: str, patient: bool = False, ctx: Any = None) -> list[str]:
        return self.served


def kind_unavailable(definition: Any, served: list[str]) -> list[tuple[str, str]]:
    from pulumi_vmservice_provider.resources.registry import make_handler
    from pulumi_vmservice_provider.resources.state import ProviderState

    state = ProviderState()
    state._kube = _Kube(served)  # type: ignore[assignment]
    return make_handler(definition, state).validate_with_server({"spec": {}})


def test_an_8_0u3_supervisor_is_told_which_api_the_kind_needs() -> None:
    assert kind_unavailable(REPLICA_SET, ["v1alpha2", "v1alpha1"]) == [
        (
            "spec",
            "VirtualMachineReplicaSet needs VM Operator API vmoperator.vmware.com/v1alpha3 or newer (a vSphere 9.1 "
            "Supervisor); this Supervisor serves v1alpha2, v1alpha1, which has no VirtualMachineReplicaSet",
        )
    ]
    assert kind_unavailable(GROUP, ["v1alpha5", "v1alpha2"]) == []


def test_the_template_is_typed_like_a_vm_spec_but_its_changes_update_in_place() -> None:
    from pulumi_vmservice_provider.model.plan import planned_changes
    from pulumi_vmservice_provider.model.registry import RESOURCES

    replica_set = RESOURCES["vmservice:index:VirtualMachineReplicaSet"]
    template = replica_set.inputs["spec"].obj.properties["template"].obj  # type: ignore[union-attr]
    assert template.properties["spec"].obj.name == "VirtualMachineSpec"  # type: ignore[union-attr]

    def spec(image: str) -> dict[str, object]:
        return {
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"className": "best-effort-small", "imageName": image},
                },
            }
        }

    (change,) = planned_changes(replica_set, spec("ubuntu-22.04"), spec("photon-5"))
    assert change.path == "spec.template.spec.imageName" and not change.replaces
