"""The vCenter clients and admin resources against vcsim: login fallback, TLS modes, session reuse, VM classes,
content libraries and items (upload and pull), namespaces, PBM and inventory lookups, drift and import.

vcsim keeps VM classes and namespaces in process-wide maps, so every test uses its own names.

What vcsim (govmomi v0.56.0) does not do, and how the provider copes:
- no POST /api/session: the project's vcsim program serves it (tools/vcsim/apisession.go, over vcsim's own
  /rest session), with expiring sessions and a login counter; the fallback to /rest/com/vmware/cis/session
  (vCenter before 7.0 U2) is tested by hiding /api/session;
- content library only under /rest/com/vmware/content: the client probes once and speaks that dialect; the
  /api/content dialect for real vCenter is covered by unit tests of the paths and bodies only;
- Dynamic DirectPath I/O devices (it expects `direct_path_io_devices`) and VM class descriptions are
  dropped; the project's own vcsim program keeps them (tools/vcsim/classdevices.go, classdesc.go);
- namespaces keep only the cluster and vm_service_spec: the description is dropped (storage_specs,
  resource_spec, the Image Service content_libraries and the access_list are kept by the project's own vcsim
  program, tools/vcsim/nsspecs.go, because the Supervisor simulator turns them into quotas, ContentLibrary
  objects and RoleBindings); fields it does not report at all are kept as written on refresh (a namespace
  description would show as drift);
- library publishing and subscriptions (publish_info, subscription_info on update, probe, refused syncs,
  automatic sync) are the project's vcsim program's (tools/vcsim/libsync.go);
- namespace PATCH answers 200 with an error body (ignored: any 2xx is success) and does not validate clusters;
  the provider checks the Supervisor itself;
- a pulled file is not checked for its HTTP status (a 404 page ends as "failed to unwind ova");
- .vmdk files must be streamOptimized, so the tests build a minimal one.
"""

from __future__ import annotations

import functools
import http.server
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi_vmservice_provider.clients.content_library import ContentLibraryApi

from tests.integration.vcenter_helpers import (
    Cluster,
    not_a_supervisor,
    settings,
    sha256_thumbprint,
    supervisor_cluster,
    tiny_ova,
)
from tests.secret_oracle import SecretOracle

pytestmark = pytest.mark.integration

CLASS = "vmservice:vcenter:VirtualMachineClass"
LIBRARY = "vmservice:vcenter:ContentLibrary"
ITEM = "vmservice:vcenter:ContentLibraryItem"
NAMESPACE = "vmservice:vcenter:Namespace"
VSAN_DEFAULT = "vSAN Default Storage Policy"
VSAN_DEFAULT_ID = "aa6d5a82-1c88-45da-85d3-3d74b91a5bad"


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


@pytest.fixture(scope="module")
def supervisor(vcsim: Any) -> Iterator[Cluster]:
    with supervisor_cluster(vcsim) as cluster:
        yield cluster


@pytest.fixture
def rest(vcsim: Any) -> Iterator[Any]:
    from pulumi_vmservice_provider.clients.vcenter import VCenterClient

    client = VCenterClient(settings(vcsim, vsphere_ca_cert=str(vcsim.cert_file)))
    try:
        yield client
    finally:
        client.close()


class Recorder:
    def __init__(self) -> None:
        self.logs: list[tuple[str, str]] = []

    def __call__(self, severity: str, message: str, urn: str, ephemeral: bool) -> None:
        self.logs.append((severity, message))


@pytest.fixture
def provider(vcsim: Any, supervisor: Cluster) -> Any:
    from pulumi_vmservice_provider.core import Provider

    configured = Provider(Recorder())
    configured.configure(
        {
            "vsphereServer": vcsim.host,
            "vsphereUser": vcsim.username,
            "vspherePassword": vcsim.password,
            "vsphereCaCert": str(vcsim.cert_file),
        }
    )
    return configured


def ctx(provider: Any, timeout: float = 60) -> Any:
    return provider.context("urn:pulumi:test::vcenter::t::r", timeout)


class Ops:
    """The provider's typed operations as tuples, to keep the assertions short."""

    def __init__(self, provider: Any):
        self.provider = provider

    def create(self, token: str, context: Any, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        resource_id, outputs = self.provider.create(token, context, inputs)
        return resource_id, outputs

    def read(
        self, token: str, context: Any, resource_id: str, state: dict[str, Any], inputs: dict[str, Any] | None
    ) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        found: tuple[str, dict[str, Any], dict[str, Any]] | None = self.provider.read(
            token, context, resource_id, state, inputs
        )
        return found

    def update(
        self,
        token: str,
        context: Any,
        resource_id: str,
        state: dict[str, Any],
        old_inputs: dict[str, Any],
        inputs: dict[str, Any],
    ) -> dict[str, Any]:
        outputs: dict[str, Any] = self.provider.update(token, context, resource_id, state, old_inputs, inputs)
        return outputs

    def delete(
        self, token: str, context: Any, resource_id: str, state: dict[str, Any], inputs: dict[str, Any]
    ) -> None:
        self.provider.delete(token, context, resource_id, state, inputs)


def checked(provider: Any, token: str, news: dict[str, Any]) -> dict[str, Any]:
    inputs, failures = provider.check(token, "res", {}, news, b"seed")
    assert not failures, failures
    return dict(inputs)


# ---- sessions and TLS --------------------------------------------------------------------------
def test_login_takes_api_session_and_is_reused(rest: Any, vcsim: Any) -> None:
    """Broken on purpose once (MODERN_SESSION pointed at a path vcsim does not serve): legacy_login was set
    and the server counted no login."""
    from pulumi_vmservice_provider.clients.namespaces import list_vm_classes

    before = vcsim.sessions()["logins"]
    list_vm_classes(rest)
    first = rest.token()
    list_vm_classes(rest)
    assert not rest.legacy_login
    assert rest.token() == first
    assert vcsim.sessions()["logins"] - before == 1


def test_login_falls_back_to_the_legacy_session_without_api_session(vcsim: Any) -> None:
    """A vCenter before 7.0 U2 answers 404 on /api/session (hidden here; the rest is vcsim)."""
    import httpx
    from pulumi_vmservice_provider.clients.namespaces import list_vm_classes
    from pulumi_vmservice_provider.clients.tls import ssl_context
    from pulumi_vmservice_provider.clients.vcenter import VCenterClient

    class Before702(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/api/session":
                return httpx.Response(404, request=request)
            return super().handle_request(request)

    client = VCenterClient(settings(vcsim, vsphere_ca_cert=str(vcsim.cert_file)))
    client.transport = Before702(
        verify=ssl_context(ca_cert=str(vcsim.cert_file), thumbprint=None, insecure=False)
    )
    before = vcsim.sessions()["logins"]
    try:
        assert isinstance(list_vm_classes(client), list)
        assert client.legacy_login
        assert vcsim.sessions()["logins"] == before
    finally:
        client.close()


def test_an_expired_session_logs_in_again_once(rest: Any, vcsim: Any) -> None:
    """The server ends every session (as its timeout does); the next call logs in once more and goes on."""
    from pulumi_vmservice_provider.clients.namespaces import list_vm_classes

    list_vm_classes(rest)
    stale = rest.token()
    before = vcsim.sessions()["logins"]
    vcsim.expire_sessions()
    list_vm_classes(rest)
    list_vm_classes(rest)
    assert rest.token() != stale
    assert vcsim.sessions()["logins"] - before == 1


def test_wrong_password_is_refused_without_echoing_it(vcsim: Any) -> None:
    import dataclasses

    from pulumi_vmservice_provider.clients.namespaces import list_vm_classes
    from pulumi_vmservice_provider.clients.vcenter import VCenterClient, VCenterError

    wrong = dataclasses.replace(
        settings(vcsim, vsphere_ca_cert=str(vcsim.cert_file)), vsphere_password="not-the-password"
    )
    client = VCenterClient(wrong)
    with pytest.raises(VCenterError) as info:
        list_vm_classes(client)
    assert info.value.status == 401
    SecretOracle("not-the-password").text("VCenterError", str(info.value))


def test_tls_is_verified_by_default(vcsim: Any) -> None:
    from pulumi_vmservice_provider.clients.namespaces import list_vm_classes
    from pulumi_vmservice_provider.clients.vcenter import VCenterClient, VCenterUnreachable

    with pytest.raises(VCenterUnreachable) as info:
        list_vm_classes(VCenterClient(settings(vcsim)))
    assert "vsphereCaCert" in str(info.value) and "vsphereThumbprint" in str(info.value)


@pytest.mark.parametrize("mode", ["ca-file", "ca-pem", "sha1-pin", "sha256-pin", "insecure"])
def test_tls_modes(vcsim: Any, mode: str) -> None:
    from pulumi_vmservice_provider.clients.namespaces import list_vm_classes
    from pulumi_vmservice_provider.clients.vcenter import VCenterClient
    from pulumi_vmservice_provider.clients.vsphere_soap import VsphereSoap

    tls: dict[str, Any] = {
        "ca-file": {"vsphere_ca_cert": str(vcsim.cert_file)},
        "ca-pem": {"vsphere_ca_cert": Path(vcsim.cert_file).read_text()},
        "sha1-pin": {"vsphere_thumbprint": vcsim.thumbprint},
        "sha256-pin": {"vsphere_thumbprint": sha256_thumbprint(vcsim.cert_file)},
        "insecure": {"vsphere_insecure": True},
    }[mode]
    client = VCenterClient(settings(vcsim, **tls))
    soap = VsphereSoap(settings(vcsim, **tls))
    try:
        assert isinstance(list_vm_classes(client), list)
        assert soap.datastore("LocalDS_0").id.startswith("datastore-")
    finally:
        client.close()
        soap.close()


def test_a_wrong_thumbprint_stops_before_any_credentials_are_sent(vcsim: Any) -> None:
    """Proven at the server: vcsim counts every request carrying a user name (Basic auth, SOAP Login), and
    none with this test's user arrives. The same probe with the right thumbprint is counted, so the count
    can see it. Broken on purpose once (tls.py's pin check always matching): the server counted the probe's REST login
    and the first assertion failed."""
    import dataclasses

    from pulumi_vmservice_provider.clients.namespaces import list_vm_classes
    from pulumi_vmservice_provider.clients.vcenter import VCenterClient, VCenterError, VCenterUnreachable
    from pulumi_vmservice_provider.clients.vsphere_soap import VsphereSoap

    def probe(thumbprint: str) -> Any:
        return dataclasses.replace(settings(vcsim, vsphere_thumbprint=thumbprint), vsphere_user=user)

    def seen() -> int:
        return int(vcsim.sessions()["credentials"].get(user, 0))

    user = f"tls-probe-{secrets.token_hex(3)}"
    wrong = probe("AB:" * 31 + "AB")
    with pytest.raises(Exception) as info:
        list_vm_classes(VCenterClient(wrong))
    with pytest.raises(Exception) as soap_info:
        VsphereSoap(wrong).datastore("LocalDS_0")
    assert seen() == 0, "credentials reached vCenter over a connection whose certificate did not match"
    for failure in (info.value, soap_info.value):
        assert isinstance(failure, VCenterUnreachable) and "thumbprint mismatch" in str(failure), failure
    with pytest.raises(VCenterError):  # the right pin: the probe's (refused) login arrives and is counted
        list_vm_classes(VCenterClient(probe(vcsim.thumbprint)))
    assert seen() >= 1


# ---- VM classes --------------------------------------------------------------------------------
def test_vm_class_crud(rest: Any) -> None:
    from pulumi_vmservice_provider.clients.namespaces import (
        DirectPathDevice,
        VmClass,
        create_vm_class,
        delete_vm_class,
        get_vm_class,
        list_vm_classes,
        update_vm_class,
    )

    name = unique("class")
    devices = [DirectPathDevice(4318, 7864, "gpu-a")]
    create_vm_class(
        rest,
        VmClass(
            name,
            cpu_count=2,
            memory_mb=2048,
            cpu_reservation=50,
            memory_reservation=100,
            vgpu_profiles=["grid-a"],
            direct_path_devices=devices,
        ),
    )
    live = get_vm_class(rest, name)
    assert live is not None
    assert (live.cpu_count, live.memory_mb, live.cpu_reservation, live.vgpu_profiles) == (
        2,
        2048,
        50,
        ["grid-a"],
    )
    assert live.direct_path_devices == devices  # vCenter keeps them (govmomi's simulator alone drops them)
    update_vm_class(rest, VmClass(name, cpu_count=4, memory_mb=8192))
    live = get_vm_class(rest, name)
    assert live is not None and (live.cpu_count, live.memory_mb, live.cpu_reservation) == (4, 8192, None)
    assert name in [c.id for c in list_vm_classes(rest)]
    assert delete_vm_class(rest, name)
    assert get_vm_class(rest, name) is None
    assert not delete_vm_class(rest, name)


def test_vm_class_resource_create_refresh_drift_import_delete(provider: Any, rest: Any) -> None:
    from pulumi_vmservice_provider.clients.namespaces import VmClass, get_vm_class, update_vm_class

    name = unique("small")
    inputs = checked(provider, CLASS, {"name": name, "cpuCount": 2, "memoryMb": 2048, "cpuReservation": 0})
    resource_id, outputs = Ops(provider).create(CLASS, ctx(provider), inputs)
    assert resource_id == name and outputs["configStatus"] == "READY"

    # Refresh with nothing changed: the inputs come back as written (no false drift).
    _, _, refreshed = Ops(provider).read(CLASS, ctx(provider), name, outputs, inputs)
    assert refreshed == inputs

    # Resized outside Pulumi: refresh reports the live size.
    update_vm_class(rest, VmClass(name, cpu_count=8, memory_mb=2048))
    _, _, refreshed = Ops(provider).read(CLASS, ctx(provider), name, outputs, inputs)
    assert refreshed["cpuCount"] == 8

    # Update in place back to the program's sizes.
    Ops(provider).update(CLASS, ctx(provider), name, outputs, refreshed, {**inputs, "memoryMb": 4096})
    live = get_vm_class(rest, name)
    assert live is not None and (live.cpu_count, live.memory_mb) == (2, 4096)

    # Import: a read without inputs returns every input.
    _, _, imported = Ops(provider).read(CLASS, ctx(provider), name, {}, None)
    assert imported == {"name": name, "cpuCount": 2, "memoryMb": 4096}

    Ops(provider).delete(CLASS, ctx(provider), name, outputs, inputs)
    assert Ops(provider).read(CLASS, ctx(provider), name, outputs, inputs) is None


def test_creating_an_existing_class_points_to_import(provider: Any) -> None:
    from pulumi_vmservice_provider.errors import InvalidInputs

    name = unique("dup")
    inputs = checked(provider, CLASS, {"name": name, "cpuCount": 1, "memoryMb": 512})
    Ops(provider).create(CLASS, ctx(provider), inputs)
    with pytest.raises(InvalidInputs) as info:
        Ops(provider).create(CLASS, ctx(provider), inputs)
    assert f"pulumi import {CLASS}" in str(info.value)
    Ops(provider).delete(CLASS, ctx(provider), name, {}, inputs)


# ---- content libraries and items ---------------------------------------------------------------
def test_content_library_uses_the_legacy_api_on_vcsim(rest: Any) -> None:
    from pulumi_vmservice_provider.clients.content_library import Library, Subscription
    from pulumi_vmservice_provider.clients.vcenter import VCenterError

    content = ContentLibraryApi(rest)
    name = unique("lib")
    library_id = content.create_library(Library(name, _datastore_id(rest), "first"))
    assert content.dialect().legacy
    assert content.find_libraries(name) == [library_id]
    live = content.get_library(library_id)
    assert live is not None and (live.name, live.description, live.type) == (name, "first", "LOCAL")
    content.update_library(library_id, Library(name + "-renamed", live.datastore_id, "second"))
    live = content.get_library(library_id)
    assert live is not None and (live.name, live.description) == (name + "-renamed", "second")
    assert content.delete_library(library_id, subscribed=False)
    assert content.get_library(library_id) is None

    publisher_id = content.create_library(Library(unique("pub"), _datastore_id(rest), published=True))
    publisher = content.get_library(publisher_id)
    assert publisher is not None and publisher.published is True
    assert publisher.publish_url and publisher.publish_url.endswith(f"/cls/vcsp/lib/{publisher_id}/lib.json")
    subscribed = Library(
        unique("sub"),
        _datastore_id(rest),
        subscription=Subscription(publisher.publish_url, on_demand=True),
    )
    subscribed_id = content.create_library(subscribed)
    live = content.get_library(subscribed_id)
    assert live is not None and live.subscription is not None and live.subscription.on_demand is True
    assert live.subscription.url == publisher.publish_url and live.last_sync_time
    assert content.probe_subscription(subscribed.subscription).status == "SUCCESS"  # type: ignore[arg-type]
    assert content.delete_library(subscribed_id, subscribed=True)
    assert content.delete_library(publisher_id, subscribed=False)

    # A publisher vCenter cannot reach: the probe says why, and vCenter refuses the subscription.
    unreachable = Subscription("https://publisher.invalid/lib.json", on_demand=True)
    probed = content.probe_subscription(unreachable)
    assert probed.status == "HOST_NOT_FOUND" and "publisher.invalid" in probed.describe
    with pytest.raises(VCenterError) as refused:
        content.create_library(Library(unique("sub"), _datastore_id(rest), subscription=unreachable))
    assert refused.value.error_type == "RESOURCE_INACCESSIBLE"


def _datastore_id(rest: Any) -> str:
    from pulumi_vmservice_provider.clients.vsphere_soap import VsphereSoap

    soap = VsphereSoap(rest.settings)
    try:
        return soap.datastore("LocalDS_0").id
    finally:
        soap.close()


def test_server_errors_carry_the_servers_words(rest: Any) -> None:
    from pulumi_vmservice_provider.clients.content_library import Library
    from pulumi_vmservice_provider.clients.vcenter import VCenterError

    content = ContentLibraryApi(rest)
    library_id = content.create_library(Library(unique("errs"), _datastore_id(rest)))
    content.create_item(library_id, "same", "ovf", None)
    with pytest.raises(VCenterError) as info:
        content.create_item(library_id, "same", "ovf", None)
    assert info.value.status == 400 and info.value.error_type == "ALREADY_EXISTS"
    content.delete_library(library_id, subscribed=False)


@pytest.fixture
def library(provider: Any) -> Iterator[str]:
    inputs = checked(provider, LIBRARY, {"name": unique("images"), "datastore": "LocalDS_0"})
    library_id, outputs = Ops(provider).create(LIBRARY, ctx(provider), inputs)
    yield library_id
    Ops(provider).delete(LIBRARY, ctx(provider), library_id, outputs, inputs)


def test_library_resource_refresh_update_and_import(provider: Any, library: str) -> None:
    name = unique("lib")
    inputs = checked(provider, LIBRARY, {"name": name, "datastore": "LocalDS_0", "description": "d1"})
    library_id, outputs = Ops(provider).create(LIBRARY, ctx(provider), inputs)
    assert outputs["libraryId"] == library_id and outputs["type"] == "LOCAL"
    assert outputs["datastoreId"].startswith("datastore-")

    _, _, refreshed = Ops(provider).read(LIBRARY, ctx(provider), library_id, outputs, inputs)
    assert refreshed == inputs  # the datastore keeps the name the user gave

    news = {**inputs, "name": name + "-2", "description": "d2"}
    Ops(provider).update(LIBRARY, ctx(provider), library_id, outputs, inputs, news)
    _, _, refreshed = Ops(provider).read(LIBRARY, ctx(provider), library_id, outputs, news)
    assert refreshed == news

    _, _, imported = Ops(provider).read(LIBRARY, ctx(provider), library_id, {}, None)
    assert imported == {"name": name + "-2", "description": "d2", "datastore": outputs["datastoreId"]}
    Ops(provider).delete(LIBRARY, ctx(provider), library_id, outputs, news)
    assert Ops(provider).read(LIBRARY, ctx(provider), library_id, outputs, news) is None


def test_unknown_datastore_is_a_clear_error(provider: Any) -> None:
    from pulumi_vmservice_provider.errors import InvalidInputs

    inputs = checked(provider, LIBRARY, {"name": unique("lib"), "datastore": "no-such-ds"})
    with pytest.raises(InvalidInputs) as info:
        Ops(provider).create(LIBRARY, ctx(provider), inputs)
    assert str(info.value).startswith("datastore: no datastore named 'no-such-ds'")
    assert "LocalDS_0" in str(info.value)


def test_item_upload_from_an_ova_file(provider: Any, library: str, tmp_path: Path) -> None:
    ova = tiny_ova(tmp_path / "tiny.ova")
    inputs = checked(provider, ITEM, {"library": library, "name": "tiny", "filePath": str(ova)})
    item_id, outputs = Ops(provider).create(ITEM, ctx(provider), inputs)
    assert outputs["type"] == "ovf" and outputs["contentVersion"]
    assert sorted(_item_files(provider, item_id)) == ["tiny-disk1.vmdk", "tiny.ovf"]

    _, _, refreshed = Ops(provider).read(ITEM, ctx(provider), item_id, outputs, inputs)
    assert refreshed == inputs  # the source is not reported by vCenter and stays as written
    news = {**inputs, "name": "tiny-renamed", "description": "an image"}
    Ops(provider).update(ITEM, ctx(provider), item_id, outputs, inputs, news)
    _, _, imported = Ops(provider).read(ITEM, ctx(provider), item_id, {}, None)
    assert imported == {"library": library, "name": "tiny-renamed", "description": "an image"}
    Ops(provider).delete(ITEM, ctx(provider), item_id, outputs, news)
    assert Ops(provider).read(ITEM, ctx(provider), item_id, outputs, news) is None


def _item_files(provider: Any, item_id: str) -> list[str]:

    data = provider.state.vcenter.request(
        "GET",
        "/rest/com/vmware/content/library/item/file",
        params={"library_item_id": item_id},
        doing="listing files",
    )
    return [f["name"] for f in data["value"]]


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[assignment]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_item_pulled_from_a_url_and_a_failed_pull_leaves_nothing(
    provider: Any, library: str, tmp_path: Path, web_server: str
) -> None:
    from pulumi_vmservice_provider.clients.content_library import UploadFailed

    tiny_ova(tmp_path / "pulled.ova", name="pulled")
    inputs = checked(
        provider, ITEM, {"library": library, "name": "pulled", "url": f"{web_server}/pulled.ova"}
    )
    item_id, _outputs = Ops(provider).create(ITEM, ctx(provider), inputs)
    assert sorted(_item_files(provider, item_id)) == ["pulled-disk1.vmdk", "pulled.ovf"]

    broken = checked(
        provider, ITEM, {"library": library, "name": "broken", "url": f"{web_server}/missing.ova"}
    )
    with pytest.raises(UploadFailed) as info:
        Ops(provider).create(ITEM, ctx(provider), broken)
    assert "ERROR" in str(info.value)
    assert _library_items(provider, library) == [item_id]


def _library_items(provider: Any, library: str) -> list[str]:

    data = provider.state.vcenter.request(
        "GET", "/rest/com/vmware/content/library/item", params={"library_id": library}, doing="listing items"
    )
    return list(data["value"] or [])


# ---- namespaces, Supervisors and lookups -------------------------------------------------------
def test_storage_policy_and_inventory_lookups(provider: Any, vcsim: Any, supervisor: Cluster) -> None:
    from pulumi_vmservice_provider.errors import InvalidInputs

    policy = provider.invoke("vmservice:vcenter:getStoragePolicy", {"name": VSAN_DEFAULT})
    assert policy["id"] == VSAN_DEFAULT_ID
    assert (
        provider.invoke("vmservice:vcenter:getStoragePolicy", {"name": VSAN_DEFAULT_ID})["name"]
        == VSAN_DEFAULT
    )
    datastore = provider.invoke("vmservice:vcenter:getDatastore", {"name": "LocalDS_0"})
    assert datastore["id"].startswith("datastore-") and datastore["capacityBytes"] > 0
    found = provider.invoke("vmservice:vcenter:getSupervisor", {"name": supervisor.name})
    assert found == {
        "id": supervisor.id,
        "name": supervisor.name,
        "configStatus": "RUNNING",
        "kubernetesStatus": "READY",
    }
    assert (
        provider.invoke("vmservice:vcenter:getSupervisor", {"name": supervisor.id})["name"] == supervisor.name
    )
    with not_a_supervisor(vcsim, supervisor) as plain, pytest.raises(InvalidInputs) as info:
        provider.invoke("vmservice:vcenter:getSupervisor", {"name": plain})
    assert "Workload Management is not enabled" in str(info.value)
    with pytest.raises(InvalidInputs) as info:
        provider.invoke("vmservice:vcenter:getStoragePolicy", {"name": "gold"})
    assert VSAN_DEFAULT in str(info.value)


def test_namespace_create_assign_refresh_import_delete(
    provider: Any, library: str, supervisor: Cluster
) -> None:
    from pulumi_vmservice_provider.clients.namespaces import get_namespace

    small, large = unique("small"), unique("large")
    for name in (small, large):
        Ops(provider).create(
            CLASS, ctx(provider), checked(provider, CLASS, {"name": name, "cpuCount": 2, "memoryMb": 2048})
        )
    name = unique("dev")
    inputs = checked(
        provider,
        NAMESPACE,
        {
            "name": name,
            "supervisor": supervisor.name,
            "vmClasses": [small],
            "contentLibraries": [library],
            "storagePolicies": [{"policy": VSAN_DEFAULT, "limitMib": 10240}],
            "accessList": [
                {"subject": "devs", "domain": "vsphere.local", "role": "EDIT", "subjectType": "GROUP"}
            ],
        },
    )
    resource_id, outputs = Ops(provider).create(NAMESPACE, ctx(provider), inputs)
    assert resource_id == name
    assert outputs["supervisorId"] == supervisor.id and outputs["configStatus"] == "RUNNING"
    assert outputs["storagePolicyIds"] == [VSAN_DEFAULT_ID]
    live = get_namespace(provider.state.vcenter, name)
    assert live is not None and live.cluster == supervisor.id and live.vm_classes == [small]

    _, _, refreshed = Ops(provider).read(NAMESPACE, ctx(provider), name, outputs, inputs)
    assert refreshed == inputs

    news = {**inputs, "vmClasses": [small, large]}
    outputs = Ops(provider).update(NAMESPACE, ctx(provider), name, outputs, inputs, news)
    live = get_namespace(provider.state.vcenter, name)
    assert live is not None and sorted(live.vm_classes) == sorted([small, large])
    _, _, refreshed = Ops(provider).read(NAMESPACE, ctx(provider), name, outputs, news)
    assert refreshed == news

    _, _, imported = Ops(provider).read(NAMESPACE, ctx(provider), name, {}, None)
    assert imported == {
        "name": name,
        "supervisor": supervisor.id,
        "vmClasses": [small, large],
        "contentLibraries": [library],
        "storagePolicies": [{"policy": VSAN_DEFAULT_ID, "limitMib": 10240}],  # vCenter reports policy ids
        "accessList": inputs["accessList"],
    }

    Ops(provider).delete(NAMESPACE, ctx(provider), name, outputs, news)
    assert get_namespace(provider.state.vcenter, name) is None
    for cls in (small, large):
        Ops(provider).delete(CLASS, ctx(provider), cls, {}, {})


def test_namespace_errors_name_the_property(provider: Any, vcsim: Any, supervisor: Cluster) -> None:
    from pulumi_vmservice_provider.errors import InvalidInputs

    def create_failure(news: dict[str, Any]) -> tuple[str, str]:
        with pytest.raises(InvalidInputs) as info:
            Ops(provider).create(
                NAMESPACE, ctx(provider), checked(provider, NAMESPACE, {"name": unique("ns"), **news})
            )
        return info.value.failures[0]

    path, reason = create_failure({"supervisor": "no-such-cluster"})
    assert path == "supervisor" and "no cluster named 'no-such-cluster'" in reason
    with not_a_supervisor(vcsim, supervisor) as plain:
        path, reason = create_failure({"supervisor": plain})
    assert path == "supervisor" and "not a Supervisor" in reason
    path, _ = create_failure({"supervisor": supervisor.name, "storagePolicies": [{"policy": "gold"}]})
    assert path == "storagePolicies[0].policy"


def test_session_expiry_in_the_middle_of_an_operation_is_survived(provider: Any, vcsim: Any) -> None:
    """vCenter ends the session between two requests of one create (after the name check, before the
    create call): the client logs in again exactly once and the operation completes, creating the library
    once. Broken on purpose once (request() not retrying a 401 after a new login): the create failed with
    401."""
    import httpx

    class ExpireOnce(httpx.HTTPTransport):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.expired_token: str | None = None

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            token = request.headers.get("vmware-api-session-id")
            creating = request.method == "POST" and "content/local-library" in request.url.path
            if creating and token and self.expired_token is None:
                self.expired_token = token
                vcsim.expire_sessions()
            return super().handle_request(request)

    from pulumi_vmservice_provider.clients.tls import ssl_context

    state = provider.state
    transport = ExpireOnce(
        verify=ssl_context(ca_cert=state.settings.vsphere_ca_cert, thumbprint=None, insecure=False)
    )
    state.vcenter.transport = transport
    name = unique("expiring")
    inputs = checked(provider, LIBRARY, {"name": name, "datastore": "LocalDS_0"})
    before = vcsim.sessions()["logins"]
    library_id, outputs = Ops(provider).create(LIBRARY, ctx(provider), inputs)
    try:
        assert transport.expired_token is not None, "the session was never expired mid-operation"
        assert state.vcenter.token() != transport.expired_token
        assert not state.vcenter.legacy_login
        # The first login of this fresh provider, and exactly one more after the expiry.
        assert vcsim.sessions()["logins"] - before == 2
        found = state.content_library.find_libraries(name)
        assert found == [library_id]
    finally:
        Ops(provider).delete(LIBRARY, ctx(provider), library_id, outputs, inputs)
