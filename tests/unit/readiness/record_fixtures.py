"""Record readiness fixtures from the Supervisor simulator (a real apiserver with VM Operator's CRDs and the
simulator's controllers): each object is created, watched until it reaches the state the fixture is named
after, and written as the apiserver returned it, with a `_recorded` key saying by which script, from which
simulator release and when.

    .venv/bin/python -m tests.unit.readiness.record_fixtures [NAME...]

Without names it records every fixture it has a recipe for (RECIPES); the others in fixtures/ (no recipe yet)
say in their `_recorded` key that they were written by hand. The readiness code ignores the `_recorded` key (tests/unit/readiness/test_kinds.py checks
that every fixture carries it). Objects are read through v1alpha3, the version the readiness code was
written against, from a 9.1 simulator (its storage version converts)."""

from __future__ import annotations

import datetime
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    """`body` is created (after `faults` are set), then the object is read until `reached` holds."""

    plural: str
    body: Obj
    reached: Callable[[Obj], bool]
    faults: dict[str, str] | None = None
    delete: bool = False  # delete it first and record the object while its finalizer holds it


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
            meta = recipe.body["metadata"]
            custom.create_namespaced_custom_object(GROUP, VERSION, NS, recipe.plural, recipe.body)
            if recipe.delete:
                created = Recipe(recipe.plural, recipe.body, lambda o: bool(_status(o).get("uniqueID")))
                _wait(custom, created, timeout)
                custom.delete_namespaced_custom_object(GROUP, VERSION, NS, recipe.plural, meta["name"])
            found = _wait(custom, recipe, timeout)
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


def _wait(custom: Any, recipe: Recipe, timeout: float) -> Obj:
    meta = recipe.body["metadata"]
    deadline = time.monotonic() + timeout
    last: Obj = {}
    while time.monotonic() < deadline:
        last = custom.get_namespaced_custom_object(GROUP, VERSION, NS, recipe.plural, meta["name"])
        if recipe.reached(last):
            return last
        time.sleep(0.05)
    raise TimeoutError(
        f"{meta['name']} never reached its state; last status: {json.dumps(last.get('status'))}"
    )


if __name__ == "__main__":
    done = record(sys.argv[1:] or sorted(RECIPES))
    print(f"recorded {len(done)} fixture(s) into {FIXTURES}: {', '.join(done)}")
