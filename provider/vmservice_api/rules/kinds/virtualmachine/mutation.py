"""The VirtualMachine mutating webhook, rule by rule, in the order VM Operator runs them.

Upstream: webhooks/virtualmachine/mutation/virtualmachine_mutator.go `mutator.Mutate` (v1.10.0, 9.1) and
webhooks/virtualmachine/v1alpha2/mutation/virtualmachine_mutator.go `mutator.Mutate` (v1.8.6, 8.0u3). Both
leave deletes alone, and neither touches an update of a VM that is being deleted (pkg/builder's mutating
handler admits those as they are). The rules themselves live in the topic modules beside this one; this
module only says when each runs. The functions VM Operator registers in its MutateOnCreate/OnUpdate maps
run last, in no fixed order; they touch disjoint fields, so the order here does not matter.
"""

from __future__ import annotations

import functools
from typing import Any

from vmservice_api.rules.framework import MutateFn, Operation, Release, Request, mutation
from vmservice_api.rules.kinds.virtualmachine import (
    mutation_cdrom,
    mutation_class,
    mutation_crypto,
    mutation_defaults,
    mutation_groups,
    mutation_hardware,
    mutation_image,
    mutation_network,
)
from vmservice_api.rules.kinds.virtualmachine.mutation_names import VIRTUAL_MACHINE
from vmservice_api.rules.kinds.virtualmachine.mutation_support import part, the_object

V1_10 = "webhooks/virtualmachine/mutation/virtualmachine_mutator.go"
V1_10_CDROM = "webhooks/virtualmachine/mutation/virtualmachine_mutator_cdrom.go"
V1_10_HARDWARE = "webhooks/virtualmachine/mutation/virtualmachine_mutator_hardware_controllers.go"
V1_8 = "webhooks/virtualmachine/v1alpha2/mutation/virtualmachine_mutator.go"

BOTH: tuple[Release, ...] = ("8.0u3", "9.1")
ONLY_9_1: tuple[Release, ...] = ("9.1",)
ONLY_8_0U3: tuple[Release, ...] = ("8.0u3",)
CREATE: tuple[Operation, ...] = ("CREATE",)
UPDATE: tuple[Operation, ...] = ("UPDATE",)


def _being_deleted(req: Request[Any]) -> bool:
    return req.operation == "UPDATE" and bool(part(the_object(req), "metadata").get("deletionTimestamp"))


def _register(
    rule: MutateFn,
    source: str,
    operations: tuple[Operation, ...],
    releases: tuple[Release, ...],
    writes: tuple[str, ...] = ("",),
) -> None:
    @functools.wraps(rule)
    def guarded(req: Request[Any]) -> bool:
        return False if _being_deleted(req) else bool(rule(req))

    mutation(VIRTUAL_MACHINE, source=source, operations=operations, releases=releases, writes=writes)(guarded)


# ---- create ------------------------------------------------------------------------------------------------
# 8.0u3 runs: created-at annotations, default interface, power state, image name.
# 9.1 runs: default interface, power state, CD-ROM image kind, image name from CD-ROMs, instance UUID,
# BIOS UUID, image, encryption class, class and instance, volume modes, then created-at and IDE controllers.
_register(
    mutation_network.add_default_network_interface_v1alpha2,
    f"{V1_8}: AddDefaultNetworkInterface",
    CREATE,
    ONLY_8_0U3,
    writes=("spec.network.interfaces[*].name", "spec.network.interfaces[*].network"),
)
_register(
    mutation_network.add_default_network_interface,
    f"{V1_10}: AddDefaultNetworkInterface",
    CREATE,
    ONLY_9_1,
    writes=("spec.network.interfaces[*].name", "spec.network.interfaces[*].network"),
)
_register(
    mutation_defaults.set_default_power_state,
    f"{V1_10}: SetDefaultPowerState (v1.8.6: {V1_8})",
    CREATE,
    BOTH,
    writes=("spec.powerState",),
)
_register(
    mutation_cdrom.set_default_cdrom_image_kind_on_create,
    f"{V1_10}: SetDefaultCdromImgKindOnCreate",
    CREATE,
    ONLY_9_1,
    writes=("spec.hardware.cdrom",),
)
_register(
    mutation_cdrom.set_image_name_from_cdrom,
    f"{V1_10}: SetImageNameFromCdrom",
    CREATE,
    ONLY_9_1,
    writes=("spec.imageName",),
)
_register(
    mutation_defaults.set_default_instance_uuid,
    f"{V1_10}: SetDefaultInstanceUUID",
    CREATE,
    ONLY_9_1,
    writes=("spec.instanceUUID",),
)
_register(
    mutation_defaults.set_default_bios_uuid,
    f"{V1_10}: SetDefaultBiosUUID",
    CREATE,
    ONLY_9_1,
    writes=("spec.biosUUID", "spec.bootstrap.cloudInit.instanceID"),
)
_register(
    mutation_image.resolve_image_name_v1alpha2,
    f"{V1_8}: ResolveImageName",
    CREATE,
    ONLY_8_0U3,
    writes=("spec.imageName",),
)
_register(
    mutation_image.resolve_image_name_on_create,
    f"{V1_10}: ResolveImageNameOnCreate",
    CREATE,
    ONLY_9_1,
    writes=("spec.image", "spec.imageName"),
)
_register(
    mutation_crypto.set_default_encryption_class,
    f"{V1_10}: SetDefaultEncryptionClass",
    CREATE,
    ONLY_9_1,
    writes=("spec.crypto",),
)
_register(
    mutation_class.resolve_class_and_class_name,
    f"{V1_10}: ResolveClassAndClassName",
    ("CREATE", "UPDATE"),
    ONLY_9_1,
    writes=("spec.class", "spec.className"),
)
_register(
    mutation_hardware.set_pvc_volume_defaults_on_create,
    f"{V1_10_HARDWARE}: SetPVCVolumeDefaults",
    CREATE,
    ONLY_9_1,
    writes=("spec.volumes",),
)
_register(
    mutation_defaults.set_created_at_annotations,
    f"{V1_10}: SetCreatedAtAnnotations (v1.8.6: {V1_8})",
    CREATE,
    BOTH,
    writes=("metadata.annotations",),
)
_register(
    mutation_hardware.set_default_controllers,
    f"{V1_10}: SetDefaultControllers",
    CREATE,
    ONLY_9_1,
    writes=("spec.hardware",),
)

# ---- update ------------------------------------------------------------------------------------------------
# 8.0u3 runs only the restart time. 9.1 runs: class and instance (above), last-resize annotations, restart
# time, default networks, group owner and power time, volume modes and controllers, then the CD-ROMs.
_register(
    mutation_class.set_last_resize_annotations,
    f"{V1_10}: SetLastResizeAnnotations",
    UPDATE,
    ONLY_9_1,
    writes=("metadata.annotations",),
)
_register(
    mutation_defaults.set_next_restart_time,
    f"{V1_10}: SetNextRestartTime (v1.8.6: {V1_8})",
    UPDATE,
    BOTH,
    writes=("spec.nextRestartTime",),
)
_register(
    mutation_network.set_default_network_on_update,
    f"{V1_10}: SetDefaultNetworkOnUpdate",
    UPDATE,
    ONLY_9_1,
    writes=("spec.network.interfaces[*].name", "spec.network.interfaces[*].network"),
)
_register(
    mutation_groups.remove_stale_group_owner_ref,
    f"{V1_10}: Mutate (VMGroups) with pkg/util/vmopv1 RemoveStaleGroupOwnerRef",
    UPDATE,
    ONLY_9_1,
    writes=("metadata.ownerReferences",),
)
_register(
    mutation_groups.cleanup_apply_power_state_change_time,
    f"{V1_10}: CleanupApplyPowerStateChangeTimeAnno",
    UPDATE,
    ONLY_9_1,
    writes=("metadata.annotations",),
)
_register(
    mutation_hardware.set_pvc_volume_defaults_on_update,
    f"{V1_10_HARDWARE}: SetPVCVolumeDefaults (from Mutate, once the VM is upgraded)",
    UPDATE,
    ONLY_9_1,
    writes=("spec.volumes",),
)
_register(
    mutation_hardware.add_controllers_for_volumes,
    f"{V1_10_HARDWARE}: AddControllersForVolumes",
    UPDATE,
    ONLY_9_1,
    writes=("spec.hardware", "spec.volumes"),
)
_register(
    mutation_cdrom.set_default_cdrom_image_kind_on_update,
    f"{V1_10}: SetDefaultCdromImgKindOnUpdate",
    UPDATE,
    ONLY_9_1,
    writes=("spec.hardware.cdrom",),
)
_register(
    mutation_cdrom.mutate_cdrom_controller_on_update,
    f"{V1_10_CDROM}: MutateCdromControllerOnUpdate",
    UPDATE,
    ONLY_9_1,
    writes=("spec.hardware",),
)
