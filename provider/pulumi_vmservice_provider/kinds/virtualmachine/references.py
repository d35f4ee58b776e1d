"""Check at preview that a VM's class, image and storage class exist in its namespace, when the Supervisor
can be asked: a preview then fails with the choices there are, instead of `up` failing on the webhook.

The namespace's catalog is read once and kept briefly, so a preview of many VMs asks once per namespace; a
reference the kept catalog lacks is looked up again before it is reported (an image published earlier in the
same `up` exists by the time the VM that uses it is checked).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vmservice_api.objects import JSONObject, view

from pulumi_vmservice_provider.clients.supervisor import RESOURCE_QUOTA
from pulumi_vmservice_provider.resources.lookups import (
    CLUSTER_VIRTUAL_MACHINE_IMAGES,
    VIRTUAL_MACHINE_CLASSES,
    VIRTUAL_MACHINE_IMAGES,
)

if TYPE_CHECKING:
    from pulumi_vmservice_provider.clients.supervisor import SupervisorClient

CATALOG_TTL_SECONDS = 15.0
QUOTA_MARK = ".storageclass.storage.k8s.io/"


@dataclass(frozen=True)
class NamespaceCatalog:
    fetched: float
    classes: list[str]
    images: list[tuple[str | None, str]]  # (display name, vmi- name)
    storage_classes: list[str]


class Catalogs:
    """The catalogs of the namespaces a plugin process has looked at (one per handler)."""

    def __init__(self) -> None:
        self._catalogs: dict[str, NamespaceCatalog] = {}
        self._lock = threading.Lock()

    def of(self, kube: SupervisorClient, namespace: str, refresh: bool = False) -> NamespaceCatalog:
        with self._lock:
            cached = self._catalogs.get(namespace)
            if not refresh and cached is not None and time.monotonic() - cached.fetched < CATALOG_TTL_SECONDS:
                return cached
        # No operation: one quick attempt each, as befits a check.
        images = kube.list(None, VIRTUAL_MACHINE_IMAGES, namespace) + kube.list(
            None, CLUSTER_VIRTUAL_MACHINE_IMAGES
        )
        quotas = kube.list(None, RESOURCE_QUOTA, namespace)
        catalog = NamespaceCatalog(
            fetched=time.monotonic(),
            classes=sorted(view(c).name for c in kube.list(None, VIRTUAL_MACHINE_CLASSES, namespace)),
            images=[(view(i).status.get("name"), view(i).name) for i in images],
            storage_classes=sorted(
                {
                    key.split(QUOTA_MARK)[0]
                    for quota in quotas
                    for key in view(quota).spec.get("hard") or {}
                    if QUOTA_MARK in key
                }
            ),
        )
        with self._lock:
            self._catalogs[namespace] = catalog
        return catalog


def problems(catalog: NamespaceCatalog, namespace: str, spec: JSONObject) -> list[tuple[str, str]]:
    """What the catalog says about the spec's references, as Check failures."""
    found: list[tuple[str, str]] = []
    class_name = spec.get("className")
    if isinstance(class_name, str) and class_name not in catalog.classes:
        available = ", ".join(catalog.classes) or "none"
        found.append(
            (
                "spec.className",
                f"VM class {class_name!r} is not assigned to namespace {namespace}; available: {available}",
            )
        )
    image = spec.get("imageName")
    if isinstance(image, str):
        by_name = {name for _, name in catalog.images}
        matches = [name for shown, name in catalog.images if shown == image]
        if image not in by_name and not matches:
            choices = ", ".join(sorted({shown or name for shown, name in catalog.images})) or "none"
            found.append(
                ("spec.imageName", f"no image named {image!r} in namespace {namespace}; available: {choices}")
            )
        elif image not in by_name and len(matches) > 1:
            found.append(
                (
                    "spec.imageName",
                    f"display name {image!r} is ambiguous; use one of: {', '.join(sorted(matches))}",
                )
            )
    storage = spec.get("storageClass")
    if isinstance(storage, str) and catalog.storage_classes and storage not in catalog.storage_classes:
        found.append(
            (
                "spec.storageClass",
                f"storage class {storage!r} is not assigned to namespace {namespace}; "
                f"available: {', '.join(catalog.storage_classes)}",
            )
        )
    return found
