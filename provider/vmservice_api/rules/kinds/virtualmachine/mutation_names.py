"""Names the VirtualMachine mutating webhook reads and writes: annotation and label keys, the kinds it reads
from the cluster, the request inputs (feature names) it depends on, and what each release calls itself.

The keys are VM Operator's own (pkg/constants, api/v1alpha1, pkg/util/vmopv1, pkg/util/kube); the release
facts come from the module versions this project emulates (v1.8.6 for 8.0u3, v1.10.0 for 9.1).
"""

from __future__ import annotations

from typing import Final

from vmservice_api.rules.framework import Release

VIRTUAL_MACHINE: Final = "VirtualMachine"

# VM Operator's own namespace (its pods, its provider ConfigMap, the StoragePolicy objects it keeps).
VMOP_NAMESPACE: Final = "vmware-system-vmop"

# ---- annotations and labels -----------------------------------------------------------------------------
NO_DEFAULT_NIC: Final = "vmoperator.vmware.com/no-default-nic"
CREATED_AT_BUILD_VERSION: Final = "vmoperator.vmware.com/created-at-build-version"
CREATED_AT_SCHEMA_VERSION: Final = "vmoperator.vmware.com/created-at-schema-version"
UPGRADED_TO_BUILD_VERSION: Final = "vmoperator.vmware.com/upgraded-to-build-version"
UPGRADED_TO_SCHEMA_VERSION: Final = "vmoperator.vmware.com/upgraded-to-schema-version"
UPGRADED_TO_FEATURE_VERSION: Final = "vmoperator.vmware.com/upgraded-to-feature-version"
LAST_RESIZED_CLASS: Final = "vmoperator.vmware.com/last-resized-vm-class"
LAST_RESIZED_CLASS_INSTANCE: Final = "vmoperator.vmware.com/last-resized-vm-class-instance"
APPLY_POWER_STATE_TIME: Final = "vmoperator.vmware.com.protected/apply-power-state-time"
CLASS_INSTANCE_ACTIVE: Final = "vmoperator.vmware.com/active"
DEFAULT_ENCRYPTION_CLASS: Final = "encryption.vmware.com/default"
STORAGE_POLICY_ID_PARAMETER: Final = "storagePolicyID"

# ---- what the webhook reads from the cluster (Request.get/list keys) ------------------------------------
CONFIG_MAP: Final = "ConfigMap"
PROVIDER_CONFIG_MAP: Final = "vsphere.provider.config.vmoperator.vmware.com"
VM_IMAGE: Final = "VirtualMachineImage.vmoperator.vmware.com"
CLUSTER_VM_IMAGE: Final = "ClusterVirtualMachineImage.vmoperator.vmware.com"
CLASS_INSTANCE: Final = "VirtualMachineClassInstance.vmoperator.vmware.com"
STORAGE_CLASS: Final = "StorageClass.storage.k8s.io"
STORAGE_POLICY: Final = "StoragePolicy.infra.vmware.com"
ENCRYPTION_CLASS: Final = "EncryptionClass.encryption.vmware.com"

# ---- kinds the VM's own references name ---------------------------------------------------------------
VM_IMAGE_KIND: Final = "VirtualMachineImage"
CLUSTER_VM_IMAGE_KIND: Final = "ClusterVirtualMachineImage"
VM_CLASS_KIND: Final = "VirtualMachineClass"
VM_GROUP_KIND: Final = "VirtualMachineGroup"

# ---- request inputs: VM Operator's feature switches (pkgcfg.Features field names) ----------------------
BRING_YOUR_OWN_ENCRYPTION_KEY: Final = "BringYourOwnEncryptionKey"
IMMUTABLE_CLASSES: Final = "ImmutableClasses"
VM_SHARED_DISKS: Final = "VMSharedDisks"
ALL_DISKS_ARE_PVCS: Final = "AllDisksArePVCs"
VM_RESIZE: Final = "VMResize"
VM_RESIZE_CPU_MEMORY: Final = "VMResizeCPUMemory"
MUTABLE_NETWORKS: Final = "MutableNetworks"
VM_GROUPS: Final = "VMGroups"

# The Supervisor's network provider (VM Operator's NETWORK_PROVIDER setting, pkgcfg.NetworkProviderType) is
# an input of the request as well, given as one switch per provider; with none on, the provider is unset and
# no default network is chosen.
NETWORK_PROVIDER_NSXT: Final = "NetworkProviderNSXT"  # NSXT
NETWORK_PROVIDER_VDS: Final = "NetworkProviderVDS"  # VSPHERE_NETWORK
NETWORK_PROVIDER_VPC: Final = "NetworkProviderVPC"  # NSXT_VPC
NETWORK_PROVIDER_NAMED: Final = "NetworkProviderNamed"  # NAMED

# ---- what each release calls itself -------------------------------------------------------------------
# The API version VM Operator stores VMs in (vmopv1.GroupVersion.Version).
SCHEMA_VERSION: Final[dict[Release, str]] = {"8.0u3": "v1alpha2", "9.1": "v1alpha5"}
# VM Operator's build version (pkgcfg.BuildVersion): the module version this project emulates per release. A
# real Supervisor stamps its own build string; only equality with the VM's annotations matters to the rules.
BUILD_VERSION: Final[dict[Release, str]] = {"8.0u3": "v1.8.6", "9.1": "v1.10.0"}
