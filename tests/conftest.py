"""Shared fixtures: one real control plane (etcd + kube-apiserver + kube-controller-manager + VM Operator
CRDs) and one vcsim per session, a fresh namespace per test.

A missing tool (`make tools` not run) skips the tests that need it locally and fails them when CI=true.
Heavy imports happen inside the fixtures, so unit tests do not pay for them.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import pytest

if TYPE_CHECKING:
    from vmservice_sim.controlplane import ControlPlane
    from vmservice_sim.vcsim import Vcsim

T = TypeVar("T")

CRD_RELEASE = "8.0u3"

# Component start times of the session's fixtures, printed in the terminal summary.
FIXTURE_START_SECONDS: dict[str, float] = {}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def skip_or_fail_missing(message: str) -> NoReturn:
    """Skip locally; fail in CI, where every tool must have been built."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: missing tools are an error)", pytrace=False)
    pytest.skip(message)


def run_needing_tools(start: Callable[[], T]) -> T:
    """Run `start`; a ToolMissing from it skips (locally) or fails (CI) the requesting test."""
    from vmservice_sim.tools import ToolMissing

    try:
        return start()
    except ToolMissing as exc:
        message = str(exc)
    skip_or_fail_missing(message)


def pytest_configure(config: pytest.Config) -> None:
    """Turn SIGTERM (e.g. from `timeout`) into KeyboardInterrupt, so session teardown stops what fixtures started."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"terminated by signal {signum}")

    signal.signal(signal.SIGTERM, terminate)


@pytest.fixture(scope="session")
def require_tool() -> Callable[[str], Path]:
    """`require_tool("pulumi")` returns the tool's path, or skips/fails the test when it is missing."""
    from vmservice_sim.tools import find_tool

    def require(name: str) -> Path:
        return run_needing_tools(lambda: find_tool(name))

    return require


@pytest.fixture(scope="session")
def control_plane(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlPlane]:
    from vmservice_sim.controlplane import ControlPlane

    cp = ControlPlane(tmp_path_factory.mktemp("controlplane"), crd_release=CRD_RELEASE)
    try:
        run_needing_tools(cp.start)
        for name in ("etcd", "kube-apiserver", "crds", "kube-controller-manager"):
            if name in cp.startup_seconds:
                FIXTURE_START_SECONDS[name] = cp.startup_seconds[name]
        yield cp
    finally:
        cp.stop()


@pytest.fixture(scope="session")
def kube_api_client(control_plane: ControlPlane) -> Iterator[Any]:
    """A `kubernetes.client.ApiClient` for the control plane's admin user."""
    api = control_plane.api_client()
    try:
        yield api
    finally:
        api.close()


@pytest.fixture(scope="session")
def vcsim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vcsim]:
    from vmservice_sim.vcsim import Vcsim

    sim = Vcsim(tmp_path_factory.mktemp("vcsim"))
    try:
        run_needing_tools(sim.start)
        FIXTURE_START_SECONDS["vcsim"] = sim.startup_seconds
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def namespace(kube_api_client: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh namespace for one test; deleted afterwards without waiting for it to go."""
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40].strip("-")
    name = f"t-{slug}-{secrets.token_hex(3)}"
    core = client.CoreV1Api(kube_api_client)
    core.create_namespace({"metadata": {"name": name, "labels": {"vmservice.test/ephemeral": "true"}}})
    try:
        yield name
    finally:
        try:
            core.delete_namespace(name, _preload_content=False)
        except ApiException as exc:
            if exc.status != 404:
                raise


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if FIXTURE_START_SECONDS:
        parts = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in FIXTURE_START_SECONDS.items())
        terminalreporter.write_line(f"fixture start: {parts}")
