"""Every resource and function the provider offers, by token."""

from __future__ import annotations

from provider.model.others import (
    VIRTUAL_MACHINE_PUBLISH_REQUEST,
    VIRTUAL_MACHINE_SERVICE,
    VIRTUAL_MACHINE_SET_RESOURCE_POLICY,
)
from provider.model.types import FunctionDef, ResourceDef
from provider.model.virtualmachine import VIRTUAL_MACHINE

RESOURCES: dict[str, ResourceDef] = {
    r.token: r
    for r in (
        VIRTUAL_MACHINE,
        VIRTUAL_MACHINE_SERVICE,
        VIRTUAL_MACHINE_PUBLISH_REQUEST,
        VIRTUAL_MACHINE_SET_RESOURCE_POLICY,
    )
}

FUNCTIONS: dict[str, FunctionDef] = {}
