"""Only the Supervisor client talks to the `kubernetes` library, and readiness stays pure: an AST scan of
every import (module level, function level and type-checking-only) and every name the code uses."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "provider" / "pulumi_vmservice_provider"


def imported_modules(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def used_names(tree: ast.AST) -> set[str]:
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return names | {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


def modules(under: Path = PACKAGE) -> Iterator[tuple[str, ast.AST]]:
    for path in sorted(under.rglob("*.py")):
        yield str(path.relative_to(PACKAGE)), ast.parse(path.read_text(), str(path))


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_only_the_clients_import_kubernetes() -> None:
    offenders = [
        where
        for where, tree in modules()
        if not where.startswith("clients/")
        and any(is_within(module, "kubernetes") for module in imported_modules(tree))
    ]
    assert offenders == []


def test_no_module_outside_the_clients_handles_the_librarys_exceptions() -> None:
    offenders = [
        where
        for where, tree in modules()
        if not where.startswith("clients/") and "ApiException" in used_names(tree)
    ]
    assert offenders == []


def test_readiness_imports_no_client_server_or_api_library() -> None:
    banned = (
        "kubernetes",
        "grpc",
        "httpx",
        "pyVmomi",
        "pulumi_vmservice_provider.clients",
        "pulumi_vmservice_provider.server",
    )
    offenders = [
        f"{where}: {module}"
        for where, tree in modules(PACKAGE / "readiness")
        for module in imported_modules(tree)
        if any(is_within(module, name) for name in banned)
    ]
    assert offenders == []


def test_the_scan_sees_imports_inside_functions() -> None:
    tree = ast.parse(
        "def f():\n    from kubernetes.client.exceptions import ApiException\n    return ApiException\n"
    )
    assert "kubernetes.client.exceptions" in list(imported_modules(tree))
    assert "ApiException" in used_names(tree)
