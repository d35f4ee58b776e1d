"""vCenter admin resources without a vCenter: check, diff, schema, request bodies, tolerant decoding, and the
REST client's session and retry rules against an in-memory HTTP transport."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from pulumi_vmservice_provider.clients.content_library import _Dialect
from pulumi_vmservice_provider.clients.namespaces import (
    NamespaceInfo,
    NamespaceSpec,
    ResourceLimits,
    StorageSpec,
    VmClass,
)
from pulumi_vmservice_provider.clients.tls import Pin, pinned_context, ssl_context
from pulumi_vmservice_provider.clients.vcenter import (
    Endpoint,
    VCenterClient,
    VCenterError,
    VCenterNotFound,
    error_from,
)
from pulumi_vmservice_provider.core import Provider
from pulumi_vmservice_provider.errors import InvalidInputs, ProviderError
from pulumi_vmservice_provider.kinds.vcenter_contentlibraryitem.item_files import plan_upload
from pulumi_vmservice_provider.kinds.vcenter_namespace.handler import live_inputs
from pulumi_vmservice_provider.kinds.vcenter_virtualmachineclass.handler import to_vm_class
from pulumi_vmservice_provider.model.registry import FUNCTIONS, RESOURCES
from pulumi_vmservice_provider.resources.vcenter_common import refresh_inputs
from pulumi_vmservice_provider.schema import generate
from pulumi_vmservice_provider.settings import Settings
from pulumi_vmservice_provider.wire import Secret

CLASS = "vmservice:vcenter:VirtualMachineClass"
LIBRARY = "vmservice:vcenter:ContentLibrary"
ITEM = "vmservice:vcenter:ContentLibraryItem"
NAMESPACE = "vmservice:vcenter:Namespace"


def check(token: str, news: dict[str, Any], olds: dict[str, Any] | None = None) -> dict[str, str]:
    provider = Provider(lambda *a: None)
    _, failures = provider.check(token, "res", olds or {}, news, b"seed")
    return {f.path: f.reason for f in failures}


def changes(token: str, old: dict[str, Any], new: dict[str, Any]) -> dict[str, str | None]:
    provider = Provider(lambda *a: None)
    return {c.path: c.replace_reason for c in provider.diff(token, old, new).changes}


# ---- check -------------------------------------------------------------------------------------
def test_negative_cpu_count_names_the_property_and_the_range() -> None:
    failures = check(CLASS, {"name": "small", "cpuCount": -2, "memoryMb": 2048})
    assert failures == {"cpuCount": "must be between 1 and 768, got -2"}


def test_reservations_are_percentages() -> None:
    failures = check(CLASS, {"name": "small", "cpuCount": 2, "memoryMb": 2048, "cpuReservation": 150})
    assert failures == {"cpuReservation": "must be between 0 and 100, got 150"}


def test_class_name_must_be_a_dns_label() -> None:
    failures = check(CLASS, {"name": "Small_Class", "cpuCount": 2, "memoryMb": 2048})
    assert "RFC 1123" in failures["name"]
    assert "name" in check(CLASS, {"name": "a" * 64, "cpuCount": 2, "memoryMb": 2048})


def test_devices_need_full_memory_reservation() -> None:
    base = {"name": "gpu", "cpuCount": 4, "memoryMb": 8192, "vgpuDevices": ["grid_t4-4q"]}
    assert "memoryReservation" in check(CLASS, base)
    assert check(CLASS, {**base, "memoryReservation": 100}) == {}


def test_config_spec_must_agree_with_sizes() -> None:
    news = {"name": "c", "cpuCount": 2, "memoryMb": 2048, "configSpec": {"numCPUs": 4, "memoryMB": 2048}}
    assert check(CLASS, news) == {"configSpec.numCPUs": "is 4 but cpuCount is 2; vCenter rejects a mismatch"}


def test_subscription_settings_need_a_subscription_url() -> None:
    failures = check(LIBRARY, {"name": "l", "datastore": "ds", "onDemand": True})
    assert failures == {"onDemand": "only applies to subscribed libraries; set subscriptionUrl or remove it"}
    assert check(LIBRARY, {"name": "l", "datastore": "ds", "subscriptionUrl": "ftp://x/lib.json"}) == {
        "subscriptionUrl": "'ftp://x/lib.json' is not an http:// or https:// URL"
    }


def test_item_source_rules() -> None:
    assert "filePath" in check(ITEM, {"library": "l", "name": "i"})
    # An imported item (Check with old inputs) has no source, and that is fine.
    assert check(ITEM, {"library": "l", "name": "i"}, olds={"library": "l", "name": "i"}) == {}
    assert "url" in check(ITEM, {"library": "l", "name": "i", "filePath": "a.ova", "url": "https://x/a.ova"})
    assert "filePath" in check(ITEM, {"library": "l", "name": "i", "filePath": "disk.vmdk"})
    assert check(ITEM, {"library": "l", "name": "i", "url": "https://x/photon.ova?sig=1"}) == {}


def test_namespace_access_roles_and_defaults() -> None:
    news = {
        "name": "dev",
        "supervisor": "c",
        "accessList": [{"subject": "a", "domain": "d", "role": "ADMIN"}],
    }
    failures = check(NAMESPACE, news)
    assert failures == {"accessList[0].role": "'ADMIN' is not allowed; allowed values: OWNER, EDIT, VIEW"}
    provider = Provider(lambda *a: None)
    checked, _ = provider.check(
        NAMESPACE, "ns", {}, {**news, "accessList": [{**news["accessList"][0], "role": "VIEW"}]}, b""
    )
    assert checked["accessList"][0]["subjectType"] == "USER"


def test_library_password_is_secret_after_check() -> None:
    provider = Provider(lambda *a: None)
    news = {
        "name": "l",
        "datastore": "ds",
        "subscriptionUrl": "https://pub/lib.json",
        "authentication": {"username": "vcsp", "password": "hunter2-pw"},
    }
    checked, failures = provider.check(LIBRARY, "lib", {}, news, b"")
    assert not failures
    assert isinstance(checked["authentication"]["password"], Secret)


# ---- diff --------------------------------------------------------------------------------------
def test_sizes_update_in_place_and_name_replaces() -> None:
    old = {"name": "small", "cpuCount": 2, "memoryMb": 2048}
    assert changes(CLASS, old, {**old, "cpuCount": 4, "memoryMb": 4096}) == {
        "cpuCount": None,
        "memoryMb": None,
    }
    assert changes(CLASS, old, {**old, "name": "big"}) == {"name": "the id of a VM class cannot change"}


def test_removing_a_config_spec_replaces_the_class() -> None:
    old = {"name": "c", "cpuCount": 2, "memoryMb": 2048, "configSpec": {"numCPUs": 2}}
    reason = changes(CLASS, old, {"name": "c", "cpuCount": 2, "memoryMb": 2048})["configSpec"]
    assert reason and "cannot be removed in place" in reason


def test_library_type_and_datastore_changes_replace() -> None:
    old = {"name": "l", "datastore": "ds1"}
    assert changes(LIBRARY, old, {**old, "description": "d"}) == {"description": None}
    assert changes(LIBRARY, old, {**old, "datastore": "ds2"})["datastore"]
    subscribed = {**old, "subscriptionUrl": "https://a/lib.json"}
    assert (
        changes(LIBRARY, old, subscribed)["subscriptionUrl"]
        == "a library cannot change between local and subscribed"
    )
    assert changes(LIBRARY, subscribed, {**subscribed, "subscriptionUrl": "https://b/lib.json"}) == {
        "subscriptionUrl": None
    }


def test_item_source_change_replaces_but_naming_a_source_after_import_does_not() -> None:
    old = {"library": "l", "name": "i", "filePath": "a.ova"}
    assert changes(ITEM, old, {**old, "filePath": "b.ova"})["filePath"]
    assert changes(ITEM, old, {**old, "name": "j"}) == {"name": None}
    assert changes(ITEM, {"library": "l", "name": "i"}, old) == {"filePath": None}


def test_namespace_assignments_update_in_place() -> None:
    old = {"name": "dev", "supervisor": "c", "vmClasses": ["a"]}
    assert changes(NAMESPACE, old, {**old, "vmClasses": ["a", "b"]}) == {"vmClasses[1]": None}
    assert changes(NAMESPACE, old, {**old, "supervisor": "d"})["supervisor"]
    assert changes(NAMESPACE, old, {**old, "name": "prod"})["name"]


# ---- schema ------------------------------------------------------------------------------------
def test_schema_has_the_vcenter_module() -> None:
    schema = generate()
    for token in (CLASS, LIBRARY, ITEM, NAMESPACE):
        assert token in schema["resources"]
    for token in ("getSupervisor", "getStoragePolicy", "getDatastore"):
        assert f"vmservice:vcenter:{token}" in schema["functions"]
    auth = schema["types"]["vmservice:vcenter:ContentLibraryAuthentication"]
    assert auth["properties"]["password"]["secret"] is True
    assert schema["resources"][CLASS]["inputProperties"]["name"]["replaceOnChanges"] is True
    assert "cpuCount" not in [
        k for k, v in schema["resources"][CLASS]["inputProperties"].items() if v.get("replaceOnChanges")
    ]
    assert set(RESOURCES) >= {CLASS, LIBRARY, ITEM, NAMESPACE}
    assert {"vmservice:vcenter:getDatastore"} <= set(FUNCTIONS)


# ---- request bodies and decoding ---------------------------------------------------------------
def test_vm_class_bodies_use_the_api_names_and_clear_unset_fields() -> None:
    vm_class = to_vm_class(
        {
            "name": "gpu",
            "cpuCount": 4,
            "memoryMb": 8192,
            "memoryReservation": 100,
            "dynamicDirectPathIoDevices": [{"vendorId": 4318, "deviceId": 7864}],
            "configSpec": {"numCPUs": 4},
        }
    )
    body = vm_class.create_body()
    assert body["id"] == "gpu" and body["memory_MB"] == 8192 and body["cpu_reservation"] == 0
    assert body["devices"]["dynamic_direct_path_IO_devices"] == [{"vendor_id": 4318, "device_id": 7864}]
    assert body["config_spec"] == {"_typeName": "VirtualMachineConfigSpec", "numCPUs": 4}
    assert "id" not in vm_class.update_body()


@pytest.mark.parametrize("memory_key", ["memory_MB", "memory_mb", "Memory_Mb"])
def test_vm_class_decoding_tolerates_memory_spellings(memory_key: str) -> None:
    decoded = VmClass.from_api(
        {
            "id": "c",
            "cpu_count": 2,
            memory_key: 2048,
            "devices": {"direct_path_io_devices": [{"vendor_id": 1, "device_id": 2}]},
        }
    )
    assert decoded.memory_mb == 2048
    assert decoded.direct_path_devices[0].vendor_id == 1


def test_namespace_bodies_leave_unmanaged_fields_out() -> None:
    spec = NamespaceSpec(name="dev", cluster="domain-c8", vm_classes=["small"])
    assert spec.create_body() == {
        "cluster": "domain-c8",
        "namespace": "dev",
        "vm_service_spec": {"vm_classes": ["small"]},
    }
    full = NamespaceSpec(
        name="dev",
        cluster="c",
        content_libraries=["lib"],
        writable_content_libraries=True,
        storage_specs=[StorageSpec("p1", 1024)],
        limits=ResourceLimits(cpu_limit_mhz=1000),
    )
    body = full.create_body()
    assert body["content_libraries"] == [{"content_library": "lib", "writable": True}]
    assert body["storage_specs"] == [{"policy": "p1", "limit": 1024}]
    assert body["resource_spec"] == {"cpu_limit": 1000}
    update = NamespaceSpec(name="dev", cluster="c").update_body(had_limits=True)
    assert update["resource_spec"] == {
        "cpu_limit_unset": True,
        "memory_limit_unset": True,
        "storage_request_limit_unset": True,
    }


def test_namespace_read_keeps_unreported_fields_and_user_spelling() -> None:
    # vcsim's answer: no storage_specs/access_list at all, `message` instead of `messages`.
    live = NamespaceInfo.from_api(
        "dev",
        {
            "cluster": "domain-c8",
            "config_status": "RUNNING",
            "message": None,
            "vm_service_spec": {"vm_classes": ["b", "a"]},
        },
    )
    mine = {
        "name": "dev",
        "supervisor": "WCP-cluster",
        "vmClasses": ["a", "b"],
        "storagePolicies": [{"policy": "gold"}],
    }
    current, unreported = live_inputs(live, {"supervisorId": "domain-c8"}, mine)
    assert unreported == {"storagePolicies", "accessList", "resourceLimits", "writableContentLibraries"}
    assert refresh_inputs(mine, current, unreported=frozenset(unreported)) == mine


def test_refresh_reports_real_drift() -> None:
    mine = {"name": "c", "cpuCount": 2, "memoryMb": 2048, "cpuReservation": 0}
    live = {"name": "c", "cpuCount": 4, "memoryMb": 2048, "cpuReservation": None, "description": "added"}
    assert refresh_inputs(mine, live) == {**mine, "cpuCount": 4, "description": "added"}
    assert refresh_inputs(None, live) == {
        "name": "c",
        "cpuCount": 4,
        "memoryMb": 2048,
        "description": "added",
    }


def test_content_dialects() -> None:
    legacy, modern = _Dialect(legacy=True), _Dialect(legacy=False)
    assert legacy.path("library", "abc") == "/rest/com/vmware/content/library/id:abc"
    assert modern.path("library/item", "abc") == "/api/content/library/item/abc"
    assert legacy.action("add") == {"~action": "add"} and modern.action("add") == {"action": "add"}
    assert legacy.body("create_spec", {"a": 1}) == {"create_spec": {"a": 1}}
    assert modern.result("id") == "id" and legacy.result({"value": "id"}) == "id"


def test_error_decoding_for_both_api_shapes() -> None:
    request = httpx.Request("GET", "https://vc/api/x")
    modern = httpx.Response(
        400,
        json={"error_type": "INVALID_ARGUMENT", "messages": [{"default_message": "bad cpu"}]},
        request=request,
    )
    error = error_from(modern, "creating x")
    assert (error.error_type, error.messages) == ("INVALID_ARGUMENT", ["bad cpu"])
    assert str(error) == "creating x: vCenter answered 400 INVALID_ARGUMENT: bad cpu"
    legacy = httpx.Response(
        400,
        json={
            "type": "com.vmware.vapi.std.errors.already_exists",
            "value": {"messages": [{"default_message": "dup"}]},
        },
        request=request,
    )
    assert error_from(legacy, "x").error_type == "ALREADY_EXISTS"
    assert isinstance(
        error_from(httpx.Response(404, text="404 page not found", request=request), "x"), VCenterNotFound
    )


def test_endpoint_parsing() -> None:
    assert Endpoint.parse("vc.example.com").base_url == "https://vc.example.com"
    assert Endpoint.parse("https://127.0.0.1:8989/sdk").base_url == "https://127.0.0.1:8989"
    with pytest.raises(InvalidInputs):
        Endpoint.parse("ftp://vc")


# ---- TLS ---------------------------------------------------------------------------------------
def test_thumbprints_are_validated_and_compared() -> None:
    der = b"certificate bytes"
    import hashlib

    sha1 = hashlib.sha1(der).hexdigest()
    assert Pin.parse(":".join(sha1[i : i + 2] for i in range(0, 40, 2)).upper()).matches(der)
    assert Pin.parse(hashlib.sha256(der).hexdigest()).matches(der)
    assert not Pin.parse("00" * 20).matches(der)
    with pytest.raises(InvalidInputs) as info:
        Pin.parse("not-a-thumbprint")
    assert info.value.failures[0][0] == "vsphereThumbprint"


def test_tls_is_verified_unless_insecure_is_asked_for(tmp_path: Path) -> None:
    import ssl

    assert ssl_context(ca_cert=None, thumbprint=None, insecure=False).verify_mode == ssl.CERT_REQUIRED
    assert ssl_context(ca_cert=None, thumbprint=None, insecure=True).verify_mode == ssl.CERT_NONE
    assert pinned_context("00" * 32).pin.algorithm == "sha256"
    with pytest.raises(InvalidInputs) as info:
        ssl_context(ca_cert=str(tmp_path / "missing.pem"), thumbprint=None, insecure=False)
    assert info.value.failures[0][0] == "vsphereCaCert"


# ---- REST client rules, against an in-memory transport -----------------------------------------
class FakeVCenter:
    """Just enough of vCenter: the legacy login only, one VM class, scripted failures."""

    def __init__(self, failures: list[int] | None = None):
        self.failures = list(failures or [])
        self.sessions: list[str] = []
        self.logins = 0
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(f"{request.method} {request.url.path}")
        if request.url.path == "/api/session":
            return httpx.Response(404, text="404 page not found")
        if request.url.path == "/rest/com/vmware/cis/session":
            if request.headers.get("authorization") != httpx.BasicAuth("admin", "s3cret-pw")._auth_header:
                return httpx.Response(401, json={"type": "com.vmware.vapi.std.errors.unauthenticated"})
            token = f"token-{self.logins}"
            self.logins += 1
            self.sessions.append(token)
            return httpx.Response(200, json={"value": token})
        if request.headers.get("vmware-api-session-id") not in self.sessions:
            return httpx.Response(401)
        if self.failures:
            return httpx.Response(self.failures.pop(0), headers={"Retry-After": "0"})
        return httpx.Response(200, json={"id": "small", "cpu_count": 2, "memory_mb": 2048})


class Instant:
    def remaining(self) -> float:
        return 60.0

    def check(self, doing: str) -> None:
        return None

    def sleep(self, seconds: float, doing: str) -> None:
        return None

    def debug(self, message: str) -> None:
        return None


def client(fake: FakeVCenter, password: str = "s3cret-pw") -> VCenterClient:
    settings = Settings(vsphere_server="vc.test", vsphere_user="admin", vsphere_password=password)
    return VCenterClient(settings, transport=httpx.MockTransport(fake))


def test_login_falls_back_to_the_legacy_path_and_the_session_is_reused() -> None:
    fake = FakeVCenter()
    vc = client(fake)
    for _ in range(3):
        assert vc.request("GET", "/api/x", doing="reading", ctx=Instant())["memory_mb"] == 2048
    assert vc.legacy_login
    assert fake.sessions == ["token-0"]
    assert fake.calls.count("POST /api/session") == 1


def test_expired_session_logs_in_again_once() -> None:
    fake = FakeVCenter()
    vc = client(fake)
    vc.request("GET", "/api/x", doing="reading", ctx=Instant())
    fake.sessions.remove("token-0")  # the server forgets the session
    vc.request("GET", "/api/x", doing="reading", ctx=Instant())
    assert fake.sessions == ["token-1"]


def test_busy_answers_are_retried() -> None:
    fake = FakeVCenter(failures=[503, 429, 502])
    assert client(fake).request("GET", "/api/x", doing="reading", ctx=Instant())["id"] == "small"
    fake = FakeVCenter(failures=[500])
    with pytest.raises(VCenterError) as info:
        client(fake).request("POST", "/api/x", json={}, doing="creating", ctx=Instant())
    assert info.value.status == 500  # a POST that failed with 500 may have happened: not retried


def test_wrong_credentials_fail_clearly_without_the_password() -> None:
    with pytest.raises(VCenterError) as info:
        client(FakeVCenter(), password="wrong-password").request(
            "GET", "/api/x", doing="reading", ctx=Instant()
        )
    message = str(info.value)
    assert "401" in message and "'admin'" in message and "wrong-password" not in message


def test_missing_connection_settings_name_the_config_keys() -> None:
    with pytest.raises(ProviderError) as info:
        VCenterClient(Settings(vsphere_server="vc"))
    assert "vmservice:vsphereUser (VSPHERE_USER)" in str(info.value)
    assert "vmservice:vspherePassword (VSPHERE_PASSWORD)" in str(info.value)


# ---- upload planning ---------------------------------------------------------------------------
OVF = b"""<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:href="disk-0.vmdk" ovf:id="file1"/></References>
</Envelope>"""


def test_ova_is_uploaded_as_descriptor_plus_referenced_files(tmp_path: Path) -> None:
    ova = tmp_path / "photon.ova"
    with tarfile.open(ova, "w") as tar:
        for name, data in (("photon.ovf", OVF), ("photon.mf", b"SHA256(x)= 0"), ("disk-0.vmdk", b"disk")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    item_type, files = plan_upload(str(ova))
    assert item_type == "ovf"
    assert [(f.name, f.size) for f in files] == [("photon.ovf", len(OVF)), ("disk-0.vmdk", 4)]
    assert b"".join(files[1].open_chunks()) == b"disk"


def test_ovf_needs_its_disks_beside_it(tmp_path: Path) -> None:
    (tmp_path / "a.ovf").write_bytes(OVF)
    with pytest.raises(InvalidInputs) as info:
        plan_upload(str(tmp_path / "a.ovf"))
    assert info.value.failures[0][0] == "filePath" and "disk-0.vmdk" in info.value.failures[0][1]
    (tmp_path / "disk-0.vmdk").write_bytes(b"x")
    assert [f.name for f in plan_upload(str(tmp_path / "a.ovf"))[1]] == ["a.ovf", "disk-0.vmdk"]
    with pytest.raises(InvalidInputs):
        plan_upload(str(tmp_path / "missing.ova"))


def test_no_heavy_imports_at_plugin_start() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pulumi_vmservice_provider.server.servicer, pulumi_vmservice_provider.model.registry, pulumi_vmservice_provider.schema;"
        "print(json.dumps(sorted(m for m in ('httpx', 'pyVmomi', 'pyVim', 'kubernetes') if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json;" + code], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
