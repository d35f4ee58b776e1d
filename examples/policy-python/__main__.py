"""Guardrails for VM Service stacks, checked at `pulumi preview` / `pulumi up` (e.g. on pull requests).

    pulumi preview --policy-pack examples/policy-python            # with the Python language host
    pulumi preview --policy-pack examples/policy-python/run-pack   # without it (runs this pack directly)

Configure with `--policy-pack-config` (JSON): productionNamespaces, allowedClasses.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

VM = "vmservice:index:VirtualMachine"
SERVICE = "vmservice:index:VirtualMachineService"
DEFAULT_PRODUCTION_NAMESPACES = ["prod"]


def _namespace(props: dict[str, Any]) -> str:
    return str((props.get("metadata") or {}).get("namespace") or "")


def guaranteed_class_in_production(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != VM:
        return
    production = args.get_config().get("productionNamespaces", DEFAULT_PRODUCTION_NAMESPACES)
    namespace = _namespace(args.props)
    class_name = str((args.props.get("spec") or {}).get("className") or "")
    if namespace in production and class_name and not class_name.startswith("guaranteed-"):
        report(
            f"VM in production namespace {namespace!r} uses class {class_name!r}; production VMs need a "
            "guaranteed class (reserved CPU and memory), e.g. guaranteed-small or guaranteed-large"
        )


def allowed_classes(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != VM:
        return
    allowed = args.get_config().get("allowedClasses")
    class_name = (args.props.get("spec") or {}).get("className")
    if allowed and class_name and class_name not in allowed:
        report(f"class {class_name!r} is not allowed; allowed classes: {', '.join(allowed)}")


def no_inline_passwords(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != VM:
        return
    cloud_init = ((args.props.get("spec") or {}).get("bootstrap") or {}).get("cloudInit") or {}
    config = cloud_init.get("cloudConfig") or {}
    for user in config.get("users") or []:
        if isinstance(user, dict) and isinstance(user.get("passwd"), str):
            report(
                f"cloud-init user {user.get('name')!r} has an inline password in spec.bootstrap.cloudInit.cloudConfig, "
                "which is stored in plain text; use the resource's secret userData or a Secret reference"
            )


def load_balancer_source_ranges(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SERVICE:
        return
    spec = args.props.get("spec") or {}
    if spec.get("type") == "LoadBalancer" and not spec.get("loadBalancerSourceRanges"):
        report("LoadBalancer service is open to every address; set spec.loadBalancerSourceRanges")


PolicyPack(
    name="vmservice-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        ResourceValidationPolicy(
            name="vm-guaranteed-class-in-production",
            description="VMs in production namespaces use guaranteed (reserved) VM classes.",
            validate=guaranteed_class_in_production,
            config_schema=None,
        ),
        ResourceValidationPolicy(
            name="vm-allowed-classes",
            description="VMs use only the VM classes the platform team allows (config allowedClasses).",
            validate=allowed_classes,
        ),
        ResourceValidationPolicy(
            name="vm-no-inline-passwords",
            description="No passwords inline in cloud-init cloudConfig.",
            validate=no_inline_passwords,
        ),
        ResourceValidationPolicy(
            name="lb-source-ranges",
            description="LoadBalancer services restrict their source ranges.",
            validate=load_balancer_source_ranges,
            enforcement_level=EnforcementLevel.ADVISORY,
        ),
    ],
)
