"""Objects of Kubernetes' core API group (/api/v1: Secrets, ConfigMaps, ResourceQuotas, ...) through the same
calls as custom objects (`CustomObjectsApi`'s names and arguments, the group empty), as plain dicts.

The library's `CoreV1Api` would do, but importing it builds a typed model class for every core kind, which
was about a third of a plugin's CPU time in an unchanged preview; the provider only ever needs the objects as
dicts, which the library's own `ApiClient` gives for any path.
"""

from __future__ import annotations

from typing import Any

CORE_VERSION = "v1"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _query_value(value: Any) -> Any:
    return ("true" if value else "false") if isinstance(value, bool) else value


class CoreObjects:
    """`CustomObjectsApi`'s methods that the Supervisor client calls, for the core group."""

    def __init__(self, api_client: Any):
        self._api = api_client

    # ---- namespaced -------------------------------------------------------------------------------
    def get_namespaced_custom_object(
        self, group: str, version: str, namespace: str, plural: str, name: str, **options: Any
    ) -> Any:
        return self._request("GET", self._path(version, plural, namespace, name), None, options)

    def list_namespaced_custom_object(
        self, group: str, version: str, namespace: str, plural: str, **options: Any
    ) -> Any:
        return self._request("GET", self._path(version, plural, namespace), None, options)

    def create_namespaced_custom_object(
        self, group: str, version: str, namespace: str, plural: str, body: Any, **options: Any
    ) -> Any:
        return self._request("POST", self._path(version, plural, namespace), body, options)

    def patch_namespaced_custom_object(
        self, group: str, version: str, namespace: str, plural: str, name: str, body: Any, **options: Any
    ) -> Any:
        return self._request("PATCH", self._path(version, plural, namespace, name), body, options)

    def delete_namespaced_custom_object(
        self, group: str, version: str, namespace: str, plural: str, name: str, **options: Any
    ) -> Any:
        return self._request("DELETE", self._path(version, plural, namespace, name), None, options)

    # ---- cluster-scoped kinds, and namespaced ones across every namespace ------------------------
    def get_cluster_custom_object(
        self, group: str, version: str, plural: str, name: str, **options: Any
    ) -> Any:
        return self._request("GET", self._path(version, plural, None, name), None, options)

    def list_cluster_custom_object(self, group: str, version: str, plural: str, **options: Any) -> Any:
        return self._request("GET", self._path(version, plural), None, options)

    def create_cluster_custom_object(
        self, group: str, version: str, plural: str, body: Any, **options: Any
    ) -> Any:
        return self._request("POST", self._path(version, plural), body, options)

    def patch_cluster_custom_object(
        self, group: str, version: str, plural: str, name: str, body: Any, **options: Any
    ) -> Any:
        return self._request("PATCH", self._path(version, plural, None, name), body, options)

    def delete_cluster_custom_object(
        self, group: str, version: str, plural: str, name: str, **options: Any
    ) -> Any:
        return self._request("DELETE", self._path(version, plural, None, name), None, options)

    # ---- one request ------------------------------------------------------------------------------
    @staticmethod
    def _path(version: str, plural: str, namespace: str | None = None, name: str | None = None) -> str:
        path = f"/api/{version or CORE_VERSION}"
        if namespace is not None:
            path += f"/namespaces/{namespace}"
        path += f"/{plural}"
        return path + (f"/{name}" if name is not None else "")

    def _request(self, method: str, path: str, body: Any, options: dict[str, Any]) -> Any:
        """The object (a dict) the server answers; `_preload_content=False` gives the raw response instead
        (watches); an error status raises the library's ApiException, as its own methods do."""
        from kubernetes.client.exceptions import ApiException

        content_type = options.pop("_content_type", None)
        preload = options.pop("_preload_content", True)
        timeout = options.pop("_request_timeout", None)
        query = [(_camel(key), _query_value(value)) for key, value in options.items() if value is not None]
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type or "application/json"
        request = self._api.param_serialize(
            method=method,
            resource_path=path,
            query_params=query,
            header_params=headers,
            body=body,
            auth_settings=["BearerToken"],
        )
        response = self._api.call_api(*request, _request_timeout=timeout)
        if not preload:
            if not 200 <= response.status <= 299:
                response.read()
                raise ApiException.from_response(http_resp=response, body=None, data=None)
            return response.response
        response.read()
        return self._api.response_deserialize(response, {"2XX": "object"}).data
