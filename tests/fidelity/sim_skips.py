"""Corpus cases the simulator cannot express, with the reason: the one list, printed by test_sim_corpus.

Keys are case ids (every release the case holds for) or `id@release`. A case listed here that the simulator
does answer as upstream does fails the test, so the list only holds what is really out of reach.

Nearly all are upstream unit tests that hand the webhook an object a real apiserver never lets through to
it: the CRD's own schema (patterns, formats, enums, list keys, required fields) or the apiserver's object
rules refuse it first, with their own message, or the CRD's defaults change it before the webhook sees it.
Upstream's tests call the webhook directly and skip those steps; on a Supervisor they always run.
"""

from __future__ import annotations

from collections.abc import Iterable


def _each(reason: str, ids: Iterable[str]) -> dict[str, str]:
    return {case_id: reason for case_id in ids}


CDROM_NAME = (
    "the CRD requires CD-ROM names to match ^[a-z0-9]{2,}$: the apiserver refuses the test's CD-ROM names "
    "before any webhook"
)
UUID_FORMAT = (
    "the CRD declares spec.biosUUID and spec.instanceUUID with format uuid: the apiserver refuses the test's "
    "values before any webhook"
)

SIM_SKIPS: dict[str, str] = {
    # ---- the CRD's schema refuses the object (or the old object) first ---------------------------------------
    **_each(
        "the CRD requires interface names to match ^[a-z0-9]{2,}$: the apiserver refuses dummy_If before any "
        "webhook",
        (
            "vm/validate/8.0/create/network/interface-resource-name-not-dns-subdomain",
            "vm/validate/create/network/interface-resource-name-not-dns-subdomain",
        ),
    ),
    **_each(
        "spec.volumes is a list keyed by name in the CRD: the apiserver refuses two volumes of one name before "
        "any webhook",
        (
            "vm/validate/8.0/create/duplicate-volume-names",
            "vm/validate/create/duplicate-volume-names",
            "vm/validate/update/controllers/disk-added-without-fsr",
            "vm/validate/update/controllers/scsi-controller-added-before-upgrade",
        ),
    ),
    **_each(
        UUID_FORMAT,
        (
            "vm/validate/create/bios-uuid-empty",
            "vm/validate/create/bios-uuid-not-a-uuid",
            "vm/validate/create/instance-uuid-by-privileged",
            "vm/validate/update/bios-uuid-changed",
            "vm/validate/update/bios-uuid-first-set",
            "vm/validate/update/instance-uuid-changed",
            "vm/validate/update/instance-uuid-first-set",
            "vm/validate/update/upgrade/bios-uuid-before-upgrade",
        ),
    ),
    **_each(
        CDROM_NAME,
        (
            "vm/validate/create/cdrom/duplicate-cvmi-image",
            "vm/validate/create/cdrom/duplicate-vmi-and-cvmi-image",
            "vm/validate/create/cdrom/duplicate-vmi-image",
            "vm/validate/create/cdrom/unknown-image-kind",
            "vm/validate/update/cdrom/renamed-while-powered-off",
            "vm/mutate/create/cdrom/image-name-from-cdrom",
            "vm/mutate/create/cdrom/image-name-from-connected-cdrom",
            "vm/mutate/create/cdrom/image-name-kept",
        ),
    ),
    **_each(
        "the CRD requires interface MAC addresses to match ^([0-9A-Fa-f]{2}:){5}([0-9A-Fa-f]{2})$: the "
        "apiserver refuses the test's macAddr values (foo, unchanged) before any webhook",
        (
            "vm/validate/update/network/mac-address-changed-with-mutable-networks",
            "vm/validate/update/network/mac-address-changed-without-mutable-networks",
        ),
    ),
    "vm/validate/update/boot-options/boot-order-with-unknown-device-type": (
        'the CRD limits spec.bootOptions.bootOrder[].type to Disk, Network and CDRom: the apiserver refuses "usb" '
        "before any webhook"
    ),
    "vm/validate/update/invalid-while-being-deleted": (
        'the CRD limits spec.powerState to PoweredOff, PoweredOn and Suspended: the apiserver refuses "" before '
        "any webhook, being deleted or not"
    ),
    "vm/validate/update/volume-added-on-cdrom-unit": (
        "the CRD limits a CD-ROM's controllerType to IDE and SATA: the old VM, with a CD-ROM on a SCSI "
        "controller, cannot exist"
    ),
    "vm/validate/update/encrypted/encrypted-claim-on-virtual-nvme": (
        "the CRD limits an NVMe controller's sharingMode to None and Physical: the apiserver refuses Virtual "
        "before any webhook"
    ),
    # ---- the apiserver's object rules ------------------------------------------------------------------------
    "vmservice/validate/create/name-not-dns1123-label@8.0u3": (
        "the apiserver refuses a name that is not a DNS-1123 subdomain (MyVMService) before any webhook, with "
        "its own message"
    ),
    "vmservice/validate/create/name-not-dns1035-label@9.1": (
        "the apiserver refuses a name that is not a DNS-1123 subdomain (9-MyVMService) before any webhook, with "
        "its own message"
    ),
    "vmservice/validate/update/name-not-checked": (
        "its name (9-MyVMService) is not a DNS-1123 subdomain: the apiserver never stores such an object, so "
        "there is no old object to update"
    ),
    "vm/validate/create/encryption-class-with-volume-on-plain-storage-class": (
        "its claim dummyPVCName is not a DNS-1123 subdomain: the apiserver refuses to store it"
    ),
    **_each(
        "its VirtualMachineClassInstance's owner reference names no kind (nor apiVersion and uid), which the "
        "apiserver refuses to store",
        (
            "vm/validate/create/class-instance-of-another-class",
            "vm/validate/update/class-instance-of-another-class",
        ),
    ),
    # ---- the CRD's defaults change the object before the webhook -------------------------------------------
    "vm/validate/create/crypto-without-byok": (
        "the CRD defaults spec.crypto.useDefaultKeyProvider to true, so a real Supervisor refuses it as upstream "
        'does but prints the defaulted value (spec.crypto: Invalid value: {"useDefaultKeyProvider":true}); '
        "upstream's test, without an apiserver, prints {}"
    ),
    "vm/validate/update/shared/multi-writer-volume-replacing-single-writer-on-untyped-controller": (
        "the CRD defaults a SCSI controller's type to ParaVirtual, so a real Supervisor never sees the untyped "
        "controller this test is about (and admits the volume on the typed one)"
    ),
    # ---- documentation samples the CRD refuses ---------------------------------------------------------------
    "vmservice/validate/docs/config-sample": (
        "the sample has no spec.type, which the CRD requires: a real apiserver refuses it before any webhook"
    ),
    "vmservice/validate/docs/vm-service-load-balancer": (
        "the sample's port has no name, which the CRD requires: a real apiserver refuses it before any webhook"
    ),
    "vmservice/validate/docs/vm-service-without-type": (
        "the sample has no spec.type and its port no name, both required by the CRD: a real apiserver refuses "
        "it before any webhook"
    ),
    "vm/validate/sample/sysprep-network-auto-logon-without-password": (
        "the sample's inline sysprep has no userData, which the CRD requires: a real apiserver refuses it before "
        "any webhook"
    ),
}


def reason(case_id: str, release: str) -> str | None:
    return SIM_SKIPS.get(f"{case_id}@{release}") or SIM_SKIPS.get(case_id)
