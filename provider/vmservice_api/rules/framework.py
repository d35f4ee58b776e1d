"""How a Supervisor admission rule is declared, what it is given, and how the rules of a kind are run.

A rule is a plain function of one `Request`, registered with the kind, webhook, operations and releases it
applies to and the upstream function it re-expresses:

    @validation(
        "VirtualMachine",
        source="webhooks/virtualmachine/validation/virtualmachine_validator.go: validateNetworkHostAndDomainName",
    )
    def host_and_domain_name(req: Request[VirtualMachine]) -> Iterable[FieldError]: ...

    @mutation("VirtualMachine", source="...virtualmachine_mutator.go: SetDefaultPowerState")
    def default_power_state(req: Request[VirtualMachine]) -> bool: ...   # changed req.object in place?

Everything a rule may depend on besides the object is an explicit input of the request: the release, the
caller's identity, the Supervisor's feature switches and capabilities, and a read-only view of the cluster
(zones, storage classes, claims, images, classes, ...). Any of them may be unknown (an offline preview): a
rule that reads an unknown fact raises `Unjudged`, which the runner records instead of an error, so an
unknown input never produces a refusal, and the caller can say which rules it could not judge. Values of the
object itself may be unknown too (`Request.known(path)`); errors on such a field are dropped the same way.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Protocol, TypeVar

from vmservice_api.objects import JSONObject, ObjectView
from vmservice_api.rules.fielderrors import FieldError, FieldPath

Release = Literal["8.0u3", "9.1"]
RELEASES: tuple[Release, ...] = ("8.0u3", "9.1")
Operation = Literal["CREATE", "UPDATE", "DELETE"]
Webhook = Literal["mutating", "validating"]

# VM Operator's own service account, and the user name its webhooks treat as the Supervisor's admin.
VMOP_SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:vmware-system-vmop:"
KUBE_ADMIN = "kubernetes-admin"
SYSTEM_MASTERS = "system:masters"
SKIP_VALIDATION = "vmoperator.vmware.com.protected/skip-validation"
# Before 9.1, a configured privileged user counts only with this feature switch on.
AUTO_VADP_BACKUP_RESTORE = "AutoVADPBackupRestore"


class Unjudged(Exception):
    """A rule needed a fact that is not known (offline preview, unknown value); it stays silent."""

    def __init__(self, fact: str) -> None:
        super().__init__(fact)
        self.fact = fact


class Denied(Exception):
    """A mutating webhook refuses the object outright (admission.Denied: HTTP 403 with this message)."""


@dataclass(frozen=True)
class Identity:
    """Who sends the request, as the apiserver tells the webhook (`userInfo`)."""

    username: str
    groups: tuple[str, ...] = ()


class Cluster(Protocol):
    """What rules may read of the cluster: never anything to write with. A reader that cannot answer (no
    Supervisor at hand) raises `Unjudged`."""

    def get(self, kind: str, namespace: str | None, name: str) -> JSONObject | None:
        """The object (`kind` is `Kind` or `Kind.group` for non-core groups), None when it does not exist."""
        ...

    def list(self, kind: str, namespace: str | None = None) -> list[JSONObject]: ...


class UnknownCluster:
    """The cluster of an offline preview: every read is unknown."""

    def get(self, kind: str, namespace: str | None, name: str) -> JSONObject | None:
        raise Unjudged(f"{kind} {namespace + '/' if namespace else ''}{name}")

    def list(self, kind: str, namespace: str | None = None) -> list[JSONObject]:
        raise Unjudged(f"the {kind} objects{' of ' + namespace if namespace else ''}")


@dataclass(frozen=True)
class StaticCluster:
    """A cluster given as a list of objects (tests, the corpus, a snapshot the provider read)."""

    objects: tuple[JSONObject, ...] = ()

    def _matches(self, obj: JSONObject, kind: str, namespace: str | None) -> bool:
        meta = obj.get("metadata") or {}
        if _kind_key(obj) != kind and obj.get("kind") != kind:
            return False
        return namespace is None or meta.get("namespace") in (namespace, None)

    def get(self, kind: str, namespace: str | None, name: str) -> JSONObject | None:
        for obj in self.objects:
            if self._matches(obj, kind, namespace) and (obj.get("metadata") or {}).get("name") == name:
                return obj
        return None

    def list(self, kind: str, namespace: str | None = None) -> list[JSONObject]:
        return [obj for obj in self.objects if self._matches(obj, kind, namespace)]


def _kind_key(obj: JSONObject) -> str:
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    return f"{obj.get('kind')}.{group}" if group else str(obj.get("kind"))


T = TypeVar("T", bound=Mapping[str, Any])


@dataclass
class Request(Generic[T]):
    """One admission request as a rule sees it. A mutation rule changes `object` in place (it is a copy)."""

    kind: str
    operation: Operation
    object: T
    release: Release
    old: T | None = None
    user: Identity | None = None  # None: not known (offline)
    cluster: Cluster = field(default_factory=UnknownCluster)
    # VM Operator's feature switches and the Supervisor's capabilities by name (VMResize, MutableNetworks,
    # VMSnapshots, WorkloadDomainIsolation, ...); a name that is absent is off. None: not known (offline).
    features: Mapping[str, bool] | None = None
    # User names VM Operator is configured to treat as privileged (its PRIVILEGED_USERS setting).
    privileged_users: tuple[str, ...] = ()
    # Paths (as FieldError prints them) of the object whose values are not known yet (a preview).
    unknown: frozenset[str] = frozenset()
    dry_run: bool = False

    # ---- the object --------------------------------------------------------------------------
    @property
    def view(self) -> ObjectView[Any, Any]:
        return ObjectView(self.object)

    @property
    def old_view(self) -> ObjectView[Any, Any]:
        return ObjectView(self.old)

    @property
    def namespace(self) -> str:
        return self.view.namespace

    @property
    def name(self) -> str:
        return self.view.name

    def known(self, at: FieldPath | str) -> bool:
        """Whether the value at `at` (a FieldPath or its text) and everything in it is known."""
        text = str(at)
        return not any(_related(text, unknown) for unknown in self.unknown)

    # ---- explicit inputs ---------------------------------------------------------------------
    def feature(self, name: str) -> bool:
        if self.features is None:
            raise Unjudged(f"whether the Supervisor has {name}")
        return bool(self.features.get(name, False))

    @property
    def privileged(self) -> bool:
        """VM Operator's "privileged account" (pkg/builder/auth.go: IsPrivilegedAccount): its own service
        account or the kube admin; on 9.1 also system:masters and the configured privileged users; on 8.0 U3
        the configured privileged users only with AutoVADPBackupRestore on."""
        if self.user is None:
            raise Unjudged("who sends the request")
        user = self.user
        if user.username.startswith(VMOP_SERVICE_ACCOUNT_PREFIX) or user.username.lower() == KUBE_ADMIN:
            return True
        if self.release == "8.0u3":
            return user.username in self.privileged_users and self.feature(AUTO_VADP_BACKUP_RESTORE)
        return SYSTEM_MASTERS in user.groups or user.username in self.privileged_users

    def get(self, kind: str, name: str, namespace: str | None = "") -> JSONObject | None:
        """An object of the request's namespace (or of `namespace`; None: cluster-scoped)."""
        return self.cluster.get(kind, self.namespace if namespace == "" else namespace, name)

    def list(self, kind: str, namespace: str | None = "") -> list[JSONObject]:
        return self.cluster.list(kind, self.namespace if namespace == "" else namespace)


def _related(path: str, other: str) -> bool:
    """Whether one field path is the other or lies below it."""
    shorter, longer = sorted((path, other), key=len)
    return longer == shorter or longer.startswith((f"{shorter}.", f"{shorter}["))


ValidateFn = Callable[[Request[Any]], Iterable[FieldError]]
MutateFn = Callable[[Request[Any]], bool | None]


@dataclass(frozen=True)
class Rule:
    """One rule: which kind and webhook, when it applies, where upstream it comes from."""

    name: str
    kind: str
    webhook: Webhook
    operations: tuple[Operation, ...]
    releases: tuple[Release, ...]
    source: str  # upstream file and function, e.g. "webhooks/.../virtualmachine_validator.go: validateCdrom"
    check: ValidateFn | None = None
    mutate: MutateFn | None = None

    def applies(self, request: Request[Any]) -> bool:
        return request.operation in self.operations and request.release in self.releases


_RULES: list[Rule] = []


def _register(rule: Rule) -> None:
    if any(r.kind == rule.kind and r.webhook == rule.webhook and r.name == rule.name for r in _RULES):
        raise ValueError(f"{rule.kind} {rule.webhook} rule {rule.name} is registered twice")
    _RULES.append(rule)


def validation(
    kind: str,
    *,
    source: str,
    operations: tuple[Operation, ...] = ("CREATE", "UPDATE"),
    releases: tuple[Release, ...] = RELEASES,
) -> Callable[[ValidateFn], ValidateFn]:
    """Declare a validating rule (run in declaration order, which follows upstream's order)."""

    def register(check: ValidateFn) -> ValidateFn:
        _register(Rule(check.__name__, kind, "validating", operations, releases, source, check=check))
        return check

    return register


def mutation(
    kind: str,
    *,
    source: str,
    operations: tuple[Operation, ...] = ("CREATE", "UPDATE"),
    releases: tuple[Release, ...] = RELEASES,
) -> Callable[[MutateFn], MutateFn]:
    """Declare a mutating rule: it changes `request.object` in place (returning whether it did is optional),
    or raises `Denied`."""

    def register(mutate: MutateFn) -> MutateFn:
        _register(Rule(mutate.__name__, kind, "mutating", operations, releases, source, mutate=mutate))
        return mutate

    return register


def rules(kind: str | None = None, webhook: Webhook | None = None) -> list[Rule]:
    """The registered rules (of one kind and webhook), in declaration order."""
    from vmservice_api.rules import load

    load()
    return [
        r for r in _RULES if (kind is None or r.kind == kind) and (webhook is None or r.webhook == webhook)
    ]


@dataclass(frozen=True)
class Skipped:
    """A rule that could not judge the request, and the fact it lacked."""

    rule: Rule
    fact: str

    def __str__(self) -> str:
        return f"{self.rule.name} ({self.rule.source}) needs {self.fact}"


@dataclass(frozen=True)
class Validated:
    errors: tuple[FieldError, ...] = ()
    unjudged: tuple[Skipped, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.errors

    @property
    def reason(self) -> str:
        """The denial as VM Operator words it: the errors joined by ", "."""
        return ", ".join(str(e) for e in self.errors)


@dataclass(frozen=True)
class Mutated:
    object: JSONObject
    changed: bool = False
    denied: str | None = None
    unjudged: tuple[Skipped, ...] = ()


def _deleting(request: Request[Any]) -> bool:
    return request.operation == "UPDATE" and bool(
        (request.object.get("metadata") or {}).get("deletionTimestamp")
    )


def validate(request: Request[Any]) -> Validated:
    """Run the kind's validating rules that apply to the request. As VM Operator's webhook handler does
    (pkg/builder/validating_webhook.go: HandleValidate), an object carrying the skip-validation annotation
    (9.1) and an update of an object being deleted are admitted without judging."""
    annotations = (request.object.get("metadata") or {}).get("annotations") or {}
    if (request.release != "8.0u3" and SKIP_VALIDATION in annotations) or _deleting(request):
        return Validated()
    errors: list[FieldError] = []
    unjudged: list[Skipped] = []
    for rule in rules(request.kind, "validating"):
        if not rule.applies(request):
            continue
        assert rule.check is not None
        try:
            found = list(rule.check(request))
        except Unjudged as missing:
            unjudged.append(Skipped(rule, missing.fact))
            continue
        for error in found:
            if request.known(error.field):
                errors.append(error)
            else:
                unjudged.append(Skipped(rule, f"the value of {error.field}"))
    return Validated(tuple(errors), tuple(unjudged))


def mutate(request: Request[Any]) -> Mutated:
    """Run the kind's mutating rules on a copy of the object; the result is what the webhook would store. An
    update of an object being deleted is left as it is (pkg/builder/mutating_webhook.go)."""
    if _deleting(request):
        return Mutated(copy.deepcopy(dict(request.object)))
    working = copy.copy(request)
    working.object = copy.deepcopy(request.object)
    original = copy.deepcopy(request.object)
    unjudged: list[Skipped] = []
    for rule in rules(request.kind, "mutating"):
        if not rule.applies(working):
            continue
        assert rule.mutate is not None
        try:
            rule.mutate(working)
        except Unjudged as missing:
            unjudged.append(Skipped(rule, missing.fact))
        except Denied as denial:
            return Mutated(original, denied=str(denial), unjudged=tuple(unjudged))
    return Mutated(working.object, working.object != original, None, tuple(unjudged))


def admit(request: Request[Any]) -> tuple[Mutated, Validated]:
    """What the Supervisor does with a create or update: mutate, then validate the mutated object."""
    mutated = mutate(request)
    if mutated.denied is not None:
        return mutated, Validated()
    validating = copy.copy(request)
    validating.object = mutated.object
    return mutated, validate(validating)
