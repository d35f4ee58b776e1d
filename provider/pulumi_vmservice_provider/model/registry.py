"""Every resource and function the provider offers, by token, from each kind's declaration.

`kinds.KINDS` lists the kinds; each folder's `declaration.py` declares its resource (a `ResourceDef`) and/or
functions (`FunctionDef`s) as module-level values. Handlers are not imported here (start-up stays fast).
"""

from __future__ import annotations

import importlib

from pulumi_vmservice_provider.kinds import KINDS
from pulumi_vmservice_provider.model.types import FunctionDef, ResourceDef


def declaration_module(kind: str) -> str:
    return f"pulumi_vmservice_provider.kinds.{kind}.declaration"


def _declarations() -> tuple[dict[str, ResourceDef], dict[str, FunctionDef], dict[str, str]]:
    resources: dict[str, ResourceDef] = {}
    functions: dict[str, FunctionDef] = {}
    kind_of: dict[str, str] = {}  # token -> the kind folder that declares it
    for kind in KINDS:
        module = importlib.import_module(declaration_module(kind))
        for value in vars(module).values():
            if not isinstance(value, ResourceDef | FunctionDef):
                continue
            if kind_of.setdefault(value.token, kind) != kind:
                raise ValueError(
                    f"{value.token} appears in kinds {kind_of[value.token]} and {kind}: a kind declares its own "
                    "resource and functions (import another kind's types, not its definition)"
                )
            if isinstance(value, ResourceDef):
                resources[value.token] = value
            else:
                functions[value.token] = value
    return dict(sorted(resources.items())), dict(sorted(functions.items())), kind_of


RESOURCES, FUNCTIONS, KIND_OF = _declarations()
