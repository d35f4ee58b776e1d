"""The VirtualMachine registration."""

from __future__ import annotations

from vmservice_sim.registry import register

VIRTUAL_MACHINE = register("VirtualMachine", "virtualmachines")
