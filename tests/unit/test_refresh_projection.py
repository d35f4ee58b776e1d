"""Refresh reads back only what the user manages, so server-filled fields are never drift."""

from __future__ import annotations

from pulumi_vmservice_provider.kinds.virtualmachine.handler import VirtualMachineHandler
from pulumi_vmservice_provider.model.registry import RESOURCES
from pulumi_vmservice_provider.resources.kubeobject import project_onto
from pulumi_vmservice_provider.resources.state import ProviderState
from pulumi_vmservice_provider.wire import Secret

LIVE_VM = {
    "apiVersion": "vmoperator.vmware.com/v1alpha2",
    "kind": "VirtualMachine",
    "metadata": {
        "name": "web",
        "namespace": "dev",
        "labels": {"app": "web", "topology.kubernetes.io/zone": "zone-b"},
        "annotations": {
            "vmoperator.vmware.com/created-at-build-version": "1",
            "vmoperator.vmware.com/conversion": "{}",
            "team": "shop",
        },
        "finalizers": ["virtualmachine.vmoperator.vmware.com"],
    },
    "spec": {
        "className": "best-effort-small",
        "imageName": "vmi-0123456789abcdef0",
        "powerState": "PoweredOn",
        "powerOffMode": "TrySoft",
        "suspendMode": "TrySoft",
        "restartMode": "TrySoft",
        "network": {
            "interfaces": [
                {
                    "name": "eth0",
                    "network": {
                        "name": "primary",
                        "kind": "Network",
                        "apiVersion": "netoperator.vmware.com/v1alpha1",
                    },
                }
            ]
        },
    },
}


def handler() -> VirtualMachineHandler:
    return VirtualMachineHandler(RESOURCES["vmservice:index:VirtualMachine"], ProviderState())


def test_projection_keeps_only_user_keys_and_secrets() -> None:
    shape = {"labels": {"app": "x"}, "password": Secret("s3cret!")}
    live = {"labels": {"app": "web", "zone": "a"}, "password": "other", "uid": "1"}
    assert project_onto(shape, live) == {"labels": {"app": "web"}, "password": Secret("s3cret!")}


def test_projection_of_lists_follows_each_element() -> None:
    shape = [{"name": "eth0"}]
    live = [{"name": "eth0", "network": {"name": "n"}}, {"name": "eth1"}]
    assert project_onto(shape, live) == [{"name": "eth0"}, {"name": "eth1"}]


def test_import_drops_server_defaults_and_system_metadata() -> None:
    imported = handler().live_inputs(LIVE_VM)
    assert imported == {
        "metadata": {
            "name": "web",
            "namespace": "dev",
            "labels": {"app": "web"},
            "annotations": {"team": "shop"},
        },
        "spec": {
            "className": "best-effort-small",
            "imageName": "vmi-0123456789abcdef0",
            "powerState": "PoweredOn",
        },
    }
