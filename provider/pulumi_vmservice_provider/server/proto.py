"""Pulumi's protocol stubs, loaded without running the Pulumi SDK's package initialiser.

The stubs ship in the `pulumi` wheel under `pulumi.runtime.proto`, but importing them normally executes
`pulumi/__init__.py`, which pulls in the whole program SDK (~0.3 s). The engine starts the plugin for every
command, so the packages are registered as bare namespaces and only the generated modules are executed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path
from typing import Any


def _bare_package(name: str, path: Path) -> bool:
    if name in sys.modules:
        return False
    module = types.ModuleType(name)
    module.__path__ = [str(path)]
    module.__package__ = name
    sys.modules[name] = module
    return True


def _pulumi_root() -> Path:
    loaded = sys.modules.get("pulumi")
    if loaded is not None and getattr(loaded, "__path__", None):
        return Path(next(iter(loaded.__path__)))
    spec = importlib.util.find_spec("pulumi")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the 'pulumi' package (protocol stubs) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _load(name: str) -> Any:
    full = f"pulumi.runtime.proto.{name}"
    if full in sys.modules:
        return sys.modules[full]
    root = _pulumi_root()
    packages = {
        "pulumi": root,
        "pulumi.runtime": root / "runtime",
        "pulumi.runtime.proto": root / "runtime" / "proto",
    }
    created = [name for name, path in packages.items() if _bare_package(name, path)]
    try:
        return importlib.import_module(full)
    finally:
        # Leave no half-initialised `pulumi` behind: a later `import pulumi` (a program in the same process)
        # must get the real package, which then reuses the already loaded generated modules.
        for name in created:
            del sys.modules[name]


provider_pb2: Any = _load("provider_pb2")
provider_pb2_grpc: Any = _load("provider_pb2_grpc")
plugin_pb2: Any = _load("plugin_pb2")
engine_pb2: Any = _load("engine_pb2")
engine_pb2_grpc: Any = _load("engine_pb2_grpc")
status_pb2: Any = _load("status_pb2")
