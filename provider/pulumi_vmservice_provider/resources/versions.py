"""API versions and capabilities of the Supervisor, as the model's modifiers and Check need them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from vmservice_api.objects import JSON

from pulumi_vmservice_provider.model import paths
from pulumi_vmservice_provider.model.types import Prop

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.state import ProviderState


def version_order(version: str) -> tuple[int, int]:
    """v1alpha2 < v1alpha3 < ... < v1beta1 < v1."""
    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not match:
        return (0, 0)
    major, stage, number = match.groups()
    rank = {"alpha": 0, "beta": 1}.get(stage or "", 2)
    return (int(major) * 10 + rank, int(number or 0))


def fields_outside_version(
    props: Mapping[str, Prop] | None, values: JSON, version: str
) -> list[tuple[str, str]]:
    """(path, why) for every set field that API `version` does not have: introduced after it (`since`) or
    dropped before it (`until`). The apiserver refuses such a field ("field not declared in schema")."""
    return [
        (path, why)
        for path, prop in _set_fields(props, values, "")
        if (why := outside_version(prop, version)) is not None
    ]


def outside_version(prop: Prop, version: str) -> str | None:
    """Why API `version` has no such field, or None when it has it."""
    if prop.since and version_order(prop.since) > version_order(version):
        return f"needs VM Operator API {prop.since} or newer"
    if prop.until and version_order(prop.until) < version_order(version):
        moved = f"; {version} has it as {prop.moved_to}" if prop.moved_to else ""
        return f"VM Operator API {prop.until} is the last version with this field{moved}"
    return None


def _set_fields(props: Mapping[str, Prop] | None, values: JSON, base: str) -> Iterator[tuple[str, Prop]]:
    if not isinstance(values, dict) or props is None:
        return
    for key, value in values.items():
        prop = props.get(key)
        if prop is None or value is None:
            continue
        path = paths.join(base, key)
        yield path, prop
        if prop.kind == "object" and prop.obj is not None:
            yield from _set_fields(prop.obj.properties, value, path)
        elif (
            prop.kind == "array"
            and prop.items is not None
            and prop.items.obj is not None
            and isinstance(value, list)
        ):
            for index, item in enumerate(value):
                yield from _set_fields(prop.items.obj.properties, item, paths.join(path, index))


class SupervisorFacts:
    """Server facts from the Supervisor's API discovery and published capabilities; unknown (None) when it
    cannot be asked."""

    def __init__(self, state: ProviderState, served: Callable[[], str | None]):
        self._state = state
        self._served = served

    def api_version_at_least(self, version: str) -> bool | None:
        served = self._served()
        if served is None:
            return None
        return version_order(served.split("/")[1]) >= version_order(version)

    def release(self) -> str | None:
        """9.1 where the Supervisor serves v1alpha5, 8.0 U3 where its newest is older."""
        newer = self.api_version_at_least("v1alpha5")
        return None if newer is None else ("9.1" if newer else "8.0u3")

    def capability(self, name: str) -> bool | None:
        """From the Supervisor's published capabilities (read once per plugin process). A capability it does
        not publish is off, as VM Operator treats it, except class resize, which VM Operator gates with a
        deployment switch: unpublished, it follows the API version (v1alpha3+)."""
        from pulumi_vmservice_provider.clients.capabilities import KEYS, supervisor_capabilities

        try:
            published = supervisor_capabilities(self._state.kube)
        except Exception:  # no usable kubeconfig: nothing can be asked
            return None
        if published is None:
            return None
        key = KEYS.get(name, name)
        if key in published:
            return published[key]
        if name == "VMResize":
            return self.api_version_at_least("v1alpha3")
        return False
