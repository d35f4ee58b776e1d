"""The policy pack: each rule bound to pulumi-policy with its enforcement level and config schema.

pulumi preview --policy-pack examples/policy-python/run-pack [--policy-pack-config config.json]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceRemediation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from pulumi_vmservice_policy import __version__, classes, rules

PACK_NAME = "vmservice-guardrails"
DEFAULT_PRODUCTION = ["prod", "production"]
DEFAULT_LABELS = {"owner": "", "cost-center": ""}
_SUPERVISOR = classes.SupervisorClasses()

_STRINGS = {"type": "array", "items": {"type": "string"}}
_ALLOWED = {
    "allowed": {
        "type": "object",
        "description": "Per namespace (or `*` for the others) the allowed values; a namespace not listed is not checked.",
        "additionalProperties": _STRINGS,
    }
}


def plain(value: Any) -> Any:
    """Properties as plain dicts and lists (pulumi-policy hands out proxies that are neither); values not
    known during preview are left out."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in ((k, _known(value, k)) for k in value) if v is not _UNKNOWN}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [v for v in (_known(value, i) for i in range(len(value))) if v is not _UNKNOWN]
    return value


_UNKNOWN = object()


def _known(container: Any, key: Any) -> Any:
    try:
        return plain(container[key])
    except UnknownValueError:
        return _UNKNOWN


def _config(args: ResourceValidationArgs | StackValidationArgs) -> dict[str, Any]:
    return dict(args.get_config() or {})


def _each(messages: list[str], report: ReportViolation, urn: str | None = None) -> None:
    for message in messages:
        report(message, urn)


def _vm(check: Any) -> Any:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type == rules.VM:
            _each(check(plain(args.props), _config(args)), report)

    return validate


def _typed(type_: str, check: Any) -> Any:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type == type_:
            _each(check(plain(args.props), _config(args)), report)

    return validate


def guaranteed_classes(args: StackValidationArgs, report: ReportViolation) -> None:
    config = _config(args)
    production = list(config.get("productionNamespaces") or DEFAULT_PRODUCTION)
    resources = [(r.resource_type, plain(r.props)) for r in args.resources]
    use_supervisor = config.get("supervisorLookup", True)
    lookup = classes.chain(
        classes.from_config(dict(config.get("classes") or {})),
        classes.from_stack(resources),
        _SUPERVISOR if use_supervisor else None,
    )
    for resource in args.resources:
        if resource.resource_type != rules.VM:
            continue
        source = "pack config, stack"
        if use_supervisor:
            source += f", Supervisor: {_SUPERVISOR.error or 'no kubeconfig' if not _SUPERVISOR.kubeconfig else _SUPERVISOR.error or 'not found'}"
        _each(rules.guaranteed_class(plain(resource.props), production, lookup, source), report, resource.urn)


def zone_spread(args: StackValidationArgs, report: ReportViolation) -> None:
    config = _config(args)
    vms = [(r.urn, plain(r.props)) for r in args.resources if r.resource_type == rules.VM]
    for urn, message in rules.zone_spread(
        vms, str(config.get("roleLabel", "role")), int(config.get("minZones", 2))
    ):
        report(message, urn)


def _image_check(props: dict[str, Any], config: dict[str, Any]) -> list[str]:
    namespace = rules.namespace(props)
    offered = (
        _SUPERVISOR.inventory(namespace).get(namespace) if config.get("supervisorLookup", True) else None
    )
    return rules.allowed_image(props, config, offered)


def _labels(config: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v or "") for k, v in (config.get("labels") or DEFAULT_LABELS).items()}


def required_labels(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type.startswith(rules.SUPERVISOR_KINDS):
        missing = rules.missing_labels(plain(args.props), _labels(_config(args)))
        if missing:
            report(f"metadata.labels lacks {', '.join(missing)}", None)


def add_default_labels(args: ResourceValidationArgs) -> dict[str, Any] | None:
    if not args.resource_type.startswith(rules.SUPERVISOR_KINDS):
        return None
    return rules.with_default_labels(plain(args.props), _labels(_config(args)))


def plaintext_secrets(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == rules.VM:
        _each(rules.plaintext_secrets(plain(args.props)), report)


def policies() -> list[Policy]:
    mandatory, advisory = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY
    return [
        StackValidationPolicy(
            name="vm-guaranteed-class-in-production",
            description="VMs in production namespaces use classes that reserve all CPU and memory (from the class data, not its name).",
            validate=guaranteed_classes,
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                {
                    "productionNamespaces": {**_STRINGS, "default": DEFAULT_PRODUCTION},
                    "classes": {
                        "type": "object",
                        "description": "Class data when the Supervisor is not at hand: name -> {cpus, memoryMib, cpuReservation, memoryReservation} (percent).",
                        "additionalProperties": {"type": "object"},
                    },
                    "supervisorLookup": {
                        "type": "boolean",
                        "default": True,
                        "description": "read classes from the Supervisor (KUBECONFIG)",
                    },
                }
            ),
        ),
        ResourceValidationPolicy(
            name="vm-allowed-classes",
            description="VMs use only the classes allowed for their namespace (config `allowed`).",
            validate=_vm(rules.allowed_class),
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(_ALLOWED),
        ),
        ResourceValidationPolicy(
            name="vm-allowed-images",
            description="VMs use only allowed images, by name or display name (globs) or `os:<glob>` for the OS type.",
            validate=_vm(_image_check),
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                {**_ALLOWED, "supervisorLookup": {"type": "boolean", "default": True}}
            ),
        ),
        ResourceValidationPolicy(
            name="vm-allowed-storage-classes",
            description="VMs use only the storage classes allowed for their namespace.",
            validate=_vm(rules.allowed_storage_class),
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(_ALLOWED),
        ),
        ResourceValidationPolicy(
            name="vm-no-plaintext-secrets",
            description="No inline passwords in cloud-init, sysprep or vApp properties; reference Secrets.",
            validate=plaintext_secrets,
            enforcement_level=mandatory,
        ),
        StackValidationPolicy(
            name="vm-zone-spread",
            description="VMs of one role (label) spread across at least N zones.",
            validate=zone_spread,
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                {
                    "roleLabel": {"type": "string", "default": "role"},
                    "minZones": {"type": "integer", "minimum": 1, "default": 2},
                }
            ),
        ),
        ResourceValidationPolicy(
            name="lb-source-ranges",
            description="LoadBalancer services restrict their source ranges (not open to every address).",
            validate=_typed(rules.SERVICE, lambda props, _config: rules.load_balancer_ranges(props)),
            enforcement_level=advisory,
        ),
        ResourceValidationPolicy(
            name="required-labels",
            description="Supervisor objects carry the required labels; missing ones with a default are added.",
            validate=required_labels,
            remediate=cast(ResourceRemediation, add_default_labels),
            enforcement_level=EnforcementLevel.REMEDIATE,
            config_schema=PolicyConfigSchema(
                {
                    "labels": {
                        "type": "object",
                        "description": "label -> default value added by the remediation ('' = required, no default)",
                        "additionalProperties": {"type": "string"},
                        "default": DEFAULT_LABELS,
                    }
                }
            ),
        ),
        ResourceValidationPolicy(
            name="vcenter-guaranteed-classes-reserve-all",
            description="vCenter VM classes named guaranteed-* reserve 100 % of CPU and memory.",
            validate=_typed(
                classes.VCENTER_CLASS,
                lambda props, config: rules.guaranteed_vcenter_class(
                    props, str(config.get("prefix", "guaranteed-"))
                ),
            ),
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema({"prefix": {"type": "string", "default": "guaranteed-"}}),
        ),
        ResourceValidationPolicy(
            name="vcenter-namespace-storage-limits",
            description="vSphere Namespaces limit their storage.",
            validate=_typed(
                "vmservice:vcenter:Namespace", lambda props, _config: rules.namespace_storage_limits(props)
            ),
            enforcement_level=mandatory,
        ),
        ResourceValidationPolicy(
            name="vcenter-subscribed-library-https",
            description="Subscribed content libraries use https and pin the publisher's thumbprint.",
            validate=_typed(
                "vmservice:vcenter:ContentLibrary",
                lambda props, _config: rules.subscribed_library_trust(props),
            ),
            enforcement_level=mandatory,
        ),
    ]


def run() -> None:
    """Serve the pack (the runnable pack directory's `__main__.py`)."""
    PolicyPack(
        name=PACK_NAME,
        description=f"Guardrails for vSphere VM Service stacks (pulumi-vmservice policy pack {__version__}).",
        policies=policies(),
    )
