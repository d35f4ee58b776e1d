"""Which content library an image comes from, for `vm-images-from-allowed-libraries`: the pack config (`images`),
content library items declared in the same stack, or the Supervisor (the namespace's VirtualMachineImage, its
`spec.providerRef` item in imageregistry.vmware.com and that item's library). A library is known by every name it
has: its vSphere name, its vCenter id and its Kubernetes object name; an allowed entry may match any of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_vmservice_policy.supervisor import IMAGEREGISTRY, Supervisor

LIBRARY = "vmservice:vcenter:ContentLibrary"
LIBRARY_ITEM = "vmservice:vcenter:ContentLibraryItem"
# (namespace, image reference) -> the library's names, or None when no source knows it
LibraryLookup = Callable[[str, str], frozenset[str] | None]


def from_config(entries: dict[str, Any]) -> dict[str, frozenset[str]]:
    """`{"ubuntu-22.04": "vmservice-images"}`: image (name or display name) -> its library."""
    return {str(image): frozenset({str(library)}) for image, library in entries.items() if library}


def from_stack(resources: list[tuple[str, dict[str, Any]]]) -> dict[str, frozenset[str]]:
    """Items the stack uploads into libraries it declares (or names by id): item name -> the library's names."""
    libraries: dict[str, frozenset[str]] = {}
    for type_, props in resources:
        if type_ == LIBRARY and isinstance(props.get("libraryId"), str):
            libraries[props["libraryId"]] = frozenset(
                str(v) for v in (props.get("name"), props.get("libraryId")) if v
            )
    found: dict[str, frozenset[str]] = {}
    for type_, props in resources:
        library, name = props.get("library"), props.get("name")
        if type_ == LIBRARY_ITEM and isinstance(library, str) and isinstance(name, str):
            found[name] = libraries.get(library, frozenset({library}))
    return found


def _image(supervisor: Supervisor, namespace: str, ref: str) -> dict[str, Any] | None:
    matches = [
        image
        for image in supervisor.images(namespace)
        if ref in ((image.get("metadata") or {}).get("name"), (image.get("status") or {}).get("name"))
    ]
    return matches[0] if len(matches) == 1 else None


def library_of_image(
    image: dict[str, Any], read: Callable[[str, str, str | None, str], Any]
) -> frozenset[str]:
    """The names of the library a VirtualMachineImage comes from; `read(kind, plural, namespace, name)` reads an
    imageregistry object (namespace None: cluster-scoped). Empty when it cannot be told."""
    namespace = (image.get("metadata") or {}).get("namespace")
    provider = (image.get("spec") or {}).get("providerRef") or {}
    names: set[str] = set()
    library_ref: str | None = None
    library_kind = "ContentLibrary"
    if provider.get("kind") in ("ContentLibraryItem", "ClusterContentLibraryItem") and provider.get("name"):
        cluster = provider["kind"] == "ClusterContentLibraryItem"
        item = read(
            provider["kind"],
            "clustercontentlibraryitems" if cluster else "contentlibraryitems",
            None if cluster else namespace,
            provider["name"],
        )
        if isinstance(item, dict):
            spec, status = item.get("spec") or {}, item.get("status") or {}
            # v1alpha2: spec.libraryName; v1alpha1: status.contentLibraryRef
            library_ref = spec.get("libraryName") or (status.get("contentLibraryRef") or {}).get("name")
            library_kind = "ClusterContentLibrary" if cluster else "ContentLibrary"
    if not library_ref:  # images of older Supervisors name their library themselves (deprecated field)
        ref = (image.get("status") or {}).get("contentLibraryRef") or {}
        library_ref, library_kind = ref.get("name"), str(ref.get("kind") or "ContentLibrary")
    if not library_ref:
        return frozenset()
    names.add(str(library_ref))
    cluster = library_kind == "ClusterContentLibrary"
    library = read(
        library_kind,
        "clustercontentlibraries" if cluster else "contentlibraries",
        None if cluster else namespace,
        str(library_ref),
    )
    if isinstance(library, dict):
        spec, status = library.get("spec") or {}, library.get("status") or {}
        names |= {str(v) for v in (status.get("name"), spec.get("id"), spec.get("uuid")) if v}
    return frozenset(names)


def chain(
    config: dict[str, frozenset[str]], stack: dict[str, frozenset[str]], supervisor: Supervisor | None
) -> LibraryLookup:
    def lookup(namespace: str, ref: str) -> frozenset[str] | None:
        found = config.get(ref) or stack.get(ref)
        if found is None and supervisor is not None:
            image = _image(supervisor, namespace, ref)
            if image is not None:
                display = (image.get("status") or {}).get("name")
                if isinstance(display, str):  # the image's display name may be the configured one
                    found = config.get(display) or stack.get(display)
                if found is None:
                    found = (
                        library_of_image(
                            image,
                            lambda kind, plural, ns, name: supervisor.get(
                                kind, plural, ns, name, IMAGEREGISTRY
                            ),
                        )
                        or None
                    )
        return found

    return lookup
