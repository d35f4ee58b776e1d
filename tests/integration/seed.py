"""Objects vCenter would have synced into a namespace, for tests on a bare apiserver."""

from __future__ import annotations

from typing import Any


def seed_class_and_image(api_client: Any, namespace: str) -> None:
    """What vCenter would have synced into the namespace: a VM class and an image with a display name."""
    from kubernetes import client

    custom = client.CustomObjectsApi(api_client)
    group, version = "vmoperator.vmware.com", "v1alpha2"
    custom.create_namespaced_custom_object(
        group,
        version,
        namespace,
        "virtualmachineclasses",
        {
            "apiVersion": f"{group}/{version}",
            "kind": "VirtualMachineClass",
            "metadata": {"name": "best-effort-small"},
            "spec": {"hardware": {"cpus": 2, "memory": "4Gi"}},
        },
    )
    custom.create_namespaced_custom_object(
        group,
        version,
        namespace,
        "virtualmachineimages",
        {
            "apiVersion": f"{group}/{version}",
            "kind": "VirtualMachineImage",
            "metadata": {"name": "vmi-0123456789abcdef0"},
        },
    )
    custom.patch_namespaced_custom_object_status(
        group,
        version,
        namespace,
        "virtualmachineimages",
        "vmi-0123456789abcdef0",
        {"status": {"name": "ubuntu-22.04"}},
    )
