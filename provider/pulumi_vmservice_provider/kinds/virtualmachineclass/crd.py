"""Where the typed model of VirtualMachineClass comes from: its CRD, and the names its nested types keep."""

from __future__ import annotations

from pulumi_vmservice_provider.model.crdgen import KindSource

SOURCE = KindSource("VirtualMachineClass", "virtualmachineclasses", "virtualmachineclass")
