"""The codebase's structural rules: layer contracts, one registered handler per modelled kind, documented
schema. `make lint` runs this file."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from pulumi_vmservice_provider.model.config import CONFIG
from pulumi_vmservice_provider.model.registry import FUNCTIONS, RESOURCES
from pulumi_vmservice_provider.model.types import Prop
from pulumi_vmservice_provider.resources.registry import registered_tokens

PACKAGES = Path(__file__).resolve().parents[2] / "provider"
PROVIDER = "pulumi_vmservice_provider"
SIMULATOR = "vmservice_sim"
API_CLIENT_LIBRARIES = ("kubernetes", "httpx", "pyVmomi", "pyVim")

# (modules the rule applies to, what they must never import)
LAYER_RULES: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (
        (f"{PROVIDER}.model",),
        (
            f"{PROVIDER}.resources",
            f"{PROVIDER}.clients",
            f"{PROVIDER}.server",
            f"{PROVIDER}.core",
            f"{PROVIDER}.readiness",
            SIMULATOR,
            "grpc",
            *API_CLIENT_LIBRARIES,
        ),
    ),
    (
        (f"{PROVIDER}.server",),
        (
            f"{PROVIDER}.resources",
            f"{PROVIDER}.clients",
            f"{PROVIDER}.readiness",
            SIMULATOR,
            *API_CLIENT_LIBRARIES,
        ),
    ),
    ((f"{PROVIDER}.core",), (f"{PROVIDER}.clients", SIMULATOR, "grpc", *API_CLIENT_LIBRARIES)),
    (
        (
            f"{PROVIDER}.operations",
            f"{PROVIDER}.wire",
            f"{PROVIDER}.errors",
            f"{PROVIDER}.context",
            f"{PROVIDER}.settings",
        ),
        (
            f"{PROVIDER}.resources",
            f"{PROVIDER}.clients",
            f"{PROVIDER}.server",
            f"{PROVIDER}.core",
            SIMULATOR,
            *API_CLIENT_LIBRARIES,
        ),
    ),
    ((f"{PROVIDER}.resources",), (f"{PROVIDER}.server", f"{PROVIDER}.core", SIMULATOR, "grpc")),
    (
        (f"{PROVIDER}.clients",),
        (
            f"{PROVIDER}.resources",
            f"{PROVIDER}.server",
            f"{PROVIDER}.core",
            f"{PROVIDER}.readiness",
            SIMULATOR,
        ),
    ),
    (
        (f"{PROVIDER}.readiness",),
        (
            f"{PROVIDER}.resources",
            f"{PROVIDER}.clients",
            f"{PROVIDER}.server",
            f"{PROVIDER}.core",
            SIMULATOR,
            "grpc",
            *API_CLIENT_LIBRARIES,
        ),
    ),
    ((PROVIDER,), (SIMULATOR,)),
    ((SIMULATOR,), (PROVIDER,)),
    # The API package both use: pure, imports neither, talks to no server.
    (("vmservice_api",), (PROVIDER, SIMULATOR, "grpc", "yaml", *API_CLIENT_LIBRARIES)),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGES).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def runtime_imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) of every import that runs (module level or inside functions), leaving out
    imports only for type checkers."""
    tree = ast.parse(path.read_text(), str(path))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if _is_type_checking_block(node):
            skipped.update(id(child) for child in ast.walk(node))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield node.lineno, ".".join([*base, node.module or ""]).rstrip(".")
            else:
                yield node.lineno, node.module or ""


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_layer_contracts() -> None:
    violations = []
    for path in sorted(PACKAGES.rglob("*.py")):
        module = module_name(path)
        for applies_to, forbidden in LAYER_RULES:
            if not any(_within(module, layer) for layer in applies_to):
                continue
            for line, imported in runtime_imports(path):
                for banned in forbidden:
                    if _within(imported, banned):
                        violations.append(f"{path.relative_to(PACKAGES)}:{line} imports {imported}")
    assert violations == []


def test_the_layer_check_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    sample = PACKAGES / PROVIDER / "model" / "_sample_for_test.py"
    sample.write_text("def f():\n    import kubernetes\n\nfrom ..clients import kube\n")
    try:
        found = [name for _, name in runtime_imports(sample)]
    finally:
        sample.unlink()
    assert "kubernetes" in found and f"{PROVIDER}.clients" in found


def test_every_modelled_kind_has_exactly_its_handler() -> None:
    resources, functions = registered_tokens()
    assert resources == set(RESOURCES)
    assert functions == set(FUNCTIONS)


def kind_folder(token: str) -> str:
    """The one naming rule: a kind's folder (and module elsewhere) is its name in lower case, `vcenter_`
    first for vCenter objects; a lookup is named after what it looks up (`getDatastore` -> datastore)."""
    _, module, name = token.split(":")
    name = name.removeprefix("get") if name.startswith("get") and name[3:4].isupper() else name
    return ("" if module == "index" else f"{module}_") + name.lower()


def test_every_kind_is_one_folder_listed_once_in_kinds() -> None:
    from pulumi_vmservice_provider.kinds import KINDS

    folders = {
        p.name for p in (PACKAGES / PROVIDER / "kinds").iterdir() if p.is_dir() and p.name != "__pycache__"
    }
    assert len(KINDS) == len(set(KINDS))
    assert folders == set(KINDS)


def test_each_resource_and_function_lives_in_the_folder_its_name_gives() -> None:
    from pulumi_vmservice_provider.model.registry import KIND_OF
    from pulumi_vmservice_provider.resources.registry import function_impl, handler_class

    aliases = {"vmservice:index:getWebConsoleUrl": "virtualmachinewebconsolerequest"}
    for token, folder in KIND_OF.items():
        assert folder == aliases.get(token, kind_folder(token)), token
        implementation = handler_class(token) if token in RESOURCES else function_impl(token)
        assert implementation.__module__.split(".")[2] == folder, token


def test_simulator_and_rules_modules_follow_the_same_naming_rule() -> None:
    from vmservice_sim.registry import registrations

    for registration in registrations():
        assert registration.module_name == registration.kind.lower(), registration.kind
    rules = PACKAGES / "vmservice_api" / "rules" / "kinds"
    types = PACKAGES / "vmservice_api" / "types" / "release_9_1"
    for folder in (rules, types):
        for module in folder.iterdir():
            name = module.stem
            if name.startswith("_"):
                continue
            assert name == name.lower() and "_" not in name, module


def test_adding_a_kind_touches_its_folder_one_kinds_line_and_the_simulators_module() -> None:
    """Everything else finds a kind from `KINDS`: the model and handler registries, crdgen, the schema, and
    (for a Supervisor kind) the simulator's registry, which finds its module by the same name."""
    from pulumi_vmservice_provider.kinds import KINDS
    from pulumi_vmservice_provider.model.registry import KIND_OF
    from vmservice_sim.registry import registrations

    simulated = {r.module_name for r in registrations()}
    for token, definition in RESOURCES.items():
        if definition.kube is not None:
            folder = KIND_OF[token]
            assert folder in KINDS
            assert folder in simulated, f"{token}: no simulator module vmservice_sim/kinds/{folder}"


# Modules of the engine: they serve every kind and name none.
ENGINE = (
    "core.py",
    "operations.py",
    "model/check.py",
    "model/decode.py",
    "model/diff.py",
    "model/disruption.py",
    "model/modifiers.py",
    "model/plan.py",
    "model/types.py",
    "model/layering.py",
    "model/paths.py",
    "model/registry.py",
    "model/crdgen.py",
    "model/crdtypes.py",
    "model/modifiers.py",
    "resources/kubefields.py",
    "resources/kubehooks.py",
    "resources/admission.py",
    "resources/base.py",
    "resources/kubeobject.py",
    "resources/dryrun.py",
    "resources/ownership.py",
    "resources/snapshots.py",
    "resources/state.py",
    "resources/registry.py",
    "readiness/conditions.py",
    "readiness/loop.py",
    "readiness/deletion.py",
    "server/servicer.py",
)
KIND_WORDS = re.compile(r"VirtualMachine|powerState|allowPowerCycle|PoweredOn|PoweredOff|Namespace\b")


def test_the_engine_names_no_kind() -> None:
    found = []
    for relative in ENGINE:
        path = PACKAGES / PROVIDER / relative
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if KIND_WORDS.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


def _undocumented(props: Mapping[str, Prop], where: str, seen: set[int]) -> Iterator[str]:
    for name, prop in props.items():
        if not prop.description.strip():
            yield f"{where}.{name}"
        for nested in (prop, prop.items):
            if nested is not None and nested.obj is not None and id(nested.obj) not in seen:
                seen.add(id(nested.obj))
                yield from _undocumented(nested.obj.properties, nested.obj.token, seen)


def test_every_property_has_a_description() -> None:
    seen: set[int] = set()
    missing: list[str] = []
    for token, resource in RESOURCES.items():
        missing += _undocumented(resource.inputs, token, seen)
        missing += _undocumented(resource.outputs, token, seen)
    for token, function in FUNCTIONS.items():
        missing += _undocumented(function.inputs, token, seen)
        missing += _undocumented(function.outputs, token, seen)
    missing += _undocumented({k: v.prop for k, v in CONFIG.items()}, "config", seen)
    assert missing == []


@pytest.mark.parametrize("token", sorted(RESOURCES))
def test_resources_and_functions_are_described(token: str) -> None:
    assert RESOURCES[token].description.strip()
