"""VM Operator's own configuration as the simulator runs it: feature switches, network provider, privileged
users.

A real VM Operator reads its feature switches from its deployment's environment (`FSS_*`, `pkg/config/env.go`)
and, for the switches backed by a Supervisor capability, from the capabilities it watches
(`pkg/config/capabilities`); its network provider (`NETWORK_PROVIDER`) and privileged users
(`PRIVILEGED_USERS`) are deployment settings too. The simulator keeps the deployment's part in the ConfigMap
`vmware-system-vmop/vmservice-sim-vm-operator-config` (a stand-in for the Deployment's environment; keys are
VM Operator's `pkgcfg.Features` field names with "true"/"false", plus `NETWORK_PROVIDER` and
`PRIVILEGED_USERS`) and the capabilities in `kube-system/wcp-cluster-capabilities` (`capabilities.py`). The
webhooks read both on every request, so a switch takes effect at once.

Each feature has one source: a switch backed by a capability the simulator publishes is set with
`--capability`, every other switch of the release with `--feature`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from vmservice_sim import capabilities

CONFIGMAP_NAMESPACE = "vmware-system-vmop"
CONFIGMAP_NAME = "vmservice-sim-vm-operator-config"
NETWORK_PROVIDER_KEY = "NETWORK_PROVIDER"
PRIVILEGED_USERS_KEY = "PRIVILEGED_USERS"

# VM Operator's feature switches set by its deployment (pkg/config/config.go: FeatureStates, minus those the
# simulator publishes as capabilities), per release: v1.8.6 knows four, v1.10.0 many more.
SWITCHES: Mapping[str, frozenset[str]] = {
    "8.0u3": frozenset(
        {"AutoVADPBackupRestore", "InstanceStorage", "PodVMOnStretchedSupervisor", "TKGMultipleCL"}
    ),
    "9.1": frozenset(
        {
            "InstanceStorage",
            "K8sWorkloadMgmtAPI",
            "PodVMOnStretchedSupervisor",
            "TKGMultipleCL",
            "VMResizeCPUMemory",
            "VMImportNewNet",
            "VMIncrementalRestore",
            "FastDeploy",
            "SVAsyncUpgrade",
        }
    ),
}
# What each release's deployment switches on unless told otherwise (none: the simulator's Supervisor has no
# instance storage, backup integration or stretched Pod VMs).
DEFAULT_SWITCHES: Mapping[str, frozenset[str]] = {"8.0u3": frozenset(), "9.1": frozenset()}

# VM Operator's NETWORK_PROVIDER values -> the pseudo-feature the rules read (vmservice_api.rules README).
NETWORK_PROVIDERS: Mapping[str, str] = {
    "VSPHERE_NETWORK": "NetworkProviderVDS",
    "NSXT": "NetworkProviderNSXT",
    "VPC": "NetworkProviderVPC",
    "NAMED": "NetworkProviderNamed",
}
DEFAULT_NETWORK_PROVIDER = "VSPHERE_NETWORK"  # the simulator's network is a vSphere Distributed Switch


class ConfigReader(Protocol):
    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class VmopConfig:
    """What VM Operator's webhooks know about their deployment when a request arrives."""

    features: Mapping[str, bool]
    privileged_users: tuple[str, ...]


def parse_flag(release_name: str, text: str) -> tuple[str, bool]:
    """`NAME=on|off` for a deployment switch of the release -> (NAME, state); ValueError otherwise."""
    name, sep, value = text.partition("=")
    if not sep or value.lower() not in ("on", "off", "true", "false"):
        raise ValueError(f"expected NAME=on|off, got {text!r}")
    if name in capabilities.FEATURES.values() or name in capabilities.KEYS:
        raise ValueError(f"{name} is a Supervisor capability: use --capability {name}=...")
    known = SWITCHES.get(release_name, frozenset())
    if name not in known:
        raise ValueError(
            f"unknown feature {name!r} for VM Operator {release_name}; known: {', '.join(sorted(known))}"
        )
    return name, value.lower() in ("on", "true")


def resolve_switches(release_name: str, overrides: Mapping[str, bool]) -> dict[str, bool]:
    known = SWITCHES.get(release_name, frozenset())
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"unknown features {', '.join(unknown)} for VM Operator {release_name}")
    defaults = DEFAULT_SWITCHES.get(release_name, frozenset())
    return {name: overrides.get(name, name in defaults) for name in sorted(known)}


def config_map(
    switches: Mapping[str, bool],
    network_provider: str = DEFAULT_NETWORK_PROVIDER,
    privileged_users: tuple[str, ...] = (),
) -> dict[str, Any]:
    if network_provider and network_provider not in NETWORK_PROVIDERS:
        raise ValueError(
            f"unknown network provider {network_provider!r}; known: {', '.join(NETWORK_PROVIDERS)}"
        )
    data = {name: "true" if on else "false" for name, on in switches.items()}
    data[NETWORK_PROVIDER_KEY] = network_provider
    data[PRIVILEGED_USERS_KEY] = ",".join(privileged_users)
    return {"metadata": {"name": CONFIGMAP_NAME, "namespace": CONFIGMAP_NAMESPACE}, "data": data}


def _true(value: object) -> bool:
    return str(value).strip().lower() in ("true", "1", "t")


def read(cluster: ConfigReader) -> VmopConfig:
    """The feature switches (deployment switches, capabilities, the network provider's pseudo-feature) and the
    privileged users, as the two ConfigMaps say now. A missing ConfigMap or key is off / empty."""
    deployment = (cluster.get("ConfigMap", CONFIGMAP_NAMESPACE, CONFIGMAP_NAME) or {}).get("data") or {}
    published = (
        cluster.get("ConfigMap", capabilities.CONFIGMAP_NAMESPACE, capabilities.CONFIGMAP_NAME) or {}
    ).get("data") or {}
    features: dict[str, bool] = {}
    for key, value in deployment.items():
        if key not in (NETWORK_PROVIDER_KEY, PRIVILEGED_USERS_KEY):
            features[str(key)] = _true(value)
    for name, key in capabilities.KEYS.items():
        if key in published:
            features[capabilities.FEATURES.get(name, name)] = _true(published[key])
    provider = NETWORK_PROVIDERS.get(str(deployment.get(NETWORK_PROVIDER_KEY) or "").strip().upper())
    if provider:
        features[provider] = True
    users = tuple(u.strip() for u in str(deployment.get(PRIVILEGED_USERS_KEY) or "").split(",") if u.strip())
    return VmopConfig(features, users)


def split_features(
    release_name: str, features: Mapping[str, bool]
) -> tuple[dict[str, bool], dict[str, bool], str]:
    """Feature states by the rules' names -> (deployment switches, capabilities by flag name, network provider):
    how a Supervisor with exactly these switches on is configured (what a test sets)."""
    by_feature = {feature: name for name, feature in capabilities.FEATURES.items()}
    switches = {name: False for name in SWITCHES.get(release_name, frozenset())}
    published = {name: False for name in capabilities.KEYS}
    provider = ""
    for name, on in features.items():
        if name in NETWORK_PROVIDERS.values():
            if on:
                provider = next(k for k, v in NETWORK_PROVIDERS.items() if v == name)
        elif name in by_feature:
            published[by_feature[name]] = on
        else:
            switches[name] = on
    return switches, published, provider
