"""VirtualMachineWebConsoleRequest: VM Operator's controller, which answers with a WebMKS ticket URL encrypted with the requester's RSA public key (RSA-OAEP,
SHA-512, base64), `expiryTime` = now + 120 s, the proxy address of the Supervisor's API load balancer, the
UUID label and an owner reference to the VM; the request is deleted after expiry.

vcsim does not implement AcquireTicket, so the ticket is made up (`wss://<esx host>:443/ticket/<random>`).
"""

from __future__ import annotations

import base64
import datetime
import re
import secrets

from vmservice_sim.kube import SERVICE
from vmservice_sim.objects import now, parse_time, rfc3339
from vmservice_sim.registry import KindReconciler, register

WEB_CONSOLE_REQUEST = register("VirtualMachineWebConsoleRequest", "virtualmachinewebconsolerequests")

EXPIRY = datetime.timedelta(seconds=120)
UUID_LABEL = "vmoperator.vmware.com/webconsolerequest-uuid"
PROXY_SERVICE = ("kube-system", "kube-apiserver-lb-svc")

# ========================================================================== controller


def encrypt_ticket(public_key_pem: str, plaintext: str) -> str:
    """base64(RSA-OAEP-SHA512(plaintext)) with a PKCS#1 key in a "PUBLIC KEY" PEM block (as VM Operator)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    match = re.search(r"-----BEGIN PUBLIC KEY-----(.*?)-----END PUBLIC KEY-----", public_key_pem, re.S)
    if not match:
        raise ValueError("invalid public key format")
    key = load_der_public_key(base64.b64decode("".join(match.group(1).split())))
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("invalid public key")
    ciphertext = key.encrypt(
        plaintext.encode(),
        padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA512()), algorithm=hashes.SHA512(), label=None),
    )
    return base64.b64encode(ciphertext).decode()


@WEB_CONSOLE_REQUEST.reconcile()
class WebConsoleRequestReconciler(KindReconciler):
    def __call__(self, namespace: str, name: str) -> float | None:
        kube = self.ctx.kube
        request = kube.get(self.kind, namespace, name)
        if request is None or request["metadata"].get("deletionTimestamp"):
            return None
        status = request.get("status") or {}
        expiry = parse_time(status.get("expiryTime"))
        if expiry is not None:
            remaining = (expiry - now()).total_seconds()
            if remaining <= 0:
                kube.delete(self.kind, namespace, name)
                return None
            if status.get("response") and status.get("proxyAddr"):
                return remaining
        spec = request.get("spec") or {}
        vm = kube.get(self.ctx.kinds.vm, namespace, str(spec.get("name") or ""))
        moref = ((vm or {}).get("status") or {}).get("uniqueID")
        if vm is None or not moref:
            return 2.0  # VM Operator retries with backoff until the VM exists
        info = self.ctx.vcenter.vm_info(str(moref))
        host = info.host if info is not None and info.host else "esx.vmservice-sim.local"
        url = f"wss://{host}:443/ticket/{secrets.token_hex(16)}"
        response = encrypt_ticket(str(spec.get("publicKey") or ""), url)
        proxy = kube.get(SERVICE, *PROXY_SERVICE)
        ingress = ((proxy or {}).get("status") or {}).get("loadBalancer", {}).get("ingress") or []
        proxy_addr = str(ingress[0].get("ip")) if ingress else "127.0.0.1"
        meta = request["metadata"]
        labels = dict(meta.get("labels") or {})
        labels[UUID_LABEL] = meta["uid"]
        owner = {
            "apiVersion": vm.get("apiVersion") or self.ctx.release.api_version,
            "kind": "VirtualMachine",
            "name": vm["metadata"]["name"],
            "uid": vm["metadata"]["uid"],
            "controller": True,
        }
        kube.patch(
            self.kind,
            namespace,
            name,
            {
                "metadata": {
                    "labels": labels,
                    "ownerReferences": [owner],
                    "resourceVersion": meta["resourceVersion"],
                }
            },
        )
        kube.replace_status(
            self.kind,
            namespace,
            name,
            {"response": response, "expiryTime": rfc3339(now() + EXPIRY), "proxyAddr": proxy_addr},
        )
        return EXPIRY.total_seconds()
