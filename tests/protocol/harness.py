"""Drive the plugin the way the engine does: start it as a subprocess, read its port, call it over gRPC,
and serve the engine's Log service so log and status messages can be asserted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi_vmservice_provider.server.proto import engine_pb2_grpc, provider_pb2, provider_pb2_grpc
from pulumi_vmservice_provider.wire import dict_to_struct, struct_to_dict

ROOT = Path(__file__).resolve().parents[2]


def plugin_command() -> list[str]:
    script = Path(sys.executable).parent / "pulumi-resource-vmservice"
    if script.exists():
        return [str(script)]
    found = shutil.which("pulumi-resource-vmservice")
    return [found] if found else [sys.executable, "-m", "pulumi_vmservice_provider.cli"]


class FakeEngine(engine_pb2_grpc.EngineServicer):  # type: ignore[misc]
    def __init__(self) -> None:
        self.logs: list[Any] = []
        self.lock = threading.Lock()

    def Log(self, request: Any, context: Any) -> Any:
        with self.lock:
            self.logs.append(request)
        return empty_pb2.Empty()

    def messages(self) -> list[str]:
        with self.lock:
            return [entry.message for entry in self.logs]


def serve_engine(engine: FakeEngine) -> tuple[Any, str]:
    """A gRPC server for `engine` on a loopback port: (server, address)."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    engine_pb2_grpc.add_EngineServicer_to_server(engine, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


class Plugin:
    def __init__(self, env: dict[str, str] | None = None):
        self.engine = FakeEngine()
        self.engine_server, self.engine_address = serve_engine(self.engine)
        self.process = subprocess.Popen(
            [*plugin_command(), self.engine_address],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.isdigit():
            self.process.kill()
            raise RuntimeError(
                f"plugin did not print its port: {line!r} {self.process.stderr.read() if self.process.stderr else ''}"
            )
        self.port = int(line)
        # Drained all along (a full pipe would block the plugin) and kept for the secret oracle.
        self._stderr: list[str] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line)

    def stderr_text(self) -> str:
        return "".join(self._stderr)

    def close(self) -> None:
        self.channel.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.engine_server.stop(grace=None)

    def configure(self, **config: Any) -> Any:
        return self.stub.Configure(
            provider_pb2.ConfigureRequest(args=dict_to_struct(config), acceptSecrets=True)
        )

    def check(
        self, token: str, news: dict[str, Any], olds: dict[str, Any] | None = None, name: str = "res"
    ) -> Any:
        return self.stub.Check(
            provider_pb2.CheckRequest(
                urn=urn(token, name),
                name=name,
                type=token,
                olds=dict_to_struct(olds or {}),
                news=dict_to_struct(news),
                randomSeed=b"seed-" + name.encode(),
            )
        )


def urn(token: str, name: str) -> str:
    return f"urn:pulumi:test::vmservice::{token}::{name}"


def outputs(struct: Any) -> dict[str, Any]:
    return struct_to_dict(struct)
