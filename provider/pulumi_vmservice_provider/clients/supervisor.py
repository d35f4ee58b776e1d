"""The Supervisor's Kubernetes API: the only module that talks to the official `kubernetes` client.

Callers name a kind (`KindRef`) and get plain dicts back. Everything the library does differently per kind
(custom objects against core kinds, API-version negotiation, the 201 answers the generated client does not
decode), every retry (conflicts, throttling, server errors, a restarting apiserver) and the mapping of its
exceptions onto the provider's typed errors live here:

    not found               -> None from get/delete, [] from list
    any other API error     -> ServerRejected, with the API server's own message
    unreachable / TLS error -> SupervisorUnreachable, naming the endpoint

The library is imported lazily: the plugin starts on every Pulumi command, most of which never dial the
Supervisor.
"""

from __future__ import annotations

import json
import os
import random
import re
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Sequence
from typing import Any, Protocol

from pulumi_vmservice_provider import __version__
from pulumi_vmservice_provider.clients.coreobjects import CORE_VERSION, CoreObjects
from pulumi_vmservice_provider.clients.transport import describe_failure
from pulumi_vmservice_provider.errors import ProviderError, ServerRejected
from pulumi_vmservice_provider.model.types import KindRef
from pulumi_vmservice_provider.settings import Settings

FIELD_MANAGER = "pulumi-vmservice"
USER_AGENT = f"pulumi-resource-vmservice/{__version__}"
RETRYABLE_STATUS = {409, 429, 500, 502, 503, 504}
PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce"
# VM Operator's controller ("manager", as controller-runtime names it), its service account's managers,
# the Kubernetes controllers, and the simulator that emulates VM Operator.
SUPERVISOR_MANAGERS = frozenset({"manager", "vm-operator", "kube-controller-manager", "vmservice-sim"})
MAX_RETRIES = 8
# Without an operation (checks and previews) a call is one quick attempt: an unreachable Supervisor must
# not slow them down, and they fall back to checking less.
IMPATIENT_TIMEOUT = 5.0
WATCH_SECONDS = 5


class SupervisorUnreachable(ProviderError):
    """The kubeconfig cannot be loaded, or the apiserver cannot be reached or its TLS handshake fails."""

    code = "UNAVAILABLE"


class KubeconfigInvalid(SupervisorUnreachable):
    """The kubeconfig cannot be loaded: a configuration error to fix, not a transient outage."""

    code = "FAILED_PRECONDITION"


SECRET = KindRef("Secret", "secrets")
RESOURCE_QUOTA = KindRef("ResourceQuota", "resourcequotas")


class Operation(Protocol):
    """What a call needs from the provider operation it serves (OperationContext fits)."""

    def remaining(self) -> float: ...

    def check(self, doing: str) -> None: ...

    def sleep(self, seconds: float, doing: str) -> None: ...

    def debug(self, message: str) -> None: ...


class _Missing:
    pass


_MISSING = _Missing()


def _rejection(error: Any, endpoint: str | None = None) -> str:
    """The server's message, with what to do when the credentials were refused."""
    message = api_message(error)
    if getattr(error, "status", None) == 401:
        who = f"the Supervisor at {endpoint}" if endpoint else "the Supervisor"
        return (
            f"{who} refused the credentials (401 Unauthorized: {message}); the kubeconfig's token is missing "
            "or has expired: log in again (kubectl vsphere login) or point vmservice:kubeconfig at a current one"
        )
    return message


def api_message(error: Any) -> str:
    """The Kubernetes API server's own message from an ApiException."""
    body = getattr(error, "body", None)
    if body:
        try:
            return str(json.loads(body).get("message") or body)
        except (ValueError, AttributeError):
            return str(body)
    return str(getattr(error, "reason", error))


def is_connection_error(error: BaseException) -> bool:
    """The apiserver could not be reached or dropped the connection (refused, reset, a broken watch stream,
    urllib3's own retries used up): worth retrying, unlike a TLS failure, which will not heal by itself."""
    import ssl

    try:
        from urllib3.exceptions import HTTPError, MaxRetryError
        from urllib3.exceptions import SSLError as Urllib3SSLError
    except ImportError:  # pragma: no cover - urllib3 comes with the kubernetes client
        return isinstance(error, OSError) and not isinstance(error, ssl.SSLError)
    if isinstance(error, MaxRetryError):
        reason = error.reason
        return not isinstance(reason, ssl.SSLError | Urllib3SSLError)
    if isinstance(error, ssl.SSLError | Urllib3SSLError):
        return False
    return isinstance(error, OSError | HTTPError)


def _is_transport_error(error: BaseException) -> bool:
    """Any failure to talk to the apiserver at all, TLS included (as opposed to an answer it gave)."""
    try:
        from urllib3.exceptions import HTTPError
    except ImportError:  # pragma: no cover
        return isinstance(error, OSError)
    return isinstance(error, OSError | HTTPError)


class SupervisorClient:
    """One configured ApiClient per provider instance, cached discovery of served API versions, and
    get/list/apply/create/delete/watch by kind."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._lock = threading.Lock()
        self._api_client: Any = None
        self._served: dict[str, list[str]] = {}
        # An impatient discovery that failed (offline preview): later checks skip the Supervisor at once
        # instead of dialling it again for every resource.
        self._discovery_error: Exception | None = None

    # ---- connection ----------------------------------------------------------------------------
    @property
    def _client(self) -> Any:
        with self._lock:
            if self._api_client is None:
                self._api_client = self._connect()
            return self._api_client

    @property
    def endpoint(self) -> str:
        return str(getattr(self._client.configuration, "host", "") or "the Supervisor")

    def _connect(self) -> Any:
        import yaml
        from kubernetes import client, config

        source = (
            self._settings.kubeconfig or os.environ.get("KUBECONFIG") or os.path.expanduser("~/.kube/config")
        )
        configuration = client.Configuration()
        try:
            if "\n" in source or source.lstrip().startswith(("apiVersion", "{")):
                loaded = yaml.safe_load(source)
                config.load_kube_config_from_dict(
                    loaded,
                    context=self._settings.context,
                    client_configuration=configuration,
                    temp_file_path=tempfile.gettempdir(),
                )
            else:
                config.load_kube_config(
                    config_file=source, context=self._settings.context, client_configuration=configuration
                )
        except Exception as error:  # the kubernetes client raises several types for bad kubeconfigs
            if "\n" in source or source in self._settings.secrets:  # contents hold credentials
                raise KubeconfigInvalid(
                    "cannot load the Supervisor kubeconfig given in vmservice:kubeconfig: it is neither a "
                    f"readable kubeconfig file nor valid kubeconfig contents ({type(error).__name__})"
                ) from None
            raise KubeconfigInvalid(f"cannot load the Supervisor kubeconfig {source}: {error}") from None
        # One attempt per call: the provider's own loops retry within the operation's deadline. urllib3's
        # retries would repeat a timed-out request unseen (a Supervisor that accepts and never answers held
        # a preview for 4 x 15 s).
        configuration.retries = 0
        api = client.ApiClient(configuration)
        api.user_agent = USER_AGENT  # names the provider in the apiserver's audit log and metrics
        return api

    def _unreachable(self, doing: str, error: BaseException, waited: float = 0.0) -> SupervisorUnreachable:
        gave_up = f" (gave up after {waited:.0f}s of retries)" if waited >= 1 else ""
        return SupervisorUnreachable(
            f"{doing}: cannot reach the Supervisor at {self.endpoint}: {describe_failure(error)}{gave_up}"
        )

    def ready(self) -> bool:
        """Whether the apiserver reports itself ready (`/readyz`). A starting apiserver answers requests before
        its authorization caches are filled and then refuses them (403); a ready one means what it says."""
        api = self._client
        try:
            method, url, headers, body, post = api.param_serialize(
                method="GET", resource_path="/readyz", auth_settings=["BearerToken"]
            )
            response = api.call_api(
                method, url, header_params=headers, body=body, post_params=post, _request_timeout=5
            )
            return bool(response.status == 200)
        except Exception:  # not ready (403/500/503) or unreachable
            return False

    # ---- API versions --------------------------------------------------------------------------
    def served_versions(self, group: str, patient: bool = False, ctx: Operation | None = None) -> list[str]:
        """API versions of `group` the Supervisor serves, newest first (as the server orders them).

        `patient` retries connection errors and 429/5xx answers for a few seconds (an apiserver restart);
        checks and previews ask impatiently, so an unreachable Supervisor does not slow them down.
        """
        if group not in self._served:
            if not patient and self._discovery_error is not None:
                raise self._discovery_error
            try:
                groups = self._discover(patient, ctx)
            except Exception as error:
                if not patient:
                    self._discovery_error = error
                raise
            self._discovery_error = None
            for api_group in groups.groups:
                self._served[api_group.name] = [v.version for v in api_group.versions]
        return self._served.get(group, [])

    def _discover(self, patient: bool, ctx: Operation | None = None) -> Any:
        """The served API groups. Patient discovery retries for a while (an apiserver restarting), within the
        operation's deadline and cancellation when there is one."""
        from kubernetes import client
        from kubernetes.client.exceptions import ApiException

        doing = "discovering the Supervisor's API versions"
        delays = [0.5, 1.0, 2.0, 4.0, 8.0] if patient else []
        begun = time.monotonic()
        while True:
            limit = 15.0 if patient else IMPATIENT_TIMEOUT
            timeout = limit if ctx is None else max(1.0, min(limit, ctx.remaining()))
            try:
                return client.ApisApi(self._client).get_api_versions(_request_timeout=timeout)
            except ApiException as error:
                if not delays or error.status not in (429, 500, 502, 503, 504):
                    raise ServerRejected(f"{doing}: {_rejection(error, self.endpoint)}") from None
                failure: BaseException = error
            except Exception as error:
                if not _is_transport_error(error):
                    raise
                if not delays or not is_connection_error(error):
                    raise self._unreachable(doing, error, time.monotonic() - begun) from None
                failure = error
            delay = delays.pop(0)
            if ctx is None:
                time.sleep(delay)
            elif ctx.remaining() <= delay:
                raise self._unreachable(doing, failure, time.monotonic() - begun) from None
            else:
                ctx.sleep(delay, doing)

    def preferred_version(
        self, group: str, understood: tuple[str, ...], patient: bool = False, ctx: Operation | None = None
    ) -> str | None:
        """The newest of `understood` (oldest first) that the Supervisor serves, or None."""
        served = self.served_versions(group, patient=patient, ctx=ctx)
        return next((version for version in reversed(understood) if version in served), None)

    def api_version(self, ref: KindRef, patient: bool = True, ctx: Operation | None = None) -> str:
        """The apiVersion ("group/version") to speak for `ref`: the newest the Supervisor serves and the
        provider understands."""
        if ref.is_core:
            return ref.versions[-1]
        version = self.preferred_version(ref.group, ref.versions, patient=patient, ctx=ctx)
        if version is not None:
            return f"{ref.group}/{version}"
        served = self.served_versions(ref.group)
        raise ProviderError(
            f"the Supervisor does not serve {ref.kind} in any version this provider understands "
            f"({', '.join(ref.versions)}); it serves {', '.join(served) or 'no ' + ref.group + ' API'}"
        )

    # ---- by kind -------------------------------------------------------------------------------
    def get(
        self, ctx: Operation | None, ref: KindRef, namespace: str | None, name: str
    ) -> dict[str, Any] | None:
        """The object, or None when it does not exist."""
        doing = f"reading {ref.kind} {_where(namespace, name)}"
        found = self._call(
            ctx,
            doing,
            self._method("get", ref, namespace),
            _args(ref, self._path(ref, namespace, ctx=ctx), name),
            {},
            missing_ok=True,
        )
        return None if found is _MISSING else self._as_dict(found)

    def list(self, ctx: Operation | None, ref: KindRef, namespace: str | None = None) -> list[dict[str, Any]]:
        """The objects of a namespace (or, for cluster-scoped kinds and `namespace` None, of the cluster);
        an API group the Supervisor does not serve lists as empty."""
        doing = f"listing {ref.plural}"
        found = self._call(
            ctx,
            doing,
            self._method("list", ref, namespace),
            self._path(ref, namespace, ctx=ctx),
            {},
            missing_ok=True,
        )
        if found is _MISSING:
            return []
        items: list[dict[str, Any]] = self._as_dict(found).get("items") or []
        return items

    def apply(
        self,
        ctx: Operation | None,
        ref: KindRef,
        body: dict[str, Any],
        what: str | None = None,
        dry_run: bool = False,
        reclaim: Callable[[Sequence[str]], bool] | None = None,
    ) -> dict[str, Any]:
        """Server-side apply of `body` under the provider's field manager. Fields that VM Operator itself
        manages are taken over; fields another tool manages are a conflict naming that tool and the fields,
        unless the object carries the annotation `pulumi.com/patchForce: "true"`. `what` names the object in
        messages (default: kind and namespace/name).

        `dry_run` sends `dryRun=All`: the apiserver runs defaulting, admission webhooks and validation and
        answers with the object it would store, changing nothing (without an operation: one quick attempt).

        `reclaim` tells, for the conflicting field paths (`.spec.powerState`), whether they are this stack's own
        fields that another tool changed (drift, which the stack takes back) rather than fields it never had."""
        meta = body["metadata"]
        namespace, name = meta.get("namespace"), meta["name"]
        what = what or f"{ref.kind} {_where(namespace, name)}"
        path = self._path(ref, namespace, body.get("apiVersion"), ctx)
        # The generated client decodes only 200 bodies, and an apply that creates answers 201 (a dry run has
        # nothing to read back afterwards): the raw answer is decoded here, which also spares a read.
        extra: dict[str, Any] = {"_preload_content": False, **({"dry_run": "All"} if dry_run else {})}

        def attempt(force: bool) -> Any:
            return self._call(
                ctx,
                f"{'dry-run applying' if dry_run else 'applying'} {what}",
                self._method("patch", ref, namespace),
                _args(ref, path, name, body),
                {
                    "field_manager": FIELD_MANAGER,
                    "force": force,
                    "_content_type": "application/apply-patch+yaml",
                    **extra,
                },
                rejected=f"the Supervisor {'would reject' if dry_run else 'rejected'} {what}",
            )

        forced = (meta.get("annotations") or {}).get(PATCH_FORCE_ANNOTATION) == "true"
        try:
            applied = attempt(force=forced)
        except ApplyConflict as conflict:
            ours = reclaim is not None and bool(conflict.fields) and reclaim(conflict.fields)
            if not ours and not all(is_supervisor_manager(manager) for manager in conflict.managers):
                raise ApplyConflict(
                    f"{conflict}. Another tool manages these fields; to let this stack take them over, set "
                    f'the annotation {PATCH_FORCE_ANNOTATION}: "true" in metadata.annotations and run up '
                    "again (or stop managing them in the other tool)",
                    conflict.managers,
                    conflict.fields,
                ) from None
            applied = attempt(force=True)  # VM Operator's own defaults: the user's intent wins
        decoded: dict[str, Any] = json.loads(applied.data)
        return decoded

    def create(
        self, ctx: Operation | None, ref: KindRef, body: dict[str, Any], dry_run: bool = False
    ) -> dict[str, Any]:
        """Create a new object (a one-shot request such as a web console request); a name taken is an error.
        `dry_run`: the Supervisor judges the create and stores nothing."""
        namespace = body["metadata"].get("namespace")
        created = self._call(
            ctx,
            f"creating {ref.kind} {_where(namespace, body['metadata'].get('name', ''))}",
            self._method("create", ref, namespace),
            (*self._path(ref, namespace, body.get("apiVersion"), ctx), body),
            {"dry_run": "All"} if dry_run else {},
            retry_conflicts=False,
        )
        return self._as_dict(created) if created is not None else body

    def delete(self, ctx: Operation, ref: KindRef, namespace: str | None, name: str) -> bool:
        """Delete the object (dependents in the background); False when it was already gone."""
        path = self._path(ref, namespace, ctx=ctx)
        found = self._call(
            ctx,
            f"deleting {ref.kind} {_where(namespace, name)}",
            self._method("delete", ref, namespace),
            _args(ref, path, name),
            {"propagation_policy": "Background"},
            missing_ok=True,
        )
        return found is not _MISSING

    def watch(
        self, ctx: Operation, ref: KindRef, namespace: str, name: str, after: str | None, doing: str
    ) -> Generator[dict[str, Any] | None, None, bool]:
        """One watch session on one object, from resource version `after`: the object at each change (None
        once deleted) until the server ends the stream (after a few seconds); returns True then, so the next
        session can go on from the last version seen. A broken stream or an outdated version ends the session
        quietly and returns False: the caller reads the object again and watches anew."""
        from kubernetes import watch
        from kubernetes.client.exceptions import ApiException

        group, version = self.api_version(ref).split("/")
        stream = watch.Watch()
        try:
            for event in stream.stream(
                self._custom().list_namespaced_custom_object,
                group,
                version,
                namespace,
                ref.plural,
                field_selector=f"metadata.name={name}",
                resource_version=after,
                timeout_seconds=int(max(1, min(WATCH_SECONDS, ctx.remaining()))),
            ):
                yield None if event["type"] == "DELETED" else event["object"]
            return True
        except ApiException as error:
            if error.status != 410:  # 410: the version is too old; a fresh read starts a new watch
                ctx.debug(f"watch of {namespace}/{name} ended: {api_message(error)}")
                ctx.sleep(0.5, doing)
        except Exception as error:  # the stream broke (apiserver restart)
            if not is_connection_error(error):
                raise
            ctx.debug(f"watch of {namespace}/{name} broke: {type(error).__name__}")
            ctx.sleep(0.5, doing)
        finally:
            stream.stop()
        return False

    # ---- the library, behind one retrying, error-mapping call ----------------------------------
    def _custom(self) -> Any:
        from kubernetes import client

        return client.CustomObjectsApi(self._client)

    def _path(
        self,
        ref: KindRef,
        namespace: str | None,
        api_version: str | None = None,
        ctx: Operation | None = None,
    ) -> tuple[str, ...]:
        """Leading positional arguments of the library's methods for `ref` (the name comes after them)."""
        if ref.is_core:
            group, version = "", CORE_VERSION
        else:
            group, version = (api_version or self.api_version(ref, patient=ctx is not None, ctx=ctx)).split(
                "/"
            )
        if ref.namespaced and namespace is not None:
            return (group, version, namespace, ref.plural)
        return (group, version, ref.plural)

    def _method(self, verb: str, ref: KindRef, namespace: str | None) -> Callable[..., Any]:
        scoped = ref.namespaced and namespace is not None
        api = CoreObjects(self._client) if ref.is_core else self._custom()
        return getattr(api, f"{verb}_{'namespaced' if scoped else 'cluster'}_custom_object")  # type: ignore[no-any-return]

    def _as_dict(self, value: Any) -> dict[str, Any]:
        """Objects come back as dicts (custom and core kinds alike); anything else is one of the library's models."""
        if isinstance(value, dict):
            return value
        plain: dict[str, Any] = self._client.sanitize_for_serialization(value)
        return plain

    def _call(
        self,
        ctx: Operation | None,
        doing: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        rejected: str | None = None,
        missing_ok: bool = False,
        retry_conflicts: bool = True,
    ) -> Any:
        """Call the library with the operation's deadline, retrying conflicts, throttling, server errors and
        connection errors (an apiserver restarting) with backoff; cancellation and timeout stop it. Without
        an operation: one quick attempt."""
        from kubernetes.client.exceptions import ApiException

        retryable = RETRYABLE_STATUS if retry_conflicts else RETRYABLE_STATUS - {409}
        attempt = not_ready = 0
        begun = time.monotonic()
        while True:
            if ctx is not None:
                ctx.check(doing)
            timeout = IMPATIENT_TIMEOUT if ctx is None else max(1.0, min(30.0, ctx.remaining()))
            try:
                return fn(*args, **kwargs, _request_timeout=timeout)
            except ApiException as error:
                if error.status == 404 and missing_ok:
                    return _MISSING
                if error.status == 409 and api_message(error).startswith("Apply failed"):
                    message = api_message(error)
                    raise ApplyConflict(
                        f"{rejected or doing}: {message}",
                        conflict_managers(message),
                        conflict_fields(message),
                    ) from None
                if ctx is not None and error.status in retryable and attempt < MAX_RETRIES:
                    attempt += 1
                    delay = min(10.0, 0.2 * 2**attempt) * (0.5 + random.random() / 2)
                    ctx.debug(f"{doing}: {error.status} {api_message(error)}; retrying in {delay:.1f}s")
                    ctx.sleep(delay, doing)
                    continue
                if ctx is not None and error.status == 403 and not_ready < 6 and not self.ready():
                    # A restarting apiserver refuses requests until its RBAC caches are filled.
                    not_ready += 1
                    delay = min(5.0, 0.2 * 2**not_ready)
                    ctx.debug(
                        f"{doing}: forbidden while the Supervisor is not ready; retrying in {delay:.1f}s"
                    )
                    ctx.sleep(delay, doing)
                    continue
                raise ApiRejected(
                    f"{rejected or doing}: {_rejection(error, self.endpoint)}", error.status
                ) from None
            except Exception as error:  # connection refused/reset while the apiserver restarts
                if not _is_transport_error(error):
                    raise
                if ctx is not None and is_connection_error(error) and attempt < MAX_RETRIES:
                    attempt += 1
                    delay = min(10.0, 0.2 * 2**attempt)
                    if ctx.remaining() <= delay:
                        raise self._unreachable(doing, error, time.monotonic() - begun) from None
                    ctx.debug(
                        f"{doing}: cannot reach the Supervisor ({type(error).__name__}); retrying in {delay:.1f}s"
                    )
                    ctx.sleep(delay, doing)
                    continue
                raise self._unreachable(doing, error, time.monotonic() - begun) from None


class ApiRejected(ServerRejected):
    """The apiserver answered a request with an error status (after any retries); the message is its own."""

    def __init__(self, message: str, status: int | None):
        super().__init__(message)
        self.status = status

    @property
    def is_admission_denial(self) -> bool:
        """A judgement on the object itself (webhooks, validation), as opposed to the server failing or
        refusing the caller (401/403 of RBAC, 429, 5xx)."""
        if "admission webhook" in str(self) and "denied the request" in str(self):
            return True
        return self.status not in (401, 403, 429) and not (self.status or 0) >= 500


class ApplyConflict(ServerRejected):
    """Server-side apply found fields owned by other field managers (never retried: it will not heal)."""

    def __init__(self, message: str, managers: list[str], fields: list[str]):
        super().__init__(message)
        self.managers = managers
        self.fields = fields


def conflict_managers(message: str) -> list[str]:
    """The field managers named in an apply conflict message
    (`Apply failed with 1 conflict: conflict with "kubectl" using v1: .spec.x`)."""
    return sorted(set(re.findall(r'conflicts? with "([^"]+)"', message)))


def conflict_fields(message: str) -> list[str]:
    """The field paths of an apply conflict message (`.spec.powerState`, `.metadata.labels.team`)."""
    _, _, listed = message.partition(" using ")
    return re.findall(
        r"(?<![\w.])(\.[A-Za-z0-9_\-/.]+)", listed.split(":", 1)[1] if ":" in listed else listed
    )


def is_supervisor_manager(manager: str) -> bool:
    """Field managers of VM Operator and the Supervisor itself, whose defaults a user's value overrides."""
    return manager in SUPERVISOR_MANAGERS or manager.startswith("vmware-system-")


def _args(ref: KindRef, path: tuple[str, ...], name: str, *rest: Any) -> tuple[Any, ...]:
    """Positional arguments for one object: the name after the path (group, version, [namespace,] plural)."""
    return (*path, name, *rest)


def _where(namespace: str | None, name: str) -> str:
    return f"{namespace}/{name}" if namespace else name
