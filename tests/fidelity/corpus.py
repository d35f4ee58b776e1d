"""The upstream-fidelity corpus: admission cases translated from VM Operator's own webhook tests.

Each file under `corpus/<kind>/` is YAML with optional `bases` (named objects) and a list of `cases`; see
`tests/fidelity/README.md` for the format. This module loads and expands them; the test modules run them
against the rules package, the provider's offline Check/Diff and the simulator's admission.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parent / "corpus"
RELEASES = ("8.0u3", "9.1")
USERS: dict[str, dict[str, Any]] = {
    # A DevOps user: a namespace editor, not privileged in VM Operator's sense.
    "devops": {"username": "sso:devops@vsphere.local", "groups": ["system:authenticated"]},
    # A cluster admin (system:masters): privileged.
    "privileged": {
        "username": "sso:admin@vsphere.local",
        "groups": ["system:masters", "system:authenticated"],
    },
    # VM Operator's own controller: privileged.
    "vmop": {
        "username": "system:serviceaccount:vmware-system-vmop:vmware-system-vmop-controller-manager",
        "groups": ["system:serviceaccounts", "system:authenticated"],
    },
}


class CorpusError(Exception):
    pass


def merge(base: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: objects merge recursively, null removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge(result.get(key), value)
    return result


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    source: str
    kind: str
    webhook: str  # mutating | validating
    operation: str  # CREATE | UPDATE | DELETE
    release: str
    object: dict[str, Any]
    old: dict[str, Any] | None
    user: dict[str, Any]
    features: dict[str, bool]
    cluster: tuple[dict[str, Any], ...]
    privileged_users: tuple[str, ...]
    expect: str  # allowed | denied
    errors: tuple[str, ...] = ()  # field paths a validating denial must name
    message: tuple[str, ...] = ()  # substrings the denial must contain
    mutated: dict[str, Any] = field(default_factory=dict)  # dotted path -> value after mutation
    # dotted path -> regular expression the value after mutation must match (generated UUIDs, times)
    mutated_matches: dict[str, str] = field(default_factory=dict)
    # dotted path -> another dotted path holding the same value after mutation
    mutated_same_as: dict[str, str] = field(default_factory=dict)
    chain: dict[str, Any] | None = None  # the outcome of mutate-then-validate when it differs
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def test_id(self) -> str:
        return f"{self.id}@{self.release}"


@dataclass(frozen=True)
class Skip:
    id: str
    file: str
    source: str
    reason: str


# libyaml's parser when PyYAML was built with it: the corpus is large enough for the pure-Python one to show.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path) -> Any:
    return yaml.load(path.read_text(), Loader=_LOADER)


def _files() -> list[Path]:
    return sorted(CORPUS.rglob("*.yaml"))


@cache
def _shared_bases() -> dict[str, Any]:
    bases: dict[str, Any] = {}
    for path in _files():
        document = _read(path) or {}
        for name, value in (document.get("bases") or {}).items():
            if name in bases:
                raise CorpusError(f"{path}: base {name!r} is defined twice")
            bases[name] = value
    return bases


def resolve(spec: Any, bases: Mapping[str, Any], seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object given as `{base: NAME, patch: {...}}` (bases may build on bases) or literally."""
    if isinstance(spec, dict) and "base" in spec and set(spec) <= {"base", "patch"}:
        name = spec["base"]
        if name in seen:
            raise CorpusError(f"base {name!r} builds on itself")
        if name not in bases:
            raise CorpusError(f"unknown base {name!r}")
        return merge(resolve(bases[name], bases, (*seen, name)), spec.get("patch") or {})
    if not isinstance(spec, dict):
        raise CorpusError(f"expected an object or {{base, patch}}, got {spec!r}")
    return copy.deepcopy(spec)


def _user(value: Any) -> dict[str, Any]:
    if value is None:
        return USERS["devops"]
    if isinstance(value, str):
        return USERS[value]
    return dict(value)


def _cluster(value: Any, bases: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    return tuple(resolve(item, bases) for item in value or ())


def load() -> tuple[list[Case], list[Skip]]:
    bases = _shared_bases()
    cases: list[Case] = []
    skips: list[Skip] = []
    seen: set[str] = set()
    for path in _files():
        document = _read(path) or {}
        relative = str(path.relative_to(CORPUS))
        for raw in document.get("cases") or ():
            case_id = raw.get("id")
            if not case_id or case_id in seen:
                raise CorpusError(f"{relative}: missing or duplicate case id {case_id!r}")
            seen.add(case_id)
            if "skip" in raw:
                skips.append(Skip(case_id, relative, raw.get("source", ""), raw["skip"]))
                continue
            try:
                cases.extend(_expand(raw, relative, bases))
            except (KeyError, CorpusError) as error:
                raise CorpusError(f"{relative}: case {case_id}: {error}") from error
    return cases, skips


def _expand(raw: Mapping[str, Any], file: str, bases: Mapping[str, Any]) -> Iterator[Case]:
    releases = raw.get("releases") or RELEASES
    for release in releases:
        if release not in RELEASES:
            raise CorpusError(f"unknown release {release!r}")
        yield Case(
            id=raw["id"],
            file=file,
            source=raw["source"],
            kind=raw["kind"],
            webhook=raw.get("webhook", "validating"),
            operation=raw.get("operation", "CREATE"),
            release=release,
            object=resolve(raw["object"], bases),
            old=resolve(raw["old"], bases) if raw.get("old") is not None else None,
            user=_user(raw.get("user")),
            features=dict(raw.get("features") or {}),
            cluster=_cluster(raw.get("cluster"), bases),
            privileged_users=tuple(raw.get("privilegedUsers") or ()),
            expect=raw["expect"],
            errors=tuple(raw.get("errors") or ()),
            message=tuple(
                [raw["message"]] if isinstance(raw.get("message"), str) else raw.get("message") or ()
            ),
            mutated=dict(raw.get("mutated") or {}),
            mutated_matches=dict(raw.get("mutatedMatches") or {}),
            mutated_same_as=dict(raw.get("mutatedSameAs") or {}),
            chain=raw.get("chain"),
            raw=raw,
        )


def at_path(obj: Any, dotted: str) -> Any:
    """The value at `a.b[0].c` or `metadata.annotations["x/y"]` (None when absent)."""
    import re

    for match in re.finditer(r'\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|([^.\[\]]+)', dotted):
        key, index, name = match.groups()
        if index is not None:
            obj = obj[int(index)] if isinstance(obj, list) and int(index) < len(obj) else None
        else:
            obj = obj.get(key if key is not None else name) if isinstance(obj, dict) else None
    return obj


# ---------------------------------------------------------------------------------- the CRDs' own schemas
CRDS = Path(__file__).resolve().parents[2] / ".tools" / "crds"
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def _list_map_duplicates(schema: Any, value: Any, path: str) -> list[str]:
    """Items of a list-map (x-kubernetes-list-type: map) that repeat another item's keys: the apiserver
    refuses them, a JSON Schema validator does not see it."""
    found: list[str] = []
    if not isinstance(schema, dict):
        return found
    if isinstance(value, list):
        keys = (
            schema.get("x-kubernetes-list-map-keys")
            if schema.get("x-kubernetes-list-type") == "map"
            else None
        )
        seen: set[str] = set()
        for index, item in enumerate(value):
            if keys and isinstance(item, dict):
                key = json.dumps([item.get(k) for k in keys])
                if key in seen:
                    found.append(f"{path}[{index}]")
                seen.add(key)
            found += _list_map_duplicates(schema.get("items"), item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            child = (schema.get("properties") or {}).get(key)
            found += _list_map_duplicates(child, item, f"{path}.{key}" if path else key)
    return found


def _json_schema(schema: Any) -> Any:
    """A CRD's OpenAPI v3 schema as JSON Schema (int-or-string, nullable), for an independent validator."""
    if isinstance(schema, list):
        return [_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {k: _json_schema(v) for k, v in schema.items() if not k.startswith("x-kubernetes")}
    if schema.get("x-kubernetes-int-or-string"):
        converted.pop("type", None)
        converted["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if converted.pop("nullable", False) and isinstance(converted.get("type"), str):
        converted["type"] = [converted["type"], "null"]
    return converted


@cache
def crd_openapi(release: str) -> dict[str, Any]:
    """Kind -> the CRD's own OpenAPI schema of its newest served version."""
    folder = CRDS / release
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is missing; run `make tools`")
    found: dict[str, Any] = {}
    for path in folder.glob("*.yaml"):
        document = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        versions = [v for v in document["spec"]["versions"] if v.get("served", True)]
        newest = next((v for v in versions if v.get("storage")), versions[-1])
        found[document["spec"]["names"]["kind"]] = newest["schema"]["openAPIV3Schema"]
    return found


@cache
def crd_schemas(release: str) -> dict[str, Any]:
    """Kind -> JSON Schema of its newest served version, from the CRDs `make tools` generated."""
    folder = CRDS / release
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is missing; run `make tools`")
    schemas: dict[str, Any] = {}
    for path in folder.glob("*.yaml"):
        document = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        versions = [v for v in document["spec"]["versions"] if v.get("served", True)]
        newest = next((v for v in versions if v.get("storage")), versions[-1])
        schemas[document["spec"]["names"]["kind"]] = _json_schema(newest["schema"]["openAPIV3Schema"])
    return schemas


def _api_path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_errors(kind: str, release: str, obj: dict[str, Any]) -> list[str]:
    """The field paths the apiserver's schema validation refuses (before any webhook runs)."""
    from jsonschema import Draft7Validator

    schema = crd_schemas(release).get(kind)
    if schema is None:
        return []
    # The status is a subresource: a create or update of the object itself drops it, unvalidated.
    written = {k: v for k, v in obj.items() if k != "status"}
    found = []
    name = (obj.get("metadata") or {}).get("name")
    if isinstance(name, str) and not DNS1123_SUBDOMAIN.fullmatch(name):
        found.append("metadata.name")  # the apiserver's own check of every object's name
    for error in Draft7Validator(schema).iter_errors(written):
        parts = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [name for name in error.validator_value if name not in error.instance]
            found += [_api_path([*parts, name]) for name in missing]
        else:
            found.append(_api_path(parts))
    found += _list_map_duplicates(crd_openapi(release).get(kind), written, "")
    return sorted(set(found))


GO_ZERO_VALUES: tuple[Any, ...] = ("", 0, False, [], {})


def same_value(actual: Any, expected: Any) -> bool:
    """Whether a value after mutation is what the case expects. Upstream's tests compare typed Go objects,
    where an absent field and its zero value are the same thing, so an expected null (absent) also accepts
    the zero value that Go writes back for a field it serialises without omitempty."""
    if expected is None:
        return actual is None or _is_zero(actual)
    return bool(_without_zeros(actual) == _without_zeros(expected))


def _is_zero(value: Any) -> bool:
    return any(value == z and type(value) is type(z) for z in GO_ZERO_VALUES)


def _without_zeros(value: Any) -> Any:
    """A struct's fields at their zero value are the same as absent ones."""
    if isinstance(value, dict):
        kept = {k: _without_zeros(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not None and not _is_zero(v)}
    if isinstance(value, list):
        return [_without_zeros(v) for v in value]
    return value
