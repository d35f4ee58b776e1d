"""Who talks to the simulated Supervisor, and what RBAC lets each one do, as on a real Supervisor.

- The DevOps user `sso:devops@vsphere.local` (DIR/kubeconfig): what the access lists of vSphere Namespaces
  give it. A Supervisor turns each entry (a user or group with the role Owner, Can edit or Can view) into a
  RoleBinding to the ClusterRole `edit` (owner, edit) or `view` in that namespace only (`sync_access`); a
  namespace that does not list the user gives it nothing. VM Operator's kinds are part of `edit` and `view`
  the Kubernetes way, through ClusterRoles labelled to aggregate into them; beyond its namespaces the user
  may read what DevOps users read on a Supervisor (cluster images, storage classes, availability zones, the
  capabilities ConfigMap) and write nothing cluster-scoped. VM Operator's webhooks do not count it as
  privileged.
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
    """The roles and cluster-wide bindings (idempotent); namespaces get theirs from `sync_access`."""
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


# vSphere Namespace roles (vCenter's access list) and the ClusterRole a Supervisor binds each to: an owner
# may also share and delete the namespace in vCenter, which is not a Kubernetes permission.
ROLE_CLUSTER_ROLES = {"OWNER": "edit", "EDIT": "edit", "VIEW": "view"}
ACCESS_LABEL = "vmservice-sim.vmware.com/access-list"


def access_subject(entry: dict[str, Any]) -> Obj:
    """The Kubernetes subject of an access-list entry: vCenter SSO principals sign in as `sso:NAME@DOMAIN`."""
    kind = "Group" if str(entry.get("subject_type") or "USER").upper() == "GROUP" else "User"
    return {"kind": kind, "apiGroup": RBAC, "name": f"sso:{entry.get('subject')}@{entry.get('domain')}"}


def access_bindings(namespace: str, access_list: list[dict[str, Any]]) -> dict[str, Obj]:
    """The RoleBindings a Supervisor makes for a vSphere Namespace's access list, by name
    (`wcp:NAMESPACE:user|group:DOMAIN:SUBJECT`, bound to `edit` or `view` in that namespace only)."""
    bindings: dict[str, Obj] = {}
    for entry in access_list:
        role = ROLE_CLUSTER_ROLES.get(str(entry.get("role") or "").upper())
        if role is None or not entry.get("subject") or not entry.get("domain"):
            continue
        subject = access_subject(entry)
        name = f"wcp:{namespace}:{subject['kind'].lower()}:{entry['domain']}:{entry['subject']}"
        bindings[name] = {
            "metadata": {"name": name, "namespace": namespace, "labels": {ACCESS_LABEL: "true"}},
            "roleRef": _role_ref("ClusterRole", role),
            "subjects": [subject],
        }
    return bindings


def sync_access(kube: Kube, namespace: str, access_list: list[dict[str, Any]]) -> None:
    """Make the namespace's RoleBindings those of its access list: a principal that is not listed has none
    (only bindings this sync made are removed)."""
    wanted = access_bindings(namespace, access_list)
    existing = {
        b["metadata"]["name"]: b
        for b in kube.list(ROLE_BINDING, namespace, label_selector=f"{ACCESS_LABEL}=true")[0]
    }
    for name, binding in wanted.items():
        live = existing.get(name)
        if (
            live is None
            or live.get("roleRef") != binding["roleRef"]
            or live.get("subjects") != binding["subjects"]
        ):
            if live is not None and live.get("roleRef") != binding["roleRef"]:
                kube.delete(ROLE_BINDING, namespace, name)  # a binding's role cannot change in place
            kube.apply(ROLE_BINDING, binding)
    for name in existing.keys() - wanted.keys():
        kube.delete(ROLE_BINDING, namespace, name)


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
