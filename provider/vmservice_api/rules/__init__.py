"""VM Operator's admission rules, re-expressed: one pure, typed function per upstream rule.

The simulator's webhooks and the provider's offline previews both run these (`validate`, `mutate`, `admit`);
neither imports the other. Each kind's rules live in `kinds/<kind>.py` (or a package of that name) and name
the upstream file and function they come from (VM Operator v1.8.6 for vSphere 8.0 U3, v1.10.0 for 9.1); the
corpus in `tests/fidelity/` proves them against cases translated from upstream's own webhook tests.
"""

from __future__ import annotations

import importlib
import pkgutil

from vmservice_api.rules.framework import (
    RELEASES,
    Cluster,
    Denied,
    Identity,
    Mutated,
    Release,
    Request,
    Rule,
    Skipped,
    StaticCluster,
    Unjudged,
    UnknownCluster,
    Validated,
    admit,
    mutate,
    mutation,
    rules,
    undecided_by,
    validate,
    validation,
)

_loaded = False


def load() -> None:
    """Import every kind's rule module once (they register their rules on import)."""
    global _loaded
    if _loaded:
        return
    import vmservice_api.rules.kinds as package

    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"{package.__name__}.{module.name}")
    _loaded = True


__all__ = [
    "RELEASES",
    "Cluster",
    "Denied",
    "Identity",
    "Mutated",
    "Release",
    "Request",
    "Rule",
    "Skipped",
    "StaticCluster",
    "Unjudged",
    "UnknownCluster",
    "Validated",
    "admit",
    "load",
    "mutate",
    "mutation",
    "rules",
    "undecided_by",
    "validate",
    "validation",
]
