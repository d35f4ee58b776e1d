"""How a VM's guest is customised (spec.bootstrap): which providers combine, what each one needs, and (9.1)
that the provider never changes once chosen."""

from __future__ import annotations

import json
from typing import Any

from vmservice_api.rules.fielderrors import Effect, FieldError, FieldPath, forbidden, invalid, path
from vmservice_api.rules.kinds.virtualmachine import names
from vmservice_api.rules.kinds.virtualmachine.validation_support import (
    VMRequest,
    is_privileged,
    items,
    mapping,
    node,
    spec,
    text,
    truthy,
)

BOOTSTRAP = path("spec", "bootstrap")
VCD_PARITY_NOT_ENABLED = "VC guest customization VCD parity capability is not enabled"
PROVIDER_CANNOT_CHANGE = "bootstrap provider type cannot be changed"


def _providers(vm: Any) -> tuple[Any, Any, Any, Any]:
    bootstrap = mapping(spec(vm).get("bootstrap"))
    return (
        bootstrap.get("cloudInit"),
        bootstrap.get("linuxPrep"),
        bootstrap.get("sysprep"),
        bootstrap.get("vAppConfig"),
    )


def bootstrap(req: VMRequest) -> list[FieldError]:
    """CloudInit stands alone; LinuxPrep and Sysprep exclude each other and may add vAppConfig; each
    provider's own settings are consistent (inline or raw, not both; complete identities; known fields)."""
    cloud_init, linux_prep, sysprep, vapp = _providers(req.object)
    errors: list[FieldError] = []
    if cloud_init is not None:
        at = BOOTSTRAP.child("cloudInit")
        if linux_prep is not None or sysprep is not None or vapp is not None:
            errors.append(forbidden(at, "CloudInit may not be used with any other bootstrap provider"))
        config = mapping(cloud_init).get("cloudConfig")
        if config is not None:
            if mapping(cloud_init).get("rawCloudConfig") is not None:
                errors.append(
                    invalid(at, "cloudInit", "cloudConfig and rawCloudConfig are mutually exclusive")
                )
            errors += _cloud_config(at.child("cloudConfig"), mapping(config))
    if linux_prep is not None:
        at = BOOTSTRAP.child("linuxPrep")
        if cloud_init is not None or sysprep is not None:
            errors.append(
                forbidden(
                    at, "LinuxPrep may not be used with either CloudInit or Sysprep bootstrap providers"
                )
            )
        if req.release == "9.1":
            errors += _linux_prep_vcd_parity(req, at, mapping(linux_prep))
    if sysprep is not None:
        at = BOOTSTRAP.child("sysprep")
        if cloud_init is not None or linux_prep is not None:
            errors.append(
                forbidden(
                    at, "Sysprep may not be used with either CloudInit or LinuxPrep bootstrap providers"
                )
            )
        inline, raw = mapping(sysprep).get("sysprep"), mapping(sysprep).get("rawSysprep")
        if inline is not None and raw is not None:
            errors.append(invalid(at, "sysPrep", "sysprep and rawSysprep are mutually exclusive"))
        elif inline is None and raw is None:
            errors.append(invalid(at, "sysPrep", "either sysprep or rawSysprep must be provided"))
        if inline is not None:
            errors += _inline_sysprep(req, at, mapping(inline))
    if vapp is not None:
        errors += _vapp_config(req, cloud_init is not None, mapping(vapp))
    return errors


def _cloud_config(at: FieldPath, config: Any) -> list[FieldError]:
    """Inline cloud-config: runcmd is a list of strings or string lists; write_files contents are strings
    or secret references (VM Operator's cloudinit/validate)."""
    errors: list[FieldError] = []
    commands = config.get("runcmd")
    if commands is not None:
        if not isinstance(commands, list):
            errors.append(invalid(at.child("runcmds"), _raw(commands), "value must be a list"))
        else:
            for i, command in enumerate(commands):
                if not _string_or_strings(command):
                    errors.append(
                        invalid(
                            at.child("runcmds").index(i),
                            _raw(command),
                            "value must be a string or list of strings",
                        )
                    )
    for file in items(config.get("write_files")):
        content = mapping(file).get("content")
        if not _string_or_secret_reference(content):
            errors.append(
                invalid(
                    at.child("write_files").key(text(mapping(file).get("path"))),
                    _raw(content),
                    "value must be a string, multi-line string, or SecretKeySelector",
                )
            )
    return errors


def _raw(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _string_or_strings(value: Any) -> bool:
    return (
        value is None
        or isinstance(value, str)
        or (isinstance(value, list) and all(v is None or isinstance(v, str) for v in value))
    )


def _string_or_secret_reference(value: Any) -> bool:
    if value is None or isinstance(value, str):
        return True
    return isinstance(value, dict) and all(
        value.get(k) is None or isinstance(value.get(k), str) for k in ("name", "key")
    )


def _linux_prep_vcd_parity(req: VMRequest, at: FieldPath, linux_prep: Any) -> list[FieldError]:
    expire = truthy(linux_prep.get("expirePasswordAfterNextLogin"))
    password, script = linux_prep.get("password"), linux_prep.get("scriptText")
    if not (expire or password is not None or script is not None):
        return []
    if req.feature(names.GUEST_CUSTOMIZATION_VCD_PARITY):
        return _script_text(at.child("scriptText"), script)
    errors = []
    if expire:
        errors.append(forbidden(at.child("expirePasswordAfterNextLogin"), VCD_PARITY_NOT_ENABLED))
    if password is not None:
        errors.append(forbidden(at.child("password"), VCD_PARITY_NOT_ENABLED))
    if script is not None:
        errors.append(forbidden(at.child("scriptText"), VCD_PARITY_NOT_ENABLED))
    return errors


def _script_text(at: FieldPath, script: Any) -> list[FieldError]:
    if script is None:
        return []
    if mapping(script).get("from") is not None and mapping(script).get("value") is not None:
        return [invalid(at.child("value"), "value", "from and value are mutually exclusive")]
    return []


def _inline_sysprep(req: VMRequest, at: FieldPath, sysprep: Any) -> list[FieldError]:
    inner = at.child("sysprep")
    errors: list[FieldError] = []
    gui = sysprep.get("guiUnattended")
    if gui is not None and truthy(mapping(gui).get("autoLogon")):
        if not mapping(gui).get("autoLogonCount"):
            errors.append(
                invalid(inner, "guiUnattended", "autoLogon requires autoLogonCount to be specified")
            )
        if not text(node(gui, "password", "name")):
            errors.append(invalid(inner, "guiUnattended", "autoLogon requires password selector to be set"))
    identification = sysprep.get("identification")
    if identification is not None:
        errors += (_identification if req.release == "9.1" else _identification_8_0)(
            req, inner, mapping(identification)
        )
    if req.release == "9.1":
        errors += _sysprep_vcd_parity(req, at, sysprep)
    return errors


def _identification(req: VMRequest, at: FieldPath, identification: Any) -> list[FieldError]:
    """9.1: the domain to join is spec.network.domainName."""
    errors = []
    domain = text(node(spec(req.object), "network", "domainName"))
    workgroup = text(identification.get("joinWorkgroup"))
    admin, password = text(identification.get("domainAdmin")), identification.get("domainAdminPassword")
    if domain and workgroup:
        errors.append(
            invalid(at, "identification", "spec.network.domainName and joinWorkgroup are mutually exclusive")
        )
    if domain and (not admin or not text(node(password, "name"))):
        errors.append(
            invalid(
                at,
                "identification",
                "spec.network.domainName requires domainAdmin and domainAdminPassword selector to be set",
            )
        )
    if workgroup and (admin or password is not None or text(identification.get("domainOU"))):
        errors.append(
            invalid(
                at,
                "identification",
                "joinWorkgroup and domainAdmin/domainAdminPassword/domainOU are mutually exclusive",
            )
        )
    return errors


def _identification_8_0(req: VMRequest, at: FieldPath, identification: Any) -> list[FieldError]:
    """v1.8.6: the domain to join is the sysprep identification's joinDomain."""
    errors = []
    domain, workgroup = text(identification.get("joinDomain")), text(identification.get("joinWorkgroup"))
    admin, password = text(identification.get("domainAdmin")), identification.get("domainAdminPassword")
    if domain and workgroup:
        errors.append(invalid(at, "identification", "joinDomain and joinWorkgroup are mutually exclusive"))
    if domain and (not admin or not text(node(password, "name"))):
        errors.append(
            invalid(
                at,
                "identification",
                "joinDomain requires domainAdmin and domainAdminPassword selector to be set",
            )
        )
    if workgroup and (admin or password is not None):
        errors.append(
            invalid(
                at,
                "identification",
                "joinWorkgroup and domainAdmin/domainAdminPassword are mutually exclusive",
            )
        )
    return errors


def _sysprep_vcd_parity(req: VMRequest, at: FieldPath, sysprep: Any) -> list[FieldError]:
    expire, script = truthy(sysprep.get("expirePasswordAfterNextLogin")), sysprep.get("scriptText")
    if not expire and script is None:
        return []
    if req.feature(names.GUEST_CUSTOMIZATION_VCD_PARITY):
        return _script_text(at.child("sysprep", "scriptText"), script)
    errors = []
    if expire:
        errors.append(forbidden(at.child("expirePasswordAfterNextLogin"), VCD_PARITY_NOT_ENABLED))
    if script is not None:
        errors.append(forbidden(at.child("scriptText"), VCD_PARITY_NOT_ENABLED))
    return errors


def _vapp_config(req: VMRequest, with_cloud_init: bool, vapp: Any) -> list[FieldError]:
    at = BOOTSTRAP.child("vAppConfig")
    errors = []
    if with_cloud_init:
        errors.append(
            forbidden(at, "vAppConfig may not be used in conjunction with CloudInit bootstrap provider")
        )
    properties = items(vapp.get("properties"))
    if properties and text(vapp.get("rawProperties")):
        errors.append(invalid(at, "vAppConfig", "properties and rawProperties are mutually exclusive"))
    exclusive = (
        "from and value are mutually exclusive"
        if req.release == "9.1"
        else "from and value is mutually exclusive"
    )
    for prop in properties:
        if not text(mapping(prop).get("key")):
            errors.append(
                invalid(
                    at.child("properties", "key"), "key", "key is a required field in vAppConfig Properties"
                )
            )
        value = mapping(mapping(prop).get("value"))
        if value.get("from") is not None and value.get("value") is not None:
            errors.append(invalid(at.child("properties", "value"), "value", exclusive))
    return errors


def provider_immutable(req: VMRequest) -> list[FieldError]:
    """9.1: once a VM has a bootstrap provider, only privileged accounts may drop or change it."""
    old = spec(req.old).get("bootstrap")
    if old is None:
        return []
    new = spec(req.object).get("bootstrap")
    errors = []
    if new is None:
        errors = [forbidden(BOOTSTRAP, PROVIDER_CANNOT_CHANGE, Effect.IMMUTABLE)]
    else:
        for key in ("cloudInit", "linuxPrep", "sysprep"):
            if mapping(old).get(key) is not None and mapping(new).get(key) is None:
                errors = [forbidden(BOOTSTRAP.child(key), PROVIDER_CANNOT_CHANGE, Effect.IMMUTABLE)]
                break
    return errors if errors and not is_privileged(req) else []
