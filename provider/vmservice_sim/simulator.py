"""The whole simulated Supervisor in one object: control plane + vcsim + seed data + emulated VM Operator.

    sim = Simulator(Path(".demo/sim"), SimulatorOptions(power_on_delay=1, ip_delay=2)).start()
    ...  # DIR/kubeconfig (a DevOps user) and DIR/env are written once everything is ready
    sim.stop()

`vmservice-sim up` runs this inside a detached daemon process (vmservice_sim.daemon); the tests run it in
process.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import shlex
import shutil
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vmservice_sim import capabilities, identities, supervisor_crds, vmop_config
from vmservice_sim.context import ZONES, EmulatorContext, EmulatorOptions
from vmservice_sim.controlplane import CONTEXT_NAME, KCM_CONTROLLERS, KCM_CONTROLLERS_WITHOUT_GC, ControlPlane
from vmservice_sim.emulator import Emulator
from vmservice_sim.kube import CONFIG_MAP, Kube
from vmservice_sim.release import release
from vmservice_sim.seed import DEMO_NAMESPACE, SUPERVISOR_NAME, seed_kubernetes, seed_vcenter
from vmservice_sim.vcenter import VCenter
from vmservice_sim.vcsim import Vcsim

log = logging.getLogger("vmservice-sim")

VSPHERE_USER = "administrator@vsphere.local"


@dataclass(frozen=True)
class SimulatorOptions:
    api_release: str = "8.0u3"
    power_on_delay: float = 1.0
    ip_delay: float = 2.0
    sync_interval: float = 2.0
    # vCenter's automatic sync of subscribed content libraries (vSphere's default is every 4 hours).
    library_sync_interval: float = 10.0
    # Capabilities switched on or off against the release's defaults (`--capability NAME=on|off`).
    capabilities: tuple[tuple[str, bool], ...] = ()
    # VM Operator's deployment switches against the release's defaults (`--feature NAME=on|off`).
    features: tuple[tuple[str, bool], ...] = ()
    # User names VM Operator treats as privileged (its PRIVILEGED_USERS setting; `--privileged-user`).
    privileged_users: tuple[str, ...] = ()
    # Test-only: admission.FIXTURE_USER is admitted unjudged (`--test-fixtures`).
    test_fixtures: bool = False
    # False: admission only, no controller runs, not even the garbage collector (the corpus test judges objects
    # exactly as it makes them).
    controllers: bool = True
    # kube-apiserver writes an audit line per request to DIR/controlplane/audit.log (`--audit-log`).
    audit_log: bool = False

    @property
    def capability_states(self) -> dict[str, bool]:
        return capabilities.resolve(self.api_release, dict(self.capabilities))

    @property
    def feature_states(self) -> dict[str, bool]:
        return vmop_config.resolve_switches(self.api_release, dict(self.features))


def write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


class Simulator:
    def __init__(
        self, directory: Path, options: SimulatorOptions | None = None, *, register_atexit: bool = True
    ) -> None:
        self.directory = directory.resolve()
        self.options = options or SimulatorOptions()
        self.release = release(self.options.api_release)
        self.options.capability_states  # noqa: B018 - an unknown capability fails here, before any start
        self.options.feature_states  # noqa: B018 - so does an unknown feature
        self.register_atexit = register_atexit
        self.control_plane: ControlPlane | None = None
        self.vcsim: Vcsim | None = None
        self.vcenter: VCenter | None = None
        self.kube: Kube | None = None  # the admin (kubernetes-admin)
        self.ctx: EmulatorContext | None = None
        self.emulator: Emulator | None = None
        self.vsphere_password = secrets.token_urlsafe(12)
        self.timings: dict[str, float] = {}
        self.seed_info: dict[str, Any] = {}

    @property
    def kubeconfig_path(self) -> Path:
        return self.directory / "kubeconfig"

    @property
    def admin_kubeconfig_path(self) -> Path:
        return self.directory / "admin.kubeconfig"

    @property
    def env_path(self) -> Path:
        return self.directory / "env"

    @property
    def ca_path(self) -> Path:
        return self.directory / "vsphere-ca.crt"

    def start(self) -> Simulator:
        begun = time.monotonic()
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self.timings["total"] = time.monotonic() - begun
        return self

    def _mark(self, name: str, since: float) -> float:
        now = time.monotonic()
        self.timings[name] = now - since
        return now

    def _start(self) -> None:
        from kubernetes import client

        t = time.monotonic()
        cp = self.control_plane = ControlPlane(
            self.directory / "controlplane",
            crd_release=self.release.name,
            register_atexit=self.register_atexit,
            extra_crds=supervisor_crds.manifests(),
            users={identities.DEVOPS_USER: ()},
            controllers=KCM_CONTROLLERS if self.options.controllers else KCM_CONTROLLERS_WITHOUT_GC,
            audit_log=self.options.audit_log,
        )
        cp.start()
        t = self._mark("control-plane", t)

        vcsim_dir = self.directory / "vcsim"
        vcsim_dir.mkdir(exist_ok=True)
        cert, key = cp.issue_serving_cert("vcsim", ["localhost"], ["127.0.0.1"])
        (vcsim_dir / "tls.crt").write_bytes(cert)
        write_private(vcsim_dir / "tls.key", key.decode())
        shutil.copyfile(cp.ca_file, self.ca_path)
        self.vcsim = Vcsim(
            vcsim_dir,
            username=VSPHERE_USER,
            password=self.vsphere_password,
            tls_cert=vcsim_dir / "tls.crt",
            tls_key=vcsim_dir / "tls.key",
            register_atexit=self.register_atexit,
            library_sync_interval=self.options.library_sync_interval,
            namespace_status_from_supervisor=True,
        )
        self.vcsim.start()
        t = self._mark("vcsim", t)

        self.vcenter = VCenter(self.vcsim.host, VSPHERE_USER, self.vsphere_password, str(self.ca_path))
        self.seed_info = seed_vcenter(self.vcenter)
        configuration = cp.configuration()
        configuration.connection_pool_maxsize = 32
        self.kube = Kube(client.ApiClient(configuration))
        identities.install_rbac(self.kube)
        seed_kubernetes(self.kube, ZONES)
        self.kube.apply(CONFIG_MAP, capabilities.config_map(self.options.capability_states))
        self.kube.apply(
            CONFIG_MAP,
            vmop_config.config_map(
                self.options.feature_states, privileged_users=self.options.privileged_users
            ),
        )
        vm_operator = cp.configuration()
        vm_operator.api_key = {"authorization": identities.vm_operator_token(self.kube)}
        vm_operator.connection_pool_maxsize = 32
        t = self._mark("seed", t)

        webhook_cert, webhook_key = cp.issue_serving_cert(
            "vmservice-sim-webhook", ["localhost"], ["127.0.0.1"]
        )
        self.ctx = EmulatorContext(
            Kube(client.ApiClient(vm_operator)),
            self.vcenter,
            self.release,
            EmulatorOptions(
                power_on_delay=self.options.power_on_delay,
                ip_delay=self.options.ip_delay,
                sync_interval=self.options.sync_interval,
                test_fixtures=self.options.test_fixtures,
                controllers=self.options.controllers,
            ),
        )
        assert cp.ca is not None
        self.emulator = Emulator(
            self.ctx, webhook_cert, webhook_key, cp.ca.cert_pem, self.directory / "webhook"
        )
        self.emulator.start()
        t = self._mark("emulator", t)

        shutil.copyfile(cp.kubeconfig_path, self.admin_kubeconfig_path)
        os.chmod(self.admin_kubeconfig_path, 0o600)
        self._write_kubeconfig(cp.user_token(identities.DEVOPS_USER))
        self._write_env()
        self._mark("files", t)

    def stop(self) -> None:
        if self.emulator is not None:
            try:
                self.emulator.stop()
            except Exception:  # keep stopping the rest
                log.exception("stopping the emulator")
        if self.ctx is not None:
            self.ctx.stop_event.set()
        for closeable in (self.vcenter, self.kube, self.ctx.kube if self.ctx else None):
            if closeable is not None:
                with contextlib.suppress(Exception):
                    closeable.close()
        if self.vcsim is not None:
            self.vcsim.stop()
        if self.control_plane is not None:
            self.control_plane.stop()
        for path in (self.kubeconfig_path, self.env_path, self.admin_kubeconfig_path):
            path.unlink(missing_ok=True)

    # ---------------------------------------------------------------------------------------- files

    def _write_kubeconfig(self, token: str) -> None:
        import yaml

        assert self.control_plane is not None
        cp = self.control_plane
        user = identities.DEVOPS_USER
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": CONTEXT_NAME,
                    "cluster": {
                        "server": cp.server_url,
                        "certificate-authority-data": __import__("base64")
                        .b64encode(cp.ca_file.read_bytes())
                        .decode(),
                    },
                }
            ],
            "users": [{"name": user, "user": {"token": token}}],
            "contexts": [
                {
                    "name": CONTEXT_NAME,
                    "context": {"cluster": CONTEXT_NAME, "user": user, "namespace": DEMO_NAMESPACE},
                }
            ],
            "current-context": CONTEXT_NAME,
        }
        write_private(self.kubeconfig_path, yaml.safe_dump(config, sort_keys=False))

    def env(self) -> dict[str, str]:
        assert self.vcsim is not None
        return {
            "KUBECONFIG": str(self.kubeconfig_path),
            "VSPHERE_SERVER": self.vcsim.host,
            "VSPHERE_USER": VSPHERE_USER,
            "VSPHERE_PASSWORD": self.vsphere_password,
            "VSPHERE_INSECURE": "false",
            "VSPHERE_CA_CERT": str(self.ca_path),
            "VSPHERE_DATASTORE": "LocalDS_0",
            "VSPHERE_SUPERVISOR": str(self.seed_info.get("cluster") or SUPERVISOR_NAME),
            "VMSERVICE_NAMESPACE": DEMO_NAMESPACE,
        }

    def _write_env(self) -> None:
        lines = [
            "# vmservice-sim: `source` this file to point kubectl, pulumi and the provider at the simulator"
        ]
        lines += [f"export {key}={shlex.quote(value)}" for key, value in self.env().items()]
        write_private(self.env_path, "\n".join(lines) + "\n")

    # ---------------------------------------------------------------------------------------- status

    def describe(self) -> dict[str, Any]:
        """Components, pids, ports and versions (for `vmservice-sim status`)."""
        assert self.control_plane is not None and self.vcsim is not None and self.emulator is not None
        cp = self.control_plane
        versions: dict[str, str] = {}
        try:
            with urllib.request.urlopen(f"{cp.etcd_url}/version", timeout=2) as response:
                versions["etcd"] = str(json.load(response).get("etcdserver"))
        except Exception:
            versions["etcd"] = "unknown"
        try:
            from kubernetes import client

            assert self.kube is not None
            versions["kube-apiserver"] = str(client.VersionApi(self.kube.api_client).get_code().git_version)
        except Exception:
            versions["kube-apiserver"] = "unknown"
        versions["vcsim"] = f"govmomi {self.vcsim.govmomi_version}"
        versions["vm-operator-api"] = f"{self.release.name} ({self.release.api_version})"
        pids = cp.pids
        return {
            "directory": str(self.directory),
            "release": self.release.name,
            "options": asdict(self.options),
            "capabilities": self.options.capability_states,
            "components": {
                "etcd": {"pid": pids.get("etcd"), "url": cp.etcd_url, "version": versions["etcd"]},
                "kube-apiserver": {
                    "pid": pids.get("kube-apiserver"),
                    "url": cp.server_url,
                    "version": versions["kube-apiserver"],
                },
                "kube-controller-manager": {"pid": pids.get("kube-controller-manager")},
                "vcsim": {
                    "pid": self.vcsim.pid,
                    "url": f"https://{self.vcsim.host}",
                    "version": versions["vcsim"],
                },
                "webhook": {
                    "pid": self.emulator.webhook.pid,
                    "url": self.emulator.webhook.url,
                    "version": versions["vm-operator-api"],
                },
            },
            "timings": self.timings,
        }
