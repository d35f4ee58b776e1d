"""Web console tickets through VirtualMachineWebConsoleRequest (v1alpha2+, vSphere 8.0 Update 3)."""

from __future__ import annotations

import base64
import secrets
import threading
from typing import TYPE_CHECKING, Any

from vmservice_api.objects import JSONObject, view

from pulumi_vmservice_provider.errors import OperationTimedOut, ServerRejected
from pulumi_vmservice_provider.kinds.virtualmachinewebconsolerequest.declaration import GET_WEB_CONSOLE_URL
from pulumi_vmservice_provider.kinds.virtualmachinewebconsolerequest.readiness import web_console_readiness
from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
from pulumi_vmservice_provider.resources.kubeobject import wait_for_object
from pulumi_vmservice_provider.resources.lookups import (
    VIRTUAL_MACHINES,
    WEB_CONSOLE_REQUESTS,
    get_object,
    namespace_of,
    standalone_context,
)
from pulumi_vmservice_provider.resources.registry import implements

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.state import ProviderState


def _key_pair() -> tuple[Any, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # VM Operator parses the block with x509.ParsePKCS1PublicKey but requires the PEM type "PUBLIC KEY".
    der = private_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    body = base64.encodebytes(der).decode().replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return private_key, "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"


def decrypt_response(private_key: Any, response: str) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    plaintext: bytes = private_key.decrypt(
        base64.b64decode(response),
        padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA512()), algorithm=hashes.SHA512(), label=None),
    )
    return plaintext.decode()


REACH_SECONDS = 8.0


def request_console(
    state: ProviderState,
    namespace: str,
    vm_name: str,
    timeout: float,
    cancelled: threading.Event | None = None,
) -> JSONObject:
    """Ask VM Operator for a console ticket and decrypt it; `timeout` bounds the whole request, and reaching
    the Supervisor at all takes at most REACH_SECONDS (an unreachable one answers UNAVAILABLE within the
    bound of a lookup, not after the ticket's whole wait)."""
    ctx = standalone_context(timeout, cancelled)
    reach = standalone_context(min(timeout, REACH_SECONDS), cancelled)
    # VM Operator keeps retrying a request for a VM that does not exist; fail now, naming the VMs there are.
    get_object(state, VIRTUAL_MACHINES, namespace, vm_name, reach)
    private_key, public_pem = _key_pair()
    name = f"{vm_name}-console-{secrets.token_hex(3)}"[:63]
    body = {
        "apiVersion": state.kube.api_version(WEB_CONSOLE_REQUESTS, ctx=reach),
        "kind": "VirtualMachineWebConsoleRequest",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"name": vm_name, "publicKey": public_pem},
    }
    try:
        state.kube.create(ctx, WEB_CONSOLE_REQUESTS, body)
    except ServerRejected as error:
        raise ServerRejected(f"creating a web console request for {namespace}/{vm_name}: {error}") from None
    try:
        answered = wait_for_object(
            state.kube,
            ctx,
            WEB_CONSOLE_REQUESTS,
            namespace,
            name,
            web_console_readiness(f"{namespace}/{name}"),
            "waiting for the web console ticket",
        )
    except OperationTimedOut:
        raise OperationTimedOut(
            f"no web console ticket for {namespace}/{vm_name} within {timeout:g}s"
        ) from None
    status = view(answered).status
    url = decrypt_response(private_key, str(status["response"]))
    return {"url": url, "expiryTime": status.get("expiryTime"), "proxyAddr": status.get("proxyAddr")}


@implements(GET_WEB_CONSOLE_URL)
def get_web_console_url(state: ProviderState, request: InvokeRequest) -> PropertyMap:
    ctx, args = request.ctx, request.args.value
    timeout = float(args.get("timeoutSeconds") or 60)
    return request_console(state, namespace_of(state, args), str(args["name"]), timeout, ctx.cancelled)
