"""API docs from schema.json (`make docs`): Markdown under docs/, committed; a test fails when they are stale.

    python -m pulumi_vmservice_provider.docsgen schema.json docs

docs/index.md: installation, configuration and the list of resources and functions; one page per resource and
function (docs/<module>/<Name>.md) with every input and output, its type, whether it is required, whether changing
it replaces the resource, and its description; docs/types.md: every object type with its properties.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pulumi_vmservice_provider.schema import GO_MODULE, NPM_PACKAGE

TYPES_PAGE = "types.md"


def split_token(token: str) -> tuple[str, str]:
    """`vmservice:vcenter:Namespace` -> (`vcenter`, `Namespace`)."""
    _, module, name = token.split(":")
    return module, name


def page_path(token: str) -> str:
    module, name = split_token(token)
    return f"{module}/{name}.md"


def anchor(token: str) -> str:
    module, name = split_token(token)
    return f"{module}-{name}".lower()


def type_text(prop: Mapping[str, Any], to_root: str) -> str:
    """A property's type in Markdown, object types linked to docs/types.md (`to_root` leads to docs/)."""
    ref = prop.get("$ref")
    if isinstance(ref, str):
        if ref.startswith("#/types/"):
            token = ref.removeprefix("#/types/")
            return f"[{split_token(token)[1]}]({to_root}{TYPES_PAGE}#{anchor(token)})"
        return "any"
    if "oneOf" in prop:
        return " \\| ".join(type_text(option, to_root) for option in prop["oneOf"])
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list&lt;{type_text(prop.get('items', {}), to_root)}&gt;"
    if kind == "object" and "additionalProperties" in prop:
        return f"map&lt;{type_text(prop['additionalProperties'], to_root)}&gt;"
    return str(kind)


def replaces(prop: Mapping[str, Any]) -> str:
    if prop.get("replaceOnChanges"):
        return "yes"
    if "Replacement:" in prop.get("description", ""):
        return "in some cases (see description)"
    return "no"


def cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def property_table(
    properties: Mapping[str, Any], required: list[str], to_root: str, with_replace: bool = True
) -> list[str]:
    if not properties:
        return ["None.", ""]
    titles = ["property", "type", "required", *(["replaces"] if with_replace else []), "description"]
    lines = ["| " + " | ".join(titles) + " |", "|" + "---|" * len(titles)]
    for name, prop in sorted(properties.items()):
        kind = type_text(prop, to_root) + (" (secret)" if prop.get("secret") else "")
        columns = [f"`{name}`", kind, "yes" if name in required else "no"]
        if with_replace:
            columns.append(replaces(prop))
        columns.append(cell(prop.get("description", "")))
        lines.append("| " + " | ".join(columns) + " |")
    return [*lines, ""]


def resource_page(token: str, resource: Mapping[str, Any]) -> str:
    module, name = split_token(token)
    inputs: Mapping[str, Any] = resource.get("inputProperties", {})
    outputs = {k: v for k, v in resource.get("properties", {}).items() if k not in inputs}
    lines = [f"# {name}", "", f"Resource `{token}`.", "", resource.get("description", ""), ""]
    lines += ["## Inputs", "", *property_table(inputs, resource.get("requiredInputs", []), "../")]
    lines += ["## Outputs", "", "All inputs are also outputs. In addition:", ""]
    lines += property_table(outputs, resource.get("required", []), "../", with_replace=False)
    if module == "index":
        lines += [
            "## Import",
            "",
            "```sh",
            f"pulumi import {token} <logical-name> <namespace>/<name>",
            "```",
            "",
        ]
    return "\n".join(lines)


def function_page(token: str, function: Mapping[str, Any]) -> str:
    _, name = split_token(token)
    inputs = function.get("inputs", {})
    outputs = function.get("outputs", {})
    lines = [f"# {name}", "", f"Function `{token}`.", "", function.get("description", ""), ""]
    lines += ["## Arguments", ""]
    lines += property_table(
        inputs.get("properties", {}), inputs.get("required", []), "../", with_replace=False
    )
    lines += ["## Result", ""]
    lines += property_table(
        outputs.get("properties", {}), outputs.get("required", []), "../", with_replace=False
    )
    return "\n".join(lines)


def types_page(types: Mapping[str, Any]) -> str:
    lines = ["# Types", "", "Object types used by the resources' and functions' properties.", ""]
    for token, spec in sorted(types.items()):
        lines += [f'<a id="{anchor(token)}"></a>', "", f"## {split_token(token)[1]}", "", f"`{token}`", ""]
        if spec.get("description"):
            lines += [spec["description"], ""]
        lines += property_table(spec.get("properties", {}), spec.get("required", []), "")
    return "\n".join(lines)


def installation(schema: Mapping[str, Any]) -> list[str]:
    version = schema["version"]
    name = schema["name"]
    server = schema.get("pluginDownloadURL", "")
    releases = f"{schema['repository']}/releases/download/v{version}" if schema.get("repository") else "dist"
    return [
        "## Installation",
        "",
        "The provider plugin needs Python >= 3.11 on the machine that runs Pulumi; its first start makes the "
        "plugin's Python environment from the wheels in the archive, offline.",
        "",
        f"Programs that use an SDK install the plugin by themselves: the schema's `pluginDownloadURL` (`{server}`) "
        f"goes with every resource, and the engine downloads `pulumi-resource-{name}-v{version}-<os>-<arch>.tar.gz` "
        f"from the release v{version}. YAML programs and CI jobs install it explicitly:",
        "",
        "```sh",
        f"pulumi plugin install resource {name} {version} --server {server}",
        "# or from a checkout, without network:",
        "make dist   # dist/ gets the plugin archive, the provider's and the Python SDK's wheels",
        f"pulumi plugin install resource {name} {version} --file dist/pulumi-resource-{name}-v{version}-linux-amd64.tar.gz",
        "```",
        "",
        "SDKs, one version with the provider:",
        "",
        "| language | package | install |",
        "|---|---|---|",
        f"| Python | `pulumi_vmservice` | `pip install {releases}/pulumi_vmservice-{version}-py3-none-any.whl` |",
        f"| TypeScript/JavaScript | `{NPM_PACKAGE}` | `sdk/nodejs`: `npm install && npx tsc && cp package.json bin/`, "
        "then `npm install <checkout>/sdk/nodejs/bin` |",
        f"| Go | `{GO_MODULE}/{name}` | `go get {GO_MODULE}@v{version}`, or `replace {GO_MODULE} => <checkout>/sdk/go` |",
        "",
        "YAML programs need no SDK: `type: vmservice:index:VirtualMachine`.",
        "",
    ]


def configuration(schema: Mapping[str, Any]) -> list[str]:
    lines = [
        "## Configuration",
        "",
        f"Stack configuration `{schema['name']}:<key>` (`pulumi config set {schema['name']}:namespace dev`), "
        "or the environment variable named. No connection is made until an operation needs one.",
        "",
        "| key | type | environment | description |",
        "|---|---|---|---|",
    ]
    for key, spec in sorted(schema["config"]["variables"].items()):
        env = ", ".join(f"`{v}`" for v in spec.get("defaultInfo", {}).get("environment", []))
        kind = type_text(spec, "") + (" (secret)" if spec.get("secret") else "")
        lines.append(f"| `{key}` | {kind} | {env} | {cell(spec.get('description', ''))} |")
    return [*lines, ""]


def index_page(schema: Mapping[str, Any]) -> str:
    lines = [
        f"# {schema['displayName']} (`{schema['name']}`) {schema['version']}",
        "",
        schema["description"],
        "",
        "Generated from `schema.json` by `make docs`.",
        "",
        *installation(schema),
        *configuration(schema),
        "## Resources",
        "",
    ]
    for token, resource in sorted(schema["resources"].items()):
        first = cell(resource.get("description", "")).split(". ")[0].rstrip(".")
        lines.append(f"- [`{token}`]({page_path(token)}): {first}.")
    lines += ["", "## Functions", ""]
    for token, function in sorted(schema["functions"].items()):
        first = cell(function.get("description", "")).split(". ")[0].rstrip(".")
        lines.append(f"- [`{token}`]({page_path(token)}): {first}.")
    lines += ["", f"Object types: [{TYPES_PAGE}]({TYPES_PAGE}).", ""]
    return "\n".join(lines)


def generate(schema: Mapping[str, Any]) -> dict[str, str]:
    """Every docs/ file, by path relative to docs/."""
    files = {"index.md": index_page(schema), TYPES_PAGE: types_page(schema["types"])}
    for token, resource in schema["resources"].items():
        files[page_path(token)] = resource_page(token, resource)
    for token, function in schema["functions"].items():
        files[page_path(token)] = function_page(token, function)
    return files


def write(files: Mapping[str, str], out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        raise SystemExit("usage: python -m pulumi_vmservice_provider.docsgen SCHEMA.json OUTDIR")
    write(generate(json.loads(Path(args[0]).read_text())), Path(args[1]))


if __name__ == "__main__":
    main()
