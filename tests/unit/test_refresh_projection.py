"""Refresh reads back only what the user manages, so server-filled fields are never drift."""

from __future__ import annotations

from typing import Any

from pulumi_vmservice_provider.model.registry import RESOURCES
from pulumi_vmservice_provider.resources.kubefields import live_inputs, project_onto, read_back

VM = RESOURCES["vmservice:index:VirtualMachine"]

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


def test_projection_keeps_only_user_keys() -> None:
    shape = {"labels": {"app": "x"}, "password": "s3cret!"}
    live = {"labels": {"app": "web", "zone": "a"}, "password": "other", "uid": "1"}
    assert project_onto(shape, live) == {"labels": {"app": "web"}, "password": "other"}


def test_refresh_keeps_the_users_words_where_the_server_rewrote_or_cleared_them() -> None:
    written: dict[str, Any] = {
        "metadata": {"name": "web", "namespace": "dev", "labels": {"topology.kubernetes.io/zone": "zone-b"}},
        "spec": {"imageName": "ubuntu-22.04", "nextRestartTime": "now", "currentSnapshotName": "before"},
        "waitFor": "created",
    }
    refreshed = read_back(VM, written, LIVE_VM)  # type: ignore[arg-type]
    assert refreshed["spec"] == written["spec"]  # vmi- name, no timestamp, revert cleared: none is drift
    assert refreshed["metadata"]["labels"] == {
        "topology.kubernetes.io/zone": "zone-b"
    }  # a label the user set
    assert refreshed["waitFor"] == "created"  # provider options stay as written


def test_projection_of_lists_follows_each_element() -> None:
    shape = [{"name": "eth0"}]
    live = [{"name": "eth0", "network": {"name": "n"}}, {"name": "eth1"}]
    assert project_onto(shape, live) == [{"name": "eth0"}, {"name": "eth1"}]


def test_import_drops_server_defaults_and_system_metadata() -> None:
    imported = live_inputs(VM, LIVE_VM)  # type: ignore[arg-type]
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
