"""The detached simulator process `vmservice-sim up` starts (`python -m vmservice_sim.daemon --dir DIR ...`).

It runs the Simulator, records its state in DIR/state.json (pids with start times, ports, versions, a
loopback control endpoint with a random token) and serves that endpoint for `status` and fault injection
until SIGTERM, then stops every component and removes the state file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import secrets
import signal
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from vmservice_sim import capabilities, vmop_config
from vmservice_sim.simulator import Simulator, SimulatorOptions
from vmservice_sim.state import identity, state_path, write_state

log = logging.getLogger("vmservice-sim")


class Daemon:
    def __init__(self, directory: Path, options: SimulatorOptions) -> None:
        self.directory = directory
        self.options = options
        self.sim = Simulator(directory, options)
        self.stop_event = threading.Event()
        self.token = secrets.token_hex(16)
        self.state: dict[str, Any] = {
            "daemon": identity(os.getpid()),
            "state": "starting",
            "options": {
                "api_release": options.api_release,
                "power_on_delay": options.power_on_delay,
                "ip_delay": options.ip_delay,
                "capabilities": options.capability_states,
                "features": options.feature_states,
                "privileged_users": list(options.privileged_users),
                "test_fixtures": options.test_fixtures,
            },
            "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "log": str(directory / "daemon.log"),
        }
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def save(self, **changes: Any) -> None:
        with self._lock:
            self.state.update(changes)
            write_state(self.directory, self.state)

    def children(self) -> dict[str, Any]:
        sim = self.sim
        found: dict[str, Any] = {}
        if sim.control_plane is not None:
            for name, pid in sim.control_plane.pids.items():
                found[name] = identity(pid)
        if sim.vcsim is not None and sim.vcsim.pid is not None:
            found["vcsim"] = identity(sim.vcsim.pid)
        return {k: v for k, v in found.items() if v is not None}

    def run(self) -> int:
        signal.signal(signal.SIGTERM, lambda *_: self.stop_event.set())
        signal.signal(signal.SIGINT, lambda *_: self.stop_event.set())
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        self.save()
        try:
            self.sim.start()
        except BaseException as error:
            detail = str(error) if not isinstance(error, KeyboardInterrupt) else "interrupted"
            log.error("start failed: %s\n%s", detail, traceback.format_exc())
            self.save(state="failed", error=detail, children={})
            return 1
        self._serve_control()
        assert self._server is not None
        self.save(
            state="ready",
            children=self.children(),
            control={"port": self._server.server_address[1], "token": self.token},
            components=self.sim.describe()["components"],
            timings=self.sim.timings,
            env=str(self.sim.env_path),
            kubeconfig=str(self.sim.kubeconfig_path),
        )
        log.info("ready in %.1fs: %s", self.sim.timings.get("total", 0), json.dumps(self.sim.timings))
        while not self.stop_event.wait(1.0):
            pass
        log.info("stopping")
        self.save(state="stopping")
        if self._server is not None:
            self._server.shutdown()
        self.sim.stop()
        state_path(self.directory).unlink(missing_ok=True)
        log.info("stopped")
        return 0

    # ---------------------------------------------------------------------------------------- control

    def handle(self, method: str, path: str) -> tuple[int, dict[str, Any]]:
        if method == "GET" and path == "/status":
            described = self.sim.describe()
            described["state"] = self.state.get("state")
            return 200, described
        if method == "POST" and path == "/fault/apiserver-restart":
            assert self.sim.control_plane is not None
            seconds = self.sim.control_plane.restart_apiserver()
            self.save(children=self.children(), components=self.sim.describe()["components"])
            return 200, {"restarted": "kube-apiserver", "seconds": round(seconds, 2)}
        if method == "POST" and path == "/shutdown":
            self.stop_event.set()
            return 200, {"stopping": True}
        return 404, {"error": f"no such endpoint: {method} {path}"}

    def _serve_control(self) -> None:
        daemon = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                log.debug("control: " + format, *args)

            def _dispatch(self, method: str) -> None:
                if self.headers.get("Authorization") != f"Bearer {daemon.token}":
                    code, body = 401, {"error": "unauthorized"}
                else:
                    try:
                        code, body = daemon.handle(method, self.path)
                    except Exception as error:
                        log.exception("control %s %s", method, self.path)
                        code, body = 500, {"error": str(error)}
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._dispatch("GET")

            def do_POST(self) -> None:
                self._dispatch("POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="control", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vmservice_sim.daemon")
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--api-release", default="8.0u3")
    parser.add_argument("--power-on-delay", type=float, default=1.0)
    parser.add_argument("--ip-delay", type=float, default=2.0)
    parser.add_argument("--capability", action="append", default=[], type=capabilities.parse_flag)
    parser.add_argument("--feature", action="append", default=[])
    parser.add_argument("--privileged-user", action="append", default=[])
    parser.add_argument("--test-fixtures", action="store_true")
    parser.add_argument("--audit-log", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(threadName)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "urllib3", "kubernetes"):  # retries while the apiserver restarts are expected
        logging.getLogger(noisy).setLevel(logging.ERROR)
    options = SimulatorOptions(
        api_release=args.api_release,
        power_on_delay=args.power_on_delay,
        ip_delay=args.ip_delay,
        capabilities=tuple(args.capability),
        features=tuple(vmop_config.parse_flag(args.api_release, text) for text in args.feature),
        privileged_users=tuple(args.privileged_user),
        test_fixtures=args.test_fixtures,
        audit_log=args.audit_log,
    )
    return Daemon(args.dir.resolve(), options).run()


if __name__ == "__main__":
    sys.exit(main())
