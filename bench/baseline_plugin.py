"""A trivial provider plugin, started the same way as ours: the floor for start-up and per-call cost.

It loads the same protocol stubs, answers GetPluginInfo, and echoes Check/Diff without any model.
"""

from __future__ import annotations

import sys
from concurrent import futures
from typing import Any

import grpc
from pulumi_vmservice_provider.server.proto import plugin_pb2, provider_pb2, provider_pb2_grpc


class Baseline(provider_pb2_grpc.ResourceProviderServicer):  # type: ignore[misc]
    def GetPluginInfo(self, request: Any, context: Any) -> Any:
        return plugin_pb2.PluginInfo(version="0.0.1")

    def Check(self, request: Any, context: Any) -> Any:
        return provider_pb2.CheckResponse(inputs=request.news)

    def Diff(self, request: Any, context: Any) -> Any:
        changed = request.olds != request.news
        return provider_pb2.DiffResponse(
            changes=provider_pb2.DiffResponse.DIFF_SOME if changed else provider_pb2.DiffResponse.DIFF_NONE
        )


def main() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(Baseline(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    server.wait_for_termination()


if __name__ == "__main__":
    main()
