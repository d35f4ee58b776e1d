"""The Supervisor's Kubernetes API through the official `kubernetes` client (imported lazily)."""

from __future__ import annotations

import json
import os
import random
import tempfile
import threading
import time
from typing import TYPE_CHECKING, Any

from pulumi_vmservice_provider.errors import ProviderError
from pulumi_vmservice_provider.settings import Settings

if TYPE_CHECKING:
    from pulumi_vmservice_provider.context import OperationContext

FIELD_MANAGER = "pulumi-vmservice"
RETRYABLE_STATUS = {409, 429, 500, 502, 503, 504}


class SupervisorUnreachable(ProviderError):
    pass


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


class KubeClient:
    """One configured ApiClient per provider instance plus cached discovery of served API versions."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._lock = threading.Lock()
        self._api_client: Any = None
        self._served: dict[str, list[str]] = {}
        # An impatient discovery that failed (offline preview): later checks skip the Supervisor at once
        # instead of dialling it again for every resource.
        self._discovery_error: Exception | None = None

    @property
    def api_client(self) -> Any:
        with self._lock:
            if self._api_client is None:
                self._api_client = self._connect()
            return self._api_client

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
                    temp_file_path=_tmpdir(),
                )
            else:
                config.load_kube_config(
                    config_file=source, context=self._settings.context, client_configuration=configuration
                )
        except Exception as error:  # the kubernetes client raises several types for bad kubeconfigs
            if "\n" in source:  # contents: the parser's message may quote them, and they hold credentials
                raise SupervisorUnreachable(
                    f"cannot load the Supervisor kubeconfig given as contents ({type(error).__name__})"
                ) from None
            raise SupervisorUnreachable(f"cannot load the Supervisor kubeconfig {source}: {error}") from None
        configuration.retries = 3
        return client.ApiClient(configuration)

    def served_versions(self, group: str, patient: bool = False) -> list[str]:
        """API versions of `group` the Supervisor serves, newest first (as the server orders them).

        `patient` retries connection errors and 429/5xx answers for a few seconds (an apiserver restart);
        checks and previews ask impatiently, so an unreachable Supervisor does not slow them down.
        """
        if group not in self._served:
            if not patient and self._discovery_error is not None:
                raise self._discovery_error
            try:
                groups = self._discover(patient)
            except Exception as error:
                if not patient:
                    self._discovery_error = error
                raise
            self._discovery_error = None
            for api_group in groups.groups:
                self._served[api_group.name] = [v.version for v in api_group.versions]
        return self._served.get(group, [])

    def _discover(self, patient: bool) -> Any:
        from kubernetes import client
        from kubernetes.client.exceptions import ApiException

        delays = [0.5, 1.0, 2.0, 4.0, 8.0] if patient else []
        while True:
            try:
                return client.ApisApi(self.api_client).get_api_versions(_request_timeout=15)
            except ApiException as error:
                if not delays or error.status not in (429, 500, 502, 503, 504):
                    raise
            except Exception as error:
                if not delays or not is_connection_error(error):
                    raise
            time.sleep(delays.pop(0))

    def preferred_version(self, group: str, understood: tuple[str, ...], patient: bool = False) -> str | None:
        """The newest of `understood` (oldest first) that the Supervisor serves, or None."""
        served = self.served_versions(group, patient=patient)
        return next((version for version in reversed(understood) if version in served), None)

    def ready(self) -> bool:
        """Whether the apiserver reports itself ready (`/readyz`). A starting apiserver answers requests before
        its authorization caches are filled and then refuses them (403); a ready one means what it says."""
        api = self.api_client
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

    def call(self, ctx: OperationContext, doing: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the API with the operation's deadline, retrying conflicts, throttling, server errors and
        connection errors (an apiserver restarting) with backoff; cancellation and timeout stop it."""
        from kubernetes.client.exceptions import ApiException

        attempt = not_ready = 0
        while True:
            ctx.check(doing)
            try:
                return fn(*args, **kwargs, _request_timeout=max(1.0, min(30.0, ctx.remaining())))
            except ApiException as error:
                if error.status in RETRYABLE_STATUS and attempt < 8:
                    attempt += 1
                    delay = min(10.0, 0.2 * 2**attempt) * (0.5 + random.random() / 2)
                    ctx.debug(f"{doing}: {error.status} {api_message(error)}; retrying in {delay:.1f}s")
                    ctx.sleep(delay, doing)
                    continue
                if error.status == 403 and not_ready < 6 and not self.ready():
                    # A restarting apiserver refuses requests until its RBAC caches are filled.
                    not_ready += 1
                    delay = min(5.0, 0.2 * 2**not_ready)
                    ctx.debug(
                        f"{doing}: forbidden while the Supervisor is not ready; retrying in {delay:.1f}s"
                    )
                    ctx.sleep(delay, doing)
                    continue
                raise
            except Exception as error:  # connection refused/reset while the apiserver restarts
                if not is_connection_error(error):
                    raise
                if attempt < 8:
                    attempt += 1
                    delay = min(10.0, 0.2 * 2**attempt)
                    ctx.debug(
                        f"{doing}: cannot reach the Supervisor ({type(error).__name__}); retrying in {delay:.1f}s"
                    )
                    ctx.sleep(delay, doing)
                    continue
                raise ProviderError(f"{doing}: cannot reach the Supervisor: {error}") from None

    def custom(self) -> Any:
        from kubernetes import client

        return client.CustomObjectsApi(self.api_client)

    def core(self) -> Any:
        from kubernetes import client

        return client.CoreV1Api(self.api_client)


def _tmpdir() -> str:
    return tempfile.gettempdir()
