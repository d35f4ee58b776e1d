"""An unreachable Supervisor that needs a real apiserver to fake, end to end through the plugin over gRPC on
loopback: a kubeconfig whose CA did not sign the apiserver's certificate, and a token the apiserver refuses.
Each answer is checked for its gRPC code, that it names the endpoint and the cause, and how long it took."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest
import yaml

from tests.protocol.test_unreachable import ORACLE, SECRET, configured, create

if TYPE_CHECKING:
    from vmservice_sim.controlplane import ControlPlane

pytestmark = pytest.mark.integration


def kubeconfig(path: Path, server: str, ca_pem: bytes, token: str) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {
                        "name": "c",
                        "cluster": {
                            "server": server,
                            "certificate-authority-data": base64.b64encode(ca_pem).decode(),
                        },
                    }
                ],
                "users": [{"name": "u", "user": {"token": token}}],
                "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "x",
            }
        )
    )
    return path


def test_a_certificate_from_another_ca_is_a_tls_failure(control_plane: ControlPlane, tmp_path: Path) -> None:
    """The apiserver's certificate checked against another CA. Broken on purpose once (the kubeconfig's CA
    replaced by the apiserver's own, i.e. a check that cannot fail): the Create reached the apiserver and the
    UNAVAILABLE assertion failed."""
    from vmservice_sim.controlplane import CertificateAuthority

    other_ca = CertificateAuthority("not-the-supervisors-ca").cert_pem
    path = kubeconfig(tmp_path / "kubeconfig", control_plane.server_url, other_ca, SECRET)
    plugin = configured({"KUBECONFIG": str(path)})
    try:
        code, message, took = create(plugin, timeout=10)
        print(f"\nwrong CA: {code.name} after {took:.1f} s: {message}")
        assert code == grpc.StatusCode.UNAVAILABLE, message
        assert control_plane.server_url in message and "TLS certificate verification failed" in message
        assert took < 5, f"a certificate that will not verify took {took:.1f} s (it is not retried)"
        ORACLE.plugin(plugin)  # create() has shown the answers to the oracle
    finally:
        plugin.close()


def test_a_token_the_apiserver_refuses_is_a_credentials_failure(
    control_plane: ControlPlane, tmp_path: Path
) -> None:
    """401 from the real apiserver: FAILED_PRECONDITION (retrying cannot help) naming the endpoint and saying
    to log in again, never quoting the token. Broken on purpose once (_rejection without its 401 branch): the
    message was the apiserver's bare "Unauthorized" and the assertion on it failed."""
    path = kubeconfig(tmp_path / "kubeconfig", control_plane.server_url, control_plane.ca.cert_pem, SECRET)
    plugin = configured({"KUBECONFIG": str(path)})
    try:
        begun = time.monotonic()
        code, message, took = create(plugin, timeout=10)
        print(f"\n401: {code.name} after {took:.1f} s: {message}")
        assert code == grpc.StatusCode.FAILED_PRECONDITION, message
        assert f"the Supervisor at {control_plane.server_url} refused the credentials (401" in message
        assert "kubectl vsphere login" in message
        assert took < 5, f"a refused token took {took:.1f} s (it is not retried)"
        assert time.monotonic() - begun < 10
        ORACLE.plugin(plugin)  # create() has shown the answers to the oracle
    finally:
        plugin.close()
