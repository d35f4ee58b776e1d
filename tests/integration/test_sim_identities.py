"""Who the simulator's kubeconfigs are, and what RBAC and VM Operator's webhooks let each do, as on a real
Supervisor: DIR/kubeconfig is a DevOps user who may do in a vSphere Namespace what its access list grants
(owner and can edit: edit; can view: view; not listed: nothing) and is not privileged in VM Operator's sense;
DIR/admin.kubeconfig is kubernetes-admin (system:masters), privileged."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration.conftest import NS, SimClient, eventually, vm_body

if TYPE_CHECKING:
    from vmservice_sim.simulator import Simulator

pytestmark = pytest.mark.integration

VMS = "virtualmachines"


def who(client: SimClient) -> tuple[str, list[str]]:
    from kubernetes import client as k8s

    review = k8s.AuthenticationV1Api(client.api_client).create_self_subject_review({})
    info = review.status.user_info
    return str(info.username), list(info.groups or [])


def may(client: SimClient, verb: str, resource: str, group: str = "", namespace: str | None = None) -> bool:
    from kubernetes import client as k8s

    attributes: dict[str, Any] = {"verb": verb, "resource": resource, "group": group}
    if namespace is not None:
        attributes["namespace"] = namespace
    review = k8s.AuthorizationV1Api(client.api_client).create_self_subject_access_review(
        {"spec": {"resourceAttributes": attributes}}
    )
    return bool(review.status.allowed)


def test_the_kubeconfigs_are_the_devops_user_and_the_admin(
    simulator: Simulator, devops: SimClient, admin: SimClient
) -> None:
    import yaml

    assert who(devops) == ("sso:devops@vsphere.local", ["system:authenticated"])
    assert yaml.safe_load(simulator.kubeconfig_path.read_text())["contexts"][0]["context"]["namespace"] == NS
    from kubernetes import config

    api = config.new_client_from_config(str(simulator.admin_kubeconfig_path))
    try:
        name, groups = who(SimClient(api, simulator.release.storage_version))
    finally:
        api.close()
    assert name == "kubernetes-admin" and "system:masters" in groups


def test_the_devops_user_edits_in_its_namespace_only(devops: SimClient) -> None:
    vmop = "vmoperator.vmware.com"
    for resource in ("virtualmachines", "virtualmachineservices", "virtualmachinepublishrequests"):
        assert may(devops, "create", resource, vmop, NS), resource
        assert not may(devops, "create", resource, vmop, "kube-system"), resource
    for resource in ("secrets", "persistentvolumeclaims", "configmaps"):
        assert may(devops, "create", resource, "", NS), resource
    # What the namespace's administrator provides is read-only to the editor.
    for resource in ("virtualmachineclasses", "virtualmachineimages"):
        assert may(devops, "list", resource, vmop, NS) and not may(devops, "create", resource, vmop, NS)
    assert may(devops, "get", "contentlibraries", "imageregistry.vmware.com", NS)
    assert not may(devops, "create", "contentlibraries", "imageregistry.vmware.com", NS)
    # Cluster-scoped: reads of what DevOps users read on a Supervisor, no writes at all.
    assert may(devops, "list", "clustervirtualmachineimages", vmop)
    assert may(devops, "list", "storageclasses", "storage.k8s.io")
    for resource, group in (
        ("namespaces", ""),
        ("storageclasses", "storage.k8s.io"),
        ("clustervirtualmachineimages", vmop),
        ("clusterrolebindings", "rbac.authorization.k8s.io"),
        ("availabilityzones", "topology.tanzu.vmware.com"),
    ):
        assert not may(devops, "create", resource, group), resource


def test_vm_operators_kinds_join_edit_through_aggregation(admin: SimClient) -> None:
    from kubernetes import client as k8s

    edit = k8s.RbacAuthorizationV1Api(admin.api_client).read_cluster_role("edit")
    groups = {group for rule in edit.rules or [] for group in rule.api_groups or []}
    assert "vmoperator.vmware.com" in groups  # filled in by kube-controller-manager's aggregation


def test_privileged_rules_follow_the_identity(
    devops: SimClient, admin: SimClient, unique: Callable[[str], str]
) -> None:
    body = vm_body(unique("priv"))
    body["metadata"]["annotations"] = {"vmoperator.vmware.com/cloud-init-instance-id": "i-1"}
    message = devops.denial(lambda: devops.create(VMS, body))
    assert (
        "cloud-init-instance-id: Forbidden: modifying this annotation is not allowed for non-admin" in message
    )
    admitted = admin.custom.create_namespaced_custom_object(
        admin.group, admin.version, NS, VMS, {"apiVersion": admin.api_version, **body}, dry_run="All"
    )
    assert admitted["metadata"]["annotations"]["vmoperator.vmware.com/cloud-init-instance-id"] == "i-1"


def access_bindings(admin: SimClient, namespace: str) -> dict[str, tuple[str, str]]:
    """The namespace's RoleBindings: subject name -> (subject kind, ClusterRole)."""
    from kubernetes import client as k8s

    found = k8s.RbacAuthorizationV1Api(admin.api_client).list_namespaced_role_binding(namespace).items
    return {s.name: (s.kind, b.role_ref.name) for b in found for s in b.subjects or []}


def test_the_access_list_of_a_vsphere_namespace_is_what_the_devops_user_may_do(
    simulator: Simulator, devops: SimClient, admin: SimClient, unique: Callable[[str], str]
) -> None:
    from vmservice_sim.vcenter import AccessEntry

    assert simulator.vcenter is not None
    vcenter = simulator.vcenter
    vmop = "vmoperator.vmware.com"
    owned, viewed, unlisted = unique("owner"), unique("viewer"), unique("unlisted")
    vcenter.create_namespace(owned, [], [], access=(AccessEntry("devops", "vsphere.local", "OWNER"),))
    vcenter.create_namespace(
        viewed,
        [],
        [],
        access=(
            AccessEntry("devops", "vsphere.local", "VIEW"),
            AccessEntry("shop-admins", "vsphere.local", "EDIT", "GROUP"),
        ),
    )
    vcenter.create_namespace(unlisted, [], [], access=(AccessEntry("someone", "vsphere.local", "EDIT"),))
    try:
        eventually("the owner's rights", lambda: may(devops, "create", VMS, vmop, owned))
        eventually("the viewer's rights", lambda: may(devops, "list", VMS, vmop, viewed))
        assert not may(devops, "create", VMS, vmop, viewed)
        assert access_bindings(admin, viewed) == {
            "sso:devops@vsphere.local": ("User", "view"),
            "sso:shop-admins@vsphere.local": ("Group", "edit"),
        }
        # Not listed: the namespace is made and binds who is listed, the DevOps user may do nothing there.
        eventually("the listed user's binding", lambda: access_bindings(admin, unlisted))
        assert access_bindings(admin, unlisted) == {"sso:someone@vsphere.local": ("User", "edit")}
        assert not may(devops, "list", VMS, vmop, unlisted) and not may(
            devops, "get", "secrets", "", unlisted
        )
        # The administrator changes the list in vCenter: the binding follows, and a removed entry loses it.
        vcenter.rest(  # vcsim's PATCH wants the whole vm_service_spec again
            "PATCH",
            f"/api/vcenter/namespaces/instances/{viewed}",
            json={
                "vm_service_spec": {"vm_classes": [], "content_libraries": []},
                "access_list": [{"subject": "devops", "domain": "vsphere.local", "role": "EDIT"}],
            },
        )
        eventually("the viewer made an editor", lambda: may(devops, "create", VMS, vmop, viewed))
        assert access_bindings(admin, viewed) == {"sso:devops@vsphere.local": ("User", "edit")}
    finally:
        for namespace in (owned, viewed, unlisted):
            vcenter.rest("DELETE", f"/api/vcenter/namespaces/instances/{namespace}")
