"""Names the VirtualMachine webhooks share: annotation and label keys, kinds, feature switches, messages.

Feature switches are VM Operator's `pkgcfg.Features` field names; `NETWORK_PROVIDER_VPC` stands for its
`NetworkProviderType == VPC` setting (a Supervisor fact that is not a feature switch upstream).
"""

from __future__ import annotations

KIND = "VirtualMachine"
GROUP = "vmoperator.vmware.com"
SCHEMA_VERSION_9_1 = "v1alpha5"  # the API version VM Operator v1.10.0 stores and upgrades objects to

# ---- annotations ------------------------------------------------------------------------------------
INSTANCE_ID = f"{GROUP}/cloud-init-instance-id"
FIRST_BOOT_DONE = f"virtualmachine.{GROUP}/first-boot-done"
RESTORED_VM = f"{GROUP}/restored-vm"
IMPORTED_VM = f"{GROUP}/imported-vm"
FAILED_OVER_VM = f"{GROUP}/failed-over-vm"
CREATED_AT_BUILD_VERSION = f"{GROUP}/created-at-build-version"
CREATED_AT_SCHEMA_VERSION = f"{GROUP}/created-at-schema-version"
UPGRADED_TO_BUILD_VERSION = f"{GROUP}/upgraded-to-build-version"
UPGRADED_TO_SCHEMA_VERSION = f"{GROUP}/upgraded-to-schema-version"
UPGRADED_TO_FEATURE_VERSION = f"{GROUP}/upgraded-to-feature-version"
CLUSTER_MODULE_NAME = "vsphere-cluster-module-group"
APPLY_POWER_STATE_TIME = f"{GROUP}.protected/apply-power-state-time"
SKIP_VALIDATION = f"{GROUP}.protected/skip-validation"
CHECK_POWER_ON = f"poweron.check.{GROUP}"  # keys are this prefix + "/" + the checker's name
CHECK_DELETE = f"delete.check.{GROUP}"
MANAGEMENT_PROXY_WATERMARK = "mgmt.proxy.vmware.com/watermark"  # mapped to guest ExtraConfig
MANAGEMENT_PROXY_ALLOW_LIST = "mgmt.proxy.vmware.com/allowlist"

# ---- labels -----------------------------------------------------------------------------------------
ZONE_LABEL = "topology.kubernetes.io/zone"
HOSTNAME_LABEL = "kubernetes.io/hostname"
PAUSED_VM_LABEL = f"{GROUP}/paused"
KUBERNETES_NODE_LABEL = "cluster.x-k8s.io/cluster-name"  # a VKS (Tanzu Kubernetes) node VM
CAPW_CLUSTER_ROLE_LABEL = "capw.vmware.com/cluster.role"
CAPV_CLUSTER_ROLE_LABEL = "capv.vmware.com/cluster.role"
CLASS_INSTANCE_ACTIVE_LABEL = f"{GROUP}/active"

# ---- kinds the rules read (`Kind` for the core group, `Kind.group` otherwise) -------------------------
AVAILABILITY_ZONE = "AvailabilityZone.topology.tanzu.vmware.com"
ZONE = "Zone.topology.tanzu.vmware.com"
STORAGE_CLASS = "StorageClass.storage.k8s.io"
RESOURCE_QUOTA = "ResourceQuota"
STORAGE_POLICY_QUOTA = "StoragePolicyQuota.cns.vmware.com"
STORAGE_POLICY = "StoragePolicy.infra.vmware.com"  # VM Operator's record of an encryption storage policy
PERSISTENT_VOLUME_CLAIM = "PersistentVolumeClaim"
CONFIG_MAP = "ConfigMap"
CLASS_INSTANCE = "VirtualMachineClassInstance.vmoperator.vmware.com"
PROVIDER_CONFIG_MAP = "vsphere.provider.config.vmoperator.vmware.com"
VM_OPERATOR_NAMESPACE = "vmware-system-vmop"  # where VM Operator runs and keeps its provider ConfigMap

# ---- feature switches -------------------------------------------------------------------------------
WORKLOAD_DOMAIN_ISOLATION = "WorkloadDomainIsolation"
VM_IMPORT_NEW_NET = "VMImportNewNet"
VM_INCREMENTAL_RESTORE = "VMIncrementalRestore"
IMMUTABLE_CLASSES = "ImmutableClasses"
VM_RESIZE = "VMResize"
VM_RESIZE_CPU_MEMORY = "VMResizeCPUMemory"
BRING_YOUR_OWN_ENCRYPTION_KEY = "BringYourOwnEncryptionKey"
GUEST_CUSTOMIZATION_VCD_PARITY = "GuestCustomizationVCDParity"
MUTABLE_NETWORKS = "MutableNetworks"
VM_SHARED_DISKS = "VMSharedDisks"
ALL_DISKS_ARE_PVCS = "AllDisksArePVCs"
VM_GROUPS = "VMGroups"
POD_VM_ON_STRETCHED_SUPERVISOR = "PodVMOnStretchedSupervisor"
AUTO_VADP_BACKUP_RESTORE = "AutoVADPBackupRestore"  # 8.0u3: the privileged-users list only counts with it
NETWORK_PROVIDER_VPC = "NetworkProviderVPC"

# ---- values -----------------------------------------------------------------------------------------
VMI_KIND = "VirtualMachineImage"
CVMI_KIND = "ClusterVirtualMachineImage"
POWERED_ON = "PoweredOn"
POWERED_OFF = "PoweredOff"
SUSPENDED = "Suspended"

# ---- the Supervisor's words that several rules use -----------------------------------------------------
UPDATES_NOT_ALLOWED_WHEN_POWERED_ON = "updates to this field is not allowed when VM power is on"
RESTRICTED_TO_PRIVILEGED_USERS = "restricted to privileged users"
FEATURE_NOT_ENABLED = "the {} feature is not enabled"
RFC3339_NANO = "must be formatted as RFC3339Nano"
