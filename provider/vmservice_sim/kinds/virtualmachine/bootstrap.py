"""VirtualMachine validation: the bootstrap providers (CloudInit, LinuxPrep, Sysprep, vAppConfig) and what
VM Operator checks inside cloud-config and inline sysprep."""

from __future__ import annotations

from typing import Any

from vmservice_sim.admission import FieldError, Path, forbidden, invalid, path
from vmservice_sim.kube import Obj


def bootstrap_rules(spec: Obj) -> list[FieldError]:
    bootstrap = spec.get("bootstrap") or {}
    at = path("spec", "bootstrap")
    cloud_init, linux_prep = bootstrap.get("cloudInit"), bootstrap.get("linuxPrep")
    sysprep, vapp = bootstrap.get("sysprep"), bootstrap.get("vAppConfig")
    errors: list[FieldError] = []
    if cloud_init is not None:
        p = at.child("cloudInit")
        if linux_prep is not None or sysprep is not None or vapp is not None:
            errors.append(forbidden(p, "CloudInit may not be used with any other bootstrap provider"))
        cloud_config = (cloud_init or {}).get("cloudConfig")
        if cloud_config is not None:
            if (cloud_init or {}).get("rawCloudConfig") is not None:
                errors.append(
                    invalid(p, "cloudInit", "cloudConfig and rawCloudConfig are mutually exclusive")
                )
            errors += _cloud_config(p.child("cloudConfig"), cloud_config)
    if linux_prep is not None and (cloud_init is not None or sysprep is not None):
        errors.append(
            forbidden(
                at.child("linuxPrep"),
                "LinuxPrep may not be used with either CloudInit or Sysprep bootstrap providers",
            )
        )
    if sysprep is not None:
        p = at.child("sysprep")
        if cloud_init is not None or linux_prep is not None:
            errors.append(
                forbidden(p, "Sysprep may not be used with either CloudInit or LinuxPrep bootstrap providers")
            )
        inline, raw = (sysprep or {}).get("sysprep"), (sysprep or {}).get("rawSysprep")
        if inline is not None and raw is not None:
            errors.append(invalid(p, "sysPrep", "sysprep and rawSysprep are mutually exclusive"))
        elif inline is None and raw is None:
            errors.append(invalid(p, "sysPrep", "either sysprep or rawSysprep must be provided"))
        if isinstance(inline, dict):
            errors += _inline_sysprep(p.child("sysprep"), inline)
    if vapp is not None:
        p = at.child("vAppConfig")
        if cloud_init is not None:
            errors.append(
                forbidden(p, "vAppConfig may not be used in conjunction with CloudInit bootstrap provider")
            )
        properties = (vapp or {}).get("properties") or []
        if properties and (vapp or {}).get("rawProperties"):
            errors.append(invalid(p, "vAppConfig", "properties and rawProperties are mutually exclusive"))
        for prop in properties:
            if not (prop or {}).get("key"):
                errors.append(
                    invalid(
                        p.child("properties", "key"),
                        "key",
                        "key is a required field in vAppConfig Properties",
                    )
                )
            value = (prop or {}).get("value") or {}
            if value.get("from") is not None and value.get("value") is not None:
                errors.append(
                    invalid(p.child("properties", "value"), "value", "from and value is mutually exclusive")
                )
    return errors


def bootstrap_kind(spec: Obj) -> str | None:
    bootstrap = spec.get("bootstrap") or {}
    for kind in ("cloudInit", "linuxPrep", "sysprep"):
        if bootstrap.get(kind) is not None:
            return kind
    return "vAppConfig" if bootstrap.get("vAppConfig") is not None else None


def _cloud_config(at: Path, cloud_config: Any) -> list[FieldError]:
    """pkg/util/cloudinit/validate: runcmd entries and write_files contents."""
    if not isinstance(cloud_config, dict):
        return []
    errors: list[FieldError] = []
    runcmd = cloud_config.get("runcmd")
    if runcmd is not None:
        if not isinstance(runcmd, list):
            errors.append(invalid(at.child("runcmds"), runcmd, "value must be a list"))
        else:
            for index, command in enumerate(runcmd):
                ok = isinstance(command, str) or (
                    isinstance(command, list) and all(isinstance(part, str) for part in command)
                )
                if not ok:
                    errors.append(
                        invalid(
                            at.child("runcmds").index(index),
                            command,
                            "value must be a string or list of strings",
                        )
                    )
    for entry in cloud_config.get("write_files") or []:
        if not isinstance(entry, dict):
            continue
        content = entry.get("content")
        ok = (
            content is None
            or isinstance(content, str)
            or (isinstance(content, dict) and {"name", "key"} <= set(content))
        )
        if not ok:
            errors.append(
                invalid(
                    Path(f"{at.child('write_files')}[{entry.get('path', '')}]"),
                    content,
                    "value must be a string, multi-line string, or SecretKeySelector",
                )
            )
    return errors


def _inline_sysprep(at: Path, sysprep: Obj) -> list[FieldError]:
    errors = []
    gui = sysprep.get("guiUnattended")
    if isinstance(gui, dict) and gui.get("autoLogon"):
        if not gui.get("autoLogonCount"):
            errors.append(invalid(at, "guiUnattended", "autoLogon requires autoLogonCount to be specified"))
        if not (gui.get("password") or {}).get("name"):
            errors.append(invalid(at, "guiUnattended", "autoLogon requires password selector to be set"))
    ident = sysprep.get("identification")
    if isinstance(ident, dict):
        if ident.get("joinDomain") and ident.get("joinWorkgroup"):
            errors.append(
                invalid(at, "identification", "joinDomain and joinWorkgroup are mutually exclusive")
            )
        if ident.get("joinDomain") and (
            not ident.get("domainAdmin") or not (ident.get("domainAdminPassword") or {}).get("name")
        ):
            errors.append(
                invalid(
                    at,
                    "identification",
                    "joinDomain requires domainAdmin and domainAdminPassword selector to be set",
                )
            )
        if ident.get("joinWorkgroup") and (
            ident.get("domainAdmin") or ident.get("domainAdminPassword") is not None
        ):
            errors.append(
                invalid(
                    at,
                    "identification",
                    "joinWorkgroup and domainAdmin/domainAdminPassword are mutually exclusive",
                )
            )
    return errors
