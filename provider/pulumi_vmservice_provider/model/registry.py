"""Every resource and function the provider offers, by token: one model module per kind."""

from __future__ import annotations

from pulumi_vmservice_provider.model.lookups import (
    GET_VIRTUAL_MACHINE,
    GET_VIRTUAL_MACHINE_CLASS,
    GET_VIRTUAL_MACHINE_IMAGE,
    GET_WEB_CONSOLE_URL,
)
from pulumi_vmservice_provider.model.types import FunctionDef, ResourceDef
from pulumi_vmservice_provider.model.vcenter_contentlibrary import CONTENT_LIBRARY
from pulumi_vmservice_provider.model.vcenter_contentlibraryitem import CONTENT_LIBRARY_ITEM
from pulumi_vmservice_provider.model.vcenter_lookups import GET_DATASTORE, GET_STORAGE_POLICY, GET_SUPERVISOR
from pulumi_vmservice_provider.model.vcenter_namespace import NAMESPACE
from pulumi_vmservice_provider.model.vcenter_virtualmachineclass import VIRTUAL_MACHINE_CLASS
from pulumi_vmservice_provider.model.virtualmachine import VIRTUAL_MACHINE
from pulumi_vmservice_provider.model.virtualmachinepublishrequest import VIRTUAL_MACHINE_PUBLISH_REQUEST
from pulumi_vmservice_provider.model.virtualmachineservice import VIRTUAL_MACHINE_SERVICE
from pulumi_vmservice_provider.model.virtualmachinesetresourcepolicy import (
    VIRTUAL_MACHINE_SET_RESOURCE_POLICY,
)

RESOURCES: dict[str, ResourceDef] = {
    r.token: r
    for r in (
        VIRTUAL_MACHINE,
        VIRTUAL_MACHINE_SERVICE,
        VIRTUAL_MACHINE_PUBLISH_REQUEST,
        VIRTUAL_MACHINE_SET_RESOURCE_POLICY,
        VIRTUAL_MACHINE_CLASS,
        CONTENT_LIBRARY,
        CONTENT_LIBRARY_ITEM,
        NAMESPACE,
    )
}

FUNCTIONS: dict[str, FunctionDef] = {
    f.token: f
    for f in (
        GET_VIRTUAL_MACHINE_IMAGE,
        GET_VIRTUAL_MACHINE_CLASS,
        GET_VIRTUAL_MACHINE,
        GET_WEB_CONSOLE_URL,
        GET_SUPERVISOR,
        GET_STORAGE_POLICY,
        GET_DATASTORE,
    )
}
