"""Plain-dict access to the simulator's Kubernetes API through the official `kubernetes` client.

Objects are read and written as JSON dicts (never the client's typed models), for VM Operator's custom kinds
and the few built-in kinds the emulator touches, with one small API: get/list/create/patch/delete/watch.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from vmservice_sim.release import GROUP

Obj = dict[str, Any]
JSON_MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"


@dataclass(frozen=True)
class Kind:
    """A Kubernetes resource: `group` "" is the core API."""

    kind: str
    plural: str
    group: str
    version: str
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        """The snake_case name the typed CoreV1Api methods use (config_map, resource_quota, ...)."""
        out = []
        for index, char in enumerate(self.kind):
            if char.isupper() and index:
                out.append("_")
            out.append(char.lower())
        return "".join(out)


NAMESPACE = Kind("Namespace", "namespaces", "", "v1", namespaced=False)
CONFIG_MAP = Kind("ConfigMap", "configmaps", "", "v1")
SECRET = Kind("Secret", "secrets", "", "v1")
PERSISTENT_VOLUME_CLAIM = Kind("PersistentVolumeClaim", "persistentvolumeclaims", "", "v1")
SERVICE = Kind("Service", "services", "", "v1")
ENDPOINTS = Kind("Endpoints", "endpoints", "", "v1")
RESOURCE_QUOTA = Kind("ResourceQuota", "resourcequotas", "", "v1")
EVENT = Kind("Event", "events", "", "v1")
SERVICE_ACCOUNT = Kind("ServiceAccount", "serviceaccounts", "", "v1")
STORAGE_CLASS = Kind("StorageClass", "storageclasses", "storage.k8s.io", "v1", namespaced=False)
AVAILABILITY_ZONE = Kind(
    "AvailabilityZone", "availabilityzones", "topology.tanzu.vmware.com", "v1alpha1", namespaced=False
)
ZONE = Kind("Zone", "zones", "topology.tanzu.vmware.com", "v1alpha1")
CONTENT_LIBRARY = Kind("ContentLibrary", "contentlibraries", "imageregistry.vmware.com", "v1alpha1")
ROLE_BINDING = Kind("RoleBinding", "rolebindings", "rbac.authorization.k8s.io", "v1")
CLUSTER_ROLE_BINDING = Kind(
    "ClusterRoleBinding", "clusterrolebindings", "rbac.authorization.k8s.io", "v1", namespaced=False
)
MUTATING_WEBHOOKS = Kind(
    "MutatingWebhookConfiguration",
    "mutatingwebhookconfigurations",
    "admissionregistration.k8s.io",
    "v1",
    namespaced=False,
)
VALIDATING_WEBHOOKS = Kind(
    "ValidatingWebhookConfiguration",
    "validatingwebhookconfigurations",
    "admissionregistration.k8s.io",
    "v1",
    namespaced=False,
)


@dataclass(frozen=True)
class VmopKinds:
    """VM Operator kinds in the storage version of one release."""

    vm: Kind
    vm_class: Kind
    image: Kind
    cluster_image: Kind
    service: Kind
    publish: Kind
    webconsole: Kind
    resource_policy: Kind

    @classmethod
    def for_version(cls, version: str) -> VmopKinds:
        def kind(name: str, plural: str, namespaced: bool = True) -> Kind:
            return Kind(name, plural, GROUP, version, namespaced)

        return cls(
            vm=kind("VirtualMachine", "virtualmachines"),
            vm_class=kind("VirtualMachineClass", "virtualmachineclasses"),
            image=kind("VirtualMachineImage", "virtualmachineimages"),
            cluster_image=kind("ClusterVirtualMachineImage", "clustervirtualmachineimages", namespaced=False),
            service=kind("VirtualMachineService", "virtualmachineservices"),
            publish=kind("VirtualMachinePublishRequest", "virtualmachinepublishrequests"),
            webconsole=kind("VirtualMachineWebConsoleRequest", "virtualmachinewebconsolerequests"),
            resource_policy=kind("VirtualMachineSetResourcePolicy", "virtualmachinesetresourcepolicies"),
        )


def api_error_status(error: BaseException) -> int | None:
    """The HTTP status of a `kubernetes` ApiException (None for other errors)."""
    status = getattr(error, "status", None)
    return status if isinstance(status, int) else None


def api_error_message(error: BaseException) -> str:
    body = getattr(error, "body", None)
    if body:
        try:
            return str(json.loads(body).get("message") or body)
        except (ValueError, AttributeError):
            return str(body)
    return str(error)


class Kube:
    """Thread-safe JSON access to one apiserver for one identity."""

    def __init__(self, api_client: Any, field_manager: str = "vmservice-sim") -> None:
        from kubernetes import client

        self.api_client = api_client
        self.field_manager = field_manager
        self._custom = client.CustomObjectsApi(api_client)
        self._core = client.CoreV1Api(api_client)
        self._lock = threading.Lock()

    def close(self) -> None:
        self.api_client.close()

    # ---------------------------------------------------------------------------------------- dispatch

    def _core_call(self, verb: str, kind: Kind, *args: Any, **kwargs: Any) -> Obj:
        name = f"{verb}_namespaced_{kind.singular}" if kind.namespaced else f"{verb}_{kind.singular}"
        if verb == "list" and not kind.namespaced:
            name = f"list_{kind.singular}"
        response = getattr(self._core, name)(*args, _preload_content=False, **kwargs)
        data = response.data
        return json.loads(data) if data else {}

    def _custom_call(self, verb: str, kind: Kind, *args: Any, **kwargs: Any) -> Obj:
        scope = "namespaced" if kind.namespaced else "cluster"
        fn = getattr(self._custom, f"{verb}_{scope}_custom_object")
        result = fn(kind.group, kind.version, *args, **kwargs)
        return result if isinstance(result, dict) else {}

    # ---------------------------------------------------------------------------------------- verbs

    def raw_open(self, path: str, timeout: float | tuple[float, float] = 15) -> Any:
        """Send GET `path` with this client's credentials; the answer's body is not read yet (`.read()` reads
        it all, `.response` streams it, as a watch needs)."""
        configuration = self.api_client.configuration
        headers = {"Accept": "application/json"}
        for setting in configuration.auth_settings().values():
            headers[setting["key"]] = setting["value"]
        return self.api_client.rest_client.request(
            "GET", configuration.host + path, headers=headers, _request_timeout=timeout
        )

    def raw_get(self, path: str, timeout: float = 15) -> Obj | None:
        """GET `path` (e.g. /apis/group/version/...) as JSON; None when it is not found. Other failures raise
        the client's ApiException."""
        from kubernetes.client.exceptions import ApiException

        response = self.raw_open(path, timeout)
        data = response.read()
        if response.status == 404:
            return None
        if not 200 <= response.status < 300:
            raise ApiException(status=response.status, reason=response.reason, http_resp=response)
        found = json.loads(data) if data else {}
        return found if isinstance(found, dict) else {}

    def get(self, kind: Kind, namespace: str | None, name: str, timeout: float = 15) -> Obj | None:
        from kubernetes.client.exceptions import ApiException

        try:
            if kind.group == "":
                args = (name, namespace) if kind.namespaced else (name,)
                return self._core_call("read", kind, *args, _request_timeout=timeout)
            args2 = (namespace, kind.plural, name) if kind.namespaced else (kind.plural, name)
            return self._custom_call("get", kind, *args2, _request_timeout=timeout)
        except ApiException as error:
            if error.status == 404:
                return None
            raise

    def list(
        self,
        kind: Kind,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        timeout: float = 30,
    ) -> tuple[list[Obj], str]:
        """Items and the list's resourceVersion; `namespace` None lists all namespaces."""
        kwargs: dict[str, Any] = {"_request_timeout": timeout}
        if label_selector:
            kwargs["label_selector"] = label_selector
        if kind.group == "":
            if kind.namespaced and namespace is None:
                response = getattr(self._core, f"list_{kind.singular}_for_all_namespaces")(
                    _preload_content=False, **kwargs
                )
                result = json.loads(response.data)
            elif kind.namespaced:
                result = self._core_call("list", kind, namespace, **kwargs)
            else:
                result = self._core_call("list", kind, **kwargs)
        elif kind.namespaced and namespace is not None:
            result = self._custom.list_namespaced_custom_object(
                kind.group, kind.version, namespace, kind.plural, **kwargs
            )
        else:
            result = self._custom.list_cluster_custom_object(kind.group, kind.version, kind.plural, **kwargs)
        items = list(result.get("items") or [])
        for item in items:  # list items carry no apiVersion/kind
            item.setdefault("apiVersion", kind.api_version)
            item.setdefault("kind", kind.kind)
        return items, str((result.get("metadata") or {}).get("resourceVersion") or "")

    def create(self, kind: Kind, body: Obj, timeout: float = 30) -> Obj:
        body = {"apiVersion": kind.api_version, "kind": kind.kind, **body}
        namespace = body.get("metadata", {}).get("namespace")
        if kind.group == "":
            args = (namespace, body) if kind.namespaced else (body,)
            return self._core_call(
                "create", kind, *args, field_manager=self.field_manager, _request_timeout=timeout
            )
        args2 = (namespace, kind.plural, body) if kind.namespaced else (kind.plural, body)
        return self._custom_call(
            "create", kind, *args2, field_manager=self.field_manager, _request_timeout=timeout
        )

    def create_or_get(self, kind: Kind, body: Obj) -> tuple[Obj, bool]:
        """Create `body`; when it already exists return the live object. Returns (object, created)."""
        from kubernetes.client.exceptions import ApiException

        try:
            return self.create(kind, body), True
        except ApiException as error:
            if error.status != 409:
                raise
        meta = body["metadata"]
        live = self.get(kind, meta.get("namespace"), meta["name"])
        if live is None:  # deleted in between: try once more
            return self.create(kind, body), True
        return live, False

    def patch(
        self,
        kind: Kind,
        namespace: str | None,
        name: str,
        patch: Any,
        *,
        status: bool = False,
        content_type: str = JSON_MERGE,
        timeout: float = 30,
    ) -> Obj:
        if kind.group == "":
            suffix = "_status" if status else ""
            method = (
                f"patch_namespaced_{kind.singular}{suffix}"
                if kind.namespaced
                else f"patch_{kind.singular}{suffix}"
            )
            args: tuple[Any, ...] = (name, namespace, patch) if kind.namespaced else (name, patch)
            response = getattr(self._core, method)(
                *args,
                field_manager=self.field_manager,
                _preload_content=False,
                _content_type=content_type,
                _request_timeout=timeout,
            )
            return json.loads(response.data) if response.data else {}
        scope = "namespaced" if kind.namespaced else "cluster"
        fn = getattr(self._custom, f"patch_{scope}_custom_object" + ("_status" if status else ""))
        args = (namespace, kind.plural, name, patch) if kind.namespaced else (kind.plural, name, patch)
        # Under the controller's own field manager, as VM Operator's writes are ("manager"), not the client
        # library's default: a user's server-side apply takes such fields over instead of conflicting.
        result = fn(
            kind.group,
            kind.version,
            *args,
            field_manager=self.field_manager,
            _content_type=content_type,
            _request_timeout=timeout,
        )
        return result if isinstance(result, dict) else {}

    def add_finalizer(self, kind: Kind, obj: Obj, finalizer: str) -> bool:
        """Add `finalizer` (optimistically locked on the resourceVersion); True when the object changed."""
        meta = obj["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        if finalizer in finalizers:
            return False
        patch = {
            "metadata": {"finalizers": [*finalizers, finalizer], "resourceVersion": meta["resourceVersion"]}
        }
        self.patch(kind, meta.get("namespace"), meta["name"], patch)
        return True

    def remove_finalizer(self, kind: Kind, obj: Obj, finalizer: str) -> None:
        meta = obj["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        if finalizer not in finalizers:
            return
        remaining = [f for f in finalizers if f != finalizer]
        patch = {"metadata": {"finalizers": remaining or None, "resourceVersion": meta["resourceVersion"]}}
        self.patch(kind, meta.get("namespace"), meta["name"], patch)

    def replace_status(self, kind: Kind, namespace: str | None, name: str, status: Obj) -> Obj:
        """Set the whole status (a JSON patch, so fields left out are removed)."""
        return self.patch(
            kind,
            namespace,
            name,
            [{"op": "add", "path": "/status", "value": status}],
            status=True,
            content_type=JSON_PATCH,
        )

    def apply(self, kind: Kind, body: Obj, *, timeout: float = 30) -> Obj:
        """Server-side apply of `body` under this client's field manager (force)."""
        body = {"apiVersion": kind.api_version, "kind": kind.kind, **body}
        meta = body["metadata"]
        if kind.group == "":
            method = f"patch_namespaced_{kind.singular}" if kind.namespaced else f"patch_{kind.singular}"
            args: tuple[Any, ...] = (
                (meta["name"], meta["namespace"], body) if kind.namespaced else (meta["name"], body)
            )
            response = getattr(self._core, method)(
                *args,
                field_manager=self.field_manager,
                force=True,
                _preload_content=False,
                _content_type="application/apply-patch+yaml",
                _request_timeout=timeout,
            )
            return json.loads(response.data) if response.data else {}
        scope = "namespaced" if kind.namespaced else "cluster"
        fn = getattr(self._custom, f"patch_{scope}_custom_object")
        args = (
            (meta["namespace"], kind.plural, meta["name"], body)
            if kind.namespaced
            else (kind.plural, meta["name"], body)
        )
        result = fn(
            kind.group,
            kind.version,
            *args,
            field_manager=self.field_manager,
            force=True,
            _content_type="application/apply-patch+yaml",
            _request_timeout=timeout,
        )
        return result if isinstance(result, dict) else {}

    def delete(self, kind: Kind, namespace: str | None, name: str, timeout: float = 30) -> bool:
        """Delete (background propagation); False when it was already gone."""
        from kubernetes.client.exceptions import ApiException

        try:
            if kind.group == "":
                args = (name, namespace) if kind.namespaced else (name,)
                self._core_call(
                    "delete", kind, *args, propagation_policy="Background", _request_timeout=timeout
                )
            else:
                args2 = (namespace, kind.plural, name) if kind.namespaced else (kind.plural, name)
                self._custom_call(
                    "delete", kind, *args2, propagation_policy="Background", _request_timeout=timeout
                )
        except ApiException as error:
            if error.status == 404:
                return False
            raise
        return True

    def watch(
        self, kind: Kind, resource_version: str, *, namespace: str | None = None, timeout_seconds: int = 10
    ) -> Iterator[tuple[str, Obj]]:
        """(type, object) events after `resource_version` until the server ends the watch.

        Raises the ApiException of an ERROR event (410 Gone means: list again).
        """
        from kubernetes import watch
        from kubernetes.client.exceptions import ApiException

        if kind.group == "":
            raise NotImplementedError("the emulator watches only custom resources")
        if kind.namespaced and namespace is not None:
            fn: Any = self._custom.list_namespaced_custom_object
            args: tuple[Any, ...] = (kind.group, kind.version, namespace, kind.plural)
        else:
            fn = self._custom.list_cluster_custom_object
            args = (kind.group, kind.version, kind.plural)
        stream = watch.Watch()
        for event in stream.stream(
            fn,
            *args,
            resource_version=resource_version,
            allow_watch_bookmarks=True,
            timeout_seconds=timeout_seconds,
            _request_timeout=(5, timeout_seconds + 10),
        ):
            kind_of_event = str(event.get("type"))
            obj = event.get("raw_object") or event.get("object")
            if kind_of_event == "ERROR":
                code = (obj or {}).get("code") if isinstance(obj, dict) else None
                raise ApiException(status=int(code or 500), reason=str((obj or {}).get("message")))
            if isinstance(obj, dict):
                yield kind_of_event, obj


def meta(obj: Obj) -> Obj:
    value = obj.get("metadata")
    if not isinstance(value, dict):
        value = {}
        obj["metadata"] = value
    return value


def key_of(obj: Obj) -> tuple[str, str]:
    m = obj.get("metadata") or {}
    return str(m.get("namespace") or ""), str(m.get("name") or "")
