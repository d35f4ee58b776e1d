"""TLS for vCenter connections (REST and SOAP): a CA bundle, a pinned certificate thumbprint, or, only when
asked, no verification.

Thumbprint pinning checks the peer certificate inside the TLS handshake, before any request (and so any
credential) is sent. pyVmomi's own `thumbprint=` is not used: it downgrades the shared SSL context to
CERT_NONE after the first connection, so pooled connections opened later are not checked.
"""

from __future__ import annotations

import hashlib
import os
import re
import ssl
from dataclasses import dataclass

from pulumi_vmservice_provider.errors import InvalidInputs


@dataclass(frozen=True)
class Pin:
    algorithm: str  # "sha1" or "sha256"
    digest: str  # lowercase hex without separators

    @classmethod
    def parse(cls, thumbprint: str) -> Pin:
        digest = re.sub(r"[\s:]", "", thumbprint).lower()
        if not re.fullmatch(r"[0-9a-f]+", digest) or len(digest) not in (40, 64):
            raise InvalidInputs(
                [
                    (
                        "vsphereThumbprint",
                        "expected the SHA-1 (40 hex digits) or SHA-256 (64 hex digits) fingerprint of vCenter's "
                        "certificate, e.g. AB:CD:..; get it with `openssl x509 -noout -fingerprint -sha256`",
                    )
                ]
            )
        return cls("sha1" if len(digest) == 40 else "sha256", digest)

    def matches(self, der_cert: bytes) -> bool:
        return hashlib.new(self.algorithm, der_cert).hexdigest() == self.digest

    def describe(self, der_cert: bytes | None) -> str:
        got = pretty(hashlib.new(self.algorithm, der_cert).hexdigest()) if der_cert else "no certificate"
        name = {"sha1": "SHA-1", "sha256": "SHA-256"}[self.algorithm]
        return f"certificate thumbprint mismatch: expected {name} {pretty(self.digest)}, got {got}"


def pretty(digest: str) -> str:
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2)).upper()


class PinnedContext(ssl.SSLContext):
    pin: Pin


def _verify_pin(context: ssl.SSLContext, der_cert: bytes | None) -> None:
    pin = getattr(context, "pin", None)
    if pin is None:
        return
    if der_cert is None or not pin.matches(der_cert):
        raise ssl.SSLCertVerificationError(pin.describe(der_cert))


class _PinnedSocket(ssl.SSLSocket):
    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        try:
            _verify_pin(self.context, self.getpeercert(binary_form=True))
        except ssl.SSLCertVerificationError:
            self.close()
            raise


class _PinnedObject(ssl.SSLObject):
    def do_handshake(self) -> None:
        super().do_handshake()
        _verify_pin(self.context, self.getpeercert(binary_form=True))


def pinned_context(thumbprint: str) -> PinnedContext:
    """A context that trusts exactly the certificate with this SHA-1 or SHA-256 fingerprint."""
    pin = Pin.parse(thumbprint)
    context = PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
    # The chain and host name are not checked: the pin replaces both (the certificate is usually self-signed).
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.pin = pin
    context.sslsocket_class = _PinnedSocket
    context.sslobject_class = _PinnedObject
    return context


def ca_context(ca_cert: str) -> ssl.SSLContext:
    """Verify against a PEM bundle given as a file path or as the PEM text itself."""
    if "-----BEGIN" in ca_cert:
        try:
            return ssl.create_default_context(cadata=ca_cert)
        except ssl.SSLError as error:
            raise InvalidInputs(
                [("vsphereCaCert", f"not a valid PEM certificate bundle: {error.reason}")]
            ) from None
    path = os.path.expanduser(ca_cert)
    if not os.path.isfile(path):
        raise InvalidInputs(
            [("vsphereCaCert", f"no such file {path!r}; give a PEM file path or the PEM text")]
        )
    try:
        return ssl.create_default_context(cafile=path)
    except ssl.SSLError as error:
        raise InvalidInputs(
            [("vsphereCaCert", f"{path!r} is not a valid PEM bundle: {error.reason}")]
        ) from None


def insecure_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def ssl_context(*, ca_cert: str | None, thumbprint: str | None, insecure: bool) -> ssl.SSLContext:
    """The context for vCenter: `insecure` wins when set, then a pin, then a CA bundle, then the system store."""
    if insecure:
        return insecure_context()
    if thumbprint:
        return pinned_context(thumbprint)
    if ca_cert:
        return ca_context(ca_cert)
    return ssl.create_default_context()


def is_certificate_error(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
