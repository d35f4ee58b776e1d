"""Who talks to the simulated Supervisor, and what RBAC lets each one do, as on a real Supervisor.

- The DevOps user `sso:devops@vsphere.local` (DIR/kubeconfig): a vSphere Namespace's "can edit" permission,
  which a Supervisor grants as a RoleBinding to the ClusterRole `edit` in that namespace only. VM Operator's
  kinds are part of `edit` the Kubernetes way, through a ClusterRole labelled to aggregate into it; beyond
  its namespaces the user may read what DevOps users read on a Supervisor (cluster images, storage classes,
  availability zones, the capabilities ConfigMap) and write nothing cluster-scoped. VM Operator's webhooks do
  not count it as privileged.
- The admin `kubernetes-admin` in `system:masters` (DIR/admin.kubeconfig): everything, and privileged in
  VM Operator's webhooks on both releases.
- VM Operator's own service account `vmware-system-vmop:vmware-system-vmop-controller-manager`: the
  simulator's controllers and webhooks act as it (cluster-admin here; privileged in the webhooks).
"""

from __future__ import annotations

import json
from typing import Any

from vmservice_sim.kube import CLUSTER_ROLE_BINDING, NAMESPACE, ROLE_BINDING, SERVICE_ACCOUNT, Kind, Kube, Obj

DEVOPS_USER = "sso:devops@vsphere.local"
VMOP_NAMESPACE = "vmware-system-vmop"
VMOP_SERVICE_ACCOUNT_NAME = "vmware-system-vmop-controller-manager"
VMOP_SERVICE_ACCOUNT = f"system:serviceaccount:{VMOP_NAMESPACE}:{VMOP_SERVICE_ACCOUNT_NAME}"

RBAC = "rbac.authorization.k8s.io"
CLUSTER_ROLE = Kind("ClusterRole", "clusterroles", RBAC, "v1", namespaced=False)
ROLE = Kind("Role", "roles", RBAC, "v1")

VMOP_GROUP = "vmoperator.vmware.com"
# What a namespace editor creates and changes.
EDITABLE = (
    "virtualmachines",
    "virtualmachineservices",
    "virtualmachinepublishrequests",
    "virtualmachinesetresourcepolicies",
    "virtualmachinewebconsolerequests",
    "webconsolerequests",
    "virtualmachinesnapshots",
    "virtualmachinegroups",
    "virtualmachinereplicasets",
    "virtualmachinegrouppublishrequests",
)
# What the namespace's administrator provides and the editor only reads.
READ_ONLY = ("virtualmachineclasses", "virtualmachineimages", "virtualmachineclassinstances")
READ = ["get", "list", "watch"]
WRITE = ["create", "delete", "deletecollection", "patch", "update"]

EDIT_ROLE = "vmservice-sim:vm-operator-edit"
VIEW_ROLE = "vmservice-sim:vm-operator-view"
CLUSTER_READ_ROLE = "vmservice-sim:devops-cluster-read"
NAMESPACE_EDIT_BINDING = "vmservice-sim:devops-edit"
CAPABILITIES_READ_ROLE = "vmservice-sim:capabilities-read"


def _rule(group: str, resources: list[str], verbs: list[str], names: list[str] | None = None) -> Obj:
    rule: Obj = {"apiGroups": [group], "resources": resources, "verbs": verbs}
    if names:
        rule["resourceNames"] = names
    return rule


def _namespaced_rules(write: bool) -> list[Obj]:
    editable = list(EDITABLE)
    rules = [
        _rule(VMOP_GROUP, [*editable, *(f"{r}/status" for r in editable)], READ),
        _rule(VMOP_GROUP, list(READ_ONLY), READ),
        _rule("imageregistry.vmware.com", ["contentlibraries", "contentlibraryitems"], READ),
        _rule("topology.tanzu.vmware.com", ["zones"], READ),
    ]
    if write:
        rules.insert(0, _rule(VMOP_GROUP, editable, WRITE))
    return rules


def cluster_roles() -> list[Obj]:
    """VM Operator's kinds aggregated into `edit`/`admin` and `view`, and the DevOps user's cluster reads."""
    aggregate = f"{RBAC}/aggregate-to-"
    return [
        {
            "metadata": {
                "name": EDIT_ROLE,
                "labels": {f"{aggregate}edit": "true", f"{aggregate}admin": "true"},
            },
            "rules": _namespaced_rules(write=True),
        },
        {
            "metadata": {"name": VIEW_ROLE, "labels": {f"{aggregate}view": "true"}},
            "rules": _namespaced_rules(False),
        },
        {
            "metadata": {"name": CLUSTER_READ_ROLE},
            "rules": [
                _rule(VMOP_GROUP, ["clustervirtualmachineimages"], READ),
                _rule("storage.k8s.io", ["storageclasses"], READ),
                _rule("topology.tanzu.vmware.com", ["availabilityzones"], READ),
                _rule(
                    "imageregistry.vmware.com",
                    ["clustercontentlibraries", "clustercontentlibraryitems"],
                    READ,
                ),
            ],
        },
    ]


def _user(name: str) -> Obj:
    return {"kind": "User", "apiGroup": RBAC, "name": name}


def _role_ref(kind: str, name: str) -> Obj:
    return {"apiGroup": RBAC, "kind": kind, "name": name}


def install_rbac(kube: Kube) -> None:
    """The roles and cluster-wide bindings (idempotent); namespaces get theirs from `grant_namespace`."""
    for role in cluster_roles():
        kube.apply(CLUSTER_ROLE, role)
    kube.apply(
        CLUSTER_ROLE_BINDING,
        {
            "metadata": {"name": CLUSTER_READ_ROLE},
            "roleRef": _role_ref("ClusterRole", CLUSTER_READ_ROLE),
            "subjects": [_user(DEVOPS_USER)],
        },
    )
    kube.apply(
        ROLE,
        {
            "metadata": {"name": CAPABILITIES_READ_ROLE, "namespace": "kube-system"},
            "rules": [_rule("", ["configmaps"], ["get"], ["wcp-cluster-capabilities"])],
        },
    )
    kube.apply(
        ROLE_BINDING,
        {
            "metadata": {"name": CAPABILITIES_READ_ROLE, "namespace": "kube-system"},
            "roleRef": _role_ref("Role", CAPABILITIES_READ_ROLE),
            "subjects": [{"kind": "Group", "apiGroup": RBAC, "name": "system:authenticated"}],
        },
    )
    kube.create_or_get(NAMESPACE, {"metadata": {"name": VMOP_NAMESPACE}})
    kube.create_or_get(
        SERVICE_ACCOUNT, {"metadata": {"name": VMOP_SERVICE_ACCOUNT_NAME, "namespace": VMOP_NAMESPACE}}
    )
    kube.apply(
        CLUSTER_ROLE_BINDING,
        {
            "metadata": {"name": "vmservice-sim:vm-operator"},
            "roleRef": _role_ref("ClusterRole", "cluster-admin"),
            "subjects": [
                {"kind": "ServiceAccount", "name": VMOP_SERVICE_ACCOUNT_NAME, "namespace": VMOP_NAMESPACE}
            ],
        },
    )


def grant_namespace(kube: Kube, namespace: str, user: str = DEVOPS_USER) -> None:
    """The vSphere Namespace's "can edit" permission for `user`: `edit` in that namespace only."""
    kube.apply(
        ROLE_BINDING,
        {
            "metadata": {"name": NAMESPACE_EDIT_BINDING, "namespace": namespace},
            "roleRef": _role_ref("ClusterRole", "edit"),
            "subjects": [_user(user)],
        },
    )


def vm_operator_token(kube: Kube, days: int = 365) -> str:
    """A token of VM Operator's service account (TokenRequest through the admin)."""
    from kubernetes import client

    core: Any = client.CoreV1Api(kube.api_client)
    response = core.create_namespaced_service_account_token(
        VMOP_SERVICE_ACCOUNT_NAME,
        VMOP_NAMESPACE,
        {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenRequest",
            "spec": {"expirationSeconds": days * 86400},
        },
        _preload_content=False,
    )
    return str(json.loads(response.data)["status"]["token"])
