"""What differs between the VM Operator releases the simulator emulates (vSphere 8.0 U3 and VCF 9.1).

Webhooks are registered, and the emulator reads and writes, only in the storage version of the release, as
VM Operator itself does; the apiserver converts requests made in other served versions.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUP = "vmoperator.vmware.com"


@dataclass(frozen=True)
class Release:
    name: str
    storage_version: str
    # Finalizer naming changed after 8.0 U3 (`<kind>.vmoperator.vmware.com` -> `vmoperator.vmware.com/<kind>`).
    legacy_finalizers: bool
    pause_annotation: str
    # VCF 9.x: className may change (applied at the next power-off/on), spec.image and the UUIDs are defaulted.
    class_resize: bool
    image_ref: bool
    build_version: str

    @property
    def api_version(self) -> str:
        return f"{GROUP}/{self.storage_version}"

    def finalizer(self, kind_lower: str) -> str:
        return f"{kind_lower}.{GROUP}" if self.legacy_finalizers else f"{GROUP}/{kind_lower}"

    def webhook_name(self, kind_lower: str, mutating: bool, version: str | None = None) -> str:
        """VM Operator's name for a kind's webhook (in `version`, default the storage version)."""
        verb = "mutating" if mutating else "validating"
        return f"default.{verb}.{kind_lower}.{version or self.storage_version}.{GROUP}"

    def webhook_path(self, kind_lower: str, mutating: bool, version: str | None = None) -> str:
        verb = "mutate" if mutating else "validate"
        return f"/default-{verb}-vmoperator-vmware-com-{version or self.storage_version}-{kind_lower}"


RELEASES = {
    "8.0u3": Release(
        name="8.0u3",
        storage_version="v1alpha2",
        legacy_finalizers=True,
        pause_annotation=f"{GROUP}/pause-reconcile",
        class_resize=False,
        image_ref=False,
        build_version="v1.8.6-vmservice-sim",
    ),
    "9.1": Release(
        name="9.1",
        storage_version="v1alpha5",
        legacy_finalizers=False,
        pause_annotation=f"{GROUP}/paused",
        class_resize=True,
        image_ref=True,
        build_version="v1.10.0-vmservice-sim",
    ),
}


def release(name: str) -> Release:
    try:
        return RELEASES[name]
    except KeyError:
        raise ValueError(
            f"unknown VM Operator release {name!r}; choose one of {', '.join(RELEASES)}"
        ) from None
