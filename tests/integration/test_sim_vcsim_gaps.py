"""Gaps of govmomi's vcsim that the project's own vcsim program (tools/vcsim) fills, seen through the
simulator's vCenter: what vCenter keeps must not read back as drift."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

pytestmark = pytest.mark.integration

CLASSES = "/api/vcenter/namespace-management/virtual-machine-classes"


def test_vm_class_description_is_kept(simulator: Any) -> None:
    vcenter = simulator.vcenter
    seeded = vcenter.get_vm_class("best-effort-small")
    assert seeded is not None and seeded["description"] == "2 vCPU, 4 GiB, best effort"

    name = f"described-{secrets.token_hex(3)}"
    vcenter.create_vm_class(name, 2, 2048, description="first words")
    try:
        assert vcenter.get_vm_class(name)["description"] == "first words"
        # An update that leaves the description out keeps it, as vCenter does.
        vcenter.rest("PATCH", f"{CLASSES}/{name}", json={"cpu_count": 4, "memory_MB": 2048})
        kept = vcenter.get_vm_class(name)
        assert (kept["cpu_count"], kept["description"]) == (4, "first words")
        vcenter.rest(
            "PATCH", f"{CLASSES}/{name}", json={"cpu_count": 4, "memory_MB": 2048, "description": ""}
        )
        listed = {c["id"]: c for c in vcenter.rest("GET", CLASSES)}
        assert listed[name]["description"] == ""
        assert listed["best-effort-small"]["description"] == "2 vCPU, 4 GiB, best effort"
    finally:
        vcenter.rest("DELETE", f"{CLASSES}/{name}")
    assert vcenter.get_vm_class(name) is None


def test_vcsim_reports_the_govmomi_version_it_was_built_from(simulator: Any) -> None:
    assert simulator.vcsim.govmomi_version.startswith("v0.")
    version = simulator.describe()["components"]["vcsim"]["version"]
    assert version == f"govmomi {simulator.vcsim.govmomi_version}"
