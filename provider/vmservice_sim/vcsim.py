"""govmomi's vCenter simulator (SOAP + REST) as a child process.

The project-owned `vcsim` main (tools/vcsim) prints one JSON line once it listens:
`{"url": "https://user:pass@127.0.0.1:PORT/sdk", "thumbprint": "AA:BB:..", "certFile": "...",
"govmomi": "v0.56.0"}` (the govmomi module version it was built from; absent from older builds).

    with Vcsim() as vc:
        print(vc.url, vc.username, vc.thumbprint)
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from vmservice_sim.tools import ManagedProcess, StartError, find_tool, tail_file, wait_until


class Vcsim:
    """One vcsim process on 127.0.0.1 (a free port unless `port` is given).

    Inventory defaults: 1 datacenter, 1 cluster of 3 hosts, 1 datastore, no VMs. `work_dir` keeps the served
    certificate and the logs; when omitted a temporary directory is created (and removed by `stop()`).
    """

    def __init__(
        self,
        work_dir: str | os.PathLike[str] | None = None,
        *,
        username: str = "user",
        password: str = "pass",
        datacenters: int = 1,
        clusters: int = 1,
        hosts: int = 3,
        datastores: int = 1,
        vms: int = 0,
        pools: int = 0,
        port: int = 0,
        tls_cert: str | os.PathLike[str] | None = None,
        tls_key: str | os.PathLike[str] | None = None,
        timeout: float = 30.0,
        register_atexit: bool = True,
        library_sync_interval: float = 0.0,
        namespace_status_from_supervisor: bool = False,
        session_ttl: float = 0.0,
    ) -> None:
        self.username = username
        self.password = password
        self.inventory = {
            "dc": datacenters,
            "cluster": clusters,
            "host": hosts,
            "ds": datastores,
            "vm": vms,
            "pool": pools,
        }
        self.requested_port = port
        self.tls_cert = Path(tls_cert) if tls_cert is not None else None
        self.tls_key = Path(tls_key) if tls_key is not None else None
        self.timeout = timeout
        # vCenter's automatic sync of subscribed libraries, every this many seconds (0: never).
        self.library_sync_interval = library_sync_interval
        # New vSphere Namespaces read CONFIGURING until the Supervisor (simulator) reports them made.
        self.namespace_status_from_supervisor = namespace_status_from_supervisor
        self.session_ttl = session_ttl
        self._register_atexit = register_atexit
        self._own_work_dir = work_dir is None
        self._work_dir_arg = Path(work_dir) if work_dir is not None else None
        self._lock = threading.RLock()
        self._atexit_registered = False
        self._proc: ManagedProcess | None = None

        self.work_dir: Path = self._work_dir_arg or Path()
        self.url = ""
        self.host = ""
        self.port = 0
        self.thumbprint = ""
        self.govmomi_version = "unknown"
        self.cert_file: Path = Path()
        self.startup_seconds = 0.0

    def __enter__(self) -> Vcsim:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.alive() else None

    @property
    def log_file(self) -> Path | None:
        return self._proc.log_path if self._proc is not None else None

    def start(self) -> Vcsim:
        """Start vcsim and return once it listens. On failure nothing is left running."""
        with self._lock:
            if self._proc is not None and self._proc.alive():
                return self
            binary = find_tool("vcsim")
            if self._work_dir_arg is None:
                self.work_dir = Path(tempfile.mkdtemp(prefix="vmservice-vcsim-"))
            else:
                self.work_dir = self._work_dir_arg
                self.work_dir.mkdir(parents=True, exist_ok=True)
            self.cert_file = self.work_dir / "vcsim.crt"
            info_path = self.work_dir / "vcsim.json"
            info_path.unlink(missing_ok=True)
            argv = [
                str(binary),
                "-l",
                f"127.0.0.1:{self.requested_port}",
                "-username",
                self.username,
                "-password",
                self.password,
                "-cert-out",
                str(self.cert_file),
            ]
            for flag, value in self.inventory.items():
                argv += [f"-{flag}", str(value)]
            if self.library_sync_interval > 0:
                argv += ["-library-sync-interval", f"{self.library_sync_interval}s"]
            if self.namespace_status_from_supervisor:
                argv.append("-namespace-status-from-supervisor")
            if self.session_ttl > 0:
                argv += ["-api-session-ttl", f"{self.session_ttl}s"]
            if self.tls_cert is not None:
                argv += ["-tlscert", str(self.tls_cert), "-tlskey", str(self.tls_key or "")]
            self._proc = ManagedProcess("vcsim", argv, self.work_dir / "vcsim.log", stdout_path=info_path)
            if self._register_atexit and not self._atexit_registered:
                atexit.register(self.stop)
                self._atexit_registered = True
            begun = time.monotonic()
            try:
                self._proc.start()
                wait_until(
                    "vcsim to print its URL",
                    lambda: info_path.exists() and b"\n" in info_path.read_bytes(),
                    timeout=self.timeout,
                    watch=[self._proc],
                )
                self._read_info(info_path)
            except BaseException:
                self.stop()
                raise
            self.startup_seconds = time.monotonic() - begun
            return self

    def _read_info(self, info_path: Path) -> None:
        line = info_path.read_text().splitlines()[0]
        try:
            info = json.loads(line)
            parsed = urllib.parse.urlsplit(info["url"])
            port = parsed.port
        except (ValueError, KeyError) as exc:
            raise StartError(f"vcsim printed an unexpected first line {line!r}: {exc}") from None
        if port is None or parsed.hostname is None:
            raise StartError(f"vcsim printed a URL without host or port: {line!r}")
        self.port = port
        self.host = f"{parsed.hostname}:{port}"
        self.url = urllib.parse.urlunsplit((parsed.scheme, self.host, parsed.path, "", ""))
        self.thumbprint = str(info.get("thumbprint", ""))
        self.govmomi_version = str(info.get("govmomi") or "unknown")
        if info.get("certFile"):
            self.cert_file = Path(info["certFile"])

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM vcsim (it removes its temporary datastore dirs), SIGKILL after `grace`; idempotent."""
        with self._lock:
            if self._proc is not None:
                with contextlib.suppress(Exception):
                    self._proc.stop(grace)
            if self._own_work_dir and self.work_dir != Path():
                shutil.rmtree(self.work_dir, ignore_errors=True)
            if self._atexit_registered:
                atexit.unregister(self.stop)
                self._atexit_registered = False

    def detach(self) -> int | None:
        """Leave vcsim running after this Python process exits; returns its pid (= process group)."""
        with self._lock:
            if self._atexit_registered:
                atexit.unregister(self.stop)
                self._atexit_registered = False
            return self.pid

    # ---- /api/session (tools/vcsim/apisession.go) ---------------------------------------------------
    def sessions(self) -> dict[str, Any]:
        """What the server saw: `logins` through /api/session and, per user name, the requests that carried
        it (HTTP Basic auth or a SOAP Login)."""
        report: dict[str, Any] = json.loads(self._control("GET", "/vcsim/api-session") or b"{}")
        return report

    def expire_sessions(self) -> None:
        """End every session opened through /api/session now, as vCenter does when they time out."""
        self._control("POST", "/vcsim/api-session/expire")

    def _control(self, method: str, path: str) -> bytes:
        import ssl
        import urllib.request

        context = ssl.create_default_context(cafile=str(self.cert_file))
        request = urllib.request.Request(f"https://{self.host}{path}", method=method)
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            body: bytes = answer.read()
            return body

    def log_tail(self, lines: int = 40) -> str:
        return tail_file(self._proc.log_path, lines) if self._proc is not None else ""
