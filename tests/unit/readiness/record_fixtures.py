"""Record readiness fixtures from the Supervisor simulator (a real apiserver with VM Operator's CRDs and the
simulator's controllers): each object is created, watched until it reaches the state the fixture is named
after, and written as the apiserver returned it, with a `_recorded` key saying by which script, from which
simulator release and when.

    .venv/bin/python -m tests.unit.readiness.record_fixtures [NAME...]

Without names it records every fixture it has a recipe for (RECIPES), in order; the others in fixtures/ are
states the simulator cannot reach, and their `_recorded` key says they were written by hand and why. The readiness code ignores the `_recorded` key (tests/unit/readiness/test_kinds.py checks
that every fixture carries it). Objects are read through v1alpha3, the version the readiness code was
written against, from a 9.1 simulator (its storage version converts)."""

from __future__ import annotations

import dataclasses
import datetime
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = "tests/unit/readiness/record_fixtures.py"
RELEASE = "9.1"
NS = "dev"
GROUP = "vmoperator.vmware.com"
VERSION = "v1alpha3"
Obj = dict[str, Any]


def has_condition(obj: Obj, kind: str, status: str, reason: str | None = None) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == status and (reason is None or c.get("reason") == reason)
        for c in (obj.get("status") or {}).get("conditions") or []
    )


def vm_body(name: str, **spec: Any) -> Obj:
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "VirtualMachine",
        "metadata": {"name": name, "namespace": NS, "labels": {"app": "web"}},
        "spec": {
            "className": "best-effort-small",
            "imageName": "ubuntu-22.04",
            "storageClass": "vsan-default-storage-policy",
            "powerState": "PoweredOn",
            **spec,
        },
    }


def service_body(name: str, app: str) -> Obj:
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "VirtualMachineService",
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "type": "LoadBalancer",
            "selector": {"app": app},
            "ports": [{"name": "ssh", "protocol": "TCP", "port": 22, "targetPort": 22}],
        },
    }


@dataclass(frozen=True)
class Recipe:
    """`setup` objects (plural, version, body) and then `body` are created (after `faults` are set; an object
    an earlier recipe created is reused), then the object is read until `reached` holds. A callable `body`
    is given the namespace's objects of `looks_up` (a plural) to name one of them."""

    plural: str
    body: Obj | Callable[[list[Obj]], Obj]
    reached: Callable[[Obj], bool]
    faults: dict[str, str] | None = None
    delete: bool = False  # delete it first and record the object while its finalizer holds it
    version: str = VERSION
    setup: tuple[tuple[str, str, Obj], ...] = ()
    looks_up: tuple[str, str, str] | None = None  # (group, version, plural) listed for a callable body
    secret: Obj | None = None  # a core Secret created first


V5 = "v1alpha5"  # snapshots, groups and replica sets exist only from v1alpha5 (vSphere 9.1)


def v5(body: Obj) -> Obj:
    return {**body, "apiVersion": f"{GROUP}/{V5}"}


def member(obj: Obj, name: str) -> Obj:
    found = [m for m in _status(obj).get("members") or [] if m.get("name") == name]
    return found[0] if found else {}


def member_has(obj: Obj, name: str, kind: str, status: str, reason: str | None = None) -> bool:
    return has_condition({"status": member(obj, name)}, kind, status, reason)


GROUP_MEMBERS = tuple(
    ("virtualmachines", V5, v5(vm_body(name, powerState="PoweredOff", groupName="app")))
    for name in ("db", "web")
)
APP_GROUP = {
    "apiVersion": f"{GROUP}/{V5}",
    "kind": "VirtualMachineGroup",
    "metadata": {"name": "app", "namespace": NS},
    "spec": {
        "powerState": "PoweredOn",
        "bootOrder": [
            {"members": [{"kind": "VirtualMachine", "name": "db"}]},
            {"members": [{"kind": "VirtualMachine", "name": "web"}], "powerOnDelay": "20s"},
        ],
    },
}
REPLICA_SET = {
    "apiVersion": f"{GROUP}/{V5}",
    "kind": "VirtualMachineReplicaSet",
    "metadata": {"name": "web", "namespace": NS},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web-replica"}},
        "template": {
            "metadata": {"labels": {"app": "web-replica"}},
            "spec": {
                "className": "best-effort-small",
                "imageName": "ubuntu-22.04",
                "storageClass": "vsan-default-storage-policy",
            },
        },
    },
}


def snapshot_body(name: str, vm: str) -> Obj:
    return {
        "apiVersion": f"{GROUP}/{V5}",
        "kind": "VirtualMachineSnapshot",
        "metadata": {"name": name, "namespace": NS},
        "spec": {"vmName": vm, "memory": False},
    }


def publish_body(source: str) -> Callable[[list[Obj]], Obj]:
    def body(libraries: list[Obj]) -> Obj:
        writable = [lib for lib in libraries if (lib.get("spec") or {}).get("writable")]
        location = writable[0]["metadata"]["name"] if writable else "no-writable-library"
        return {
            "apiVersion": f"{GROUP}/{VERSION}",
            "kind": "VirtualMachinePublishRequest",
            "metadata": {"name": "web-golden", "namespace": NS},
            "spec": {
                "source": {"name": source, "kind": "VirtualMachine", "apiVersion": f"{GROUP}/{VERSION}"},
                "target": {
                    "item": {"name": "web-golden"},
                    "location": {
                        "name": location,
                        "kind": "ContentLibrary",
                        "apiVersion": "imageregistry.vmware.com/v1alpha1",
                    },
                },
            },
        }

    return body


LIBRARIES = ("imageregistry.vmware.com", "v1alpha1", "contentlibraries")


def _status(obj: Obj) -> Obj:
    status: Obj = obj.get("status") or {}
    return status


RECIPES: dict[str, Recipe] = {
    "vm-creating": Recipe(
        "virtualmachines",
        vm_body("rec-creating"),
        lambda o: has_condition(o, "VirtualMachineClassReady", "True") and not _status(o).get("uniqueID"),
        faults={"stuckCondition": f"{NS}/rec-creating:VirtualMachineCreated"},
    ),
    "vm-image-not-ready": Recipe(
        "virtualmachines",
        vm_body("rec-image-not-ready"),
        lambda o: has_condition(o, "VirtualMachineImageReady", "False", "NotReady"),
        faults={"imageNotReady": f"{NS}/ubuntu-22.04"},
    ),
    "vm-sysprep-key-missing": Recipe(
        "virtualmachines",
        vm_body(
            "win",
            bootstrap={
                "sysprep": {
                    "sysprep": {
                        "guiUnattended": {
                            "autoLogon": False,
                            "password": {"name": "win-sysprep", "key": "password"},
                        },
                        "userData": {"fullName": "Ops", "orgName": "Example"},
                    }
                }
            },
        ),
        lambda o: has_condition(o, "VirtualMachineBootstrapReady", "False", "GetError"),
        secret={"metadata": {"name": "win-sysprep", "namespace": NS}, "stringData": {"other": "x"}},
    ),
    "vm-class-not-found": Recipe(
        "virtualmachines",
        vm_body("rec-no-class", className="best-effort-huge"),
        lambda o: has_condition(o, "VirtualMachineClassReady", "False", "NotFound"),
    ),
    "vm-powered-off": Recipe(
        "virtualmachines",
        vm_body("rec-off", powerState="PoweredOff"),
        lambda o: bool(_status(o).get("uniqueID")) and _status(o).get("powerState") == "PoweredOff",
    ),
    "vm-powered-on-without-ip": Recipe(
        "virtualmachines",
        vm_body("rec-no-ip"),
        lambda o: (
            _status(o).get("powerState") == "PoweredOn"
            and not (_status(o).get("network") or {}).get("primaryIP4")
        ),
    ),
    "vm-ip-probe-pending": Recipe(
        "virtualmachines",
        vm_body("rec-probe", readinessProbe={"guestHeartbeat": {"thresholdStatus": "green"}}),
        lambda o: (
            bool((_status(o).get("network") or {}).get("primaryIP4")) and has_condition(o, "Ready", "Unknown")
        ),
        faults={"stuckCondition": f"{NS}/rec-probe:Ready"},
    ),
    "vm-ready": Recipe(
        "virtualmachines",
        vm_body("rec-ready", readinessProbe={"guestHeartbeat": {"thresholdStatus": "green"}}),
        lambda o: (
            bool((_status(o).get("network") or {}).get("primaryIP4")) and has_condition(o, "Ready", "True")
        ),
    ),
    "vm-deleting": Recipe(
        "virtualmachines",
        vm_body("rec-deleting"),
        lambda o: bool(o["metadata"].get("deletionTimestamp")) and bool(o["metadata"].get("finalizers")),
        faults={"stuckDeletion": f"{NS}/rec-deleting"},
        delete=True,
    ),
    # Before any recipe makes a VM named `web`: the request's source does not exist.
    "publish-failed": Recipe(
        "virtualmachinepublishrequests",
        publish_body("web"),
        lambda o: has_condition(o, "SourceValid", "False", "SourceVirtualMachineNotExist"),
        looks_up=LIBRARIES,
    ),
    "snapshot-in-progress": Recipe(
        "virtualmachinesnapshots",
        snapshot_body("before-upgrade-pending", "web-0"),
        lambda o: has_condition(o, "VirtualMachineSnapshotReady", "False"),
        faults={"stuckCondition": f"{NS}/web-0:VirtualMachineCreated"},
        version=V5,
        setup=(("virtualmachines", VERSION, vm_body("web-0")),),
    ),
    "snapshot-ready": Recipe(
        "virtualmachinesnapshots",
        snapshot_body("before-upgrade", "web-1"),
        lambda o: has_condition(o, "VirtualMachineSnapshotReady", "True"),
        version=V5,
        setup=(("virtualmachines", VERSION, vm_body("web-1")),),
    ),
    "group-linking": Recipe(
        "virtualmachinegroups",
        APP_GROUP,
        lambda o: (
            member_has(o, "db", "PowerStateSynced", "True")
            and member_has(o, "web", "PowerStateSynced", "False")
        ),
        version=V5,
        setup=GROUP_MEMBERS,
    ),
    "group-ready": Recipe(
        "virtualmachinegroups",
        APP_GROUP,
        lambda o: (
            all(member_has(o, m, "PowerStateSynced", "True") for m in ("db", "web"))
            and has_condition(o, "Ready", "True")
        ),
        version=V5,
        setup=GROUP_MEMBERS,
    ),
    "replicaset-scaling": Recipe(
        "virtualmachinereplicasets",
        REPLICA_SET,
        lambda o: _status(o).get("replicas") == 3 and _status(o).get("readyReplicas") == 2,
        version=V5,
    ),
    "replicaset-ready": Recipe(
        "virtualmachinereplicasets",
        REPLICA_SET,
        lambda o: (
            _status(o).get("readyReplicas") == 3
            and _status(o).get("observedGeneration") == o["metadata"].get("generation")
        ),
        version=V5,
    ),
    "publish-ready": Recipe(
        "virtualmachinepublishrequests",
        publish_body("rec-ready"),  # the VM of the vm-ready recipe
        lambda o: bool(_status(o).get("ready")),
        looks_up=LIBRARIES,
    ),
    "service-pending": Recipe(
        "virtualmachineservices",
        service_body("rec-lb-pending", "nothing"),
        lambda o: not (_status(o).get("loadBalancer") or {}).get("ingress"),
    ),
    "service-ingress": Recipe(
        "virtualmachineservices",
        service_body("rec-lb", "web"),
        lambda o: bool((_status(o).get("loadBalancer") or {}).get("ingress")),
    ),
}


def record(names: list[str], timeout: float = 60.0) -> list[str]:
    from kubernetes import client, config
    from vmservice_sim.simulator import Simulator, SimulatorOptions

    sim = Simulator(Path(tempfile.mkdtemp(prefix="record-fixtures-")), SimulatorOptions(api_release=RELEASE))
    written: list[str] = []
    try:
        sim.start()
        api = config.new_client_from_config(str(sim.admin_kubeconfig_path))
        custom, core = client.CustomObjectsApi(api), client.CoreV1Api(api)
        source = (
            f"vmservice-sim, Supervisor API release {RELEASE} (storage version {sim.release.api_version})"
        )
        for name in names:
            recipe = RECIPES[name]
            if recipe.faults:
                core.patch_namespaced_config_map(
                    "vmservice-sim-faults", "vmservice-system", {"data": recipe.faults}
                )
                time.sleep(1.0)  # the simulator re-reads the fault ConfigMap every half second
            if recipe.secret is not None:
                core.create_namespaced_secret(NS, cast(Any, recipe.secret))
            for plural, version, setup in recipe.setup:
                _create(custom, version, plural, setup)
            body: Any = recipe.body
            if callable(body):
                assert recipe.looks_up is not None
                group, version, plural = recipe.looks_up
                listed: Any = custom.list_namespaced_custom_object(group, version, NS, plural)
                body = body(listed["items"])
            meta = body["metadata"]
            _create(custom, recipe.version, recipe.plural, body)
            if recipe.delete:
                created = Recipe(recipe.plural, body, lambda o: bool(_status(o).get("uniqueID")))
                _wait(custom, created, timeout)
                custom.delete_namespaced_custom_object(GROUP, VERSION, NS, recipe.plural, meta["name"])
            found = _wait(custom, dataclasses.replace(recipe, body=body), timeout)
            if recipe.faults:
                core.patch_namespaced_config_map(
                    "vmservice-sim-faults", "vmservice-system", {"data": dict.fromkeys(recipe.faults)}
                )
            found.get("metadata", {}).pop("managedFields", None)
            header = {
                "by": SCRIPT,
                "from": source,
                "at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "state": name,
            }
            (FIXTURES / f"{name}.json").write_text(
                json.dumps({"_recorded": header, **found}, indent=2) + "\n"
            )
            written.append(name)
    finally:
        sim.stop()
    return written


def _create(custom: Any, version: str, plural: str, body: Obj) -> None:
    """Create `body`, or keep it when an earlier recipe created it."""
    from kubernetes.client.exceptions import ApiException

    try:
        custom.create_namespaced_custom_object(GROUP, version, NS, plural, body)
    except ApiException as error:
        if error.status != 409:
            raise


def _wait(custom: Any, recipe: Recipe, timeout: float) -> Obj:
    assert isinstance(recipe.body, dict)
    meta = recipe.body["metadata"]
    deadline = time.monotonic() + timeout
    last: Obj = {}
    while time.monotonic() < deadline:
        last = custom.get_namespaced_custom_object(GROUP, recipe.version, NS, recipe.plural, meta["name"])
        if recipe.reached(last):
            return last
        time.sleep(0.05)
    raise TimeoutError(
        f"{meta['name']} never reached its state; last status: {json.dumps(last.get('status'))}"
    )


if __name__ == "__main__":
    done = record(sys.argv[1:] or list(RECIPES))  # in order: publish-failed needs no VM `web` yet
    print(f"recorded {len(done)} fixture(s) into {FIXTURES}: {', '.join(done)}")
