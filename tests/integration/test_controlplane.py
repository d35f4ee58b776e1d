"""The simulated Supervisor's control plane is a real Kubernetes API: CRDs, defaults, GC, namespaces, SSA."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from vmservice_sim import tools

pytestmark = pytest.mark.integration

GROUP = "vmoperator.vmware.com"
VM_OPERATOR_KINDS = {
    "VirtualMachine": "virtualmachines",
    "VirtualMachineClass": "virtualmachineclasses",
    "VirtualMachineImage": "virtualmachineimages",
    "ClusterVirtualMachineImage": "clustervirtualmachineimages",
    "VirtualMachineService": "virtualmachineservices",
    "VirtualMachineSetResourcePolicy": "virtualmachinesetresourcepolicies",
    "VirtualMachinePublishRequest": "virtualmachinepublishrequests",
    "VirtualMachineWebConsoleRequest": "virtualmachinewebconsolerequests",
}


def wait_for(what: str, predicate: Callable[[], bool], timeout: float = 30.0, interval: float = 0.2) -> float:
    begun = time.monotonic()
    while not predicate():
        if time.monotonic() - begun > timeout:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)
    return time.monotonic() - begun


def gone(read: Callable[[], Any]) -> bool:
    from kubernetes.client.exceptions import ApiException

    try:
        read()
    except ApiException as exc:
        if exc.status == 404:
            return True
        raise
    return False


def vm_body(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": f"{GROUP}/v1alpha2",
        "kind": "VirtualMachine",
        "metadata": {"name": name},
        "spec": {
            "className": "best-effort-small",
            "imageName": "vmi-0123456789abcdef0",
            "storageClass": "wcpglobal-storage-profile",
            **spec,
        },
    }


def test_crds_established_and_serve_v1alpha2(kube_api_client: Any) -> None:
    from kubernetes import client

    ext = client.ApiextensionsV1Api(kube_api_client)
    crds = {
        item["spec"]["names"]["kind"]: item
        for item in json.loads(ext.list_custom_resource_definition(_preload_content=False).data)["items"]
        if item["spec"]["group"] == GROUP
    }
    missing = set(VM_OPERATOR_KINDS) - set(crds)
    assert not missing, f"CRDs missing: {sorted(missing)}; installed: {sorted(crds)}"
    for kind, plural in VM_OPERATOR_KINDS.items():
        crd = crds[kind]
        assert crd["metadata"]["name"] == f"{plural}.{GROUP}"
        conditions = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
        assert conditions.get("Established") == "True", (kind, conditions)
        served = {v["name"] for v in crd["spec"]["versions"] if v["served"]}
        assert "v1alpha2" in served, (kind, served)


def test_virtual_machine_round_trip_applies_crd_defaults(kube_api_client: Any, namespace: str) -> None:
    from kubernetes import client

    custom = client.CustomObjectsApi(kube_api_client)
    created = custom.create_namespaced_custom_object(
        GROUP, "v1alpha2", namespace, "virtualmachines", vm_body("vm-1", powerState="PoweredOn")
    )
    assert created["metadata"]["uid"]
    assert created["spec"]["powerOffMode"] == "TrySoft"  # +kubebuilder:default=TrySoft

    fetched = custom.get_namespaced_custom_object(GROUP, "v1alpha2", namespace, "virtualmachines", "vm-1")
    assert fetched["spec"]["className"] == "best-effort-small"
    assert fetched["spec"]["powerState"] == "PoweredOn"
    assert fetched["spec"]["powerOffMode"] == "TrySoft"
    assert fetched["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


def test_schema_validation_rejects_bad_enum(kube_api_client: Any, namespace: str) -> None:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    custom = client.CustomObjectsApi(kube_api_client)
    with pytest.raises(ApiException) as info:
        custom.create_namespaced_custom_object(
            GROUP, "v1alpha2", namespace, "virtualmachines", vm_body("vm-bad", powerState="Sideways")
        )
    assert info.value.status == 422
    assert "spec.powerState" in info.value.body


def test_stale_resource_version_conflicts(kube_api_client: Any, namespace: str) -> None:
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    custom = client.CustomObjectsApi(kube_api_client)
    first = custom.create_namespaced_custom_object(
        GROUP, "v1alpha2", namespace, "virtualmachines", vm_body("vm-rv")
    )
    first["spec"]["powerState"] = "PoweredOff"
    custom.replace_namespaced_custom_object(GROUP, "v1alpha2", namespace, "virtualmachines", "vm-rv", first)
    first["spec"]["powerState"] = "PoweredOn"  # still carries the old resourceVersion
    with pytest.raises(ApiException) as info:
        custom.replace_namespaced_custom_object(
            GROUP, "v1alpha2", namespace, "virtualmachines", "vm-rv", first
        )
    assert info.value.status == 409


def test_garbage_collector_deletes_dependents(kube_api_client: Any, namespace: str) -> None:
    from kubernetes import client

    core = client.CoreV1Api(kube_api_client)
    owner = core.create_namespaced_config_map(namespace, {"metadata": {"name": "owner"}, "data": {"a": "1"}})
    core.create_namespaced_config_map(
        namespace,
        {
            "metadata": {
                "name": "dependent",
                "ownerReferences": [
                    {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner.metadata.uid}
                ],
            },
            "data": {"b": "2"},
        },
    )
    core.delete_namespaced_config_map("owner", namespace)
    waited = wait_for(
        "the garbage collector to delete the dependent ConfigMap",
        lambda: gone(lambda: core.read_namespaced_config_map("dependent", namespace)),
        timeout=30,
    )
    print(f"garbage collection took {waited:.1f}s")


def test_namespace_deletion_completes(kube_api_client: Any) -> None:
    from kubernetes import client

    core = client.CoreV1Api(kube_api_client)
    custom = client.CustomObjectsApi(kube_api_client)
    name = f"t-ns-delete-{int(time.time() * 1000) % 100000}"
    core.create_namespace({"metadata": {"name": name}})
    try:
        core.create_namespaced_config_map(name, {"metadata": {"name": "cm"}})
        custom.create_namespaced_custom_object(GROUP, "v1alpha2", name, "virtualmachines", vm_body("vm-ns"))
        core.delete_namespace(name)
        assert core.read_namespace(name).status.phase == "Terminating"
        waited = wait_for(
            "the namespace controller to finish deleting the namespace",
            lambda: gone(lambda: core.read_namespace(name)),
            timeout=60,
        )
        print(f"namespace deletion took {waited:.1f}s")
    finally:
        if not gone(lambda: core.read_namespace(name)):
            core.delete_namespace(name, _preload_content=False)


def test_server_side_apply(kube_api_client: Any, namespace: str) -> None:
    from kubernetes.client.exceptions import ApiException
    from kubernetes.dynamic import DynamicClient

    dyn = DynamicClient(kube_api_client)
    vms = dyn.resources.get(api_version=f"{GROUP}/v1alpha2", kind="VirtualMachine")

    applied = dyn.server_side_apply(
        vms,
        body=vm_body("vm-ssa", powerState="PoweredOff"),
        namespace=namespace,
        field_manager="pulumi-vmservice",
    ).to_dict()
    assert applied["spec"]["powerState"] == "PoweredOff"
    assert applied["spec"]["powerOffMode"] == "TrySoft"
    managers = {(m["manager"], m["operation"]) for m in applied["metadata"]["managedFields"]}
    assert ("pulumi-vmservice", "Apply") in managers

    # Re-apply without powerState: the field this manager owned is removed, defaults stay.
    reapplied = dyn.server_side_apply(
        vms, body=vm_body("vm-ssa"), namespace=namespace, field_manager="pulumi-vmservice"
    ).to_dict()
    assert "powerState" not in reapplied["spec"]

    # Another manager changing a field owned by the first conflicts unless it forces.
    dyn.server_side_apply(
        vms,
        body=vm_body("vm-ssa", powerState="PoweredOn"),
        namespace=namespace,
        field_manager="pulumi-vmservice",
    )
    with pytest.raises(ApiException) as info:
        dyn.server_side_apply(
            vms, body=vm_body("vm-ssa", powerState="PoweredOff"), namespace=namespace, field_manager="someone"
        )
    assert info.value.status == 409
    forced = dyn.server_side_apply(
        vms,
        body=vm_body("vm-ssa", powerState="PoweredOff"),
        namespace=namespace,
        field_manager="someone",
        force_conflicts=True,
    ).to_dict()
    assert forced["spec"]["powerState"] == "PoweredOff"


def test_kubeconfig_works_with_the_official_loader(control_plane: Any) -> None:
    from kubernetes import client, config

    assert Path(control_plane.kubeconfig_path).stat().st_mode & 0o077 == 0
    api = config.new_client_from_config(
        config_file=str(control_plane.kubeconfig_path), context="vmservice-sim"
    )
    try:
        names = {ns.metadata.name for ns in client.CoreV1Api(api).list_namespace().items}
    finally:
        api.close()
    assert {"default", "kube-system"} <= names


def test_restart_apiserver_keeps_data_and_controllers(
    control_plane: Any, kube_api_client: Any, namespace: str
) -> None:
    from kubernetes import client

    core = client.CoreV1Api(kube_api_client)
    core.create_namespaced_config_map(namespace, {"metadata": {"name": "survivor"}, "data": {"k": "v"}})
    for crash in (False, True):
        old_pids = dict(control_plane.pids)
        seconds = control_plane.restart_apiserver(crash=crash)
        print(f"kube-apiserver restart (crash={crash}) took {seconds:.1f}s")
        assert control_plane.pids["kube-apiserver"] != old_pids["kube-apiserver"]
        assert control_plane.pids["etcd"] == old_pids["etcd"]
        assert control_plane.pids["kube-controller-manager"] == old_pids["kube-controller-manager"]
        assert core.read_namespaced_config_map("survivor", namespace).data == {"k": "v"}

    # kube-controller-manager reconnected: garbage collection still works.
    owner = core.create_namespaced_config_map(namespace, {"metadata": {"name": "owner-after-restart"}})
    ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": owner.metadata.name, "uid": owner.metadata.uid}
    core.create_namespaced_config_map(namespace, {"metadata": {"name": "dep", "ownerReferences": [ref]}})
    core.delete_namespaced_config_map(owner.metadata.name, namespace)
    wait_for(
        "garbage collection after an apiserver restart",
        lambda: gone(lambda: core.read_namespaced_config_map("dep", namespace)),
        timeout=30,
    )


def test_second_control_plane_runs_beside_and_stops_cleanly(tmp_path: Path, control_plane: Any) -> None:
    """A second instance does not clash with the session's, and stop() leaves no process behind."""
    from kubernetes import client
    from vmservice_sim.controlplane import ControlPlane

    cp = ControlPlane(tmp_path / "cp2", crd_release=None)
    try:
        cp.start()
        assert cp.server_url != control_plane.server_url
        with cp.api_client() as api:
            assert client.VersionApi(api).get_code().major == "1"
        pids = cp.pids
        assert set(pids) == {"etcd", "kube-apiserver", "kube-controller-manager"}
    finally:
        cp.stop()
    cp.stop()  # idempotent
    for name, pid in pids.items():
        assert not tools.pid_alive(pid), f"{name} (pid {pid}) still runs after stop()"
        assert tools.process_group_members(pid) == [], f"{name}'s process group still has members"
    assert cp.etcd_data_dir is None
    assert control_plane.pids.keys() == {"etcd", "kube-apiserver", "kube-controller-manager"}


def test_missing_tool_error_tells_to_run_make_tools(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(tools.TOOLS_BIN_ENV, str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(tools.ToolMissing, match="make tools"):
        tools.find_tool("kube-apiserver")
    monkeypatch.setenv(tools.CRDS_DIR_ENV, str(tmp_path))
    with pytest.raises(tools.ToolMissing, match="make tools"):
        tools.crd_dir("8.0u3")
