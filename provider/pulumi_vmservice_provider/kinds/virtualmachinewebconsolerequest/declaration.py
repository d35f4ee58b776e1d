"""getWebConsoleUrl: a web console ticket through a VirtualMachineWebConsoleRequest."""

from __future__ import annotations

from pulumi_vmservice_provider.model.common import NAMESPACE_ARGUMENT
from pulumi_vmservice_provider.model.types import FunctionDef, integer, string

GET_WEB_CONSOLE_URL = FunctionDef(
    token="vmservice:index:getWebConsoleUrl",
    description="Open a web console ticket for a VM (VirtualMachineWebConsoleRequest, vSphere 8.0 Update 3+): "
    "generates a key pair, creates the request, waits for the encrypted response and decrypts it. The URL is "
    "valid for about two minutes and is returned as a secret.",
    inputs={
        "namespace": NAMESPACE_ARGUMENT,
        "name": string("VM name.", required=True),
        "timeoutSeconds": integer("How long to wait for the response (default 60).", minimum=1, maximum=600),
    },
    outputs={
        "url": string("The web console URL (secret).", secret=True),
        "expiryTime": string("When the ticket expires (RFC 3339)."),
        "proxyAddr": string("Address of the console proxy the URL points at."),
    },
)
