"""Every resource and function the provider offers, by token."""

from __future__ import annotations

from pulumi_vmservice_provider.model.functions import (
    GET_VIRTUAL_MACHINE,
    GET_VIRTUAL_MACHINE_CLASS,
    GET_VIRTUAL_MACHINE_IMAGE,
    GET_WEB_CONSOLE_URL,
)
from pulumi_vmservice_provider.model.others import (
    VIRTUAL_MACHINE_PUBLISH_REQUEST,
    VIRTUAL_MACHINE_SERVICE,
    VIRTUAL_MACHINE_SET_RESOURCE_POLICY,
)
from pulumi_vmservice_provider.model.types import FunctionDef, ResourceDef
from pulumi_vmservice_provider.model.vcenter import FUNCTIONS as VCENTER_FUNCTIONS
from pulumi_vmservice_provider.model.vcenter import RESOURCES as VCENTER_RESOURCES
from pulumi_vmservice_provider.model.virtualmachine import VIRTUAL_MACHINE

RESOURCES: dict[str, ResourceDef] = {
    r.token: r
    for r in (
        VIRTUAL_MACHINE,
        VIRTUAL_MACHINE_SERVICE,
        VIRTUAL_MACHINE_PUBLISH_REQUEST,
        VIRTUAL_MACHINE_SET_RESOURCE_POLICY,
    )
}

FUNCTIONS: dict[str, FunctionDef] = {
    f.token: f
    for f in (GET_VIRTUAL_MACHINE_IMAGE, GET_VIRTUAL_MACHINE_CLASS, GET_VIRTUAL_MACHINE, GET_WEB_CONSOLE_URL)
}

RESOURCES.update({r.token: r for r in VCENTER_RESOURCES})
FUNCTIONS.update({f.token: f for f in VCENTER_FUNCTIONS})
