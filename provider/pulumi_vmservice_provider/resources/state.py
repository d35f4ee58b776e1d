"""What all operations of one plugin process share: the configuration and its lazily created clients.

Clients are created on first use (an offline preview never connects) and belong to this provider
instance, not to the process: a reconfigured provider gets new ones.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pulumi_vmservice_provider.resources.snapshots import ListSnapshots
from pulumi_vmservice_provider.settings import Settings

if TYPE_CHECKING:
    from pulumi_vmservice_provider.clients.content_library import ContentLibraryApi
    from pulumi_vmservice_provider.clients.supervisor import SupervisorClient
    from pulumi_vmservice_provider.clients.vcenter import VCenterClient
    from pulumi_vmservice_provider.clients.vsphere_soap import VsphereSoap


@dataclass
class ProviderState:
    settings: Settings = field(default_factory=Settings)
    cancelled: threading.Event = field(default_factory=threading.Event)
    _kube: SupervisorClient | None = None
    _vcenter: VCenterClient | None = None
    _soap: VsphereSoap | None = None
    _content: ContentLibraryApi | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    snapshots: ListSnapshots = field(default_factory=ListSnapshots)

    def reconfigure(self, settings: Settings) -> None:
        with self._lock:
            self.settings = settings
            self._kube = self._vcenter = self._soap = self._content = None
            self.snapshots = ListSnapshots()

    @property
    def kube(self) -> SupervisorClient:
        """The Supervisor (Kubernetes API), by kind."""
        with self._lock:
            if self._kube is None:
                from pulumi_vmservice_provider.clients.supervisor import SupervisorClient

                self._kube = SupervisorClient(self.settings)
            return self._kube

    @property
    def vcenter(self) -> VCenterClient:
        """vCenter's REST API (one logged-in session, reused)."""
        with self._lock:
            if self._vcenter is None:
                from pulumi_vmservice_provider.clients.vcenter import VCenterClient

                self._vcenter = VCenterClient(self.settings)
            return self._vcenter

    @property
    def content_library(self) -> ContentLibraryApi:
        with self._lock:
            if self._content is None:
                from pulumi_vmservice_provider.clients.content_library import ContentLibraryApi

                self._content = ContentLibraryApi(self.vcenter)
            return self._content

    @property
    def soap(self) -> VsphereSoap:
        """vCenter's SOAP API through pyVmomi (inventory and storage-policy lookups)."""
        with self._lock:
            if self._soap is None:
                from pulumi_vmservice_provider.clients.vsphere_soap import VsphereSoap

                self._soap = VsphereSoap(self.settings)
            return self._soap

    def server_checks_allowed(self) -> bool:
        """Checks against the Supervisor run only when one is configured (never during offline previews)."""
        return not self.settings.has_unknowns and bool(self.settings.kubeconfig)
