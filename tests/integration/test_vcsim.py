"""vcsim as the simulated vCenter: SOAP inventory via pyVmomi, REST sessions via httpx, clean shutdown."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vmservice_sim import tools

pytestmark = pytest.mark.integration


@pytest.fixture
def service_instance(vcsim: Any) -> Iterator[Any]:
    from pyVim.connect import Disconnect, SmartConnect

    si = SmartConnect(
        host="127.0.0.1",
        port=vcsim.port,
        user=vcsim.username,
        pwd=vcsim.password,
        disableSslCertValidation=True,
    )
    try:
        yield si
    finally:
        Disconnect(si)


def inventory_names(si: Any, vim_type: Any) -> list[str]:
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim_type], True)
    try:
        return sorted(obj.name for obj in view.view)
    finally:
        view.Destroy()


def test_fixture_exposes_connection_details(vcsim: Any) -> None:
    assert vcsim.host == f"127.0.0.1:{vcsim.port}"
    assert vcsim.url == f"https://127.0.0.1:{vcsim.port}/sdk"
    assert "@" not in vcsim.url
    assert len(vcsim.thumbprint.split(":")) == 20  # SHA-1
    assert Path(vcsim.cert_file).read_text().startswith("-----BEGIN CERTIFICATE-----")


def test_pyvmomi_lists_inventory(service_instance: Any) -> None:
    from pyVmomi import vim

    assert service_instance.content.about.apiType == "VirtualCenter"
    assert len(inventory_names(service_instance, vim.Datacenter)) == 1
    assert len(inventory_names(service_instance, vim.ClusterComputeResource)) == 1
    assert len(inventory_names(service_instance, vim.HostSystem)) == 3
    assert len(inventory_names(service_instance, vim.Datastore)) == 1


def test_pyvmomi_verifies_the_served_certificate(vcsim: Any) -> None:
    from pyVim.connect import Disconnect, SmartConnect

    si = SmartConnect(
        host="127.0.0.1",
        port=vcsim.port,
        user=vcsim.username,
        pwd=vcsim.password,
        sslContext=ssl.create_default_context(cafile=str(vcsim.cert_file)),
    )
    try:
        assert si.content.about.apiType == "VirtualCenter"
    finally:
        Disconnect(si)


def test_pyvmomi_pins_the_thumbprint(vcsim: Any) -> None:
    # SmartConnect's version probe ignores `thumbprint` (it fails on the self-signed certificate before the
    # pin is consulted); Connect goes straight to the SOAP stub, which falls back to the pin.
    from pyVim.connect import Connect, Disconnect
    from pyVmomi import vim

    def connect(thumbprint: str) -> Any:
        return Connect(
            host="127.0.0.1",
            port=vcsim.port,
            user=vcsim.username,
            pwd=vcsim.password,
            sslContext=ssl.create_default_context(),
            thumbprint=thumbprint,
        )

    si = connect(vcsim.thumbprint)
    try:
        assert si.content.about.apiType == "VirtualCenter"
    finally:
        Disconnect(si)

    with pytest.raises(vim.fault.HostConnectFault) as info:
        connect(":".join(["00"] * 20))
    assert "thumbprint mismatch" in info.value.msg


def test_pyvmomi_rejects_wrong_password(vcsim: Any) -> None:
    from pyVim.connect import SmartConnect
    from pyVmomi import vim

    with pytest.raises(vim.fault.InvalidLogin):
        SmartConnect(
            host="127.0.0.1",
            port=vcsim.port,
            user=vcsim.username,
            pwd="wrong",
            disableSslCertValidation=True,
        )


def test_rest_session_and_calls(vcsim: Any) -> None:
    import httpx

    verify = ssl.create_default_context(cafile=str(vcsim.cert_file))
    with httpx.Client(base_url=f"https://{vcsim.host}", verify=verify, trust_env=False, timeout=10) as http:
        # govmomi's simulator has only the legacy login; the project's vcsim adds /api/session on top of it.
        modern = http.post("/api/session", auth=(vcsim.username, vcsim.password))
        assert modern.status_code == 201, modern.text
        token = modern.json()
        assert isinstance(token, str) and token
        legacy = http.post("/rest/com/vmware/cis/session", auth=(vcsim.username, vcsim.password))
        assert legacy.status_code == 200 and legacy.json()["value"], legacy.text

        headers = {"vmware-api-session-id": token}
        classes = http.get("/api/vcenter/namespace-management/virtual-machine-classes", headers=headers)
        assert classes.status_code == 200, classes.text
        assert isinstance(classes.json(), list)

        libraries = http.get("/rest/com/vmware/content/library", headers=headers)
        assert libraries.status_code == 200, libraries.text

        unauthenticated = http.get("/api/vcenter/namespace-management/virtual-machine-classes")
        assert unauthenticated.status_code == 401

        refused = http.post("/rest/com/vmware/cis/session", auth=(vcsim.username, "wrong"))
        assert refused.status_code == 401


def test_stop_leaves_no_process(tmp_path: Path) -> None:
    from vmservice_sim.vcsim import Vcsim

    sim = Vcsim(tmp_path / "vcsim2")
    try:
        sim.start()
        pid = sim.pid
        assert pid is not None and tools.pid_alive(pid)
    finally:
        sim.stop()
    sim.stop()  # idempotent
    assert not tools.pid_alive(pid)
    assert tools.process_group_members(pid) == []
    with pytest.raises(ProcessLookupError):
        import os

        os.kill(pid, 0)
