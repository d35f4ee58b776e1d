"""schema.json, generated from the model (`make schema`); the Python SDK is generated from it."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider import PACKAGE_NAME, __version__
from pulumi_vmservice_provider.model.config import CONFIG
from pulumi_vmservice_provider.model.modifiers import RefuseIf, Replace, ReplaceIf, ServerDefault
from pulumi_vmservice_provider.model.registry import FUNCTIONS, RESOURCES
from pulumi_vmservice_provider.model.types import ObjectType, Prop

# Where the generated SDKs are published: the Go module (sdk/go/go.mod) and the npm package (sdk/nodejs).
GO_MODULE = "github.com/pulumi-vmservice/pulumi-vmservice/sdk/go"
NPM_PACKAGE = "@pulumi-vmservice/vmservice"
# The project's repository. Its GitHub release vVERSION carries what `make dist` builds, among it the plugin archive
# pulumi-resource-vmservice-vVERSION-OS-ARCH.tar.gz; the SDKs pass PLUGIN_DOWNLOAD_URL with every resource, so the
# engine installs the plugin from there by itself (`PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES` points it elsewhere).
REPOSITORY = "https://github.com/pulumi-vmservice/pulumi-vmservice"
PLUGIN_DOWNLOAD_URL = "github://api.github.com/pulumi-vmservice/pulumi-vmservice"


def _describe(prop: Prop) -> str:
    text = prop.description
    if prop.enum:
        text += (" " if text else "") + "Allowed values: " + ", ".join(f"`{v}`" for v in prop.enum) + "."
    replace = prop.modifier(Replace) or prop.modifier(ReplaceIf)
    for modifier in (replace, prop.modifier(RefuseIf), prop.modifier(ServerDefault)):
        note = modifier.note() if modifier is not None else None
        if note:
            text += (" " if text else "") + note
    if prop.since:
        text += (" " if text else "") + f"Needs VM Operator API {prop.since} or newer."
    if prop.until:
        text += (
            (" " if text else "")
            + f"Not in VM Operator API newer than {prop.until}"
            + (f" (they have it as `{prop.moved_to}`)." if prop.moved_to else ".")
        )
    return text


def _type_spec(prop: Prop, types: JSONObject) -> JSONObject:
    """The type alone (array items and map values carry no description or flags in a Pulumi schema)."""
    spec: JSONObject
    if prop.int_or_string:
        spec = {"oneOf": [{"type": "integer"}, {"type": "string"}]}
    elif prop.kind in ("string", "integer", "number", "boolean"):
        spec = {"type": prop.kind}
    elif prop.kind == "array":
        assert prop.items is not None
        spec = {"type": "array", "items": _type_spec(prop.items, types)}
    elif prop.kind == "map":
        assert prop.items is not None
        spec = {"type": "object", "additionalProperties": _type_spec(prop.items, types)}
    elif prop.kind == "object":
        assert prop.obj is not None
        _register(prop.obj, types)
        spec = {"$ref": f"#/types/{prop.obj.token}"}
    else:
        spec = {"$ref": "pulumi.json#/Any"}
    return spec


def _property(prop: Prop, types: JSONObject) -> JSONObject:
    spec = _type_spec(prop, types)
    description = _describe(prop)
    if description:
        spec["description"] = description
    if prop.secret:
        spec["secret"] = True
    if prop.has(Replace):
        spec["replaceOnChanges"] = True
    if prop.default is not None:
        spec["default"] = prop.default
    return spec


def _properties(props: Mapping[str, Prop], types: JSONObject) -> JSONObject:
    return {name: _property(prop, types) for name, prop in props.items()}


def _register(object_type: ObjectType, types: JSONObject) -> None:
    existing = types.get(object_type.token)
    if existing is not None:
        # One token, two shapes: the schema would silently keep the first (SDKs and YAML type-check against it).
        known = existing.get("properties", {}) if "type" in existing else None  # None: still being made
        if known is not None and set(known) != set(object_type.properties):
            raise ValueError(
                f"two types are named {object_type.token}: one with {', '.join(sorted(known))}, one with "
                f"{', '.join(sorted(object_type.properties))}; give one of them another name"
            )
        return
    types[object_type.token] = {}  # placeholder breaks cycles
    types[object_type.token] = {
        "type": "object",
        "description": object_type.description,
        "properties": _properties(object_type.properties, types),
        "required": sorted(k for k, p in object_type.properties.items() if p.program_required),
    }
    for key in ("properties", "required"):  # the engine drops empty ones: `package get-schema` must match
        if not types[object_type.token][key]:
            del types[object_type.token][key]


def _without_empty(spec: JSONObject) -> JSONObject:
    return {k: v for k, v in spec.items() if v or v is False}


def generate() -> JSONObject:
    types: JSONObject = {}
    resources: JSONObject = {}
    for token, definition in sorted(RESOURCES.items()):
        inputs = _properties(definition.inputs, types)
        outputs = {**inputs, **_properties(definition.outputs, types)}
        resources[token] = _without_empty(
            {
                "description": definition.description,
                "inputProperties": inputs,
                "requiredInputs": sorted(k for k, p in definition.inputs.items() if p.program_required),
                "properties": outputs,
                "required": sorted(k for k in ("metadata", "status") if k in outputs),
            }
        )
    functions: JSONObject = {}
    for token, function in sorted(FUNCTIONS.items()):
        functions[token] = {
            "description": function.description,
            "inputs": _without_empty(
                {
                    "properties": _properties(function.inputs, types),
                    "required": sorted(k for k, p in function.inputs.items() if p.program_required),
                }
            ),
            "outputs": {"properties": _properties(function.outputs, types)},
        }
    config_vars: JSONObject = {}
    for key, spec in CONFIG.items():
        variable = _property(spec.prop, types)
        if spec.env:
            variable["defaultInfo"] = {"environment": list(spec.env)}
            variable["description"] += f" Environment: {', '.join(spec.env)}."
        config_vars[key] = variable
    return {
        "name": PACKAGE_NAME,
        "displayName": "vSphere VM Service",
        "version": __version__,
        "description": "Declare vSphere VM Service virtual machines (VM Operator on a vSphere Supervisor) and the "
        "vCenter admin objects behind them.",
        "keywords": [
            "pulumi",
            "vsphere",
            "vmware",
            "vm-service",
            "vm-operator",
            "supervisor",
            "category/infrastructure",
        ],
        "license": "Apache-2.0",
        "publisher": "pulumi-vmservice",
        "repository": REPOSITORY,
        "pluginDownloadURL": PLUGIN_DOWNLOAD_URL,
        # supportPack: every SDK carries the schema's version (one number) and the Go SDK gets its go.mod.
        "meta": {"moduleFormat": "(.*)", "supportPack": True},
        "config": {"variables": config_vars},
        "provider": {
            "description": "The provider type for the vmservice package. Connections are made on first use.",
            "inputProperties": {k: v for k, v in config_vars.items()},
            "properties": {k: v for k, v in config_vars.items() if not v.get("secret")},
        },
        "types": dict(sorted(types.items())),
        "resources": resources,
        "functions": functions,
        "language": {
            "csharp": {
                "rootNamespace": "PulumiVmservice",
                "packageReferences": {"Pulumi": "3.*"},
                "respectSchemaVersion": True,
            },
            "go": {
                "importBasePath": f"{GO_MODULE}/{PACKAGE_NAME}",
                "generateResourceContainerTypes": True,
                "respectSchemaVersion": True,
            },
            "nodejs": {
                "packageName": NPM_PACKAGE,
                "packageDescription": "Declare vSphere VM Service virtual machines and the vCenter admin objects "
                "behind them.",
                "respectSchemaVersion": True,
            },
            "python": {
                "packageName": "pulumi_vmservice",
                "requires": {"pulumi": ">=3.165.0,<4.0.0"},
                "pyproject": {"enabled": True},
                "respectSchemaVersion": True,
            },
        },
    }


def main() -> None:
    json.dump(generate(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
