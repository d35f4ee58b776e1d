"""The Supervisor's capabilities, read the way VM Operator reads them (`pkg/config/capabilities`).

Sources, both optional: the cluster-scoped `Capabilities` object `supervisor-capabilities` of
`iaas.vmware.com/v1alpha1` (`status.supervisor[key].activated`, Supervisors with async upgrades) and the
ConfigMap `kube-system/wcp-cluster-capabilities` (key -> "true"/"false"); the object wins where both name a
key. They are read once per plugin process, impatiently (previews never wait for them) and never fail an
operation: what cannot be read is unknown.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pulumi_vmservice_provider.model.types import KindRef

if TYPE_CHECKING:
    from pulumi_vmservice_provider.clients.supervisor import SupervisorClient

CAPABILITIES = KindRef("Capabilities", "capabilities", "iaas.vmware.com", ("v1alpha1",), namespaced=False)
CAPABILITIES_NAME = "supervisor-capabilities"
CONFIG_MAP = KindRef("ConfigMap", "configmaps")
CONFIG_MAP_KEY = ("kube-system", "wcp-cluster-capabilities")

# The capabilities the provider's decisions use -> VM Operator's keys. Class resize is a feature switch of
# VM Operator's deployment (FSS_WCP_VMSERVICE_RESIZE), not a published capability: a Supervisor that
# publishes that key is believed, otherwise the API version decides (resize exists from v1alpha3).
KEYS: Mapping[str, str] = {
    "VMResize": "FSS_WCP_VMSERVICE_RESIZE",
    "MutableNetworks": "supports_VM_service_mutable_networks",
    "VMSnapshots": "supports_VM_service_VM_snapshots",
    "VMGroups": "supports_VM_service_VM_groups",
    "ImmutableClasses": "supports_VM_service_immutable_VM_classes",
    "BYOK": "supports_BYOK_encryption",
}

_cache: weakref.WeakKeyDictionary[SupervisorClient, dict[str, bool] | None] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def supervisor_capabilities(kube: SupervisorClient) -> dict[str, bool] | None:
    """VM Operator capability key -> activated, or None when the Supervisor cannot be asked. Cached per
    client (one per plugin process)."""
    with _lock:
        if kube in _cache:
            return _cache[kube]
    found = _read(kube)
    with _lock:
        _cache[kube] = found
    return found


def _read(kube: SupervisorClient) -> dict[str, bool] | None:
    try:
        served = kube.served_versions(CAPABILITIES.group)  # impatient: fails at once when offline
    except Exception:
        return None
    try:
        config_map = kube.get(None, CONFIG_MAP, *CONFIG_MAP_KEY)
        found = {str(k): _true(v) for k, v in ((config_map or {}).get("data") or {}).items()}
        if "v1alpha1" in served:
            crd = kube.get(None, CAPABILITIES, None, CAPABILITIES_NAME) or {}
            supervisor = (crd.get("status") or {}).get("supervisor") or {}
            found.update({str(k): _activated(v) for k, v in supervisor.items()})
        return found
    except Exception:  # forbidden to a DevOps user, or the Supervisor went away: unknown
        return None


def _true(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "t")


def _activated(status: Any) -> bool:
    return isinstance(status, dict) and status.get("activated") is True
