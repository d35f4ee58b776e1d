"""Hand-written behaviour on top of the types generated from the CRDs (`kinds/<kind>/generated.py`).

The generated types say what the API has (types, descriptions, enums, ranges, the version that introduced a
field); a kind's module adds what the provider does (replace rules, server defaults, secrets, better
descriptions) in one of two ways:

- `overlay(generated, hand)`: `hand` is an ObjectType that declares only the fields with behaviour, as Props;
  every other field comes from the CRDs. A declared field keeps the hand Prop, nested object types are
  overlaid the same way, and what the hand Prop leaves unset (enum, pattern, range, `since`) comes from the CRD.
- `refine(generated, {"field": {"replace": "why"}})`: per-field changes of the generated Props.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.model.types import ObjectType, Prop

# A refinement of one field: the Prop's changed attributes, the (refined) object type it holds, or a Prop
# that replaces it outright.
Override = Mapping[str, Any] | ObjectType | Prop


def with_type(prop: Prop, object_type: ObjectType) -> Prop:
    """`prop` holding `object_type`: itself for an object, its items for an array or map of objects."""
    if prop.kind == "object":
        return dataclasses.replace(prop, obj=object_type)
    if prop.items is not None and prop.items.kind == "object":
        return dataclasses.replace(prop, items=dataclasses.replace(prop.items, obj=object_type))
    raise ValueError(f"a {prop.kind} property holds no object type, cannot give it {object_type.name}")


def refine(
    base: ObjectType,
    overrides: Mapping[str, Override] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    extra: Mapping[str, Prop] | None = None,
) -> ObjectType:
    """A copy of `base` with per-field overrides (which must name fields `base` has, so a field renamed in
    the CRDs fails loudly here) and `extra` fields the API lacks (provider-only)."""
    properties = dict(base.properties)
    for key, override in (overrides or {}).items():
        if key not in properties:
            raise KeyError(
                f"{base.name} has no field {key!r} to refine; fields: {', '.join(sorted(properties))}"
            )
        if isinstance(override, Prop):
            properties[key] = override
        elif isinstance(override, ObjectType):
            properties[key] = with_type(properties[key], override)
        else:
            changes = dict(override)
            object_type = changes.pop("obj", None)
            prop = properties[key].refined(**changes)
            properties[key] = with_type(prop, object_type) if object_type is not None else prop
    for key, prop in (extra or {}).items():
        if key in properties:
            raise KeyError(f"{base.name} already has {key!r}: refine it instead of adding it")
        properties[key] = prop
    return ObjectType(
        name or base.name,
        description if description is not None else base.description,
        properties,
        base.module,
    )


_FILLED_FROM_API = ("enum", "pattern", "max_length", "minimum", "maximum", "since", "list_keys", "max_items")


def overlay(generated: ObjectType, hand: ObjectType) -> ObjectType:
    """`generated` with `hand`'s fields laid over it, keeping `hand`'s name and description. A hand field
    the API lacks fails here (a CRD renamed or dropped it), so provider-only inputs live outside the spec."""
    unknown = sorted(set(hand.properties) - set(generated.properties))
    if unknown:
        raise KeyError(f"{hand.name} declares {', '.join(unknown)}, which the CRDs of {generated.name} lack")
    properties = {
        key: overlay_prop(prop, hand.properties[key]) if key in hand.properties else prop
        for key, prop in generated.properties.items()
    }
    return ObjectType(hand.name, hand.description or generated.description, properties, hand.module)


def overlay_prop(generated: Prop, hand: Prop) -> Prop:
    """The hand Prop, completed from the generated one where it says nothing."""
    changes: JSONObject = {
        attr: getattr(generated, attr)
        for attr in _FILLED_FROM_API
        if getattr(hand, attr) in (None, ()) and getattr(generated, attr) not in (None, ())
    }
    if not hand.description:
        changes["description"] = generated.description
    if generated.required and not hand.required:
        changes["required"] = True  # the CRD requires it: the apiserver refuses an object without it
    # What the API says the server fills in, unless the hand layer says otherwise.
    known = {type(m) for m in hand.modifiers}
    inherited = tuple(m for m in generated.modifiers if type(m) not in known)
    if inherited:
        changes["modifiers"] = hand.modifiers + inherited
    if hand.kind == "any" and generated.kind != "any":
        raise ValueError(f"{hand.description!r} is typed by the CRDs: leave it out of the hand layer")
    prop = dataclasses.replace(hand, **changes)
    if prop.pattern == generated.pattern and prop.pattern_hint is None:
        prop = dataclasses.replace(prop, pattern_hint=generated.pattern_hint)
    nested_hand, nested_generated = _object_of(hand), _object_of(generated)
    if nested_hand is not None and nested_generated is not None:
        prop = with_type(prop, overlay(nested_generated, nested_hand))
    return prop


def _object_of(prop: Prop) -> ObjectType | None:
    return prop.obj if prop.kind == "object" else prop.items.obj if prop.items is not None else None


def refine_path(base: ObjectType, path: tuple[str, ...], **changes: Any) -> ObjectType:
    """A copy of `base` with the property at `path` (object keys; arrays and maps are stepped through) refined
    by `changes` (as `Prop.refined` takes them)."""
    key, rest = path[0], path[1:]
    prop = base.properties[key]
    if rest:
        inner = _object_of(prop)
        if inner is None:
            raise KeyError(f"{base.name}.{key} holds no object to refine {'.'.join(rest)} in")
        prop = with_type(prop, refine_path(inner, rest, **changes))
    else:
        prop = prop.refined(**changes)
    return ObjectType(base.name, base.description, {**base.properties, key: prop}, base.module)
