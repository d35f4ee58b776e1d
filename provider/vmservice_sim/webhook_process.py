"""The admission webhook server in a process of its own, beside the controllers.

In the controllers' process the webhooks waited for Python's interpreter lock while dozens of reconciles ran:
`kubectl apply` of 200 VMs took about 100 ms per object there, against 12-16 ms when nothing else runs. A real
Supervisor's webhooks do not wait for VM Operator's reconciles either. The child serves AdmissionReviews with
the same rules and cluster reads (as VM Operator's identity) and ends when its parent does (its stdin closes).

    python -m vmservice_sim.webhook_process --release 9.1 --tls-dir DIR [--test-fixtures]

with the apiserver's URL, CA file and VM Operator's token in VMSERVICE_SIM_WEBHOOK_{SERVER,CA,TOKEN} (a token
does not belong on a command line), `tls.crt` and `tls.key` in DIR; it prints its port once it serves.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from vmservice_sim.release import release as release_named
from vmservice_sim.tools import StartError

log = logging.getLogger("vmservice-sim")
ENV_SERVER, ENV_CA, ENV_TOKEN = (f"VMSERVICE_SIM_WEBHOOK_{name}" for name in ("SERVER", "CA", "TOKEN"))


class AdmissionProcess:
    """Starts and stops the webhook server's process; `url` is where it serves."""

    def __init__(
        self,
        configuration: Any,
        release_name: str,
        cert_pem: bytes,
        key_pem: bytes,
        tls_dir: Path,
        test_fixtures: bool,
    ) -> None:
        tls_dir.mkdir(parents=True, exist_ok=True)
        (tls_dir / "tls.crt").write_bytes(cert_pem)
        key = tls_dir / "tls.key"
        key.touch(mode=0o600)
        key.write_bytes(key_pem)
        token = configuration.api_key["authorization"]
        prefix = (configuration.api_key_prefix or {}).get("authorization")
        self._env = {
            **os.environ,
            ENV_SERVER: configuration.host,
            ENV_CA: str(configuration.ssl_ca_cert),
            ENV_TOKEN: f"{prefix} {token}" if prefix else token,
        }
        self._argv = [
            sys.executable,
            "-m",
            "vmservice_sim.webhook_process",
            "--release",
            release_name,
            "--tls-dir",
            str(tls_dir),
            *(["--test-fixtures"] if test_fixtures else []),
        ]
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        self._process = subprocess.Popen(
            self._argv, env=self._env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line.isdigit():
            self.stop()
            raise StartError(f"the webhook server did not start (it printed {line!r})")
        self.port = int(line)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()  # the child's signal to stop
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _kube() -> Any:
    from kubernetes import client

    from vmservice_sim.kube import Kube

    configuration = client.Configuration()
    configuration.host = os.environ[ENV_SERVER]
    configuration.ssl_ca_cert = os.environ[ENV_CA]
    configuration.verify_ssl = True
    configuration.api_key = {"authorization": os.environ[ENV_TOKEN]}
    configuration.connection_pool_maxsize = 32
    return Kube(client.ApiClient(configuration))


def main(argv: list[str] | None = None) -> int:
    from vmservice_sim.webhook import AdmissionServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--release", required=True)
    parser.add_argument("--tls-dir", type=Path, required=True)
    parser.add_argument("--test-fixtures", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="vmservice-sim webhook: %(message)s")
    server = AdmissionServer(
        _kube(),
        release_named(args.release),
        (args.tls_dir / "tls.crt").read_bytes(),
        (args.tls_dir / "tls.key").read_bytes(),
        test_fixtures=args.test_fixtures,
    )
    server.start()
    sys.stdout.write(f"{server.port}\n")
    sys.stdout.flush()
    sys.stdin.read()  # until the parent closes it, or goes away
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
