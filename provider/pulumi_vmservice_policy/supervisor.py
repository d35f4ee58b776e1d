"""What the pack reads from the Supervisor (KUBECONFIG), once per preview: VM classes (reservations and devices),
images and where they come from, VMs and VM groups (a group's members that this stack does not declare), and
snapshots. Any failure means "unknown" (and is remembered with its first line, for the messages), never a crash."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pulumi_vmservice_provider.report.inventory import Inventory

T = TypeVar("T")

VMOPERATOR = "vmoperator.vmware.com"
IMAGEREGISTRY = "imageregistry.vmware.com"
# The imageregistry API VM Operator's images point at (spec.providerRef), oldest first.
IMAGEREGISTRY_VERSIONS = ("v1alpha1", "v1alpha2")


class Supervisor:
    """Reads through the provider's Supervisor client; each object is read once."""

    def __init__(self, kubeconfig: str | None = None) -> None:
        self.kubeconfig = kubeconfig if kubeconfig is not None else os.environ.get("KUBECONFIG")
        self.error: str | None = None
        self._client: Any = None
        self._cache: dict[tuple[str, ...], Any] = {}
        self._inventory: Inventory = {}
        self.unanswered: dict[tuple[str, ...], str] = {}  # reads that failed, and why

    @property
    def usable(self) -> bool:
        return bool(self.kubeconfig) and self.error is None

    def why_unknown(self) -> str:
        """Why the Supervisor had no answer, for a message."""
        if not self.kubeconfig:
            return "no kubeconfig"
        return self.error or "not found"

    def _read(self, key: tuple[str, ...], read: Callable[[Any, Any], T], default: T) -> T:
        """`read(client, ctx)` once per key. An unreachable Supervisor (or a bad kubeconfig) makes every later read
        unknown; any other failure (an API group it does not serve, a forbidden kind) only this one."""
        if not self.usable:
            return default
        if key not in self._cache:
            from pulumi_vmservice_provider.clients.supervisor import SupervisorUnreachable
            from pulumi_vmservice_provider.context import OperationContext

            ctx = OperationContext("", threading.Event(), 60, lambda *_: None)
            try:
                self._cache[key] = read(self._supervisor_client(), ctx)
            except SupervisorUnreachable as error:
                self.error = _first_line(error)
                return default
            except Exception as error:  # e.g. not served or forbidden: no data for this read
                self.unanswered[key] = _first_line(error)
                self._cache[key] = default
        value: T = self._cache[key]
        return value

    def _supervisor_client(self) -> Any:
        if self._client is None:
            from pulumi_vmservice_provider.clients.supervisor import SupervisorClient
            from pulumi_vmservice_provider.settings import resolve

            self._client = SupervisorClient(resolve({"kubeconfig": self.kubeconfig}))
        return self._client

    @staticmethod
    def _kind(kind: str, plural: str, group: str = VMOPERATOR, namespaced: bool = True) -> Any:
        from pulumi_vmservice_provider.model.types import VMOPERATOR_VERSIONS, KindRef

        versions = VMOPERATOR_VERSIONS if group == VMOPERATOR else IMAGEREGISTRY_VERSIONS
        return KindRef(kind, plural, group, versions, namespaced)

    def get(
        self, kind: str, plural: str, namespace: str | None, name: str, group: str = VMOPERATOR
    ) -> dict[str, Any] | None:
        """The object (namespace None: a cluster-scoped kind), or None when it is not there or unknown."""
        ref = self._kind(kind, plural, group, namespaced=namespace is not None)
        found: dict[str, Any] | None = self._read(
            ("get", group, plural, namespace or "", name),
            lambda c, ctx: c.get(ctx, ref, namespace, name),
            None,
        )
        return found

    def list_of(
        self, kind: str, plural: str, namespace: str, group: str = VMOPERATOR
    ) -> list[dict[str, Any]]:
        ref = self._kind(kind, plural, group)
        found: list[dict[str, Any]] = self._read(
            ("list", group, plural, namespace), lambda c, ctx: c.list(ctx, ref, namespace), []
        )
        return found

    # ---- the kinds the policies ask about ----------------------------------------------------------------
    def vm(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.get("VirtualMachine", "virtualmachines", namespace, name)

    def group(self, namespace: str, name: str) -> dict[str, Any] | None:
        return self.get("VirtualMachineGroup", "virtualmachinegroups", namespace, name)

    def classes(self, namespace: str) -> dict[str, dict[str, Any]]:
        return {
            str(c["metadata"]["name"]): c
            for c in self.list_of("VirtualMachineClass", "virtualmachineclasses", namespace)
        }

    def images(self, namespace: str) -> list[dict[str, Any]]:
        return self.list_of("VirtualMachineImage", "virtualmachineimages", namespace)

    def snapshots(self, namespace: str) -> list[dict[str, Any]]:
        return self.list_of("VirtualMachineSnapshot", "virtualmachinesnapshots", namespace)

    def inventory(self, namespace: str) -> Inventory:
        """Classes, images and storage quotas of a namespace, as the report reads them."""
        if not self.usable:
            return {}
        if namespace not in self._inventory:
            from pulumi_vmservice_provider.report.inventory import fetch

            try:
                self._inventory.update(fetch([namespace], self.kubeconfig))
            except Exception as error:  # any failure means "no class data", said in the message
                self.error = _first_line(error)
                return {}
        return self._inventory


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
