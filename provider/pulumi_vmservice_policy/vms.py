"""The VMs a resource makes, as the VM policies see them: every rule a VirtualMachine is held to applies to
each of them, with a prefix in the message saying where the VM comes from.

- a `VirtualMachine`: its own properties;
- a `VirtualMachineReplicaSet`: its `spec.template` as a VM (the replica set's namespace and name, the template's
  labels and spec), `spec.replicas` times (zone spread counts them);
- a `VirtualMachineGroup`: its members (`spec.bootOrder[].members`, nested groups followed) that this stack does
  not declare itself, read from the Supervisor. Members this stack declares are checked as themselves (with the
  properties of this change, not the Supervisor's older state), and so are objects the Supervisor says this stack
  made (the provider's `vmservice.pulumi.com/urn` annotation names the stack). A member that is neither in the
  stack nor on the Supervisor cannot be checked: `vm-group-members-known` fails for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pulumi_vmservice_policy.supervisor import Supervisor

VM = "vmservice:index:VirtualMachine"
REPLICA_SET = "vmservice:index:VirtualMachineReplicaSet"
GROUP = "vmservice:index:VirtualMachineGroup"
URN_ANNOTATION = "vmservice.pulumi.com/urn"
MAX_NESTING = 8


@dataclass(frozen=True)
class VMView:
    props: dict[str, Any]  # shaped like a VirtualMachine's properties (metadata, spec, ...)
    where: str = ""  # "" for a VM itself; "spec.template"; "member VirtualMachine dev/web-1"
    count: int = 1  # how many VMs have this shape (a replica set's replicas)

    def say(self, message: str) -> str:
        return f"{self.where}: {message}" if self.where else message


@dataclass
class Members:
    views: list[VMView] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # "VirtualMachine dev/db-1 (why)"


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def namespace(props: dict[str, Any]) -> str:
    return str(_get(props, "metadata", "namespace") or "")


def template_view(props: dict[str, Any]) -> VMView:
    """A replica set's template as the VM each replica will be."""
    template = _get(props, "spec", "template") or {}
    template_meta = template.get("metadata") or {}
    replicas = _get(props, "spec", "replicas")
    return VMView(
        {
            "metadata": {
                "name": _get(props, "metadata", "name"),
                "namespace": _get(props, "metadata", "namespace"),
                "labels": dict(template_meta.get("labels") or {}),
                "annotations": dict(template_meta.get("annotations") or {}),
            },
            "spec": dict(template.get("spec") or {}),
        },
        "spec.template",
        # numbers arrive as floats; VM Operator's default is 1
        int(replicas)
        if isinstance(replicas, int | float) and not isinstance(replicas, bool) and replicas >= 0
        else 1,
    )


def stack_prefix(urn: str) -> str:
    """`urn:pulumi:STACK::PROJECT::` of a resource's URN: what every URN of the same stack starts with."""
    parts = urn.split("::")
    return "::".join(parts[:2]) + "::" if len(parts) >= 3 else "\0"  # "\0": matches nothing


def made_by(obj: dict[str, Any], prefix: str) -> bool:
    """Whether the provider made this object for a resource of the stack with this URN prefix."""
    return str(_get(obj, "metadata", "annotations", URN_ANNOTATION) or "").startswith(prefix)


def group_members(props: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, name) of a group's members, in boot order."""
    found = []
    for boot_group in _get(props, "spec", "bootOrder") or []:
        for member in _get(boot_group, "members") or []:
            name = _get(member, "name")
            if isinstance(name, str) and name:
                found.append((str(_get(member, "kind") or "VirtualMachine"), name))
    return found


Declared = Callable[[str, str, str], bool]  # (kind, namespace, name) -> the stack declares it


def members_of(
    props: dict[str, Any],
    declared: Declared,
    prefix: str,
    supervisor: Supervisor,
    seen: frozenset[tuple[str, str]] = frozenset(),
    through: str = "",
) -> Members:
    """The group's members to check from the Supervisor, and those nobody can check."""
    ns, found = namespace(props), Members()
    for kind, name in group_members(props):
        label = f"{kind} {ns}/{name}"
        if declared(kind, ns, name) or (ns, name) in seen:
            continue
        if kind == "VirtualMachineGroup":
            live = supervisor.group(ns, name) if len(seen) < MAX_NESTING else None
            if live is None:
                found.unknown.append(f"{label} ({_why_missing(supervisor)})")
            elif not made_by(live, prefix):
                nested = members_of(
                    live, declared, prefix, supervisor, seen | {(ns, name)}, f" in group {name}"
                )
                found.views += nested.views
                found.unknown += nested.unknown
            continue
        live = supervisor.vm(ns, name)
        if live is None:
            found.unknown.append(f"{label} ({_why_missing(supervisor)})")
        elif not made_by(live, prefix):
            found.views.append(VMView(live, f"member VirtualMachine {ns}/{name}{through}"))
    return found


def _why_missing(supervisor: Supervisor) -> str:
    return (
        "not on the Supervisor"
        if supervisor.usable
        else f"Supervisor not readable: {supervisor.why_unknown()}"
    )


def views_of(
    resource_type: str, props: dict[str, Any], declared: Declared, prefix: str, supervisor: Supervisor
) -> list[VMView]:
    """The VMs one resource makes or groups (see the module's description)."""
    if resource_type == VM:
        return [VMView(props)]
    if resource_type == REPLICA_SET:
        return [template_view(props)]
    if resource_type == GROUP:
        return members_of(props, declared, prefix, supervisor).views
    return []


@dataclass(frozen=True)
class StackResource:
    urn: str
    type: str
    props: dict[str, Any]


def declared_in(resources: list[StackResource]) -> Declared:
    names = {
        ("VirtualMachine" if r.type == VM else "VirtualMachineGroup", namespace(r.props), name)
        for r in resources
        if r.type in (VM, GROUP) and isinstance(name := _get(r.props, "metadata", "name"), str)
    }
    return lambda kind, ns, name: (kind, ns, name) in names


def stack_views(resources: list[StackResource], supervisor: Supervisor) -> Iterator[tuple[str, VMView]]:
    """(urn, view) of every VM the stack's resources make or group."""
    declared = declared_in(resources)
    for resource in resources:
        for view in views_of(resource.type, resource.props, declared, stack_prefix(resource.urn), supervisor):
            yield resource.urn, view


def unknown_members(resources: list[StackResource], supervisor: Supervisor) -> Iterator[tuple[str, str]]:
    """(urn of the group, member) for members neither in the stack nor readable on the Supervisor."""
    declared = declared_in(resources)
    for resource in resources:
        if resource.type == GROUP:
            for member in members_of(
                resource.props, declared, stack_prefix(resource.urn), supervisor
            ).unknown:
                yield resource.urn, member
