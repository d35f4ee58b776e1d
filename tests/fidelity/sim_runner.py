"""Runs corpus cases against a running simulator's admission, through the real apiserver.

For each case: the Supervisor's feature switches and privileged users are set (the simulator's two
ConfigMaps), the cluster is made to hold exactly the case's objects of the kinds the rules read, the old
object of an UPDATE is created as the case states it (a test-only fixture group admits it unjudged), and the
object is sent as a server-side dry run, impersonating the case's identity from the admin kubeconfig. The
apiserver's answer is compared with the case: allowed or denied, the field paths and message substrings of a
denial, the values after mutation.

Upstream's tests exercise one webhook at a time, so a mutating case is sent with the test-only group that
skips the validating webhook and a validating case with the one that skips the mutating webhook; a case with a
`chain` outcome goes through the whole chain (mutation, the CRD schema, validation), as on a real Supervisor.
Either way the apiserver's own checks (the CRD schema, object names) run first, as they do on a Supervisor.

Upstream's test objects are Go structs: on the wire, a field without `omitempty` is always present, with its
zero value when unset (`key: ""`, `port: 0`), and the CRD marks exactly those fields required. The corpus
leaves such zero values out, so objects of cases translated from tests are sent as a Go client would send
them (`GoWire`: required fields that are missing get their zero value); documentation samples are YAML a
user applies, and are sent as written.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.fidelity.corpus import Case, at_path, same_value

if TYPE_CHECKING:
    from vmservice_sim.cluster import ApiResources, Resource
    from vmservice_sim.simulator import Simulator

Obj = dict[str, Any]

# What the simulator seeds that the rules read and no case expects: the corpus's cluster is exactly the case's.
SEEDED_READS = (
    ("AvailabilityZone.topology.tanzu.vmware.com", None),
    ("StorageClass.storage.k8s.io", None),
    ("ConfigMap", "vmware-system-vmop", "vsphere.provider.config.vmoperator.vmware.com"),
)
HOLD_FINALIZER = "vmservice-sim.test/hold"


@dataclass
class Outcome:
    """What the apiserver answered for one case."""

    status: int
    body: Obj
    seconds: float
    setup_error: str = ""  # the case's cluster or old object could not be made: it cannot be expressed

    @property
    def allowed(self) -> bool:
        return 200 <= self.status < 300

    @property
    def message(self) -> str:
        return str(self.body.get("message") or "")


@dataclass
class Verdict:
    agrees: bool
    why: str = ""


class Api:
    """Raw JSON requests to the apiserver as the admin, optionally impersonating someone."""

    def __init__(self, server: str, token: str, ca_file: str) -> None:
        import urllib3

        self.server = server
        self.token = token
        self.http = urllib3.PoolManager(ca_certs=ca_file, maxsize=4)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        user: dict[str, Any] | None = None,
        extra_groups: tuple[str, ...] = (),
        content_type: str = "application/json",
    ) -> tuple[int, Obj]:
        from urllib3 import HTTPHeaderDict

        headers = HTTPHeaderDict({"Authorization": f"Bearer {self.token}", "Accept": "application/json"})
        if body is not None:
            headers["Content-Type"] = content_type
        if user is not None:
            headers.add("Impersonate-User", str(user["username"]))
            for group in (*(user.get("groups") or ()), *extra_groups):
                headers.add("Impersonate-Group", str(group))
        response = self.http.request(
            method,
            self.server + path,
            body=json.dumps(body).encode() if body is not None else None,
            headers=headers,
            timeout=30,
        )
        data = response.data
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            parsed = {"message": data.decode(errors="replace")}
        return response.status, parsed if isinstance(parsed, dict) else {}

    def ok(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Obj:
        status, answer = self.call(method, path, body, **kwargs)
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path}: {status} {answer.get('message')}")
        return answer


class GoWire:
    """Objects as a Go client serialises the typed struct they stand for (see the module's docstring)."""

    def __init__(self, api: Api) -> None:
        self.schemas: dict[tuple[str, str, str], Obj] = {}  # (group, kind, version) -> openAPIV3Schema
        listing = api.ok("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
        for crd in listing.get("items") or []:
            spec = crd.get("spec") or {}
            for version in spec.get("versions") or []:
                schema = (version.get("schema") or {}).get("openAPIV3Schema")
                if schema:
                    self.schemas[(spec["group"], spec["names"]["kind"], version["name"])] = schema

    def __call__(self, obj: Obj) -> Obj:
        group, _, version = str(obj.get("apiVersion") or "").rpartition("/")
        schema = self.schemas.get((group, str(obj.get("kind")), version))
        if schema is None:
            return obj
        wired = copy.deepcopy(obj)
        for part in ("spec", "status"):
            if isinstance(wired.get(part), dict):
                schema_of_part = (schema.get("properties") or {}).get(part) or {}
                _fill_zero_values(wired[part], schema_of_part, controller_written=part == "status")
        return wired


def _fill_zero_values(value: Any, schema: Obj, controller_written: bool) -> None:
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        for key in schema.get("required") or ():
            if key not in value and key in properties:
                zero = _zero_value(properties[key], controller_written)
                if zero is not None:
                    value[key] = zero
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            inner = properties.get(key) or (extra if isinstance(extra, dict) else None)
            if inner:
                _fill_zero_values(item, inner, controller_written)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            _fill_zero_values(item, schema["items"], controller_written)


def _zero_value(schema: Obj, controller_written: bool) -> Any:
    """What encoding/json writes for a field left at its zero value (None: nothing that validates: a nil
    slice or pointer is null, which the apiserver treats as absent). In a status, which VM Operator's
    controllers write whole, a required enumerated field the case leaves out gets the enum's first value (a
    status the apiserver would refuse never exists; no rule reads these fields)."""
    if schema.get("x-kubernetes-int-or-string"):
        return 0
    kind = schema.get("type")
    if kind == "object":
        zero: Obj = {}
        _fill_zero_values(zero, schema, controller_written)
        return zero
    if kind == "string" and controller_written and schema.get("enum") and "" not in schema["enum"]:
        return schema["enum"][0]
    return {"string": "", "integer": 0, "number": 0, "boolean": False}.get(str(kind))


def is_sample(case: Case) -> bool:
    """A documentation sample (YAML a user applies), not an object built in a Go test."""
    return "docs/" in case.source or "config/samples/" in case.source


def _key(obj: Obj) -> tuple[str, str | None, str]:
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    kind = f"{obj['kind']}.{group}" if group else str(obj["kind"])
    meta = obj.get("metadata") or {}
    return kind, meta.get("namespace"), str(meta.get("name"))


@dataclass
class CorpusSimulator:
    """One simulator (one release) running corpus cases one after another."""

    sim: Simulator
    resources: ApiResources
    api: Api
    fixture_groups: tuple[str, str, str]  # (admit unjudged, mutation only, validation only)
    wire: GoWire
    namespaces: set[str] = field(default_factory=set)
    editors: dict[str, set[str]] = field(default_factory=dict)  # namespace -> users bound to `edit` there
    _features: tuple[Any, ...] | None = None
    _cluster: dict[tuple[str, str | None, str], str] = field(default_factory=dict)

    @classmethod
    def attach(cls, sim: Simulator) -> CorpusSimulator:
        from vmservice_sim.admission import (
            FIXTURE_ADMIT_UNJUDGED,
            FIXTURE_MUTATION_ONLY,
            FIXTURE_VALIDATION_ONLY,
        )
        from vmservice_sim.cluster import ApiResources

        assert sim.control_plane is not None and sim.kube is not None
        cp = sim.control_plane
        api = Api(cp.server_url, cp.token, str(cp.ca_file))
        groups = (FIXTURE_ADMIT_UNJUDGED, FIXTURE_MUTATION_ONLY, FIXTURE_VALIDATION_ONLY)
        runner = cls(sim, ApiResources(sim.kube), api, groups, GoWire(api))
        runner._forget_seed()
        return runner

    # ---- the Supervisor's state ------------------------------------------------------------------------
    @property
    def fixture(self) -> dict[str, Any]:
        return {"username": "vmservice-sim:corpus", "groups": ["system:masters", self.fixture_groups[0]]}

    def resource(self, obj: Obj) -> tuple[Resource, str]:
        """The served resource of an object and the version to send it in (its own when served, else the
        version the simulator's release serves)."""
        kind, _, _ = _key(obj)
        resource = self.resources.resource(kind)
        if resource is None:
            raise LookupError(f"{kind} is not served")
        version = str(obj.get("apiVersion") or "").rpartition("/")[2]
        return resource, version if version in resource.versions else resource.version

    def path(self, obj: Obj, *, name: bool = True, subresource: str = "") -> str:
        from dataclasses import replace

        resource, version = self.resource(obj)
        meta = obj.get("metadata") or {}
        served = replace(resource, version=version)
        base = served.path(
            meta.get("namespace") if resource.namespaced else None, meta["name"] if name else None
        )
        return base + (f"/{subresource}" if subresource else "")

    def in_served_version(self, obj: Obj, as_written: bool = False) -> Obj:
        """The object in a version the apiserver serves; unless `as_written`, as a Go client sends it."""
        resource, version = self.resource(obj)
        served = copy.deepcopy(obj)
        served["apiVersion"] = f"{resource.group}/{version}" if resource.group else version
        return served if as_written else self.wire(served)

    def _forget_seed(self) -> None:
        for entry in SEEDED_READS:
            kind = entry[0]
            resource = self.resources.resource(kind)
            assert resource is not None, kind
            if len(entry) == 3:
                self.api.call("DELETE", resource.path(entry[1], entry[2]))
                continue
            listing = self.api.ok("GET", resource.path(None))
            for item in listing.get("items") or []:
                self.api.call("DELETE", resource.path(None, item["metadata"]["name"]))

    def ensure_namespace(self, name: str) -> None:
        if name in self.namespaces:
            return
        status, _ = self.api.call("POST", "/api/v1/namespaces", {"metadata": {"name": name}})
        if status not in (201, 409):
            raise RuntimeError(f"namespace {name}: {status}")
        self.namespaces.add(name)

    def prepare(self, cases: list[Case]) -> None:
        """Every case's namespace, with its identity bound to `edit` there, before the first case runs (RBAC
        takes a moment to see a new binding)."""
        for case in cases:
            namespace = str(case.object["metadata"]["namespace"])
            self.ensure_namespace(namespace)
            self.grant_edit(namespace, str(case.user["username"]))
        for namespace, users in self.editors.items():
            for username in users:
                self._wait_allowed(namespace, username)

    def _wait_allowed(self, namespace: str, username: str) -> None:
        review = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SubjectAccessReview",
            "spec": {
                "user": username,
                "resourceAttributes": {
                    "namespace": namespace,
                    "verb": "create",
                    "group": "vmoperator.vmware.com",
                    "resource": "virtualmachines",
                },
            },
        }
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            answer = self.api.ok("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", review)
            if (answer.get("status") or {}).get("allowed"):
                return
            time.sleep(0.05)
        raise RuntimeError(f"{username} may not edit in {namespace} after 10 s")

    def grant_edit(self, namespace: str, username: str) -> None:
        """The case's identity may edit in the case's namespace (a vSphere Namespace's "can edit")."""
        editors = self.editors.setdefault(namespace, set())
        if username in editors:
            return
        editors.add(username)
        body = {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "corpus-editors", "namespace": namespace},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
            "subjects": [
                {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": n} for n in sorted(editors)
            ],
        }
        path = f"/apis/rbac.authorization.k8s.io/v1/namespaces/{namespace}/rolebindings/corpus-editors"
        self.api.ok("PUT", path, body)

    def set_features(self, case: Case) -> None:
        from vmservice_sim import capabilities, vmop_config

        wanted = (tuple(sorted(case.features.items())), case.privileged_users)
        if wanted == self._features:
            return
        switches, published, provider = vmop_config.split_features(case.release, case.features)
        for body in (
            capabilities.config_map(published),
            vmop_config.config_map(switches, provider, case.privileged_users),
        ):
            meta = body["metadata"]
            path = f"/api/v1/namespaces/{meta['namespace']}/configmaps/{meta['name']}"
            self.api.ok("PUT", path, {"apiVersion": "v1", "kind": "ConfigMap", **body})
        self._features = wanted

    def set_cluster(self, objects: tuple[Obj, ...]) -> None:
        """Make the cluster hold exactly these objects (of the kinds the cases name), reusing what is there."""
        wanted = {_key(o): o for o in objects}
        for key, fingerprint in list(self._cluster.items()):
            if key not in wanted or json.dumps(wanted[key], sort_keys=True) != fingerprint:
                self._delete(key)
        for key, obj in wanted.items():
            if key not in self._cluster:
                self._create(obj)
                self._cluster[key] = json.dumps(obj, sort_keys=True)

    def _delete(self, key: tuple[str, str | None, str]) -> None:
        kind, namespace, name = key
        resource = self.resources.resource(kind)
        assert resource is not None
        path = resource.path(namespace, name)
        self.api.call(
            "PATCH", path, {"metadata": {"finalizers": None}}, content_type="application/merge-patch+json"
        )
        self.api.call("DELETE", path + "?gracePeriodSeconds=0")
        deadline = time.monotonic() + 10
        while self.api.call("GET", path)[0] != 404 and time.monotonic() < deadline:
            time.sleep(0.02)
        del self._cluster[key]

    def _create(self, obj: Obj) -> None:
        namespace = (obj.get("metadata") or {}).get("namespace")
        if namespace:
            self.ensure_namespace(namespace)
        body = self._as_the_apiserver_takes_it(self.in_served_version(obj))
        meta = body.setdefault("metadata", {})
        if self.resource(obj)[0].namespaced is False:
            meta.pop("namespace", None)
        deleting = bool(meta.pop("deletionTimestamp", None))
        if deleting:
            meta["finalizers"] = [*(meta.get("finalizers") or []), HOLD_FINALIZER]
        status = body.get("status")
        self.api.ok("POST", self.path(body, name=False), body, user=self.fixture)
        if status:
            self.api.ok(
                "PATCH",
                self.path(body, subresource="status"),
                {"status": status},
                content_type="application/merge-patch+json",
            )
        if deleting:  # an object being deleted: held by a finalizer until the case is over
            self.api.ok("DELETE", self.path(body), user=self.fixture)

    def _as_the_apiserver_takes_it(self, obj: Obj) -> Obj:
        """What upstream's tests leave out of cluster objects but a real apiserver requires, and no rule reads:
        owner references get the owner's apiVersion and uid, claims a storage request."""
        meta = obj.setdefault("metadata", {})
        for owner in meta.get("ownerReferences") or []:
            if owner.get("kind") and owner.get("name"):
                found = self.resources.resource(f"{owner['kind']}.vmoperator.vmware.com")
                owner.setdefault("apiVersion", found.api_version if found else "example.com/v1")
                owner.setdefault("uid", self._uid_of(owner, meta.get("namespace")))
        if obj.get("kind") == "PersistentVolumeClaim":
            requests = obj.setdefault("spec", {}).setdefault("resources", {}).setdefault("requests", {})
            requests.setdefault("storage", "1Gi")
        return obj

    def _uid_of(self, owner: Obj, namespace: str | None) -> str:
        """The live owner's uid, else a made-up one (no garbage collector runs in this simulator)."""
        import uuid

        found = self.resources.resource(f"{owner['kind']}.vmoperator.vmware.com")
        if found is not None:
            status, live = self.api.call("GET", found.path(namespace, str(owner["name"])))
            if status == 200:
                return str(live["metadata"]["uid"])
        return str(uuid.uuid4())

    # ---- one case ---------------------------------------------------------------------------------------
    def run(self, case: Case) -> Outcome:
        self.set_features(case)
        begun = time.monotonic()
        old_created = False
        try:
            self.set_cluster(case.cluster)
            body = self.in_served_version(case.object, as_written=is_sample(case))
            if case.operation in ("UPDATE", "DELETE"):
                old_created = True
                old = copy.deepcopy(case.old or case.object)
                if not old.get("status") and case.object.get("status"):
                    # An update of the main resource keeps the live status: the status the case's new object
                    # carries is the live object's.
                    old["status"] = copy.deepcopy(case.object["status"])
                version = self._create_old(
                    self.in_served_version(old, as_written=is_sample(case)), hold=_deleting(case.object)
                )
                body.setdefault("metadata", {})["resourceVersion"] = version
        except (RuntimeError, LookupError) as error:
            if old_created:
                self._remove_old(body)
            return Outcome(0, {}, time.monotonic() - begun, setup_error=str(error))
        try:
            begun = time.monotonic()
            groups = _only(case, self.fixture_groups)
            if case.operation == "CREATE":
                status, answer = self.api.call(
                    "POST",
                    self.path(body, name=False) + "?dryRun=All",
                    body,
                    user=case.user,
                    extra_groups=groups,
                )
            elif case.operation == "UPDATE":
                status, answer = self.api.call(
                    "PUT", self.path(body) + "?dryRun=All", body, user=case.user, extra_groups=groups
                )
            else:
                status, answer = self.api.call("DELETE", self.path(body) + "?dryRun=All", user=case.user)
            return Outcome(status, answer, time.monotonic() - begun)
        finally:
            if old_created:
                self._remove_old(body)

    def _create_old(self, old: Obj, hold: bool) -> str:
        """Create the old object as stated; its resourceVersion (the update must name it)."""
        body = copy.deepcopy(old)
        meta = body.setdefault("metadata", {})
        for key in ("deletionTimestamp", "resourceVersion", "uid", "creationTimestamp", "generation"):
            meta.pop(key, None)
        if hold:
            meta["finalizers"] = [*(meta.get("finalizers") or []), HOLD_FINALIZER]
        status = body.get("status")
        created = self.api.ok("POST", self.path(body, name=False), body, user=self.fixture)
        if status:
            created = self.api.ok(
                "PATCH",
                self.path(body, subresource="status"),
                {"status": status},
                content_type="application/merge-patch+json",
            )
        if hold:
            created = self.api.ok("DELETE", self.path(body), user=self.fixture)
        return str(created["metadata"]["resourceVersion"])

    def _remove_old(self, obj: Obj) -> None:
        path = self.path(obj)
        self.api.call(
            "PATCH",
            path,
            {"metadata": {"finalizers": None}},
            user=self.fixture,
            content_type="application/merge-patch+json",
        )
        self.api.call("DELETE", path, user=self.fixture)
        deadline = time.monotonic() + 10
        while self.api.call("GET", path)[0] != 404 and time.monotonic() < deadline:
            time.sleep(0.02)


def _only(case: Case, groups: tuple[str, str, str]) -> tuple[str, ...]:
    """The test-only group that keeps the case to the webhook its upstream test exercises (none: the chain)."""
    if case.webhook == "mutating":
        return (groups[1],)
    return () if case.chain else (groups[2],)


def _deleting(obj: Obj) -> bool:
    return bool((obj.get("metadata") or {}).get("deletionTimestamp"))


def order(cases: list[Case]) -> list[Case]:
    """Cases with the same switches and cluster next to each other: fewer changes between cases."""
    return sorted(
        cases,
        key=lambda c: (
            json.dumps(sorted(c.features.items())),
            c.privileged_users,
            json.dumps(c.cluster, sort_keys=True),
            c.id,
        ),
    )


# ---- comparing --------------------------------------------------------------------------------------------
def compare(case: Case, outcome: Outcome) -> Verdict:
    if outcome.setup_error:
        return Verdict(False, f"cannot be set up: {outcome.setup_error}")
    if not outcome.allowed and "admission webhook" not in outcome.message:
        return Verdict(
            False, f"the apiserver refuses it before any webhook: {outcome.status} {outcome.message}"
        )
    if case.webhook == "mutating":
        return _compare_mutation(case, outcome)
    expect = str((case.chain or {}).get("expect") or case.expect)
    if expect == "allowed":
        return Verdict(
            outcome.allowed, "" if outcome.allowed else f"refused: {outcome.status} {outcome.message}"
        )
    if outcome.allowed:
        return Verdict(False, "admitted, upstream refuses it")
    if case.chain:
        return Verdict(True)
    missing = [f"field {p}" for p in case.errors if not _names_field(case, outcome.message, p)]
    missing += [f"text {t!r}" for t in case.message if t not in outcome.message]
    return Verdict(not missing, f"denied without {', '.join(missing)}: {outcome.message}" if missing else "")


def _names_field(case: Case, text: str, path: str) -> bool:
    """Whether the denial carries the error on the field, as upstream words it. Most errors print their field
    (`path: ...`); one that upstream writes without it (a decoding failure, a plain refusal) is recognised by
    the case's expected message, or else by the text the rules give that error."""
    if f"{path}:" in text or f"{path} " in text:
        return True
    if case.message and all(t in text and path not in t for t in case.message):
        return True
    from vmservice_api import rules

    from tests.fidelity.test_rules_corpus import request

    printed = [str(e) for e in rules.validate(request(case)).errors if e.field == path]
    return bool(printed) and all(p in text for p in printed)


def _compare_mutation(case: Case, outcome: Outcome) -> Verdict:
    if case.expect == "denied":
        if outcome.allowed:
            return Verdict(False, "admitted, upstream's mutating webhook denies it")
        missing = [t for t in case.message if t not in outcome.message]
        return Verdict(not missing, f"denied without {missing}: {outcome.message}" if missing else "")
    if not outcome.allowed:
        return Verdict(False, f"refused: {outcome.status} {outcome.message}")
    problems = list(_mutation_problems(case, outcome.body))
    return Verdict(not problems, "; ".join(problems))


def _mutation_problems(case: Case, obj: Obj) -> Iterator[str]:
    for dotted, expected in case.mutated.items():
        value = at_path(obj, dotted)
        if not same_value(value, expected):
            yield f"{dotted} is {value!r}, upstream {expected!r}"
    for dotted, pattern in case.mutated_matches.items():
        value = at_path(obj, dotted)
        if not (isinstance(value, str) and re.fullmatch(pattern, value)):
            yield f"{dotted} is {value!r}, upstream matches {pattern}"
    for dotted, other in case.mutated_same_as.items():
        value = at_path(obj, dotted)
        if value is None or value != at_path(obj, other):
            yield f"{dotted} is {value!r}, upstream the same as {other} ({at_path(obj, other)!r})"
