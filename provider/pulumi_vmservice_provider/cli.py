"""`pulumi-resource-vmservice`: the plugin executable the Pulumi engine starts.

It serves the provider on 127.0.0.1 and prints only the port on stdout, as the engine expects.
"""

from __future__ import annotations

import signal
import sys
from concurrent import futures


def main() -> None:
    # The engine starts the plugin at least once per command; where the environment turns bytecode caching
    # off (PYTHONDONTWRITEBYTECODE), every start would compile the provider's modules again.
    sys.dont_write_bytecode = False
    import grpc

    from pulumi_vmservice_provider.server.nesting import add_servicer
    from pulumi_vmservice_provider.server.servicer import ResourceProviderServicer

    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    engine_address = args[0] if args else ""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=32, thread_name_prefix="vmservice"),
        options=[("grpc.max_receive_message_length", 256 * 1024 * 1024)],
    )
    add_servicer(ResourceProviderServicer(engine_address), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *_: server.stop(grace=2))
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(grace=1)


if __name__ == "__main__":
    main()
