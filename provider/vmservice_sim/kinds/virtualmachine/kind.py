"""The VirtualMachine registration and the names its webhooks and controller share."""

from __future__ import annotations

from vmservice_sim.registry import register

VIRTUAL_MACHINE = register("VirtualMachine", "virtualmachines")

ON, OFF, SUSPENDED = "PoweredOn", "PoweredOff", "Suspended"
NO_DEFAULT_NIC = "vmoperator.vmware.com/no-default-nic"
CREATED_AT_BUILD = "vmoperator.vmware.com/created-at-build-version"
CREATED_AT_SCHEMA = "vmoperator.vmware.com/created-at-schema-version"
INSTANCE_ID_ANNOTATION = "vmoperator.vmware.com/cloud-init-instance-id"
FIRST_BOOT_DONE = "virtualmachine.vmoperator.vmware.com/first-boot-done"
