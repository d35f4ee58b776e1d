"""`make bench`: plugin start-up (launch to first answered RPC) and Check/Diff cost per call for 1,000
resources, each as a ratio against a trivial baseline plugin measured in the same run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pulumi_vmservice_provider.server.proto import provider_pb2, provider_pb2_grpc  # noqa: E402
from pulumi_vmservice_provider.wire import dict_to_struct  # noqa: E402

STARTS = 15
RESOURCES = 1000
VM = "vmservice:index:VirtualMachine"


def plugin_command() -> list[str]:
    script = Path(sys.executable).parent / "pulumi-resource-vmservice"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pulumi_vmservice_provider.cli"]


def baseline_command() -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "baseline_plugin.py")]


def start(command: list[str]) -> tuple[subprocess.Popen[str], Any, float]:
    began = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)}
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    stub = provider_pb2_grpc.ResourceProviderStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
    stub.GetPluginInfo(empty_pb2.Empty())
    return process, stub, time.perf_counter() - began


def startup(command: list[str]) -> float:
    samples = []
    for _ in range(STARTS):
        process, _, elapsed = start(command)
        samples.append(elapsed)
        process.terminate()
        process.wait()
    return statistics.median(samples)


def vm_inputs(index: int, image: str = "ubuntu-22.04") -> dict[str, Any]:
    return {
        "metadata": {
            "name": f"vm-{index}",
            "namespace": "dev",
            "labels": {"app": "web", "tier": str(index % 3)},
        },
        "spec": {
            "className": "best-effort-small",
            "imageName": image,
            "storageClass": "vsan-default-storage-policy",
            "powerState": "PoweredOn",
            "network": {"interfaces": [{"name": "eth0", "network": {"name": "primary"}}]},
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": f"data-{index}"}}],
        },
        "waitFor": "ipAssigned",
    }


def per_call(stub: Any) -> tuple[float, float]:
    urn = "urn:pulumi:bench::bench::vmservice:index:VirtualMachine::vm"
    checks = [
        provider_pb2.CheckRequest(
            urn=urn, type=VM, name=f"vm{i}", news=dict_to_struct(vm_inputs(i)), randomSeed=b"s"
        )
        for i in range(RESOURCES)
    ]
    began = time.perf_counter()
    for request in checks:
        stub.Check(request)
    check_cost = (time.perf_counter() - began) / RESOURCES
    diffs = [
        provider_pb2.DiffRequest(
            id=f"dev/vm-{i}",
            urn=urn,
            type=VM,
            olds=dict_to_struct(vm_inputs(i)),
            old_inputs=dict_to_struct(vm_inputs(i)),
            news=dict_to_struct(vm_inputs(i, "photon-5" if i % 2 else "ubuntu-22.04")),
        )
        for i in range(RESOURCES)
    ]
    began = time.perf_counter()
    for request in diffs:
        stub.Diff(request)
    diff_cost = (time.perf_counter() - began) / RESOURCES
    return check_cost, diff_cost


def main() -> None:
    ours_start = startup(plugin_command())
    base_start = startup(baseline_command())
    process, stub, _ = start(plugin_command())
    stub.Configure(
        provider_pb2.ConfigureRequest(args=dict_to_struct({"namespace": "dev"}), acceptSecrets=True)
    )
    ours_check, ours_diff = per_call(stub)
    process.terminate()
    process, stub, _ = start(baseline_command())
    base_check, base_diff = per_call(stub)
    process.terminate()
    print(
        f"start-up to first RPC (median of {STARTS}): provider {ours_start * 1000:.0f} ms, "
        f"baseline {base_start * 1000:.0f} ms, ratio {ours_start / base_start:.2f}x"
    )
    print(
        f"Check per call ({RESOURCES} VMs): provider {ours_check * 1e6:.0f} us, baseline {base_check * 1e6:.0f} us, "
        f"ratio {ours_check / base_check:.2f}x"
    )
    print(
        f"Diff per call ({RESOURCES} VMs, half replacing): provider {ours_diff * 1e6:.0f} us, "
        f"baseline {base_diff * 1e6:.0f} us, ratio {ours_diff / base_diff:.2f}x"
    )


if __name__ == "__main__":
    main()
