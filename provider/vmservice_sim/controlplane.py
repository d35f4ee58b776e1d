"""A real Kubernetes control plane on loopback for the Supervisor simulator and the integration tests.

`ControlPlane` starts etcd, kube-apiserver (token auth, RBAC, its own CA and serving certificate) and a
kube-controller-manager that runs only the garbage collector and the namespace controller, then installs the
VM Operator CRDs of one release and waits until they are Established. Everything binds to 127.0.0.1 on free
ports; logs stay in the work directory; `stop()` always leaves no process behind.

    with ControlPlane(crd_release="8.0u3") as cp:
        api = cp.api_client()
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import datetime
import ipaddress
import json
import os
import secrets
import shutil
import ssl
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vmservice_sim.tools import (
    ManagedProcess,
    StartError,
    crd_dir,
    find_tool,
    free_ports,
    wait_until,
)

if TYPE_CHECKING:
    from kubernetes.client import ApiClient, Configuration

CONTEXT_NAME = "vmservice-sim"
# The Supervisor's admin, as kubeadm names it (VM Operator treats this user name as privileged).
ADMIN_USER = "kubernetes-admin"
ADMIN_GROUPS = ("system:masters",)
SERVICE_CLUSTER_IP_RANGE = "10.0.0.0/24"
KUBERNETES_SERVICE_IP = "10.0.0.1"
# kube-controller-manager's controllers: clusterrole-aggregation fills the default roles (admin, edit, view)
# from the ClusterRoles labelled to aggregate into them, such as the simulator's role for VM Operator's kinds;
# resourcequota keeps quotas' usage, without which the apiserver's ResourceQuota admission enforces nothing.
KCM_CONTROLLERS = (
    "garbagecollector",
    "namespace",
    "pvc-protection",
    "clusterrole-aggregation",
    "resourcequota",
)
# Without the garbage collector (an admission-only simulator: objects stay exactly as made).
KCM_CONTROLLERS_WITHOUT_GC = ("namespace", "pvc-protection", "clusterrole-aggregation", "resourcequota")


def _default_scratch_root() -> str | None:
    """/dev/shm when usable (etcd on tmpfs), else the platform temp dir."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def _write_private(path: Path, data: bytes | str) -> None:
    raw = data.encode() if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(raw)


class CertificateAuthority:
    """A throwaway CA (ECDSA P-256) for the apiserver's serving certificate and webhook servers' ones."""

    def __init__(self, common_name: str = "vmservice-sim-ca") -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        now = datetime.datetime.now(datetime.UTC)
        self._key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        public_key = self._key.public_key()
        self._cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .sign(self._key, hashes.SHA256())
        )

    @property
    def cert_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self._cert.public_bytes(serialization.Encoding.PEM)

    def issue(
        self,
        common_name: str,
        *,
        dns_names: list[str] | tuple[str, ...] = ("localhost",),
        ip_addresses: list[str] | tuple[str, ...] = ("127.0.0.1",),
        days: int = 365,
    ) -> tuple[bytes, bytes]:
        """A serving certificate (PEM) and its PKCS#8 key (PEM) for the given names."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        now = datetime.datetime.now(datetime.UTC)
        key = ec.generate_private_key(ec.SECP256R1())
        sans: list[x509.GeneralName] = [x509.DNSName(name) for name in dns_names]
        sans += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ip_addresses]
        ca_ski = self._cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .issuer_name(self._cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
            )
            .sign(self._key, hashes.SHA256())
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _token_line(token: str, name: str, groups: tuple[str, ...]) -> str:
    """A line of kube-apiserver's --token-auth-file: token,user,uid[,"group1,group2"]."""
    return f'{token},{name},{name},"{",".join(groups)}"\n' if groups else f"{token},{name},{name}\n"


def _service_account_key_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class ControlPlane:
    """etcd + kube-apiserver + kube-controller-manager (garbage collector, namespaces) + VM Operator CRDs.

    `work_dir` keeps certificates, the kubeconfig and one log file per process; when omitted a temporary
    directory is created (and removed by `stop()`). etcd's data lives on /dev/shm when available and is always
    removed.
    `crd_release=None` installs no CRDs; `extra_crds` are installed besides the release's.
    `users` are further token-authenticated users (name -> groups); `user_token(name)` gives each one's token.
    The admin is `kubernetes-admin` in `system:masters`.
    `audit_log=True` makes kube-apiserver write one JSON line per request (who, verb, resource, user agent) to
    `audit_log_path`: benchmarks count each client's requests from it.
    """

    def __init__(
        self,
        work_dir: str | os.PathLike[str] | None = None,
        *,
        crd_release: str | None = "8.0u3",
        timeout: float = 90.0,
        controller_manager: bool = True,
        register_atexit: bool = True,
        extra_crds: list[dict[str, Any]] | None = None,
        users: dict[str, tuple[str, ...]] | None = None,
        controllers: tuple[str, ...] = KCM_CONTROLLERS,
        audit_log: bool = False,
    ) -> None:
        self.kcm_controllers = controllers
        self.audit_log = audit_log
        self.crd_release = crd_release
        self.extra_crds = list(extra_crds or [])
        self.users = dict(users or {})
        self._user_tokens: dict[str, str] = {}
        self.timeout = timeout
        self.with_controller_manager = controller_manager
        self._register_atexit = register_atexit
        self._own_work_dir = work_dir is None
        self._work_dir_arg = Path(work_dir) if work_dir is not None else None
        self._lock = threading.RLock()
        self._started = False
        self._atexit_registered = False

        self.work_dir: Path = self._work_dir_arg or Path()
        self.etcd_data_dir: Path | None = None
        self.token: str = ""
        self.ca_file: Path = Path()
        self.kubeconfig_path: Path = Path()
        self.server_url: str = ""
        self.etcd_url: str = ""
        self._etcd_peer_url: str = ""
        self.apiserver_port = 0
        self.startup_seconds: dict[str, float] = {}
        self.crd_names: list[str] = []
        self.ca: CertificateAuthority | None = None

        self._etcd: ManagedProcess | None = None
        self._apiserver: ManagedProcess | None = None
        self._kcm: ManagedProcess | None = None
        self._kcm_port = 0

    # ----------------------------------------------------------------------------------------- lifecycle

    def __enter__(self) -> ControlPlane:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> ControlPlane:
        """Start all components, install the CRDs; return once ready. On failure nothing keeps running."""
        with self._lock:
            if self._started:
                return self
            # Resolve everything first: a missing tool must not cost a half-started control plane.
            etcd_bin = find_tool("etcd")
            apiserver_bin = find_tool("kube-apiserver")
            kcm_bin = find_tool("kube-controller-manager") if self.with_controller_manager else None
            crds = crd_dir(self.crd_release) if self.crd_release else None

            self._started = True
            if self._register_atexit and not self._atexit_registered:
                atexit.register(self.stop)
                self._atexit_registered = True
            begun = time.monotonic()
            try:
                self._prepare_files()
                self._start_etcd(etcd_bin)
                self._start_apiserver(apiserver_bin)
                if crds is not None or self.extra_crds:
                    self._install_crds(crds)
                if kcm_bin is not None:
                    self._start_controller_manager(kcm_bin)
            except BaseException:
                self.stop()
                raise
            self.startup_seconds["total"] = time.monotonic() - begun
            return self

    def stop(self, grace: float = 5.0) -> None:
        """Terminate kube-controller-manager, kube-apiserver, then etcd; remove temporary data. Idempotent."""
        with self._lock:
            for proc in (self._kcm, self._apiserver, self._etcd):
                if proc is not None:
                    with contextlib.suppress(Exception):
                        proc.stop(grace)
            if self.etcd_data_dir is not None:
                shutil.rmtree(self.etcd_data_dir, ignore_errors=True)
                self.etcd_data_dir = None
            if self._own_work_dir and self._started and self.work_dir != Path():
                shutil.rmtree(self.work_dir, ignore_errors=True)
            if self._atexit_registered:
                atexit.unregister(self.stop)
                self._atexit_registered = False
            self._started = False

    def restart_apiserver(self, *, crash: bool = False) -> float:
        """Restart kube-apiserver on the same port and etcd; return the seconds it was unavailable.

        By default it shuts down gracefully (SIGTERM; in-flight requests drain, new ones get 429 + Retry-After,
        about 2s); `crash=True` SIGKILLs it instead. etcd and kube-controller-manager keep running.
        """
        with self._lock:
            if self._apiserver is None or not self._started:
                raise RuntimeError("the control plane is not started")
            begun = time.monotonic()
            if crash:
                self._apiserver.kill()
            else:
                self._apiserver.stop()
            self._apiserver.start()
            self._wait_apiserver_ready()
            elapsed = time.monotonic() - begun
            self.startup_seconds["kube-apiserver-restart"] = elapsed
            return elapsed

    def detach(self) -> dict[str, int]:
        """Keep the processes running after this Python process exits; return their pids."""
        with self._lock:
            if self._atexit_registered:
                atexit.unregister(self.stop)
                self._atexit_registered = False
            return self.pids

    # ----------------------------------------------------------------------------------------- accessors

    @property
    def pids(self) -> dict[str, int]:
        """Pids of the running processes by component name."""
        found: dict[str, int] = {}
        for proc in (self._etcd, self._apiserver, self._kcm):
            if proc is not None and proc.alive() and proc.pid is not None:
                found[proc.name] = proc.pid
        return found

    @property
    def log_files(self) -> dict[str, Path]:
        return {
            proc.name: proc.log_path for proc in (self._etcd, self._apiserver, self._kcm) if proc is not None
        }

    def user_token(self, name: str) -> str:
        """The bearer token of one of `users`."""
        return self._user_tokens[name]

    def configuration(self) -> Configuration:
        """A `kubernetes.client.Configuration` for the admin user."""
        from kubernetes import client

        config = client.Configuration()
        config.host = self.server_url
        config.api_key = {"authorization": self.token}
        config.api_key_prefix = {"authorization": "Bearer"}
        config.ssl_ca_cert = str(self.ca_file)
        config.verify_ssl = True
        return config

    def api_client(self) -> ApiClient:
        """A new `kubernetes.client.ApiClient` for the admin user (close it when done)."""
        from kubernetes import client

        return client.ApiClient(self.configuration())

    def issue_serving_cert(
        self, common_name: str, dns_names: list[str] | None = None, ip_addresses: list[str] | None = None
    ) -> tuple[bytes, bytes]:
        """A serving certificate and key signed by the CA in `ca_file` (for webhooks the apiserver calls).

        Returns (certificate PEM, PKCS#8 key PEM).
        """
        if self.ca is None:
            raise RuntimeError("the control plane is not started")
        return self.ca.issue(
            common_name,
            dns_names=dns_names if dns_names is not None else ["localhost"],
            ip_addresses=ip_addresses if ip_addresses is not None else ["127.0.0.1"],
        )

    # ----------------------------------------------------------------------------------------- components

    def _prepare_files(self) -> None:
        scratch = _default_scratch_root()
        if self._work_dir_arg is None:
            self.work_dir = Path(tempfile.mkdtemp(prefix="vmservice-sim-", dir=scratch))
        else:
            self.work_dir = self._work_dir_arg
            self.work_dir.mkdir(parents=True, exist_ok=True)
        self.etcd_data_dir = Path(tempfile.mkdtemp(prefix="vmservice-etcd-", dir=scratch))

        self.token = secrets.token_hex(32)
        certs = self.work_dir / "certs"
        certs.mkdir(exist_ok=True)
        self.ca = CertificateAuthority()
        serving_cert, serving_key = self.ca.issue(
            "kube-apiserver",
            dns_names=["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"],
            ip_addresses=["127.0.0.1", KUBERNETES_SERVICE_IP],
        )
        self.ca_file = certs / "ca.crt"
        self.ca_file.write_bytes(self.ca.cert_pem)
        (certs / "apiserver.crt").write_bytes(serving_cert)
        _write_private(certs / "apiserver.key", serving_key)
        _write_private(certs / "sa.key", _service_account_key_pem())
        lines = [_token_line(self.token, ADMIN_USER, ADMIN_GROUPS)]
        for name, groups in self.users.items():
            self._user_tokens[name] = secrets.token_hex(32)
            lines.append(_token_line(self._user_tokens[name], name, groups))
        _write_private(self.work_dir / "tokens.csv", "".join(lines))

        etcd_client, etcd_peer, self.apiserver_port, self._kcm_port = free_ports(4)
        self.etcd_url = f"http://127.0.0.1:{etcd_client}"
        self._etcd_peer_url = f"http://127.0.0.1:{etcd_peer}"
        self.server_url = f"https://127.0.0.1:{self.apiserver_port}"
        self.kubeconfig_path = self.work_dir / "kubeconfig"
        self._write_kubeconfig()

    def _write_kubeconfig(self) -> None:
        import yaml

        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": CONTEXT_NAME,
                    "cluster": {
                        "server": self.server_url,
                        "certificate-authority-data": base64.b64encode(self.ca_file.read_bytes()).decode(),
                    },
                }
            ],
            "users": [{"name": ADMIN_USER, "user": {"token": self.token}}],
            "contexts": [{"name": CONTEXT_NAME, "context": {"cluster": CONTEXT_NAME, "user": ADMIN_USER}}],
            "current-context": CONTEXT_NAME,
        }
        _write_private(self.kubeconfig_path, yaml.safe_dump(config, sort_keys=False))

    def _start_etcd(self, binary: Path) -> None:
        assert self.etcd_data_dir is not None
        name = "vmservice-sim"
        self._etcd = ManagedProcess(
            "etcd",
            [
                str(binary),
                f"--name={name}",
                f"--data-dir={self.etcd_data_dir}",
                f"--listen-client-urls={self.etcd_url}",
                f"--advertise-client-urls={self.etcd_url}",
                f"--listen-peer-urls={self._etcd_peer_url}",
                f"--initial-advertise-peer-urls={self._etcd_peer_url}",
                f"--initial-cluster={name}={self._etcd_peer_url}",
                f"--initial-cluster-token=vmservice-sim-{secrets.token_hex(4)}",
                "--initial-cluster-state=new",
                "--unsafe-no-fsync",
                "--log-level=warn",
            ],
            self.work_dir / "etcd.log",
        )
        begun = time.monotonic()
        self._etcd.start()

        def healthy() -> bool:
            with urllib.request.urlopen(f"{self.etcd_url}/health", timeout=2) as response:
                return bool(json.load(response).get("health") == "true")

        wait_until("etcd /health", healthy, timeout=self.timeout, watch=[self._etcd])
        self.startup_seconds["etcd"] = time.monotonic() - begun

    @property
    def audit_log_path(self) -> Path:
        return self.work_dir / "audit.log"

    def _audit_flags(self) -> list[str]:
        """Metadata-level audit of every request, written as it completes (a watch: as it starts)."""
        if not self.audit_log:
            return []
        policy = self.work_dir / "audit-policy.yaml"
        policy.write_text(
            json.dumps(
                {
                    "apiVersion": "audit.k8s.io/v1",
                    "kind": "Policy",
                    "omitStages": ["RequestReceived"],
                    "rules": [{"level": "Metadata"}],
                }
            )
        )
        return [
            f"--audit-policy-file={policy}",
            f"--audit-log-path={self.audit_log_path}",
            "--audit-log-format=json",
            "--audit-log-mode=blocking",  # each line is on disk when its response is sent
            "--audit-log-maxbackup=0",
            # Never rotated (the default rotates at 100 MB, which 1,000 VMs pass): readers count from an offset.
            "--audit-log-maxsize=1000000",
        ]

    def _start_apiserver(self, binary: Path) -> None:
        certs = self.work_dir / "certs"
        port = self.apiserver_port
        self._apiserver = ManagedProcess(
            "kube-apiserver",
            [
                str(binary),
                f"--etcd-servers={self.etcd_url}",
                "--bind-address=127.0.0.1",
                f"--secure-port={port}",
                "--advertise-address=127.0.0.1",
                "--endpoint-reconciler-type=none",
                f"--tls-cert-file={certs / 'apiserver.crt'}",
                f"--tls-private-key-file={certs / 'apiserver.key'}",
                f"--client-ca-file={self.ca_file}",
                f"--cert-dir={certs}",
                f"--service-account-issuer=https://127.0.0.1:{port}",
                f"--service-account-key-file={certs / 'sa.key'}",
                f"--service-account-signing-key-file={certs / 'sa.key'}",
                f"--service-cluster-ip-range={SERVICE_CLUSTER_IP_RANGE}",
                "--authorization-mode=RBAC",
                f"--token-auth-file={self.work_dir / 'tokens.csv'}",
                "--disable-admission-plugins=ServiceAccount",
                "--allow-privileged=true",
                "--profiling=false",
                # Bound graceful shutdown: watches (kube-controller-manager's, clients') otherwise hold the
                # HTTP server open for the 60s shutdown timeout. Like a real apiserver being drained, requests
                # in the window get 429 + Retry-After.
                "--shutdown-send-retry-after=true",
                *self._audit_flags(),
            ],
            self.work_dir / "kube-apiserver.log",
        )
        begun = time.monotonic()
        self._apiserver.start()
        self._wait_apiserver_ready()
        self.startup_seconds["kube-apiserver"] = time.monotonic() - begun

    def _wait_apiserver_ready(self) -> None:
        assert self._apiserver is not None
        context = ssl.create_default_context(cafile=str(self.ca_file))
        request = urllib.request.Request(
            f"{self.server_url}/readyz", headers={"Authorization": f"Bearer {self.token}"}
        )

        def ready() -> bool:
            try:
                with urllib.request.urlopen(request, timeout=5, context=context) as response:
                    return bool(response.status == 200)
            except urllib.error.HTTPError as exc:  # 500 while post-start hooks run, 403 during RBAC bootstrap
                exc.close()
                return False

        wait_until(
            "kube-apiserver /readyz", ready, timeout=self.timeout, watch=[self._apiserver], interval=0.1
        )

    def _start_controller_manager(self, binary: Path) -> None:
        self._kcm = ManagedProcess(
            "kube-controller-manager",
            [
                str(binary),
                f"--kubeconfig={self.kubeconfig_path}",
                f"--controllers={','.join(self.kcm_controllers)}",
                "--leader-elect=false",
                "--use-service-account-credentials=false",
                "--bind-address=127.0.0.1",
                f"--secure-port={self._kcm_port}",
                f"--cert-dir={self.work_dir / 'certs' / 'kube-controller-manager'}",
                "--profiling=false",
            ],
            self.work_dir / "kube-controller-manager.log",
        )
        begun = time.monotonic()
        self._kcm.start()
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # self-signed; only its health is read
        url = f"https://127.0.0.1:{self._kcm_port}/healthz"

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(url, timeout=2, context=context) as response:
                    return bool(response.status == 200)
            except urllib.error.HTTPError as exc:
                exc.close()
                return False

        wait_until("kube-controller-manager /healthz", healthy, timeout=self.timeout, watch=[self._kcm])
        self.startup_seconds["kube-controller-manager"] = time.monotonic() - begun

    # ----------------------------------------------------------------------------------------- CRDs

    def _install_crds(self, directory: Path | None) -> None:
        import yaml
        from kubernetes import client

        begun = time.monotonic()
        manifests: list[dict[str, Any]] = []
        for path in sorted(directory.glob("*.yaml")) if directory is not None else []:
            for doc in yaml.safe_load_all(path.read_text()):
                if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                    manifests.append(doc)
        if directory is not None and not manifests:
            raise StartError(f"no CustomResourceDefinition manifests in {directory}")
        manifests += self.extra_crds

        with self.api_client() as api:
            ext: Any = client.ApiextensionsV1Api(api)
            for manifest in manifests:
                self._apply_crd(ext, manifest)
            self.crd_names = [m["metadata"]["name"] for m in manifests]
            pending = set(self.crd_names)
            assert self._apiserver is not None

            def all_established() -> bool:
                response = ext.list_custom_resource_definition(_preload_content=False)
                for item in json.loads(response.data)["items"]:
                    conditions = item.get("status", {}).get("conditions") or []
                    if any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions):
                        pending.discard(item["metadata"]["name"])
                return not pending

            try:
                wait_until(
                    "CRDs to be Established", all_established, timeout=self.timeout, watch=[self._apiserver]
                )
            except StartError as exc:
                raise StartError(f"{exc}\nCRDs not Established: {', '.join(sorted(pending))}") from None
        self.startup_seconds["crds"] = time.monotonic() - begun

    @staticmethod
    def _apply_crd(ext: Any, manifest: dict[str, Any]) -> None:
        from kubernetes.client.exceptions import ApiException

        name = manifest["metadata"]["name"]
        try:
            ext.create_custom_resource_definition(manifest, _preload_content=False)
        except ApiException as exc:
            if exc.status != 409:
                raise StartError(f"creating CRD {name} failed: {exc.status} {exc.body}") from None
            current = json.loads(ext.read_custom_resource_definition(name, _preload_content=False).data)
            body = dict(manifest)
            body["metadata"] = {
                **manifest["metadata"],
                "resourceVersion": current["metadata"]["resourceVersion"],
            }
            ext.replace_custom_resource_definition(name, body, _preload_content=False)
