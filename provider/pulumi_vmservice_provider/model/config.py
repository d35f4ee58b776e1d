"""Provider configuration: every key can also come from an environment variable."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.common import DNS_LABEL_HINT
from pulumi_vmservice_provider.model.types import DNS1123_LABEL, Prop, boolean, string
from pulumi_vmservice_provider.wire import is_unknown


@dataclass(frozen=True)
class ConfigKey:
    prop: Prop
    env: tuple[str, ...]


THUMBPRINT = r"([0-9A-Fa-f]{2}:?){19}[0-9A-Fa-f]{2}|([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}"


def vsphere_server_problem(server: str) -> str | None:
    """Why `server` is not a vCenter host name or URL (`vc.example.com`, `vc:8443`, `https://vc/sdk`,
    `[fd00::1]`), or None."""
    text = server.strip()
    try:
        parsed = urllib.parse.urlsplit(text if "://" in text else f"https://{text}")
        port_ok = parsed.port is None or 0 < parsed.port < 65536
    except ValueError as error:
        return f"{server!r} is not a valid URL: {error}"
    if parsed.scheme not in ("https", "http") or not parsed.hostname:
        return f"{server!r} is not a host name or https:// URL"
    if not port_ok or re.search(r"\s", text):
        return f"{server!r} is not a host name or https:// URL"
    return None


def validate_config(config: JSONObject) -> list[tuple[str, str]]:
    server = config.get("vsphereServer")
    if isinstance(server, str) and not is_unknown(server):
        problem = vsphere_server_problem(server)
        if problem:
            return [("vsphereServer", problem)]
    return []


CONFIG: dict[str, ConfigKey] = {
    "kubeconfig": ConfigKey(
        string("Supervisor kubeconfig: a file path or the file's contents.", secret=True), ("KUBECONFIG",)
    ),
    "context": ConfigKey(string("kubeconfig context to use (default: the current context)."), ()),
    "namespace": ConfigKey(
        string(
            "Default vSphere Namespace for resources that do not name one.",
            max_length=63,
            pattern=DNS1123_LABEL,
            pattern_hint=DNS_LABEL_HINT,
        ),
        ("VMSERVICE_NAMESPACE",),
    ),
    "vsphereServer": ConfigKey(string("vCenter host name or URL."), ("VSPHERE_SERVER",)),
    "vsphereUser": ConfigKey(string("vCenter user."), ("VSPHERE_USER",)),
    "vspherePassword": ConfigKey(string("vCenter password.", secret=True), ("VSPHERE_PASSWORD",)),
    "vsphereInsecure": ConfigKey(
        boolean("Skip TLS verification of vCenter (only when asked; verification is on by default)."),
        ("VSPHERE_INSECURE", "VSPHERE_ALLOW_UNVERIFIED_SSL"),
    ),
    "vsphereCaCert": ConfigKey(
        string("PEM CA bundle (path or contents) to verify vCenter."), ("VSPHERE_CA_CERT",)
    ),
    "vsphereThumbprint": ConfigKey(
        string(
            "SHA-1 or SHA-256 thumbprint of vCenter's certificate, as an alternative to a CA.",
            pattern=THUMBPRINT,
            pattern_hint="must be a SHA-1 or SHA-256 thumbprint: 20 or 32 hex byte pairs, optionally "
            "separated by ':'",
        ),
        ("VSPHERE_THUMBPRINT",),
    ),
}
