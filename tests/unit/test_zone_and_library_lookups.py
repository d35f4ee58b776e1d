"""getZones and getContentLibrary over a fake Supervisor: which zone objects are read at which release, what a zone
being removed or an AvailabilityZone in the older single-value shape gives, and how a library query that is not
exactly one library fails."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from pulumi_vmservice_provider.errors import InvalidInputs
from pulumi_vmservice_provider.kinds.contentlibrary.functions import get_content_library
from pulumi_vmservice_provider.kinds.zones.functions import get_zones


class FakeKube:
    def __init__(self, served: list[str], objects: dict[str, list[dict[str, Any]]]) -> None:
        self.served, self.objects = served, objects
        self.listed: list[tuple[str, str | None]] = []

    def served_versions(self, group: str, patient: bool = False, ctx: Any = None) -> list[str]:
        return self.served

    def list(self, ctx: Any, ref: Any, namespace: str | None = None) -> list[dict[str, Any]]:
        self.listed.append((ref.kind, namespace))
        return self.objects.get(ref.kind, [])


def invoke(function: Any, kube: FakeKube, **args: Any) -> Any:
    state: Any = SimpleNamespace(kube=kube, settings=SimpleNamespace(namespace="dev"))
    return function(state, SimpleNamespace(ctx=None, args=SimpleNamespace(value=args)))


def zone(name: str, deleting: bool = False) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": "dev"}
    if deleting:
        metadata["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {
        "metadata": metadata,
        "spec": {"managedVMs": {"poolMoIDs": ["resgroup-9"], "folderMoID": "group-v7"}},
    }


def test_on_9_1_the_namespaces_zones_are_read_and_one_being_removed_is_not_offered() -> None:
    kube = FakeKube(["v1alpha2", "v1alpha5"], {"Zone": [zone("zone-b", deleting=True), zone("zone-a")]})
    found = invoke(get_zones, kube)
    assert kube.listed == [("Zone", "dev")]
    assert found["source"] == "Zone" and found["names"] == ["zone-a"]
    assert [(z["name"], z["beingDeleted"]) for z in found["zones"]] == [("zone-a", False), ("zone-b", True)]
    assert found["zones"][0]["poolMoIDs"] == ["resgroup-9"] and found["zones"][0]["folderMoID"] == "group-v7"


def test_on_8_0_u3_only_the_availability_zones_listing_the_namespace_count() -> None:
    kube = FakeKube(
        ["v1alpha1", "v1alpha2", "v1alpha3"],
        {
            "AvailabilityZone": [
                {  # the older single-value fields
                    "metadata": {"name": "zone-a"},
                    "spec": {
                        "clusterComputeResourceMoId": "domain-c1",
                        "namespaces": {"dev": {"poolMoId": "resgroup-9", "folderMoId": "group-v7"}},
                    },
                },
                {
                    "metadata": {"name": "zone-b"},
                    "spec": {"namespaces": {"other": {"poolMoIDs": ["resgroup-2"]}}},
                },
            ]
        },
    )
    found = invoke(get_zones, kube)
    assert kube.listed == [("AvailabilityZone", None)]
    assert found["source"] == "AvailabilityZone" and found["names"] == ["zone-a"]
    (only,) = found["zones"]
    assert (only["clusterMoIDs"], only["poolMoIDs"], only["folderMoID"]) == (
        ["domain-c1"],
        ["resgroup-9"],
        "group-v7",
    )


def library(name: str, display: str, writable: bool) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "spec": {"uuid": f"uuid-{display}", "writable": writable},
        "status": {"name": display, "type": "Local", "conditions": [{"type": "Ready", "status": "True"}]},
    }


LIBRARIES = {
    "ContentLibrary": [
        library("cl-aaaaaaaaaaaaaaaaa", "images", False),
        library("cl-bbbbbbbbbbbbbbbbb", "published", True),
        library("cl-ccccccccccccccccc", "team", True),
    ]
}


def test_a_library_is_found_by_its_vcenter_name_or_id() -> None:
    found = invoke(get_content_library, FakeKube([], LIBRARIES), displayName="published")
    assert (found["name"], found["writable"], found["type"], found["ready"]) == (
        "cl-bbbbbbbbbbbbbbbbb",
        True,
        "Local",
        True,
    )
    assert invoke(get_content_library, FakeKube([], LIBRARIES), libraryId="uuid-images")["writable"] is False


def test_a_query_matching_several_libraries_names_them_and_the_property() -> None:
    with pytest.raises(InvalidInputs) as raised:
        invoke(get_content_library, FakeKube([], LIBRARIES), writable=True)
    ((prop, reason),) = raised.value.failures
    assert prop == "writable"
    assert reason == (
        "2 content libraries match writable=True; narrow the query to one of: "
        "published (cl-bbbbbbbbbbbbbbbbb, writable), team (cl-ccccccccccccccccc, writable)"
    )


def test_no_selector_is_refused_before_any_read() -> None:
    kube = FakeKube([], LIBRARIES)
    with pytest.raises(InvalidInputs) as raised:
        invoke(get_content_library, kube)
    assert [prop for prop, _ in raised.value.failures] == ["displayName"]
    assert kube.listed == []
