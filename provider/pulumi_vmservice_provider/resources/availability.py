"""Kinds that only newer Supervisors serve: Check says so, naming the kind and the API it needs, instead of
letting the create fail on a missing resource type."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler


def kind_unavailable(handler: KubeObjectHandler, release: str) -> list[tuple[str, str]]:
    """One problem when the Supervisor answers but serves none of the kind's API versions; none when it
    serves one or cannot be asked (offline preview)."""
    if handler.reachable_api_version() is not None:
        return []
    ref = handler.kind_ref
    try:
        served = handler.state.kube.served_versions(ref.group)
    except Exception:  # unreachable: nothing is known
        return []
    if not served:
        return []  # no VM Operator API at all: the usual error says so at create
    return [
        (
            "spec",
            f"{ref.kind} needs VM Operator API {ref.group}/{ref.versions[0]} or newer (a {release} Supervisor); "
            f"this Supervisor serves {', '.join(served)}, which has no {ref.kind}",
        )
    ]
