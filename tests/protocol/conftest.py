from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.protocol.harness import Plugin


@pytest.fixture
def plugin() -> Iterator[Plugin]:
    started = Plugin(env={"KUBECONFIG": "/nonexistent/kubeconfig"})
    try:
        yield started
    finally:
        started.close()
