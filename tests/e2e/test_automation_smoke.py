"""A Python program under the real CLI (Automation API): up, preview with no changes, refresh, destroy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.automation import stack

pytestmark = pytest.mark.e2e


def test_python_program_lifecycle(
    pulumi_cli: Path, tmp_path: Path, control_plane: Any, namespace: str
) -> None:
    import pulumi
    import pulumi_vmservice as vmservice

    def program() -> None:
        policy = vmservice.VirtualMachineSetResourcePolicy(
            "pool", spec={"folder": "shop", "resource_pool": {"name": "shop"}}
        )
        pulumi.export("name", policy.metadata.apply(lambda m: m.name if m else None))

    env = {"KUBECONFIG": str(control_plane.kubeconfig_path)}
    created = stack(tmp_path, "automation-smoke", program, env, {"vmservice:namespace": namespace})
    result = created.up(on_output=lambda _: None)
    assert result.summary.result == "succeeded"
    assert result.outputs["name"].value.startswith("pool-")
    preview = created.preview(on_output=lambda _: None)
    assert set(preview.change_summary) == {"same"}
    created.refresh(on_output=lambda _: None)
    destroyed = created.destroy(on_output=lambda _: None)
    assert destroyed.summary.result == "succeeded"
