"""Supervisor capabilities, as VM Operator reads them (`pkg/config/capabilities/capabilities.go`).

A real Supervisor publishes them in the ConfigMap `kube-system/wcp-cluster-capabilities` (keys with "true" /
"false") and, where the Supervisor has async upgrades, in the cluster-scoped `Capabilities` object
`supervisor-capabilities` of `iaas.vmware.com/v1alpha1` (`status.supervisor[key].activated`). That CRD is not
part of the VM Operator API module the simulator's CRDs are generated from, so the simulator serves the
ConfigMap only.

Class resize is not a published capability in VM Operator but the feature switch `FSS_WCP_VMSERVICE_RESIZE` of
its deployment; the simulator publishes it in the ConfigMap under that name so clients (and the provider) can
see it. A real Supervisor does not, and clients fall back to the API version there.

Webhooks read the ConfigMap on every request, so switching a capability at runtime takes effect at once, as
VM Operator's capability watcher does; each capability sets the VM Operator feature switch of the same name
(`FEATURES`), which the admission rules read (`vmop_config.read`).
"""

from __future__ import annotations

from collections.abc import Mapping

CONFIGMAP_NAMESPACE = "kube-system"
CONFIGMAP_NAME = "wcp-cluster-capabilities"

# Short name (the `--capability` flag) -> key in the ConfigMap (VM Operator's capability keys).
KEYS: Mapping[str, str] = {
    "VMResize": "FSS_WCP_VMSERVICE_RESIZE",
    "MutableNetworks": "supports_VM_service_mutable_networks",
    "VMSnapshots": "supports_VM_service_VM_snapshots",
    "VMGroups": "supports_VM_service_VM_groups",
    "ImmutableClasses": "supports_VM_service_immutable_VM_classes",
    "BYOK": "supports_BYOK_encryption",
    "WorkloadDomainIsolation": "Workload_Domain_Isolation_Supported",
    "VMSharedDisks": "supports_shared_disks_with_VM_service_VMs",
    "AllDisksArePVCs": "supports_vm_service_all_disks_are_pvcs",
    "GuestCustomizationVCDParity": "supports_guest_customization_vcd_parity",
    "VMPlacementPolicies": "supports_VM_service_VM_placement_policies",
    "VMWaitForFirstConsumerPVC": "supports_VM_service_WFFC_PVC",
    "InventoryContentLibrary": "supports_inventory_content_library",
    "VSpherePolicies": "supports_iaas_compute_policies",
}
# Short name -> the VM Operator feature switch the capability sets (pkg/config/capabilities/capabilities.go:
# updateCapabilitiesFeaturesFromCRD); the same name unless listed.
FEATURES: Mapping[str, str] = {
    **{name: name for name in KEYS},
    "BYOK": "BringYourOwnEncryptionKey",
}

# What each release has unless told otherwise: 8.0 U3 has none of them; VCF 9.1 resizes, has mutable networks,
# snapshots and groups.
DEFAULTS: Mapping[str, frozenset[str]] = {
    "8.0u3": frozenset(),
    "9.1": frozenset({"VMResize", "MutableNetworks", "VMSnapshots", "VMGroups"}),
}


def parse_flag(text: str) -> tuple[str, bool]:
    """`NAME=on|off` -> (NAME, state); ValueError with the choices otherwise."""
    name, sep, value = text.partition("=")
    if not sep or value.lower() not in ("on", "off", "true", "false"):
        raise ValueError(f"expected NAME=on|off, got {text!r}")
    if name not in KEYS:
        raise ValueError(f"unknown capability {name!r}; known: {', '.join(KEYS)}")
    return name, value.lower() in ("on", "true")


def resolve(release_name: str, overrides: Mapping[str, bool]) -> dict[str, bool]:
    """Every capability's state: the release's default, then the overrides."""
    unknown = sorted(set(overrides) - set(KEYS))
    if unknown:
        raise ValueError(f"unknown capabilities {', '.join(unknown)}; known: {', '.join(KEYS)}")
    defaults = DEFAULTS.get(release_name, frozenset())
    return {name: overrides.get(name, name in defaults) for name in KEYS}


def config_map(states: Mapping[str, bool]) -> dict[str, object]:
    return {
        "metadata": {"name": CONFIGMAP_NAME, "namespace": CONFIGMAP_NAMESPACE},
        "data": {KEYS[name]: "true" if on else "false" for name, on in states.items()},
    }


def published(data: Mapping[str, object] | None, name: str) -> bool:
    """Whether capability `name` is on in the ConfigMap's data (off when the key or map is missing)."""
    value = (data or {}).get(KEYS[name])
    return value is not None and str(value).strip().lower() in ("true", "1", "t")
