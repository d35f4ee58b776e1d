"""vCenter's SOAP API through pyVmomi (imported lazily), for what REST does not offer everywhere: datastores and
clusters by name, and SPBM storage policies (vcsim and older vCenters have no `/api/vcenter/storage/policies`).

One connection per provider process, serialized by a lock; an expired session logs in again once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pulumi_vmservice_provider.clients.tls import is_certificate_error, ssl_context
from pulumi_vmservice_provider.clients.vcenter import Endpoint, VCenterUnreachable, require_connection
from pulumi_vmservice_provider.errors import ProviderError, ServerRejected
from pulumi_vmservice_provider.settings import Settings

T = TypeVar("T")
PBM_VERSION = "pbm.version.version11"


class NotFoundInInventory(ProviderError):
    pass


@dataclass(frozen=True)
class InventoryObject:
    id: str  # managed object id, e.g. datastore-46 or domain-c15
    name: str


@dataclass(frozen=True)
class DatastoreInfo:
    id: str
    name: str
    type: str | None
    capacity_bytes: int | None
    free_space_bytes: int | None
    url: str | None


@dataclass(frozen=True)
class StoragePolicy:
    id: str
    name: str
    description: str | None


@dataclass
class VsphereSoap:
    settings: Settings
    endpoint: Endpoint = field(init=False)
    _user: str = field(init=False, repr=False)
    _password: str = field(init=False, repr=False)
    _si: Any = field(default=None, init=False, repr=False)
    _pbm: Any = field(default=None, init=False, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.endpoint, self._user, self._password = require_connection(self.settings)

    # ---- connection ----------------------------------------------------------------------------
    def _connect(self) -> Any:
        from pyVim.connect import SmartConnect
        from pyVmomi import vim

        context = ssl_context(
            ca_cert=self.settings.vsphere_ca_cert,
            thumbprint=self.settings.vsphere_thumbprint,
            insecure=self.settings.vsphere_insecure,
        )
        try:
            return SmartConnect(
                protocol=self.endpoint.scheme,
                host=self.endpoint.host,
                port=self.endpoint.port,
                user=self._user,
                pwd=self._password,
                sslContext=context,
                httpConnectionTimeout=60,
            )
        except vim.fault.InvalidLogin:
            raise ServerRejected(
                f"vCenter {self.endpoint.base_url} rejected the login of {self._user!r}"
            ) from None
        except (OSError, vim.fault.HostConnectFault) as error:
            if is_certificate_error(error):
                raise VCenterUnreachable(
                    f"TLS verification of vCenter {self.endpoint.base_url} failed: {error}. Trust it with "
                    "vmservice:vsphereCaCert or vmservice:vsphereThumbprint"
                ) from None
            raise VCenterUnreachable(
                f"cannot reach vCenter SOAP at {self.endpoint.base_url}: {error}"
            ) from None

    def _call(self, doing: str, fn: Callable[[Any], T]) -> T:
        from pyVmomi import vim

        with self._lock:
            for second_try in (False, True):
                if self._si is None:
                    self._si = self._connect()
                    self._pbm = None
                try:
                    return fn(self._si)
                except vim.fault.NotAuthenticated:
                    self._si = None
                    if second_try:
                        raise ServerRejected(f"{doing}: vCenter ended the session") from None
                except vim.fault.VimFault as fault:
                    raise ServerRejected(
                        f"{doing}: {getattr(fault, 'msg', '') or type(fault).__name__}"
                    ) from None
                except OSError as error:
                    self._si = None
                    if second_try:
                        raise VCenterUnreachable(f"{doing}: {error}") from None
            raise AssertionError("unreachable")

    def close(self) -> None:
        from pyVim.connect import Disconnect

        with self._lock:
            if self._si is not None:
                with contextlib.suppress(Exception):  # best effort: the session expires on its own
                    Disconnect(self._si)
            self._si = None
            self._pbm = None

    # ---- inventory -----------------------------------------------------------------------------
    def _names(self, si: Any, vim_type: Any) -> dict[str, str]:
        """Managed object id -> name of every object of a type, in one property-collector pass."""
        from pyVmomi import vim, vmodl

        content = si.RetrieveContent()
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim_type], True)
        try:
            collector = vmodl.query.PropertyCollector
            spec = collector.FilterSpec(
                objectSet=[
                    collector.ObjectSpec(
                        obj=view,
                        skip=True,
                        selectSet=[
                            collector.TraversalSpec(
                                name="view", path="view", skip=False, type=vim.view.ContainerView
                            )
                        ],
                    )
                ],
                propSet=[collector.PropertySpec(type=vim_type, pathSet=["name"], all=False)],
            )
            names: dict[str, str] = {}
            result = content.propertyCollector.RetrievePropertiesEx([spec], collector.RetrieveOptions())
            while result is not None:
                for item in result.objects:
                    names[item.obj._moId] = str(item.propSet[0].val)
                if not result.token:
                    break
                result = content.propertyCollector.ContinueRetrievePropertiesEx(result.token)
            return names
        finally:
            view.Destroy()

    def _find(self, si: Any, vim_type: Any, what: str, name_or_id: str) -> InventoryObject:
        names = self._names(si, vim_type)
        if name_or_id in names:
            return InventoryObject(name_or_id, names[name_or_id])
        matches = sorted(moid for moid, name in names.items() if name == name_or_id)
        if len(matches) == 1:
            return InventoryObject(matches[0], name_or_id)
        if matches:
            raise NotFoundInInventory(
                f"{what} {name_or_id!r} is ambiguous: {len(matches)} {what}s have that name ({', '.join(matches)}); "
                "use the managed object id instead"
            )
        known = ", ".join(f"{name} ({moid})" for moid, name in sorted(names.items(), key=lambda i: i[1])[:20])
        raise NotFoundInInventory(
            f"no {what} named {name_or_id!r} (or with that id) in vCenter; known: {known or 'none'}"
        )

    def datastore(self, name_or_id: str) -> InventoryObject:
        from pyVmomi import vim

        return self._call(
            f"looking up datastore {name_or_id!r}",
            lambda si: self._find(si, vim.Datastore, "datastore", name_or_id),
        )

    def datastore_info(self, name_or_id: str) -> DatastoreInfo:
        from pyVmomi import vim

        def read(si: Any) -> DatastoreInfo:
            found = self._find(si, vim.Datastore, "datastore", name_or_id)
            summary = vim.Datastore(found.id, si._stub).summary
            return DatastoreInfo(
                id=found.id,
                name=found.name,
                type=getattr(summary, "type", None),
                capacity_bytes=getattr(summary, "capacity", None),
                free_space_bytes=getattr(summary, "freeSpace", None),
                url=getattr(summary, "url", None),
            )

        return self._call(f"looking up datastore {name_or_id!r}", read)

    def cluster(self, name_or_id: str) -> InventoryObject:
        from pyVmomi import vim

        return self._call(
            f"looking up cluster {name_or_id!r}",
            lambda si: self._find(si, vim.ClusterComputeResource, "cluster", name_or_id),
        )

    def cluster_name(self, cluster_id: str) -> str | None:
        from pyVmomi import vim

        return self._call(
            "listing clusters", lambda si: self._names(si, vim.ClusterComputeResource).get(cluster_id)
        )

    # ---- storage policies (SPBM) ---------------------------------------------------------------
    def _profile_manager(self, si: Any) -> Any:
        from pyVmomi import pbm
        from pyVmomi.SoapAdapter import SoapStubAdapter

        if self._pbm is None:
            # PBM shares the vCenter session: its stub presents the SOAP session cookie as vcSessionCookie.
            cookie = si._stub.cookie.split(";", 1)[0].split("=", 1)[-1].strip('"')
            stub = SoapStubAdapter(
                host=self.endpoint.host,
                port=self.endpoint.port,
                path="/pbm",  # govmomi's path; vcsim serves no /pbm/sdk
                version=PBM_VERSION,
                sslContext=si._stub.schemeArgs.get("context"),
                requestContext={"vcSessionCookie": cookie},
            )
            self._pbm = pbm.ServiceInstance("ServiceInstance", stub).RetrieveContent().profileManager
        return self._pbm

    def storage_policies(self) -> list[StoragePolicy]:
        from pyVmomi import pbm

        def read(si: Any) -> list[StoragePolicy]:
            manager = self._profile_manager(si)
            ids = manager.PbmQueryProfile(
                resourceType=pbm.profile.ResourceType(resourceType="STORAGE"), profileCategory="REQUIREMENT"
            )
            profiles = manager.PbmRetrieveContent(profileIds=ids) if ids else []
            return [StoragePolicy(p.profileId.uniqueId, p.name, p.description or None) for p in profiles]

        return self._call("listing storage policies", read)

    def storage_policy(self, name_or_id: str) -> StoragePolicy:
        policies = self.storage_policies()
        for policy in policies:
            if policy.id == name_or_id:
                return policy
        matches = [p for p in policies if p.name == name_or_id]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise NotFoundInInventory(
                f"storage policy name {name_or_id!r} is ambiguous ({', '.join(p.id for p in matches)}); use the id"
            )
        known = ", ".join(sorted(p.name for p in policies))
        raise NotFoundInInventory(
            f"no storage policy named {name_or_id!r} (or with that id); known: {known or 'none'}"
        )
