from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import skip_or_fail_missing
from tests.e2e.pulumi_cli import TOOLS_BIN


@pytest.fixture(scope="session")
def pulumi_cli() -> Path:
    for tool in ("pulumi", "pulumi-language-yaml"):
        if not (TOOLS_BIN / tool).exists():
            skip_or_fail_missing(f"{TOOLS_BIN / tool} is missing; run `make tools`")
    return TOOLS_BIN / "pulumi"


# The simulated Supervisor (one per session) is shared with the integration tests.
from tests.integration.conftest import admin, devops, simulator  # noqa: E402, F401
