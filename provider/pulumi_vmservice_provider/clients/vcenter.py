"""vCenter's REST API through httpx (imported lazily): one session per provider process, shared by all operations.

Login tries `POST /api/session` and falls back to the legacy `POST /rest/com/vmware/cis/session` when the
modern path is missing (vCenter before 7.0 U2, govmomi's vcsim). A 401 on a call logs in again once (sessions
expire after 30 idle minutes). 429 and 5xx answers are retried with backoff; every other failure is raised
with the server's own error type and messages. TLS is verified unless `vsphereInsecure` is set.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.clients.tls import is_certificate_error, ssl_context
from pulumi_vmservice_provider.clients.transport import describe_failure
from pulumi_vmservice_provider.errors import InvalidInputs, ProviderError, ServerRejected
from pulumi_vmservice_provider.settings import Settings

if TYPE_CHECKING:
    import httpx


SESSION_HEADER = "vmware-api-session-id"
MODERN_SESSION = "/api/session"
LEGACY_SESSION = "/rest/com/vmware/cis/session"
RETRYABLE = {429, 500, 502, 503, 504}
MAX_ATTEMPTS = 6
REQUEST_TIMEOUT = 60.0


class Deadline(Protocol):
    """What the client needs from an operation (provider.context.OperationContext fits)."""

    def remaining(self) -> float: ...

    def check(self, doing: str) -> None: ...

    def sleep(self, seconds: float, doing: str) -> None: ...

    def debug(self, message: str) -> None: ...


class NoDeadline:
    """For calls outside a provider operation (tests, functions without a timeout)."""

    def remaining(self) -> float:
        return REQUEST_TIMEOUT * 5

    def check(self, doing: str) -> None:
        return None

    def sleep(self, seconds: float, doing: str) -> None:
        time.sleep(seconds)

    def debug(self, message: str) -> None:
        return None


class VCenterError(ServerRejected):
    """vCenter refused a request; `error_type` and `messages` are the server's own."""

    def __init__(self, doing: str, status: int, error_type: str, messages: list[str]):
        self.status = status
        self.error_type = error_type
        self.messages = messages
        detail = "; ".join(messages) if messages else "no message"
        super().__init__(f"{doing}: vCenter answered {status} {error_type}: {detail}")


class VCenterNotFound(VCenterError):
    pass


class VCenterUnreachable(ProviderError):
    code = "UNAVAILABLE"


@dataclass(frozen=True)
class Endpoint:
    scheme: str
    host: str
    port: int

    @property
    def base_url(self) -> str:
        default = 443 if self.scheme == "https" else 80
        netloc = self.host if self.port == default else f"{self.host}:{self.port}"
        return f"{self.scheme}://{netloc}"

    @classmethod
    def parse(cls, server: str) -> Endpoint:
        """`vc.example.com`, `vc:8443`, `https://vc/sdk` (the path is ignored) or an IPv6 literal in brackets."""
        text = server.strip()
        try:
            parsed = urllib.parse.urlsplit(text if "://" in text else f"https://{text}")
        except ValueError as error:  # e.g. an unclosed IPv6 bracket
            raise InvalidInputs([("vsphereServer", f"{server!r} is not a valid URL: {error}")]) from None
        if parsed.scheme not in ("https", "http") or not parsed.hostname:
            raise InvalidInputs([("vsphereServer", f"{server!r} is not a host name or https:// URL")])
        try:
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
        except ValueError:
            raise InvalidInputs([("vsphereServer", f"{server!r} has an invalid port")]) from None
        return cls(parsed.scheme, parsed.hostname, port)


def require_connection(settings: Settings) -> tuple[Endpoint, str, str]:
    """The server and credentials, or a clear error naming the configuration keys."""
    missing = [
        f"vmservice:{key} ({env})"
        for key, env, value in (
            ("vsphereServer", "VSPHERE_SERVER", settings.vsphere_server),
            ("vsphereUser", "VSPHERE_USER", settings.vsphere_user),
            ("vspherePassword", "VSPHERE_PASSWORD", settings.vsphere_password),
        )
        if not value
    ]
    if missing:
        raise ProviderError(f"vCenter is not configured: set {', '.join(missing)}")
    assert settings.vsphere_server and settings.vsphere_user and settings.vsphere_password
    return Endpoint.parse(settings.vsphere_server), settings.vsphere_user, settings.vsphere_password


def lookup(data: Mapping[str, Any] | None, *names: str) -> Any:
    """A field by any of its spellings, case-insensitively: vCenter, its docs and vcsim disagree on
    `memory_MB`/`memory_mb` and similar names."""
    if not data:
        return None
    for name in names:
        if name in data:
            return data[name]
    lowered = {key.lower(): value for key, value in data.items()}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def has_field(data: Mapping[str, Any] | None, *names: str) -> bool:
    if not data:
        return False
    keys = {key.lower() for key in data}
    return any(name.lower() in keys for name in names)


def error_from(response: httpx.Response, doing: str) -> VCenterError:
    """Both error shapes: /api `{"error_type", "messages"}` and /rest `{"type", "value": {"messages"}}`."""
    error_type = ""
    messages: list[str] = []
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        inner = body.get("value")
        value: JSONObject = inner if isinstance(inner, dict) else body
        error_type = str(body.get("error_type") or body.get("type") or value.get("error_type") or "")
        error_type = (
            error_type.rsplit(".", 1)[-1].upper() if error_type.startswith("com.vmware") else error_type
        )
        for message in value.get("messages") or []:
            if isinstance(message, dict):
                text = message.get("default_message") or message.get("id")
                if text:
                    messages.append(str(text))
            elif message:
                messages.append(str(message))
    elif response.text.strip():
        messages.append(response.text.strip()[:500])
    error_type = error_type or response.reason_phrase.upper().replace(" ", "_") or "ERROR"
    kind = VCenterNotFound if response.status_code == 404 else VCenterError
    return kind(doing, response.status_code, error_type, messages)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return min(30.0, max(0.0, float(value)))
    except ValueError:
        return None


@dataclass
class VCenterClient:
    """A logged-in REST session to one vCenter; thread-safe; one per configured provider."""

    settings: Settings
    transport: Any = field(default=None, repr=False)  # an httpx transport, for tests
    endpoint: Endpoint = field(init=False)
    legacy_login: bool = field(default=False, init=False)
    _user: str = field(init=False, repr=False)
    _password: str = field(init=False, repr=False)
    _http: Any = field(default=None, init=False, repr=False)
    _token: str | None = field(default=None, init=False, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.endpoint, self._user, self._password = require_connection(self.settings)

    # ---- transport -----------------------------------------------------------------------------
    def http(self) -> httpx.Client:
        import httpx

        with self._lock:
            if self._http is None:
                verify = ssl_context(
                    ca_cert=self.settings.vsphere_ca_cert,
                    thumbprint=self.settings.vsphere_thumbprint,
                    insecure=self.settings.vsphere_insecure,
                )
                # Proxies still come from the environment; CA bundle variables do not override `verify`.
                self._http = httpx.Client(
                    base_url=self.endpoint.base_url,
                    verify=verify,
                    timeout=REQUEST_TIMEOUT,
                    headers={"Accept": "application/json", "User-Agent": "pulumi-vmservice"},
                    transport=self.transport,
                )
            client: httpx.Client = self._http
            return client

    def _send(
        self, ctx: Deadline, doing: str, method: str, path: str, *, retry: bool = True, **kwargs: Any
    ) -> httpx.Response:
        import httpx

        attempt = 0
        while True:
            attempt += 1
            ctx.check(doing)
            timeout = max(1.0, min(REQUEST_TIMEOUT, ctx.remaining()))
            try:
                response = self.http().request(method, path, timeout=timeout, **kwargs)
            except httpx.TransportError as error:
                if is_certificate_error(error):
                    raise VCenterUnreachable(
                        f"{doing}: TLS verification of vCenter {self.endpoint.base_url} failed: {error}. Trust it "
                        "with vmservice:vsphereCaCert (PEM) or vmservice:vsphereThumbprint, or set "
                        "vmservice:vsphereInsecure only for test systems"
                    ) from None
                delay = self._backoff(attempt)
                if not retry or attempt >= MAX_ATTEMPTS or ctx.remaining() <= delay:
                    waited = f" (gave up after {attempt} attempts)" if attempt > 1 else ""
                    raise VCenterUnreachable(
                        f"{doing}: cannot reach vCenter at {self.endpoint.base_url}: "
                        f"{describe_failure(error)}{waited}"
                    ) from None
                ctx.debug(f"{doing}: {type(error).__name__}: {error}; retrying in {delay:.1f}s")
                ctx.sleep(delay, doing)
                continue
            # A POST that failed with 500 may have been carried out; only retry it when the server said busy.
            retryable = response.status_code in RETRYABLE and not (
                method == "POST" and response.status_code == 500
            )
            if retry and retryable and attempt < MAX_ATTEMPTS:
                delay = _retry_after(response) or self._backoff(attempt)
                ctx.debug(f"{doing}: vCenter answered {response.status_code}; retrying in {delay:.1f}s")
                ctx.sleep(delay, doing)
                continue
            return response

    @staticmethod
    def _backoff(attempt: int) -> float:
        return float(min(10.0, 0.5 * 2 ** (attempt - 1)) * (0.5 + random.random() / 2))

    # ---- session -------------------------------------------------------------------------------
    def _login(self, ctx: Deadline) -> str:
        doing = f"logging in to vCenter {self.endpoint.base_url} as {self._user!r}"
        auth = (self._user, self._password)
        if not self.legacy_login:
            response = self._send(ctx, doing, "POST", MODERN_SESSION, auth=auth)
            if response.status_code != 404:
                if not response.is_success:
                    raise error_from(response, doing)
                return str(response.json())
            self.legacy_login = True
        response = self._send(
            ctx, doing, "POST", LEGACY_SESSION, auth=auth, headers={"vmware-use-header-authn": "true"}
        )
        if not response.is_success:
            raise error_from(response, doing)
        return str(response.json()["value"])

    def token(self, ctx: Deadline | None = None, stale: str | None = None) -> str:
        """The session token; `stale` is a token the server refused, which triggers one new login."""
        with self._lock:
            if self._token is None or self._token == stale:
                self._token = self._login(ctx or NoDeadline())
            return self._token

    def close(self) -> None:
        with self._lock:
            if self._http is not None and self._token is not None:
                path = LEGACY_SESSION if self.legacy_login else MODERN_SESSION
                with contextlib.suppress(Exception):  # best effort: the session expires on its own
                    self._http.delete(path, headers={SESSION_HEADER: self._token}, timeout=5)
            if self._http is not None:
                self._http.close()
            self._http = None
            self._token = None

    # ---- requests ------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        doing: str,
        ctx: Deadline | None = None,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        retry: bool = True,
    ) -> Any:
        """Send an authenticated request; returns the decoded JSON body (None when empty or not JSON)."""
        ctx = ctx or NoDeadline()
        token = self.token(ctx)
        for second_try in (False, True):
            kwargs: JSONObject = {"headers": {SESSION_HEADER: token}}
            if json is not None:
                kwargs["json"] = json
            if params:
                kwargs["params"] = params
            response = self._send(ctx, doing, method, path, retry=retry, **kwargs)
            if response.status_code == 401 and not second_try:
                ctx.debug(f"{doing}: session expired; logging in again")
                token = self.token(ctx, stale=token)
                continue
            if not response.is_success:
                raise error_from(response, doing)
            return _decode(response)
        raise AssertionError("unreachable")

    def upload(
        self, url: str, chunks: Iterable[bytes], size: int, *, doing: str, ctx: Deadline | None = None
    ) -> None:
        """PUT a file body to an upload endpoint vCenter handed out (not retried: the stream is consumed)."""
        ctx = ctx or NoDeadline()
        headers = {
            SESSION_HEADER: self.token(ctx),
            "Content-Type": "application/octet-stream",
            "Content-Length": str(size),
        }
        response = self._send(ctx, doing, "PUT", url, retry=False, content=chunks, headers=headers)
        if not response.is_success:
            raise error_from(response, doing)


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None
