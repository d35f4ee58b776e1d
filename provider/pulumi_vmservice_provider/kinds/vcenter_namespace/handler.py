"""vmservice:vcenter:Namespace — a vSphere Namespace on a Supervisor and what its users may use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.clients.namespaces import (
    AccessEntry,
    NamespaceInfo,
    NamespaceSpec,
    ResourceLimits,
    StorageSpec,
    create_namespace,
    delete_namespace,
    get_namespace,
    update_namespace,
)
from pulumi_vmservice_provider.clients.vsphere_soap import NotFoundInInventory
from pulumi_vmservice_provider.errors import PartialFailure, ProviderError
from pulumi_vmservice_provider.kinds.vcenter_namespace.declaration import NAMESPACE
from pulumi_vmservice_provider.kinds.vcenter_namespace.readiness import (
    NamespaceStatus,
    namespace_deleted,
    namespace_running,
)
from pulumi_vmservice_provider.operations import (
    CreateRequest,
    CreateResult,
    DeleteRequest,
    ReadRequest,
    ReadResult,
    UpdateRequest,
    UpdateResult,
)
from pulumi_vmservice_provider.readiness import Readiness, wait_until
from pulumi_vmservice_provider.resources.registry import handles
from pulumi_vmservice_provider.resources.vcenter_common import (
    VCenterHandler,
    keep_order,
    lookup_failure,
    refresh_inputs,
    resolve_supervisor,
    secret_keys,
)

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext

# Left alone unless the program sets them (then removing them from the program clears them).
UNMANAGED_WHEN_UNSET = frozenset(
    {
        "description",
        "vmClasses",
        "contentLibraries",
        "writableContentLibraries",
        "storagePolicies",
        "accessList",
        "resourceLimits",
    }
)
LIMITS = (
    ("cpuLimitMhz", "cpu_limit_mhz"),
    ("memoryLimitMib", "memory_limit_mib"),
    ("storageLimitMib", "storage_limit_mib"),
)


def _access_key(entry: JSONObject) -> tuple[str, str, str, str]:
    return (
        str(entry.get("subject", "")).lower(),
        str(entry.get("domain", "")).lower(),
        str(entry.get("role", "")),
        str(entry.get("subjectType", "USER")),
    )


def to_spec(
    inputs: JSONObject,
    cluster_id: str,
    policy_ids: list[str] | None,
    old_inputs: JSONObject | None = None,
) -> NamespaceSpec:
    """The request for `inputs`; a field the program stopped setting is sent empty so vCenter clears it."""
    plain, old = (inputs), (old_inputs or {})

    def pick(key: str, empty: Any) -> Any:
        if plain.get(key) is not None:
            return plain[key]
        return empty if old.get(key) is not None else None

    policies = pick("storagePolicies", [])
    access = pick("accessList", [])
    limits = plain.get("resourceLimits")
    return NamespaceSpec(
        name=plain["name"],
        cluster=cluster_id,
        description=pick("description", ""),
        vm_classes=pick("vmClasses", []),
        content_libraries=pick("contentLibraries", []),
        writable_content_libraries=pick("writableContentLibraries", False),
        storage_specs=None
        if policies is None
        else [StorageSpec(pid, p.get("limitMib")) for pid, p in zip(policy_ids or [], policies, strict=True)],
        access_list=None
        if access is None
        else [
            AccessEntry(a["subject"], a["domain"], a["role"], a.get("subjectType", "USER")) for a in access
        ],
        limits=None if limits is None else ResourceLimits(*(limits.get(key) for key, _ in LIMITS)),
    )


def live_inputs(live: NamespaceInfo, state: JSONObject, mine: JSONObject) -> tuple[JSONObject, set[str]]:
    """Inputs that describe the namespace, and the keys this server does not report."""
    current: JSONObject = {
        "supervisor": live.cluster,
        "name": live.name,
        "description": live.description,
        "vmClasses": live.vm_classes,
        "contentLibraries": live.content_libraries,
    }
    if mine.get("supervisor") and state.get("supervisorId") == live.cluster:
        current["supervisor"] = mine["supervisor"]
    unreported: set[str] = set()
    if live.storage_specs is None:
        unreported.add("storagePolicies")
    else:
        # Policies keep the name the user gave while they resolve to the same id.
        written = dict(
            zip(state.get("storagePolicyIds") or [], mine.get("storagePolicies") or [], strict=False)
        )
        current["storagePolicies"] = [
            {
                "policy": written[s.policy]["policy"] if s.policy in written else s.policy,
                **({"limitMib": s.limit_mib} if s.limit_mib is not None else {}),
            }
            for s in live.storage_specs
        ]
    if live.access_list is None:
        unreported.add("accessList")
    else:
        entries = [
            {"subject": a.subject, "domain": a.domain, "role": a.role, "subjectType": a.subject_type}
            for a in live.access_list
        ]
        current["accessList"] = keep_order(mine.get("accessList") or [], entries, _access_key)
    if live.limits is None:
        unreported.add("resourceLimits")
    else:
        current["resourceLimits"] = {
            key: getattr(live.limits, attr) for key, attr in LIMITS if getattr(live.limits, attr) is not None
        }
    if live.writable_libraries is None:
        unreported.add("writableContentLibraries")
    elif live.content_libraries:
        current["writableContentLibraries"] = all(
            live.writable_libraries.get(i, False) for i in live.content_libraries
        )
    return current, unreported


@handles(NAMESPACE)
class NamespaceHandler(VCenterHandler):
    def policy_ids(self, inputs: JSONObject) -> list[str] | None:
        policies = (inputs).get("storagePolicies")
        if policies is None:
            return None
        ids = []
        for index, policy in enumerate(policies):
            try:
                ids.append(self.soap.storage_policy(policy["policy"]).id)
            except NotFoundInInventory as error:
                raise lookup_failure(f"storagePolicies[{index}].policy", error) from None
        return ids

    def outputs(
        self,
        inputs: JSONObject,
        cluster_id: str,
        policy_ids: list[str] | None,
        live: NamespaceInfo | None,
    ) -> JSONObject:
        return {
            **inputs,
            "supervisorId": cluster_id,
            "configStatus": live.config_status if live else None,
            "storagePolicyIds": policy_ids,
        }

    def wait_running(self, ctx: OperationContext, name: str) -> NamespaceInfo:
        found = self._wait(ctx, name, namespace_running(name), f"waiting for namespace {name} to be RUNNING")
        assert found is not None  # vanishing is fatal
        return found

    def _wait(
        self, ctx: OperationContext, name: str, readiness: Readiness[NamespaceStatus], doing: str
    ) -> NamespaceInfo | None:
        found = wait_until(
            readiness,
            get=lambda: get_namespace(self.rest, name, ctx),
            waiter=ctx,
            doing=doing,
            report=ctx.status,
        )
        return cast("NamespaceInfo | None", found)

    def create(self, request: CreateRequest) -> CreateResult:
        ctx, inputs = request.ctx, request.inputs.value
        plain = inputs
        cluster_id, _, _ = resolve_supervisor(self.rest, self.soap, plain["supervisor"], "supervisor", ctx)
        policy_ids = self.policy_ids(inputs)
        name = plain["name"]
        if get_namespace(self.rest, name, ctx) is not None:
            raise self.already_exists(f"namespace {name!r}", name)
        ctx.status(f"creating namespace {name}")
        create_namespace(self.rest, to_spec(inputs, cluster_id, policy_ids), ctx)
        try:
            live = self.wait_running(ctx, name)
        except ProviderError as error:
            latest = get_namespace(self.rest, name, ctx)
            raise PartialFailure(
                name, self.outputs(inputs, cluster_id, policy_ids, latest), inputs, str(error)
            ) from None
        return CreateResult(name, self.outputs(inputs, cluster_id, policy_ids, live))

    def read(self, request: ReadRequest) -> ReadResult | None:
        ctx, resource_id, state, inputs = request.ctx, request.id, request.state.value, request.inputs.value
        live = get_namespace(self.rest, resource_id, ctx)
        if live is None:
            return None
        current, unreported = live_inputs(live, state, inputs or {})
        new_inputs = refresh_inputs(
            inputs,
            current,
            unmanaged_when_unset=UNMANAGED_WHEN_UNSET,
            unreported=frozenset(unreported),
            secret=secret_keys(request.inputs),
        )
        policy_ids = state.get("storagePolicyIds")
        if live.storage_specs is not None and "storagePolicies" in new_inputs:
            # Ids in the order of the inputs, which keep the user's order and policy names.
            written = (inputs or {}).get("storagePolicies") or []
            to_id = {
                p["policy"]: i for i, p in zip(state.get("storagePolicyIds") or [], written, strict=False)
            }
            policy_ids = [to_id.get(p["policy"], p["policy"]) for p in (new_inputs["storagePolicies"])]
        return ReadResult(resource_id, self.outputs(new_inputs, live.cluster, policy_ids, live), new_inputs)

    def update(self, request: UpdateRequest) -> UpdateResult:
        ctx, resource_id, olds, old_inputs, news = (
            request.ctx,
            request.id,
            request.state.value,
            request.old_inputs.value,
            request.inputs.value,
        )
        cluster_id = str(olds.get("supervisorId") or "")
        policy_ids = self.policy_ids(news)
        spec = to_spec(news, cluster_id, policy_ids, old_inputs)
        ctx.status(f"updating namespace {resource_id}")
        update_namespace(self.rest, spec, old_inputs.get("resourceLimits") is not None, ctx)
        try:
            live = self.wait_running(ctx, resource_id)
        except ProviderError as error:
            latest = get_namespace(self.rest, resource_id, ctx)
            raise PartialFailure(
                resource_id, self.outputs(news, cluster_id, policy_ids, latest), news, str(error)
            ) from None
        return UpdateResult(self.outputs(news, cluster_id, policy_ids, live))

    def delete(self, request: DeleteRequest) -> None:
        ctx, resource_id = request.ctx, request.id
        ctx.status(f"deleting namespace {resource_id}")
        if not delete_namespace(self.rest, resource_id, ctx):
            return
        self._wait(
            ctx, resource_id, namespace_deleted(), f"waiting for namespace {resource_id} to be deleted"
        )
