"""WebConsoleRequest (v1alpha1, the web console request before VirtualMachineWebConsoleRequest): admission
only. Both releases still serve it and VM Operator still validates it; the simulator has no controller for
it (use VirtualMachineWebConsoleRequest)."""

from __future__ import annotations

from vmservice_sim.registry import register

WEB_CONSOLE_REQUEST_V1ALPHA1 = register("WebConsoleRequest", "webconsolerequests", version="v1alpha1")
