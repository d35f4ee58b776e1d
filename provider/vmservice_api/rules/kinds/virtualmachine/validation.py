"""VM Operator's VirtualMachine validating webhook, rule by rule, in the order its ValidateCreate and
ValidateUpdate run them (the denial lists the errors in that order).

The checks live in the topical `validation_*` modules; this table says when each one runs and where upstream
it comes from. v1.10.0 (9.1) runs `webhooks/virtualmachine/validation/`, v1.8.6 (8.0u3) runs
`webhooks/virtualmachine/v1alpha2/validation/`; where a check exists in both, the v1.8.6 function has the
same name. Deletes are always allowed. VM Operator's webhook framework (`pkg/builder/validating_webhook.go`)
lets every update of an object being deleted through, and (9.1) every object carrying the
skip-validation annotation.
"""

from __future__ import annotations

from collections.abc import Callable

from vmservice_api.rules.fielderrors import FieldError
from vmservice_api.rules.framework import RELEASES, Operation, Release, validation
from vmservice_api.rules.kinds.virtualmachine import (
    names,
    validation_bootstrap,
    validation_cdrom,
    validation_hardware,
    validation_metadata,
    validation_network,
    validation_placement,
    validation_power,
    validation_spec,
    validation_volumes,
)
from vmservice_api.rules.kinds.virtualmachine.validation_support import VMRequest, annotations_of, node

Check = Callable[[VMRequest], list[FieldError]]

V9_1: tuple[Release, ...] = ("9.1",)
V8_0: tuple[Release, ...] = ("8.0u3",)
VALIDATOR = "webhooks/virtualmachine/validation/virtualmachine_validator.go"
VALIDATOR_CDROM = "webhooks/virtualmachine/validation/virtualmachine_validator_cdrom.go"
VALIDATOR_HARDWARE = "webhooks/virtualmachine/validation/virtualmachine_validator_hardware_controllers.go"
VALIDATOR_8_0 = "webhooks/virtualmachine/v1alpha2/validation/virtualmachine_validator.go"


def _not_judged(req: VMRequest) -> bool:
    if req.release == "9.1" and names.SKIP_VALIDATION in annotations_of(req.object):
        return True
    return req.operation == "UPDATE" and bool(node(req.object, "metadata", "deletionTimestamp"))


def _register(
    operation: Operation, check: Check, function: str, releases: tuple[Release, ...], file: str
) -> None:
    def rule(req: VMRequest) -> list[FieldError]:
        return [] if _not_judged(req) else check(req)

    rule.__name__ = f"{operation.lower()}_{check.__name__}"
    rule.__doc__ = check.__doc__
    if releases == RELEASES and file == VALIDATOR:
        source = f"{VALIDATOR}: {function} (v1.8.6: {VALIDATOR_8_0})"
    else:
        source = f"{file}: {function}"
    validation(names.KIND, source=source, operations=(operation,), releases=releases)(rule)


def _in_order(operation: Operation, table: list[tuple[Check, str, tuple[Release, ...], str]]) -> None:
    for check, function, releases, file in table:
        _register(operation, check, function, releases, file)


_in_order(
    "CREATE",
    [
        (validation_metadata.availability_zone, "validateAvailabilityZone", RELEASES, VALIDATOR),
        (validation_placement.image_on_create, "validateImageOnCreate", V9_1, VALIDATOR),
        (validation_placement.image_name_required, "validateImage", V8_0, VALIDATOR_8_0),
        (validation_placement.class_on_create, "validateClassOnCreate", V9_1, VALIDATOR),
        (validation_placement.class_name_required, "validateClass", V8_0, VALIDATOR_8_0),
        (validation_placement.storage_class, "validateStorageClass", RELEASES, VALIDATOR),
        (validation_placement.crypto, "validateCrypto", V9_1, VALIDATOR),
        (validation_bootstrap.bootstrap, "validateBootstrap", RELEASES, VALIDATOR),
        (validation_network.network, "validateNetwork", RELEASES, VALIDATOR),
        (validation_volumes.volumes, "validateVolumes", RELEASES, VALIDATOR),
        (
            validation_volumes.volume_settings,
            "validateVolume (immutable and application fields)",
            V9_1,
            VALIDATOR,
        ),
        (validation_volumes.shared_volumes, "validateSharedVolumesOrControllers", V9_1, VALIDATOR),
        (validation_volumes.volume_placement, "validateControllerFields", V9_1, VALIDATOR),
        (validation_volumes.instance_storage, "validateInstanceStorageVolumes", RELEASES, VALIDATOR),
        (validation_spec.readiness_probe, "validateReadinessProbe", RELEASES, VALIDATOR),
        (validation_spec.readiness_probe_tcp, "validateReadinessProbe", RELEASES, VALIDATOR),
        (validation_spec.advanced, "validateAdvanced", RELEASES, VALIDATOR),
        (validation_power.power_state_on_create, "validatePowerStateOnCreate", RELEASES, VALIDATOR),
        (
            validation_power.next_restart_time_on_create,
            "validateNextRestartTimeOnCreate",
            RELEASES,
            VALIDATOR,
        ),
        (validation_metadata.admin_annotations, "validateAnnotation", V9_1, VALIDATOR),
        (validation_metadata.admin_annotations_8_0, "validateAnnotation", V8_0, VALIDATOR_8_0),
        (validation_metadata.paused_label, "validateLabel", V9_1, VALIDATOR),
        (validation_network.host_and_domain_name, "validateNetworkHostAndDomainName", V9_1, VALIDATOR),
        (validation_power.min_hardware_version, "validateMinHardwareVersion", V9_1, VALIDATOR),
        (validation_cdrom.cdrom, "validateCdrom", V9_1, VALIDATOR),
        (validation_cdrom.cdrom_placement, "validateCdromControllerSpecsOnCreate", V9_1, VALIDATOR_CDROM),
        (validation_hardware.controllers, "validateControllers", V9_1, VALIDATOR_HARDWARE),
        (validation_metadata.check_annotations, "validateChecks", V9_1, VALIDATOR),
        (
            validation_metadata.apply_power_state_time,
            "validateNextPowerStateChangeTimeFormat",
            V9_1,
            VALIDATOR,
        ),
        (validation_spec.boot_options, "validateBootOptions", V9_1, VALIDATOR),
        (validation_spec.snapshot, "validateSnapshot", V9_1, VALIDATOR),
        (validation_spec.group_name, "validateGroupName", V9_1, VALIDATOR),
        (validation_spec.affinity, "validateVMAffinity", V9_1, VALIDATOR),
        (validation_spec.bios_uuid, "validateBiosUUID", V9_1, VALIDATOR),
    ],
)

_in_order(
    "UPDATE",
    [
        (validation_metadata.schema_upgrade, "validateSchemaUpgrade", V9_1, VALIDATOR),
        (validation_placement.image_on_update, "validateImageOnUpdate", V9_1, VALIDATOR),
        (
            validation_placement.image_name_immutable,
            "validateImmutableFields (imageName)",
            V8_0,
            VALIDATOR_8_0,
        ),
        (validation_placement.class_on_update, "validateClassOnUpdate", V9_1, VALIDATOR),
        (
            validation_placement.class_name_immutable,
            "validateImmutableFields (className)",
            V8_0,
            VALIDATOR_8_0,
        ),
        (
            validation_spec.storage_class_immutable,
            "validateImmutableFields (storageClass)",
            RELEASES,
            VALIDATOR,
        ),
        (
            validation_spec.uuids_immutable,
            "validateImmutableFields (biosUUID, instanceUUID)",
            V9_1,
            VALIDATOR,
        ),
        (validation_spec.resource_policy_immutable, "validateImmutableReserved", RELEASES, VALIDATOR),
        (validation_network.network_immutable, "validateImmutableNetwork", RELEASES, VALIDATOR),
        (validation_spec.affinity_immutable, "validateImmutableVMAffinity", V9_1, VALIDATOR),
        (validation_power.power_state_on_update, "validatePowerStateOnUpdate", RELEASES, VALIDATOR),
        (validation_placement.crypto, "validateCrypto", V9_1, VALIDATOR),
        (validation_metadata.availability_zone, "validateAvailabilityZone", RELEASES, VALIDATOR),
        (validation_bootstrap.provider_immutable, "validateBootstrapProviderImmutable", V9_1, VALIDATOR),
        (validation_bootstrap.bootstrap, "validateBootstrap", RELEASES, VALIDATOR),
        (validation_network.network, "validateNetwork", RELEASES, VALIDATOR),
        (validation_volumes.volumes, "validateVolumes", RELEASES, VALIDATOR),
        (
            validation_volumes.volume_settings,
            "validateVolume (immutable and application fields)",
            V9_1,
            VALIDATOR,
        ),
        (validation_volumes.shared_volumes, "validateSharedVolumesOrControllers", V9_1, VALIDATOR),
        (validation_volumes.volume_placement, "validateControllerFields", V9_1, VALIDATOR),
        (validation_volumes.instance_storage, "validateInstanceStorageVolumes", RELEASES, VALIDATOR),
        (validation_spec.readiness_probe, "validateReadinessProbe", RELEASES, VALIDATOR),
        (validation_spec.readiness_probe_tcp, "validateReadinessProbe", RELEASES, VALIDATOR),
        (validation_spec.advanced, "validateAdvanced", RELEASES, VALIDATOR),
        (
            validation_power.next_restart_time_on_update,
            "validateNextRestartTimeOnUpdate",
            RELEASES,
            VALIDATOR,
        ),
        (validation_metadata.admin_annotations, "validateAnnotation", V9_1, VALIDATOR),
        (validation_metadata.admin_annotations_8_0, "validateAnnotation", V8_0, VALIDATOR_8_0),
        (validation_power.min_hardware_version, "validateMinHardwareVersion", RELEASES, VALIDATOR),
        (validation_metadata.paused_label, "validateLabel", V9_1, VALIDATOR),
        (validation_network.host_and_domain_name, "validateNetworkHostAndDomainName", V9_1, VALIDATOR),
        (validation_cdrom.cdrom, "validateCdrom", V9_1, VALIDATOR),
        (validation_cdrom.cdrom_placement, "validateCdromControllerSpecsOnUpdate", V9_1, VALIDATOR_CDROM),
        (validation_hardware.controllers, "validateControllers", V9_1, VALIDATOR_HARDWARE),
        (validation_metadata.check_annotations, "validateChecks", V9_1, VALIDATOR),
        (
            validation_metadata.apply_power_state_time,
            "validateNextPowerStateChangeTimeFormat",
            V9_1,
            VALIDATOR,
        ),
        (validation_spec.boot_options, "validateBootOptions", V9_1, VALIDATOR),
        (validation_spec.snapshot, "validateSnapshot", V9_1, VALIDATOR),
        (validation_spec.group_name, "validateGroupName", V9_1, VALIDATOR),
    ],
)
