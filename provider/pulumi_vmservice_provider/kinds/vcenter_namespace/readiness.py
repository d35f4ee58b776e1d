"""A vSphere Namespace is usable once vCenter reports it RUNNING (older vCenters report no status at all);
ERROR is final, and so is the namespace vanishing while it is being configured."""

from __future__ import annotations

from typing import Protocol

from pulumi_vmservice_provider.readiness.conditions import MET, Check, Fatal, Readiness, disappeared, unmet

__all__ = ["NamespaceStatus", "namespace_deleted", "namespace_running"]


class NamespaceStatus(Protocol):
    @property
    def config_status(self) -> str | None: ...

    @property
    def messages(self) -> list[str]: ...


def _running(live: NamespaceStatus | None) -> Check:
    status = live.config_status if live else None
    if live is not None and status in ("RUNNING", None, ""):
        return MET
    return unmet(f"namespace is {status if live else 'missing'}")


def _failed(name: str) -> Fatal[NamespaceStatus]:
    def check(live: NamespaceStatus | None) -> str | None:
        if live is not None and live.config_status == "ERROR":
            return f"namespace {name} is in ERROR: {'; '.join(live.messages) or 'no details'}"
        return None

    return check


def _gone(live: NamespaceStatus | None) -> Check:
    return MET if live is None else unmet(f"namespace is {live.config_status}")


def namespace_running(name: str) -> Readiness[NamespaceStatus]:
    gone: Fatal[NamespaceStatus] = disappeared(f"namespace {name}", "it was configured")
    return Readiness((_running,), fatal=(gone, _failed(name)))


def namespace_deleted() -> Readiness[NamespaceStatus]:
    return Readiness((_gone,))
