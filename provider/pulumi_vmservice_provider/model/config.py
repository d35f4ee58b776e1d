"""Provider configuration: every key can also come from an environment variable."""

from __future__ import annotations

from dataclasses import dataclass

from pulumi_vmservice_provider.model.types import Prop, boolean, string


@dataclass(frozen=True)
class ConfigKey:
    prop: Prop
    env: tuple[str, ...]


CONFIG: dict[str, ConfigKey] = {
    "kubeconfig": ConfigKey(
        string("Supervisor kubeconfig: a file path or the file's contents.", secret=True), ("KUBECONFIG",)
    ),
    "context": ConfigKey(string("kubeconfig context to use (default: the current context)."), ()),
    "namespace": ConfigKey(
        string("Default vSphere Namespace for resources that do not name one."), ("VMSERVICE_NAMESPACE",)
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
        string("SHA-1 or SHA-256 thumbprint of vCenter's certificate, as an alternative to a CA."),
        ("VSPHERE_THUMBPRINT",),
    ),
}
