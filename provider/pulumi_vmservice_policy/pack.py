"""The policy pack: each rule bound to pulumi-policy with its enforcement level and config schema.

pulumi preview --policy-pack examples/policy-python/run-pack [--policy-pack-config config.json]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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

from pulumi_vmservice_policy import __version__, classes, libraries, rules, vms
from pulumi_vmservice_policy.supervisor import Supervisor

PACK_NAME = "vmservice-guardrails"
DEFAULT_PRODUCTION = ["prod", "production"]
DEFAULT_LABELS = {"owner": "", "cost-center": ""}
DEFAULT_MAX_SNAPSHOTS = 3
DEFAULT_MAX_SNAPSHOT_AGE_DAYS = 3
# One reader per pack run (the analyzer process serves one preview or update).
_SUPERVISOR = Supervisor()

_STRINGS = {"type": "array", "items": {"type": "string"}}
_ALLOWED = {
    "allowed": {
        "type": "object",
        "description": "Per namespace (or `*` for the others) the allowed values; a namespace not listed is not checked.",
        "additionalProperties": _STRINGS,
    }
}
_SUPERVISOR_LOOKUP = {
    "supervisorLookup": {
        "type": "boolean",
        "default": True,
        "description": "read what the stack does not say from the Supervisor (KUBECONFIG)",
    }
}
_CLASSES = {
    "classes": {
        "type": "object",
        "description": "Class data when the Supervisor is not at hand: name -> {cpus, memoryMib, cpuReservation, "
        "memoryReservation (percent), vgpuDevices, dynamicDirectPathIoDevices}.",
        "additionalProperties": {"type": "object"},
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


def _supervisor(config: dict[str, Any]) -> Supervisor | None:
    return _SUPERVISOR if config.get("supervisorLookup", True) else None


def _each(messages: list[str], report: ReportViolation, urn: str | None = None) -> None:
    for message in messages:
        report(message, urn)


def _nothing_declared(kind: str, namespace: str, name: str) -> bool:
    """A resource policy cannot see the rest of the stack: group members it declares are told apart by the
    provider's URN annotation on the Supervisor, or not found there (new), and checked as themselves."""
    return False


def _views(args: ResourceValidationArgs) -> list[vms.VMView]:
    return vms.views_of(
        args.resource_type, plain(args.props), _nothing_declared, vms.stack_prefix(args.urn), _SUPERVISOR
    )


def _vm_rule(check: Callable[[dict[str, Any], dict[str, Any]], list[str]]) -> Any:
    """A rule of VMs, applied to every VM a resource makes (a VM, a replica set's template, a group's members)."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        config = _config(args)
        for view in _views(args):
            _each([view.say(m) for m in check(view.props, config)], report)

    return validate


def _typed(type_: str, check: Any) -> Any:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type == type_:
            _each(check(plain(args.props), _config(args)), report)

    return validate


def _stack(args: StackValidationArgs) -> list[vms.StackResource]:
    return [vms.StackResource(r.urn, r.resource_type, plain(r.props)) for r in args.resources]


def _reported(report: ReportViolation) -> Callable[[str, str | None], None]:
    """`report`, once per (message, urn): a replica set's replicas or a group's members repeat messages."""
    seen: set[tuple[str, str | None]] = set()

    def once(message: str, urn: str | None) -> None:
        if (message, urn) not in seen:
            seen.add((message, urn))
            report(message, urn)

    return once


class _Source:
    """Where class or image data was looked for, worded only when a message uses it: after the lookup, so a read
    that just failed names its reason."""

    def __init__(self, supervisor: Supervisor | None) -> None:
        self.supervisor = supervisor

    def __str__(self) -> str:
        return classes.source_text(self.supervisor)


def guaranteed_classes(args: StackValidationArgs, report: ReportViolation) -> None:
    config = _config(args)
    production = list(config.get("productionNamespaces") or DEFAULT_PRODUCTION)
    resources = _stack(args)
    supervisor = _supervisor(config)
    lookup = classes.chain(
        classes.from_config(dict(config.get("classes") or {})),
        classes.from_stack([(r.type, r.props) for r in resources]),
        supervisor,
    )
    once = _reported(report)
    for urn, view in vms.stack_views(resources, _SUPERVISOR):
        for message in rules.guaranteed_class(view.props, production, lookup, _Source(supervisor)):
            once(view.say(message), urn)


def gpu_classes(args: StackValidationArgs, report: ReportViolation) -> None:
    config = _config(args)
    allowed = [str(n) for n in config.get("allowedNamespaces") or []]
    resources = _stack(args)
    supervisor = _supervisor(config)
    lookup = classes.device_chain(
        classes.devices_from_config(dict(config.get("classes") or {})),
        classes.devices_from_stack([(r.type, r.props) for r in resources]),
        supervisor,
    )
    once = _reported(report)
    for urn, view in vms.stack_views(resources, _SUPERVISOR):
        for message in rules.gpu_class(view.props, allowed, lookup, _Source(supervisor)):
            once(view.say(message), urn)


def image_libraries(args: StackValidationArgs, report: ReportViolation) -> None:
    config = _config(args)
    resources = _stack(args)
    supervisor = _supervisor(config)
    lookup = libraries.chain(
        libraries.from_config(dict(config.get("images") or {})),
        libraries.from_stack([(r.type, r.props) for r in resources]),
        supervisor,
    )
    once = _reported(report)
    for urn, view in vms.stack_views(resources, _SUPERVISOR):
        for message in rules.image_library(view.props, config, lookup, _Source(supervisor)):
            once(view.say(message), urn)


def zone_spread(args: StackValidationArgs, report: ReportViolation) -> None:
    config = _config(args)
    members = [
        (urn, view.props)
        for urn, view in vms.stack_views(_stack(args), _SUPERVISOR)
        for _ in range(view.count)
    ]
    once = _reported(report)
    for urn, message in rules.zone_spread(
        members, str(config.get("roleLabel", "role")), int(config.get("minZones", 2))
    ):
        once(message, urn)


def snapshot_limits(args: StackValidationArgs, report: ReportViolation) -> None:
    config = _config(args)
    resources = _stack(args)
    snapshots = [(r.urn, r.props) for r in resources if r.type == rules.SNAPSHOT]
    supervisor = _supervisor(config)
    live: dict[str, list[dict[str, Any]]] = {}
    if supervisor is not None and snapshots:
        prefix = vms.stack_prefix(snapshots[0][0])
        for namespace in {rules.namespace(props) for _, props in snapshots}:
            live[namespace] = [s for s in supervisor.snapshots(namespace) if not vms.made_by(s, prefix)]
    for urn, message in rules.snapshot_limits(
        snapshots,
        live,
        int(config.get("maxPerVM", DEFAULT_MAX_SNAPSHOTS)),
        float(config.get("maxAgeDays", DEFAULT_MAX_SNAPSHOT_AGE_DAYS)),
    ):
        report(message, urn)


def group_members_known(args: StackValidationArgs, report: ReportViolation) -> None:
    for urn, member in vms.unknown_members(_stack(args), _SUPERVISOR):
        report(
            f"member {member} is neither declared in this stack nor readable on the Supervisor, so the VM "
            "policies cannot check it",
            urn,
        )


def _image_check(props: dict[str, Any], config: dict[str, Any]) -> list[str]:
    namespace = rules.namespace(props)
    supervisor = _supervisor(config)
    offered = supervisor.inventory(namespace).get(namespace) if supervisor is not None else None
    return rules.allowed_image(props, config, offered)


def _labels(config: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v or "") for k, v in (config.get("labels") or DEFAULT_LABELS).items()}


def required_labels(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not args.resource_type.startswith(rules.SUPERVISOR_KINDS):
        return
    required, props = _labels(_config(args)), plain(args.props)
    missing = rules.missing_labels(props, required)
    if missing:
        report(f"metadata.labels lacks {', '.join(missing)}", None)
    if args.resource_type == vms.REPLICA_SET:
        missing = rules.missing_labels(vms.template_view(props).props, required)
        if missing:
            report(f"spec.template.metadata.labels lacks {', '.join(missing)}", None)
    if args.resource_type == vms.GROUP:
        for view in _views(args):
            missing = rules.missing_labels(view.props, required)
            if missing:
                report(view.say(f"metadata.labels lacks {', '.join(missing)}"), None)


def add_default_labels(args: ResourceValidationArgs) -> dict[str, Any] | None:
    if not args.resource_type.startswith(rules.SUPERVISOR_KINDS):
        return None
    required, props = _labels(_config(args)), plain(args.props)
    changed = rules.with_default_labels(props, required)
    if args.resource_type == vms.REPLICA_SET:
        props = changed or props
        template = (props.get("spec") or {}).get("template") or {}
        labelled = rules.with_default_labels(template, required)
        if labelled is not None:
            changed = {**props, "spec": {**(props.get("spec") or {}), "template": labelled}}
    return changed


def policies() -> list[Policy]:
    mandatory, advisory = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY
    vm_kinds = "VMs (and every VM a replica set's template makes or a group's members)"
    return [
        StackValidationPolicy(
            name="vm-guaranteed-class-in-production",
            description=f"{vm_kinds} in production namespaces use classes that reserve all CPU and memory (from the class data, not its name).",
            validate=guaranteed_classes,
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                {
                    "productionNamespaces": {**_STRINGS, "default": DEFAULT_PRODUCTION},
                    **_CLASSES,
                    **_SUPERVISOR_LOOKUP,
                }
            ),
        ),
        ResourceValidationPolicy(
            name="vm-allowed-classes",
            description=f"{vm_kinds} use only the classes allowed for their namespace (config `allowed`).",
            validate=_vm_rule(rules.allowed_class),
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(_ALLOWED),
        ),
        ResourceValidationPolicy(
            name="vm-allowed-images",
            description=f"{vm_kinds} use only allowed images, by name or display name (globs) or `os:<glob>` for the OS type.",
            validate=_vm_rule(_image_check),
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema({**_ALLOWED, **_SUPERVISOR_LOOKUP}),
        ),
        ResourceValidationPolicy(
            name="vm-allowed-storage-classes",
            description=f"{vm_kinds} use only the storage classes allowed for their namespace.",
            validate=_vm_rule(rules.allowed_storage_class),
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(_ALLOWED),
        ),
        ResourceValidationPolicy(
            name="vm-no-plaintext-secrets",
            description=f"No inline passwords in cloud-init, sysprep or vApp properties of {vm_kinds}; reference Secrets.",
            validate=_vm_rule(lambda props, _config: rules.plaintext_secrets(props)),
            enforcement_level=mandatory,
        ),
        StackValidationPolicy(
            name="vm-zone-spread",
            description=f"{vm_kinds} of one role (label) spread across at least N zones.",
            validate=zone_spread,
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                {
                    "roleLabel": {"type": "string", "default": "role"},
                    "minZones": {"type": "integer", "minimum": 1, "default": 2},
                }
            ),
        ),
        StackValidationPolicy(
            name="vm-gpu-classes",
            description=f"{vm_kinds} use classes with vGPU or Dynamic DirectPath I/O devices only in the namespaces allowed them (from the class data, not its name).",
            validate=gpu_classes,
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                {
                    "allowedNamespaces": {
                        **_STRINGS,
                        "default": [],
                        "description": "namespaces (globs) whose VMs may use vGPU or DirectPath classes",
                    },
                    **_CLASSES,
                    **_SUPERVISOR_LOOKUP,
                }
            ),
        ),
        StackValidationPolicy(
            name="vm-images-from-allowed-libraries",
            description=f"{vm_kinds} use only images from the content libraries allowed for their namespace.",
            validate=image_libraries,
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                {
                    **_ALLOWED,
                    "images": {
                        "type": "object",
                        "description": "image (name or display name) -> its content library, when the Supervisor is not at hand",
                        "additionalProperties": {"type": "string"},
                    },
                    **_SUPERVISOR_LOOKUP,
                }
            ),
        ),
        ResourceValidationPolicy(
            name="vm-no-power-cycle-in-production",
            description="VMs in production namespaces do not set allowPowerCycle (no unattended restarts).",
            validate=_typed(
                rules.VM,
                lambda props, config: rules.power_cycle_in_production(
                    props, list(config.get("productionNamespaces") or DEFAULT_PRODUCTION)
                ),
            ),
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                {"productionNamespaces": {**_STRINGS, "default": DEFAULT_PRODUCTION}}
            ),
        ),
        StackValidationPolicy(
            name="vm-snapshot-limits",
            description="At most maxPerVM snapshots per VM (the Supervisor's included) and none older than maxAgeDays.",
            validate=snapshot_limits,
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(
                {
                    "maxPerVM": {"type": "integer", "minimum": 0, "default": DEFAULT_MAX_SNAPSHOTS},
                    "maxAgeDays": {"type": "number", "minimum": 0, "default": DEFAULT_MAX_SNAPSHOT_AGE_DAYS},
                    **_SUPERVISOR_LOOKUP,
                }
            ),
        ),
        ResourceValidationPolicy(
            name="vm-publish-allowed-libraries",
            description="VM publish requests target only the content libraries allowed for their namespace.",
            validate=_typed(rules.PUBLISH_REQUEST, rules.publish_target),
            enforcement_level=mandatory,
            config_schema=PolicyConfigSchema(_ALLOWED),
        ),
        StackValidationPolicy(
            name="vm-group-members-known",
            description="Every member of a VM group is declared in the stack or readable on the Supervisor, so the VM policies check it.",
            validate=group_members_known,
            enforcement_level=mandatory,
        ),
        ResourceValidationPolicy(
            name="lb-source-ranges",
            description="LoadBalancer services restrict their source ranges (not open to every address).",
            validate=_typed(rules.SERVICE, lambda props, _config: rules.load_balancer_ranges(props)),
            enforcement_level=advisory,
        ),
        ResourceValidationPolicy(
            name="required-labels",
            description="Supervisor objects (and the VMs of replica sets and groups) carry the required labels; missing ones with a default are added.",
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
