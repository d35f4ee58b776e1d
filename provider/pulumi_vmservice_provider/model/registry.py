"""Every resource and function the provider offers, by token.

Each kind is declared once, in its own module of this package (`model/<kind>.py`); this registry finds the
declarations (module-level `ResourceDef` and `FunctionDef` values), so adding a kind touches no other file here.
"""

from __future__ import annotations

import importlib
import pkgutil

from pulumi_vmservice_provider.model.types import FunctionDef, ResourceDef

# Modules of the package that declare no kind: the DSL, the engines over it and shared pieces.
_INFRASTRUCTURE = {
    "check",
    "common",
    "config",
    "crdgen",
    "diff",
    "disruption",
    "generated",
    "layering",
    "paths",
    "registry",
    "semantics",
    "types",
    "vcenter_common",
}


def _declarations() -> tuple[dict[str, ResourceDef], dict[str, FunctionDef]]:
    package = importlib.import_module(__package__ or "pulumi_vmservice_provider.model")
    resources: dict[str, ResourceDef] = {}
    functions: dict[str, FunctionDef] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in _INFRASTRUCTURE:
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, ResourceDef):
                if resources.setdefault(value.token, value) is not value:
                    raise ValueError(f"{value.token} is declared twice")
            elif isinstance(value, FunctionDef) and functions.setdefault(value.token, value) is not value:
                raise ValueError(f"{value.token} is declared twice")
    return dict(sorted(resources.items())), dict(sorted(functions.items()))


RESOURCES, FUNCTIONS = _declarations()
