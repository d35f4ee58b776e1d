"""Provider settings resolved from stack config and environment variables (no connection is made here)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.config import CONFIG
from pulumi_vmservice_provider.wire import UNKNOWN, reveal

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    kubeconfig: str | None = None
    context: str | None = None
    namespace: str | None = None
    vsphere_server: str | None = None
    vsphere_user: str | None = None
    vsphere_password: str | None = None
    vsphere_insecure: bool = False
    vsphere_ca_cert: str | None = None
    vsphere_thumbprint: str | None = None
    has_unknowns: bool = False
    kubeconfig_is_secret: bool = False  # given in the stack config (secret), not as a KUBECONFIG path

    @property
    def secrets(self) -> list[str]:
        """Values no message may quote."""
        kubeconfig = self.kubeconfig if self.kubeconfig_is_secret else None
        return [s for s in (self.vsphere_password, kubeconfig) if s]


def _from_env(names: tuple[str, ...]) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def resolve(config: JSONObject) -> Settings:
    """Config values win over environment variables; unknown values (preview) are noted, not used."""
    values: JSONObject = {}
    unknowns = False
    for key, spec in CONFIG.items():
        raw = reveal(config.get(key))
        if raw is UNKNOWN:
            unknowns = True
            raw = None
        if raw is None or raw == "":
            raw = _from_env(spec.env)
        if spec.prop.kind == "boolean":
            raw = (
                raw
                if isinstance(raw, bool)
                else str(raw).strip().lower() in _TRUE
                if raw is not None
                else False
            )
        values[key] = raw
    return Settings(
        kubeconfig=values["kubeconfig"],
        context=values["context"],
        namespace=values["namespace"],
        vsphere_server=values["vsphereServer"],
        vsphere_user=values["vsphereUser"],
        vsphere_password=values["vspherePassword"],
        vsphere_insecure=bool(values["vsphereInsecure"]),
        vsphere_ca_cert=values["vsphereCaCert"],
        vsphere_thumbprint=values["vsphereThumbprint"],
        has_unknowns=unknowns,
        kubeconfig_is_secret=reveal(config.get("kubeconfig")) not in (None, "", UNKNOWN),
    )


def parse_config_variables(variables: dict[str, str], args: JSONObject) -> JSONObject:
    """Configure sends `args` (typed, may hold secrets) and the legacy `variables` (strings)."""
    if args:
        return dict(args)
    parsed: JSONObject = {}
    for full_key, value in variables.items():
        key = full_key.rsplit(":", 1)[-1]
        parsed[key] = value
    return parsed
