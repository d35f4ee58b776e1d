"""Typed calls for vCenter content libraries and library items, including file upload sessions.

vCenter serves the content API under `/api/content/...` (7.0 U2+) and under the legacy
`/rest/com/vmware/content/...` (`{"create_spec": ...}` bodies, `{"value": ...}` answers, `id:` path
prefixes, `~action=`). govmomi's vcsim serves only the legacy paths, so the client probes once which one the
server has and speaks it for the rest of the session.
"""

from __future__ import annotations

import contextlib
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.clients.vcenter import (
    Deadline,
    NoDeadline,
    VCenterError,
    VCenterNotFound,
    lookup,
)
from pulumi_vmservice_provider.errors import ProviderError

if TYPE_CHECKING:
    from pulumi_vmservice_provider.clients.vcenter import VCenterClient


@dataclass(frozen=True)
class _Dialect:
    legacy: bool

    def path(self, resource: str, object_id: str | None = None) -> str:
        base = ("/rest/com/vmware/content/" if self.legacy else "/api/content/") + resource
        if object_id is None:
            return base
        return f"{base}/{'id:' if self.legacy else ''}{urllib.parse.quote(object_id, safe='')}"

    def action(self, name: str) -> dict[str, str]:
        return {"~action" if self.legacy else "action": name}

    def body(self, wrapper: str, value: Any) -> Any:
        return {wrapper: value} if self.legacy else value

    def result(self, data: Any) -> Any:
        return data.get("value") if self.legacy and isinstance(data, dict) else data


@dataclass
class Subscription:
    url: str
    on_demand: bool | None = None
    automatic_sync: bool | None = None
    ssl_thumbprint: str | None = None
    username: str | None = None
    password: str | None = None  # write-only: vCenter never returns it

    def body(self) -> JSONObject:
        body: JSONObject = {
            "subscription_url": self.url,
            "authentication_method": "BASIC" if self.username else "NONE",
        }
        for key, value in (
            ("on_demand", self.on_demand),
            ("automatic_sync_enabled", self.automatic_sync),
            ("ssl_thumbprint", self.ssl_thumbprint),
            ("user_name", self.username),
            ("password", self.password),
        ):
            if value is not None:
                body[key] = value
        return body


@dataclass
class Library:
    name: str
    datastore_id: str
    description: str | None = None
    subscription: Subscription | None = None
    id: str | None = None
    published: bool | None = None  # None: left as vCenter has it
    publish_url: str | None = None  # read only
    last_sync_time: str | None = None  # read only (subscribed libraries)

    @property
    def type(self) -> str:
        return "SUBSCRIBED" if self.subscription else "LOCAL"

    def _publish_info(self) -> JSONObject:
        return {"published": bool(self.published), "authentication_method": "NONE"}

    def create_body(self) -> JSONObject:
        body: JSONObject = {
            "name": self.name,
            "type": self.type,
            "storage_backings": [{"type": "DATASTORE", "datastore_id": self.datastore_id}],
        }
        if self.description is not None:
            body["description"] = self.description
        if self.subscription:
            body["subscription_info"] = self.subscription.body()
        if self.published is not None:
            body["publish_info"] = self._publish_info()
        return body

    def update_body(self) -> JSONObject:
        body: JSONObject = {"name": self.name, "description": self.description or ""}
        if self.subscription:
            body["subscription_info"] = self.subscription.body()
        if self.published is not None:
            body["publish_info"] = self._publish_info()
        return body

    @classmethod
    def from_api(cls, data: JSONObject) -> Library:
        backings = lookup(data, "storage_backings") or []
        datastore = next((lookup(b, "datastore_id") for b in backings if isinstance(b, dict)), None)
        info = lookup(data, "subscription_info")
        subscription = None
        if isinstance(info, dict) and lookup(info, "subscription_url"):
            subscription = Subscription(
                url=str(lookup(info, "subscription_url")),
                on_demand=lookup(info, "on_demand"),
                automatic_sync=lookup(info, "automatic_sync_enabled"),
                ssl_thumbprint=lookup(info, "ssl_thumbprint") or None,
                username=lookup(info, "user_name") or None,
            )
        publish = lookup(data, "publish_info")
        published = lookup(publish, "published") if isinstance(publish, dict) else None
        return cls(
            id=str(lookup(data, "id") or ""),
            name=str(lookup(data, "name") or ""),
            description=lookup(data, "description"),
            datastore_id=str(datastore or ""),
            subscription=subscription,
            published=bool(published) if published is not None else None,
            publish_url=(lookup(publish, "publish_url") or None) if published else None,
            last_sync_time=lookup(data, "last_sync_time") or None,
        )


@dataclass(frozen=True)
class ProbeResult:
    """vCenter's check of a subscription (SubscribedLibrary.probe): SUCCESS, INVALID_URL, TIMED_OUT,
    HOST_NOT_FOUND, RESOURCE_NOT_FOUND, INVALID_CREDENTIALS, CERTIFICATE_ERROR or UNKNOWN_ERROR."""

    status: str
    messages: tuple[str, ...] = ()

    @property
    def describe(self) -> str:
        return f"{self.status}: {'; '.join(self.messages)}" if self.messages else self.status


@dataclass
class LibraryItem:
    id: str
    library_id: str
    name: str
    type: str | None = None
    description: str | None = None
    size: int | None = None
    content_version: str | None = None
    cached: bool | None = None

    @classmethod
    def from_api(cls, data: JSONObject) -> LibraryItem:
        size = lookup(data, "size")
        files = lookup(data, "files")
        if size is None and isinstance(files, list):  # vcsim reports only per-file sizes
            size = sum(int(lookup(f, "size") or 0) for f in files if isinstance(f, dict))
        return cls(
            id=str(lookup(data, "id") or ""),
            library_id=str(lookup(data, "library_id") or ""),
            name=str(lookup(data, "name") or ""),
            type=lookup(data, "type"),
            description=lookup(data, "description"),
            size=int(size) if isinstance(size, int | float) else None,
            content_version=lookup(data, "content_version"),
            cached=lookup(data, "cached"),
        )


@dataclass(frozen=True)
class UploadFile:
    """One file of an item: its name in the item, its size and how to read it."""

    name: str
    size: int
    open_chunks: Callable[[], Iterable[bytes]]


class UploadFailed(ProviderError):
    pass


class ContentLibraryApi:
    def __init__(self, client: VCenterClient):
        self.client = client
        self._dialect: _Dialect | None = None
        self._lock = threading.Lock()

    def dialect(self, ctx: Deadline | None = None) -> _Dialect:
        with self._lock:
            if self._dialect is None:
                try:
                    self.client.request(
                        "GET", "/api/content/library", doing="probing the content library API", ctx=ctx
                    )
                    self._dialect = _Dialect(legacy=False)
                except VCenterNotFound:
                    self._dialect = _Dialect(legacy=True)
            return self._dialect

    def _call(
        self,
        method: str,
        resource: str,
        object_id: str | None,
        *,
        doing: str,
        ctx: Deadline | None,
        action: str | None = None,
        wrapper: str | None = None,
        body: Any = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        dialect = self.dialect(ctx)
        query = dict(params or {})
        if action:
            query.update(dialect.action(action))
        payload = dialect.body(wrapper, body) if wrapper else body
        if payload is None and method == "POST":
            payload = {}
        data = self.client.request(
            method, dialect.path(resource, object_id), json=payload, params=query, doing=doing, ctx=ctx
        )
        return dialect.result(data)

    # ---- libraries -----------------------------------------------------------------------------
    def create_library(self, library: Library, ctx: Deadline | None = None) -> str:
        resource = "subscribed-library" if library.subscription else "local-library"
        created = self._call(
            "POST",
            resource,
            None,
            wrapper="create_spec",
            body=library.create_body(),
            doing=f"creating content library {library.name!r}",
            ctx=ctx,
        )
        if not isinstance(created, str) or not created:
            raise VCenterError(
                f"creating content library {library.name!r}", 200, "NO_ID", ["no library id returned"]
            )
        return created

    def get_library(self, library_id: str, ctx: Deadline | None = None) -> Library | None:
        try:
            data = self._call(
                "GET", "library", library_id, doing=f"reading content library {library_id}", ctx=ctx
            )
        except VCenterNotFound:
            return None
        return Library.from_api(data) if isinstance(data, dict) else None

    def find_libraries(self, name: str, ctx: Deadline | None = None) -> list[str]:
        found = self._call(
            "POST",
            "library",
            None,
            action="find",
            wrapper="spec",
            body={"name": name},
            doing=f"finding content library {name!r}",
            ctx=ctx,
        )
        return [str(i) for i in found or []]

    def update_library(self, library_id: str, library: Library, ctx: Deadline | None = None) -> None:
        self._call(
            "PATCH",
            "library",
            library_id,
            wrapper="update_spec",
            body=library.update_body(),
            doing=f"updating content library {library.name!r}",
            ctx=ctx,
        )

    def sync_library(self, library_id: str, ctx: Deadline | None = None) -> None:
        self._call(
            "POST",
            "subscribed-library",
            library_id,
            action="sync",
            doing=f"synchronizing content library {library_id}",
            ctx=ctx,
        )

    def probe_subscription(self, subscription: Subscription, ctx: Deadline | None = None) -> ProbeResult:
        """Whether vCenter can reach the published library of `subscription`, and why not."""
        result = self._call(
            "POST",
            "subscribed-library",
            None,
            action="probe",
            body={"subscription_info": subscription.body()},
            doing=f"probing the subscription {subscription.url}",
            ctx=ctx,
        )
        if not isinstance(result, dict) or not lookup(result, "status"):
            return ProbeResult("UNKNOWN_ERROR", ("vCenter returned no probe status",))
        messages = tuple(_message(m) for m in lookup(result, "error_messages") or [])
        return ProbeResult(str(lookup(result, "status")), messages)

    def count_items(self, library_id: str, ctx: Deadline | None = None) -> int:
        items = self._call(
            "GET",
            "library/item",
            None,
            params={"library_id": library_id},
            doing=f"listing the items of content library {library_id}",
            ctx=ctx,
        )
        return len(items or [])

    def delete_library(self, library_id: str, subscribed: bool, ctx: Deadline | None = None) -> bool:
        resource = "subscribed-library" if subscribed else "local-library"
        try:
            self._call(
                "DELETE", resource, library_id, doing=f"deleting content library {library_id}", ctx=ctx
            )
        except VCenterNotFound:
            return False
        return True

    # ---- items ---------------------------------------------------------------------------------
    def create_item(
        self, library_id: str, name: str, item_type: str, description: str | None, ctx: Deadline | None = None
    ) -> str:
        spec: JSONObject = {"library_id": library_id, "name": name, "type": item_type}
        if description is not None:
            spec["description"] = description
        created = self._call(
            "POST",
            "library/item",
            None,
            wrapper="create_spec",
            body=spec,
            doing=f"creating library item {name!r}",
            ctx=ctx,
        )
        if not isinstance(created, str) or not created:
            raise VCenterError(f"creating library item {name!r}", 200, "NO_ID", ["no item id returned"])
        return created

    def get_item(self, item_id: str, ctx: Deadline | None = None) -> LibraryItem | None:
        try:
            data = self._call(
                "GET", "library/item", item_id, doing=f"reading library item {item_id}", ctx=ctx
            )
        except VCenterNotFound:
            return None
        return LibraryItem.from_api(data) if isinstance(data, dict) else None

    def update_item(
        self, item_id: str, name: str, description: str | None, ctx: Deadline | None = None
    ) -> None:
        self._call(
            "PATCH",
            "library/item",
            item_id,
            wrapper="update_spec",
            body={"name": name, "description": description or ""},
            doing=f"updating library item {name!r}",
            ctx=ctx,
        )

    def delete_item(self, item_id: str, ctx: Deadline | None = None) -> bool:
        try:
            self._call("DELETE", "library/item", item_id, doing=f"deleting library item {item_id}", ctx=ctx)
        except VCenterNotFound:
            return False
        return True

    # ---- update sessions -----------------------------------------------------------------------
    def _open_session(self, item_id: str, ctx: Deadline | None) -> str:
        session = self._call(
            "POST",
            "library/item/update-session",
            None,
            wrapper="create_spec",
            body={"library_item_id": item_id},
            doing=f"opening an upload session for library item {item_id}",
            ctx=ctx,
        )
        return str(session)

    def _add_file(self, session: str, spec: JSONObject, ctx: Deadline | None) -> JSONObject:
        added = self._call(
            "POST",
            "library/item/updatesession/file",
            session,
            action="add",
            wrapper="file_spec",
            body=spec,
            doing=f"adding file {spec['name']!r} to the upload session",
            ctx=ctx,
        )
        info: JSONObject = added if isinstance(added, dict) else {}
        if lookup(info, "status") == "ERROR":
            raise UploadFailed(
                f"vCenter refused file {spec['name']!r}: {_message(lookup(info, 'error_message'))}"
            )
        return info

    def _finish(self, session: str, what: str, ctx: Deadline, progress: Callable[[str], None]) -> None:
        self._call(
            "POST",
            "library/item/update-session",
            session,
            action="complete",
            doing="completing the upload session",
            ctx=ctx,
        )
        delay = 0.2
        while True:
            state = self._call(
                "GET", "library/item/update-session", session, doing="reading the upload session", ctx=ctx
            )
            status = lookup(state, "state") if isinstance(state, dict) else None
            if status == "DONE":
                return
            if status in ("ERROR", "CANCELED"):
                raise UploadFailed(
                    f"{what} ended in state {status}: {_message(lookup(state, 'error_message'))}"
                )
            progress(f"waiting for vCenter to finish the upload ({lookup(state, 'client_progress') or 0}%)")
            ctx.sleep(delay, "waiting for the upload to finish")
            delay = min(5.0, delay * 2)

    def _abandon(self, session: str, ctx: Deadline | None) -> None:
        for method, action in (("POST", "fail"), ("DELETE", None)):
            with contextlib.suppress(ProviderError):
                self._call(
                    method,
                    "library/item/update-session",
                    session,
                    action=action,
                    doing="abandoning the upload session",
                    ctx=ctx,
                )

    def upload_files(
        self,
        item_id: str,
        files: list[UploadFile],
        ctx: Deadline | None = None,
        progress: Callable[[str], None] = lambda _: None,
    ) -> None:
        """Push local files into an item and wait until vCenter has taken them."""
        ctx = ctx or NoDeadline()
        session = self._open_session(item_id, ctx)
        try:
            for number, file in enumerate(files, 1):
                info = self._add_file(
                    session, {"name": file.name, "source_type": "PUSH", "size": file.size}, ctx
                )
                endpoint = lookup(lookup(info, "upload_endpoint"), "uri")
                if not endpoint:
                    raise UploadFailed(f"vCenter gave no upload endpoint for {file.name!r}")
                progress(f"uploading {file.name} ({number}/{len(files)}, {file.size} bytes)")
                self.client.upload(
                    endpoint, file.open_chunks(), file.size, doing=f"uploading {file.name}", ctx=ctx
                )
            self._finish(session, f"the upload into library item {item_id}", ctx, progress)
        except ProviderError:
            self._abandon(session, ctx)
            raise
        self._close(session, ctx)

    def pull_file(
        self,
        item_id: str,
        name: str,
        url: str,
        ssl_thumbprint: str | None = None,
        ctx: Deadline | None = None,
        progress: Callable[[str], None] = lambda _: None,
    ) -> None:
        """Have vCenter download `url` into the item and wait until it is done."""
        ctx = ctx or NoDeadline()
        session = self._open_session(item_id, ctx)
        endpoint: JSONObject = {"uri": url}
        if ssl_thumbprint:
            endpoint["ssl_certificate_thumbprint"] = ssl_thumbprint
        try:
            self._add_file(session, {"name": name, "source_type": "PULL", "source_endpoint": endpoint}, ctx)
            progress(f"vCenter is downloading {url}")
            self._finish(session, f"vCenter's download of {url}", ctx, progress)
        except ProviderError:
            self._abandon(session, ctx)
            raise
        self._close(session, ctx)

    def _close(self, session: str, ctx: Deadline | None) -> None:
        with contextlib.suppress(ProviderError):  # sessions expire on their own
            self._call(
                "DELETE", "library/item/update-session", session, doing="closing the upload session", ctx=ctx
            )


def _message(value: Any) -> str:
    if isinstance(value, dict):
        text = value.get("default_message") or value.get("id")
        args = value.get("args") or []
        if text and args and "%s" in str(text):
            try:
                return str(text) % tuple(args)
            except TypeError:
                return str(text)
        return str(text or value)
    return str(value or "no details")
