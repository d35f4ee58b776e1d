"""Which handler serves which resource or function.

Each kind's folder holds `handler.py` (a resource's handler, registered with `@handles(DEFINITION)`) and/or
`functions.py` (lookups, registered with `@implements(DEFINITION)`). They are imported on first use, so
plugin start-up never pays for them.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi_vmservice_provider.errors import ProviderError
from pulumi_vmservice_provider.kinds import KINDS

if TYPE_CHECKING:
    from pulumi_vmservice_provider.model.types import FunctionDef, ResourceDef
    from pulumi_vmservice_provider.operations import InvokeRequest, PropertyMap
    from pulumi_vmservice_provider.resources.base import ResourceHandler
    from pulumi_vmservice_provider.resources.state import ProviderState

    FunctionImpl = Callable[[ProviderState, InvokeRequest], PropertyMap]

H = TypeVar("H", bound="type[Any]")
F = TypeVar("F", bound="Callable[..., Any]")

IMPLEMENTATION_MODULES = ("handler", "functions")

_HANDLERS: dict[str, type[Any]] = {}
_FUNCTIONS: dict[str, FunctionImpl] = {}
_loaded = False
_lock = threading.Lock()


def handles(definition: ResourceDef) -> Callable[[H], H]:
    def register(cls: H) -> H:
        if definition.token in _HANDLERS:
            raise ProviderError(f"two handlers for {definition.token}")
        _HANDLERS[definition.token] = cls
        return cls

    return register


def implements(definition: FunctionDef) -> Callable[[F], F]:
    def register(fn: F) -> F:
        _FUNCTIONS[definition.token] = fn
        return fn

    return register


def _load() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        for kind in KINDS:
            for module in IMPLEMENTATION_MODULES:
                name = f"pulumi_vmservice_provider.kinds.{kind}.{module}"
                try:
                    importlib.import_module(name)
                except ModuleNotFoundError as error:
                    if error.name != name:
                        raise
        _loaded = True


def handler_class(token: str) -> type[Any]:
    _load()
    try:
        return _HANDLERS[token]
    except KeyError:
        raise ProviderError(f"no handler registered for {token}") from None


def make_handler(definition: ResourceDef, state: ProviderState) -> ResourceHandler:
    """The handler of a resource: a Supervisor kind's own class supplies its hooks to the lifecycle every
    Supervisor object shares; any other kind's class is the handler itself."""
    cls = handler_class(definition.token)
    if definition.kube is not None:
        from pulumi_vmservice_provider.resources.kubeobject import KubeObjectHandler

        return KubeObjectHandler(definition, state, cls())
    handler: ResourceHandler = cls(definition, state)
    return handler


def function_impl(token: str) -> FunctionImpl:
    _load()
    try:
        return _FUNCTIONS[token]
    except KeyError:
        raise ProviderError(f"no implementation registered for {token}") from None


def registered_tokens() -> tuple[set[str], set[str]]:
    """(resource tokens, function tokens) with a handler; a test checks they match the model."""
    _load()
    return set(_HANDLERS), set(_FUNCTIONS)
