"""Who counts as a Supervisor provider administrator (webhooks' validateUserGroupMembership, v1.10.0).

Besides VM Operator's privileged accounts, some webhooks let members of the SSO group
`SupervisorProviderAdministrators@<sso domain>` through. The SSO domain is read from the `wcp-cluster-config`
ConfigMap in `kube-system` (key `wcp-cluster-config.yaml`, field `sso_domain`); a missing or unreadable
ConfigMap means nobody is such an administrator.
"""

from __future__ import annotations

import json
import re
from typing import Any

from vmservice_api.rules.framework import Request

CONFIG_MAP_NAMESPACE = "kube-system"
CONFIG_MAP_NAME = "wcp-cluster-config"
CONFIG_KEY = "wcp-cluster-config.yaml"
ADMIN_GROUP = "sso:SupervisorProviderAdministrators@{domain}"


def sso_domain(config_text: str) -> str:
    """The `sso_domain` of the cluster config (YAML or JSON; a flat document of strings)."""
    try:
        document = json.loads(config_text)
        if isinstance(document, dict):
            return str(document.get("sso_domain") or "")
    except ValueError:
        pass
    for line in config_text.splitlines():
        match = re.fullmatch(r"\s*sso_domain\s*:\s*(.*?)\s*", line)
        if match:
            value = match.group(1)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            return value
    return ""


def is_provider_admin(req: Request[Any]) -> bool:
    """Whether the caller is in the Supervisor provider administrators' SSO group."""
    config_map = req.get("ConfigMap", CONFIG_MAP_NAME, namespace=CONFIG_MAP_NAMESPACE)
    if config_map is None:
        return False
    text = (config_map.get("data") or {}).get(CONFIG_KEY)
    if text is None:
        return False
    return req.in_group(ADMIN_GROUP.format(domain=sso_domain(str(text))))


def is_admin(req: Request[Any]) -> bool:
    """A privileged account or a Supervisor provider administrator."""
    return req.privileged or is_provider_admin(req)
