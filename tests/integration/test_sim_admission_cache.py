"""The simulator's admission reads through a watch-backed cache (vmservice_sim.cluster_cache), as VM Operator's
webhooks read through controller-runtime's cached client: on a real control plane, a get is answered from
memory once the kind's watch is in step, a change reaches the cache, and an object the cache does not hold yet
is read live (never a stale "not found")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import eventually

pytestmark = pytest.mark.integration


def config_map(name: str, namespace: str, value: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": namespace}, "data": {"key": value}}


def test_gets_come_from_the_cache_and_follow_changes(kube_api_client: Any, namespace: str) -> None:
    from kubernetes import client
    from vmservice_sim.cluster import ApiCluster, ApiResources
    from vmservice_sim.cluster_cache import CachedCluster
    from vmservice_sim.kube import Kube

    core = client.CoreV1Api(kube_api_client)
    core.create_namespaced_config_map(namespace, config_map("first", namespace, "one"))
    kube = Kube(kube_api_client)
    cached = CachedCluster(ApiCluster(kube, ApiResources(kube)))
    try:
        found = cached.get("ConfigMap", namespace, "first")  # starts the kind's watch; read live meanwhile
        assert found is not None and found["data"] == {"key": "one"} and found["kind"] == "ConfigMap"
        assert cached.wait_synced()
        hits = cached.hits
        assert (cached.get("ConfigMap", namespace, "first") or {}).get("data") == {"key": "one"}
        assert cached.hits == hits + 1, "a synced kind is answered from memory"

        core.patch_namespaced_config_map("first", namespace, {"data": {"key": "two"}})
        eventually(
            "the change to reach the cache",
            lambda: (cached.get("ConfigMap", namespace, "first") or {}).get("data") == {"key": "two"},
            timeout=10,
        )

        core.create_namespaced_config_map(namespace, config_map("second", namespace, "new"))
        fresh = cached.get("ConfigMap", namespace, "second")  # whether or not the watch has it yet
        assert fresh is not None and fresh["data"] == {"key": "new"}
        assert cached.get("ConfigMap", namespace, "never-made") is None

        core.delete_namespaced_config_map("first", namespace)
        eventually(
            "the deletion to reach the cache", lambda: cached.get("ConfigMap", namespace, "first") is None
        )
    finally:
        cached.stop()


def test_lists_come_from_the_cache_unless_test_fixtures_ask_for_live_reads(
    kube_api_client: Any, namespace: str
) -> None:
    # A live list is a consistent LIST, which waits for the apiserver's watch cache to reach etcd's newest
    # revision (about 100 ms while other objects are written); VM Operator lists from its informers.
    from kubernetes import client
    from vmservice_sim.cluster import ApiCluster, ApiResources
    from vmservice_sim.cluster_cache import CachedCluster
    from vmservice_sim.kube import Kube

    core = client.CoreV1Api(kube_api_client)
    core.create_namespaced_config_map(namespace, config_map("listed", namespace, "one"))
    kube = Kube(kube_api_client)
    cached, live = (CachedCluster(ApiCluster(kube, ApiResources(kube)), live=flag) for flag in (False, True))
    try:
        names = lambda cluster: {o["metadata"]["name"] for o in cluster.list("ConfigMap", namespace)}  # noqa: E731
        assert "listed" in names(cached)  # the first list starts the kind's watch and is read live
        assert cached.wait_synced()
        hits = cached.hits
        assert "listed" in names(cached) and cached.hits == hits + 1, "a synced kind lists from memory"
        assert all(o["metadata"]["namespace"] == namespace for o in cached.list("ConfigMap", namespace))
        core.create_namespaced_config_map(namespace, config_map("later", namespace, "two"))
        eventually("the new object to reach the cached list", lambda: "later" in names(cached), timeout=10)
        assert "later" in names(live) and live.get("ConfigMap", namespace, "later") is not None
        assert live.hits == 0, "test fixtures read live"
    finally:
        cached.stop()
        live.stop()
