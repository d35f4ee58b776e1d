"""Between a Supervisor resource's inputs and its object: the manifest written, and the inputs read back.

Pure functions over plain values, driven by the definition's modifiers: one-shot requests and server
rewrites decide what a create or update sends; server defaults, server labels and system annotations are
never drift and never imported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import cast

from vmservice_api.objects import JSON, JSONObject, KubeObject, ObjectMeta, clone, view

from pulumi_vmservice_provider.model.modifiers import (
    DROP,
    OneShot,
    ServerDefault,
    ServerRewrite,
    WriteModifier,
)
from pulumi_vmservice_provider.model.plan import strip_server_defaults
from pulumi_vmservice_provider.model.types import Prop, ResourceDef

# The provider's own mark on every object it writes: the URN of the resource, so a create that an
# interrupted `up` left behind is recognised as this resource's (and adopted) instead of duplicated.
URN_ANNOTATION = "vmservice.pulumi.com/urn"
# Annotations and labels the Supervisor (or this provider) writes; never drift, never imported into inputs.
SYSTEM_ANNOTATION_PREFIXES = ("vmoperator.vmware.com/", "kubectl.kubernetes.io/", "vmservice.pulumi.com/")
SYSTEM_LABEL_PREFIXES = ("vmoperator.vmware.com/",)
WRITTEN_METADATA = ("name", "namespace", "labels", "annotations")
# What outputs report of an object's metadata (no managedFields, no owner references).
LIVE_METADATA_KEYS = (
    "name",
    "namespace",
    "labels",
    "annotations",
    "uid",
    "creationTimestamp",
    "generation",
    "resourceVersion",
    "finalizers",
)

FieldPath = tuple[str, ...]


def _walk(props: Mapping[str, Prop], base: FieldPath) -> Iterator[tuple[FieldPath, WriteModifier]]:
    for key, prop in props.items():
        for modifier in prop.modifiers:
            if isinstance(modifier, OneShot | ServerRewrite):
                yield (*base, key), modifier
        if prop.kind == "object" and prop.obj is not None and prop.rules_below:
            yield from _walk(prop.obj.properties, (*base, key))


_WRITE_FIELDS: dict[str, tuple[tuple[FieldPath, WriteModifier], ...]] = {}


def write_fields(definition: ResourceDef) -> tuple[tuple[FieldPath, WriteModifier], ...]:
    """The fields (object paths from the inputs' root) whose modifiers act on what is written and read."""
    found = _WRITE_FIELDS.get(definition.token)
    if found is None:
        found = _WRITE_FIELDS[definition.token] = tuple(_walk(definition.inputs, ()))
    return found


def get(value: JSON, path: FieldPath) -> JSON:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _parent(value: JSONObject, path: FieldPath) -> JSONObject | None:
    for key in path[:-1]:
        value = value.get(key)  # type: ignore[assignment]
        if not isinstance(value, dict):
            return None
    return value


def _put(value: JSONObject, path: FieldPath, new: object) -> None:
    parent = _parent(value, path)
    if parent is None:
        return
    if new is DROP:
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = new


def manifest(definition: ResourceDef, inputs: JSONObject, api_version: str) -> KubeObject:
    """The object the inputs describe: apiVersion, kind, the user's metadata and spec."""
    assert definition.kube is not None
    meta = inputs.get("metadata") if isinstance(inputs.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    body: JSONObject = {
        "apiVersion": api_version,
        "kind": definition.kube.kind,
        "metadata": {k: clone(v) for k, v in meta.items() if k in WRITTEN_METADATA},
    }
    if inputs.get("spec") is not None:
        body["spec"] = clone(inputs["spec"])
    return cast(KubeObject, body)


def for_create(definition: ResourceDef, body: KubeObject) -> None:
    """Leave out of a new object what only an existing one can take (one-shot requests)."""
    for path, modifier in write_fields(definition):
        value = get(cast(JSONObject, body), path)
        if value is not None:
            _put(cast(JSONObject, body), path, modifier.on_create(value))


def aligned_with_live(
    definition: ResourceDef, body: KubeObject, live: KubeObject, old_inputs: JSONObject | None
) -> None:
    """Keep what the server rewrote (and forbids changing, or would act on again) as the server has it;
    `old_inputs` tell which of the user's values are unchanged since the last update."""
    written, current = cast(JSONObject, body), cast(JSONObject, live)
    for path, modifier in write_fields(definition):
        value = get(written, path)
        if value is None:
            continue
        if isinstance(modifier, OneShot) and old_inputs is None:
            continue
        _put(written, path, modifier.on_update(value, get(old_inputs, path), get(current, path)))


def mark_urn(body: KubeObject, urn: str) -> None:
    """Put the resource's URN on the object it writes (see URN_ANNOTATION)."""
    if urn.startswith("urn:pulumi:"):
        meta = body.setdefault("metadata", ObjectMeta())
        meta["annotations"] = {**(meta.get("annotations") or {}), URN_ANNOTATION: urn}


def live_metadata(live: KubeObject) -> JSONObject:
    meta = cast(JSONObject, live.get("metadata") or {})
    return {k: meta[k] for k in LIVE_METADATA_KEYS if k in meta}


def live_inputs(definition: ResourceDef, live: KubeObject) -> JSONObject:
    """The inputs that would produce `live`, without what the server filled in (used by import)."""
    found = view(live)
    meta: JSONObject = {"name": found.name, "namespace": found.namespace}
    labels = {
        k: v
        for k, v in found.labels.items()
        if not k.startswith(SYSTEM_LABEL_PREFIXES) and k not in definition.server_labels
    }
    annotations = {k: v for k, v in found.annotations.items() if not k.startswith(SYSTEM_ANNOTATION_PREFIXES)}
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    result: JSONObject = {"metadata": meta}
    spec = clone(cast(JSONObject, live.get("spec") or {}))
    for path, modifier in write_fields(definition):
        if isinstance(modifier, OneShot) and path[:1] == ("spec",):
            _put(spec, path[1:], DROP)  # a request acted on once is not part of what the object is
    spec_prop = definition.inputs.get("spec")
    if spec_prop is not None and spec_prop.obj is not None:
        spec = strip_server_defaults(spec_prop.obj.properties, spec)
    if spec:
        result["spec"] = spec
    return result


def project_onto(shape: JSON, live: JSON) -> JSON:
    """Take from `live` only what `shape` (the user's inputs) has."""
    if isinstance(shape, dict):
        if not isinstance(live, dict):
            return live
        return {key: project_onto(value, live[key]) for key, value in shape.items() if key in live}
    if isinstance(shape, list) and isinstance(live, list):
        return [project_onto(shape[i], item) if i < len(shape) else item for i, item in enumerate(live)]
    return live


def read_back(definition: ResourceDef, written: JSONObject, live: KubeObject) -> JSONObject:
    """The user's inputs as the live object has them: only what the user manages is read back (provider
    options stay as written), and the user's words stay where the server rewrote or cleared them."""
    current = cast(JSONObject, live)
    result: JSONObject = clone(written)
    for key in ("metadata", "spec"):
        if key in written:
            result[key] = project_onto(written[key], current.get(key) or {})
    for path, modifier in write_fields(definition):
        mine = get(written, path)
        if mine is not None:
            parent = _parent(result, path)
            if parent is not None:
                parent[path[-1]] = modifier.on_read(mine, get(current, path))
    return result


def _default_into(props: Mapping[str, Prop], value: JSONObject) -> None:
    for key, prop in props.items():
        default = prop.modifier(ServerDefault)
        if key not in value and default is not None and default.value is not None:
            value[key] = clone(default.value)
        nested = value.get(key)
        if prop.kind == "object" and prop.obj is not None and isinstance(nested, dict):
            _default_into(prop.obj.properties, nested)
        elif (
            prop.kind == "array"
            and prop.items is not None
            and prop.items.obj is not None
            and isinstance(nested, list)
        ):
            for item in nested:
                if isinstance(item, dict):
                    _default_into(prop.items.obj.properties, item)


def with_crd_defaults(definition: ResourceDef, body: KubeObject) -> KubeObject:
    """The object as the apiserver stores it before any webhook sees it: the CRD's defaults filled in where the
    object leaves a field out (inside the objects it has)."""
    filled = cast(JSONObject, clone(body))
    spec_prop = definition.inputs.get("spec")
    if spec_prop is not None and spec_prop.obj is not None and isinstance(filled.get("spec"), dict):
        _default_into(spec_prop.obj.properties, filled["spec"])
    return cast(KubeObject, filled)


def unfilled_required(definition: ResourceDef, obj: KubeObject) -> list[str]:
    """Fields the CRD requires that a program may leave for the Supervisor's webhooks to fill, still missing in
    `obj` (what the webhooks made of the object): the apiserver's schema refuses those, as apimachinery prints
    their paths."""
    spec_prop = definition.inputs.get("spec")
    spec = cast(JSONObject, obj).get("spec")
    if spec_prop is None or spec_prop.obj is None or not isinstance(spec, dict):
        return []
    return _unfilled(spec_prop.obj.properties, spec, "spec")


def _unfilled(props: Mapping[str, Prop], value: JSONObject, at: str) -> list[str]:
    found: list[str] = []
    for key, prop in props.items():
        if prop.required and prop.has(ServerDefault) and key not in value:
            found.append(f"{at}.{key}")
        nested = value.get(key)
        if prop.kind == "object" and prop.obj is not None and isinstance(nested, dict):
            found += _unfilled(prop.obj.properties, nested, f"{at}.{key}")
        elif (
            prop.kind == "array"
            and prop.items is not None
            and prop.items.obj is not None
            and isinstance(nested, list)
        ):
            for i, item in enumerate(nested):
                if isinstance(item, dict):
                    found += _unfilled(prop.items.obj.properties, item, f"{at}.{key}[{i}]")
    return found
