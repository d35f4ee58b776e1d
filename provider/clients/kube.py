"""The Supervisor's Kubernetes API through the official `kubernetes` client (imported lazily)."""

from __future__ import annotations

import os
import tempfile
import threading
from typing import Any

from provider.errors import ProviderError
from provider.settings import Settings

FIELD_MANAGER = "pulumi-vmservice"


class SupervisorUnreachable(ProviderError):
    pass


class KubeClient:
    """One configured ApiClient per provider instance plus cached discovery of served API versions."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._lock = threading.Lock()
        self._api_client: Any = None
        self._served: dict[str, list[str]] = {}

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
            raise SupervisorUnreachable(f"cannot load the Supervisor kubeconfig: {error}") from None
        configuration.retries = 3
        return client.ApiClient(configuration)

    def served_versions(self, group: str) -> list[str]:
        """API versions of `group` the Supervisor serves, newest first (as the server orders them)."""
        if group not in self._served:
            from kubernetes import client

            groups = client.ApisApi(self.api_client).get_api_versions()
            for api_group in groups.groups:
                self._served[api_group.name] = [v.version for v in api_group.versions]
        return self._served.get(group, [])

    def custom(self) -> Any:
        from kubernetes import client

        return client.CustomObjectsApi(self.api_client)

    def core(self) -> Any:
        from kubernetes import client

        return client.CoreV1Api(self.api_client)


def _tmpdir() -> str:
    return tempfile.gettempdir()
