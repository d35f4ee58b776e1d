"""vmservice:index:VirtualMachine — a VM Operator VirtualMachine (v1alpha2, vSphere 8.0 Update 3, and newer)."""

from __future__ import annotations

import re

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.kinds.virtualmachine import generated, sysprep
from pulumi_vmservice_provider.kinds.virtualmachine.power import PowerCycle, stays_on
from pulumi_vmservice_provider.model import semantics
from pulumi_vmservice_provider.model.common import (
    API_VERSION_OUTPUT,
    NAMESPACE_ARGUMENT,
    Condition,
    ObjectMeta,
    OutputMeta,
)
from pulumi_vmservice_provider.model.layering import overlay, refine, refine_path
from pulumi_vmservice_provider.model.modifiers import (
    ChangeContext,
    OneShot,
    RefuseIf,
    ReplaceIf,
    ServerDefault,
    ServerRewrite,
)
from pulumi_vmservice_provider.model.types import (
    FunctionDef,
    ObjectType,
    ResourceDef,
    any_value,
    array,
    boolean,
    integer,
    lookup,
    obj,
    string,
    vm_operator,
)

POWER_STATES = ("PoweredOn", "PoweredOff", "Suspended")
POWER_OP_MODES = ("Hard", "Soft", "TrySoft")
WAIT_FOR = ("none", "created", "poweredOn", "ipAssigned", "ready")

SecretKeySelector = ObjectType(
    "SecretKeySelector",
    "A key in a Secret in the VM's namespace.",
    {
        "name": string("Name of the Secret.", required=True),
        "key": string("Key in the Secret.", required=True),
    },
)

CloudInit = ObjectType(
    "VirtualMachineBootstrapCloudInitSpec",
    "Cloud-init bootstrap. Use either `cloudConfig` or `rawCloudConfig` (or the resource's `userData`).",
    {
        "rawCloudConfig": obj(SecretKeySelector, "Secret key holding the raw cloud-init user data."),
        "sshAuthorizedKeys": array(string(), "SSH public keys for the default user."),
        "instanceID": string("Cloud-init instance ID (v1alpha3+).", since="v1alpha3"),
    },
)

LinuxPrep = ObjectType(
    "VirtualMachineBootstrapLinuxPrepSpec",
    "Guest OS customization (GOSC) for Linux.",
    {
        "hardwareClockIsUTC": boolean("Whether the guest's hardware clock is in UTC."),
        "timeZone": string("Time zone of the guest (a tz database name, e.g. `Europe/Berlin`)."),
    },
)

Sysprep = ObjectType(
    "VirtualMachineBootstrapSysprepSpec",
    "Windows Sysprep: either an inline `sysprep` answer object or `rawSysprep` (a Secret key).",
    {"rawSysprep": obj(SecretKeySelector)},
)

SysprepSecrets = ObjectType(
    "VirtualMachineSysprepSecrets",
    "Secret values of an inline Sysprep answer, kept by the provider in the Secret `<vm name>-sysprep`.",
    {
        "password": string(
            "The new local Administrator password (`guiUnattended.password`; the Secret's key `password`).",
            secret=True,
            min_length=1,
        ),
        "domainAdminPassword": string(
            "The password of `identification.domainAdmin`, the account that joins the VM to "
            "`identification.joinDomain` (`identification.domainAdminPassword`; key `domain_admin_password`).",
            secret=True,
            min_length=1,
        ),
        "productID": string(
            "The Windows product key (`userData.productID`; key `product_id`). Leave it out for images with a "
            "volume license key.",
            secret=True,
            min_length=1,
        ),
    },
)

VAppConfig = ObjectType(
    "VirtualMachineBootstrapVAppConfigSpec",
    "vApp properties: a list of key/value properties or a Secret with raw properties.",
    {
        "rawProperties": string("Name of a Secret with the properties."),
    },
)

Bootstrap = ObjectType(
    "VirtualMachineBootstrapSpec",
    "How the guest is bootstrapped (one provider: cloudInit, linuxPrep or sysprep; vAppConfig may join the "
    "latter two).",
    {
        "cloudInit": obj(CloudInit),
        "linuxPrep": obj(LinuxPrep),
        "sysprep": obj(Sysprep),
        "vAppConfig": obj(VAppConfig),
    },
)

NetworkRef = ObjectType(
    "PartialObjectRef",
    "Reference to a network object in the namespace.",
    {
        # The Supervisor's network provider fills it in when omitted (AddDefaultNetworkInterface,
        # SetDefaultNetworkOnUpdate): "VM Network" with the Named provider; VDS and NSX leave it empty.
        "name": string(
            "Name of the network object (e.g. a Network, SubnetSet or VPC subnet).",
            required=True,
            server_default=ServerDefault(matches=lambda value: True),
        ),
        "kind": string(
            "Kind of the network object (filled in by the Supervisor from the namespace network provider when omitted)."
        ),
        "apiVersion": string("API version (group/version) of the network object."),
    },
)

Route = ObjectType(
    "VirtualMachineNetworkRouteSpec",
    "A static route.",
    {
        "to": string("Destination network in CIDR notation, or `default`."),
        "via": string("Gateway IP address of the route."),
        "metric": integer("Route metric (lower is preferred)."),
    },
)

NetworkInterface = ObjectType(
    "VirtualMachineNetworkInterfaceSpec",
    "A network interface of the VM.",
    {
        "name": string(
            "Interface name (e.g. eth0).",
            required=True,
            pattern=r"[a-z0-9]{2,}",
            pattern_hint="must be at least two lowercase letters or digits",
        ),
        "network": obj(NetworkRef, "Network the interface attaches to (defaults to the namespace network)."),
        "guestDeviceName": string("Device name inside the guest (defaults to the interface name)."),
        "addresses": array(string(), "Static IP addresses in CIDR notation."),
        "dhcp4": boolean("Use DHCP for IPv4 (no static IPv4 addresses or gateway4 then)."),
        "dhcp6": boolean("Use DHCP for IPv6 (no static IPv6 addresses or gateway6 then)."),
        "gateway4": string(
            "IPv4 default gateway (needs an IPv4 address in `addresses`); `None` for no gateway."
        ),
        "gateway6": string(
            "IPv6 default gateway (needs an IPv6 address in `addresses`); `None` for no gateway."
        ),
        "mtu": integer("Maximum transmission unit of the interface in the guest."),
        "nameservers": array(string(), "DNS servers for this interface (IP addresses)."),
        "routes": array(obj(Route), "Static routes of this interface."),
        "searchDomains": array(string(), "DNS search domains for this interface."),
    },
)

INTERFACES_PATH = "spec.network.interfaces"
_INTERFACE_PATH = re.compile(re.escape(INTERFACES_PATH) + r"\[(\d+)\](?:\.(\w+))?")


def _interface_change(change: ChangeContext) -> str | None:
    """Adding or removing interfaces, or changing an interface's name or network, replaces the VM unless the
    Supervisor has mutable networks; every other interface field updates in place."""
    match = _INTERFACE_PATH.match(change.path)
    if change.path == INTERFACES_PATH:
        what = "the number of a VM's network interfaces"
    elif match is None:
        return None
    elif match.group(2) is None:
        what = "the number of a VM's network interfaces" if change.kind != "update" else "a network interface"
    elif match.group(2) in ("name", "network"):
        what = f"a network interface's {match.group(2)}"
    else:
        return None
    return _unless_networks_mutable(change, f"{what} cannot change")


def _unless_networks_mutable(change: ChangeContext, refused: str) -> str | None:
    """Why `refused` (a network change VM Operator allows only with MutableNetworks) replaces the VM on this
    Supervisor, or None where it has mutable networks."""
    mutable = change.server.capability("MutableNetworks")
    if mutable is None:
        return (
            f"the Supervisor could not be asked whether it has mutable networks, and without them {refused} "
            "after creation"
        )
    if mutable:
        return None
    return f"{refused} after creation (the Supervisor has no MutableNetworks capability)"


INTERFACE_CHANGE = ReplaceIf(
    _interface_change,
    "adding or removing interfaces, or changing an interface's `name` or `network`, replaces the VM unless "
    "the Supervisor has the MutableNetworks capability; addresses, gateways, DHCP, MTU, nameservers, routes "
    "and search domains update in place",
)


def _network_switch(change: ChangeContext) -> str | None:
    """Turning the network off or on adds or removes every interface."""
    return _unless_networks_mutable(change, "network interfaces cannot be added or removed")


NETWORK_SWITCH = ReplaceIf(
    _network_switch,
    "turning the network off or on replaces the VM unless the Supervisor has the MutableNetworks capability",
)


def _only_the_default_nic(value: object) -> bool:
    """The one interface the Supervisor adds to a VM declared without any (`eth0` on the namespace network)."""
    return (
        isinstance(value, list)
        and len(value) == 1
        and isinstance(value[0], dict)
        and value[0].get("name") == "eth0"
    )


DEFAULT_NIC = ServerDefault(matches=_only_the_default_nic)


Network = ObjectType(
    "VirtualMachineNetworkSpec",
    "Network configuration of the VM.",
    {
        "hostName": string("Guest host name (defaults to the VM name)."),
        "domainName": string("Guest domain name (v1alpha3+).", since="v1alpha3"),
        "disabled": boolean("No network interfaces at all.", replace_if=NETWORK_SWITCH),
        "nameservers": array(string(), "DNS servers for the whole guest (IP addresses)."),
        "searchDomains": array(string(), "DNS search domains for the whole guest."),
        "interfaces": array(
            obj(NetworkInterface),
            "Network interfaces (at most 10). When empty, the Supervisor adds eth0 on the namespace network.",
            replace_if=INTERFACE_CHANGE,
            modifiers=(DEFAULT_NIC,),
        ),
    },
)

InstanceVolumeClaim = ObjectType(
    "InstanceVolumeClaimVolumeSource",
    "Instance storage.",
    {
        "storageClass": string("Storage class of the instance storage volume."),
        "size": string("Size of the instance storage volume (a Kubernetes quantity, e.g. `256Gi`)."),
    },
)

PersistentVolumeClaim = ObjectType(
    "PersistentVolumeClaimVolumeSource",
    "A PersistentVolumeClaim attached to the VM.",
    {
        "claimName": string("Name of a PersistentVolumeClaim in the VM's namespace.", required=True),
        "readOnly": boolean("Must be false."),
        "instanceVolumeClaim": obj(InstanceVolumeClaim),
    },
)

Volume = ObjectType(
    "VirtualMachineVolume",
    "A volume attached to the VM (hot attach/detach).",
    {
        "name": string("Name of the volume, unique within the VM (a DNS-1123 label).", required=True),
        "persistentVolumeClaim": obj(PersistentVolumeClaim),
    },
)

GuestInfoAction = ObjectType(
    "GuestInfoAction",
    "A guestinfo key (and optional value regex).",
    {
        "key": string("The guestinfo key to watch (without the `guestinfo.` prefix).", required=True),
        "value": string("A regular expression the key's value must match (any value when omitted)."),
    },
)

ReadinessProbe = ObjectType(
    "VirtualMachineReadinessProbeSpec",
    "How VM Operator decides the guest is ready (exactly one action).",
    {
        "guestInfo": array(
            obj(GuestInfoAction),
            "Guestinfo keys (and value patterns) that must all be present for the VM to be ready.",
        ),
        "timeoutSeconds": integer("Seconds before a probe attempt times out (1-60).", minimum=1, maximum=60),
        "periodSeconds": integer("Seconds between probe attempts.", minimum=1),
    },
)

Advanced = ObjectType(
    "VirtualMachineAdvancedSpec",
    "Advanced settings.",
    {
        "bootDiskCapacity": string("Boot disk size (a Kubernetes quantity, a multiple of 1Mi; grow only)."),
        "defaultVolumeProvisioningMode": string(
            "Provisioning mode of the VM's disks.", enum=("Thin", "Thick", "ThickEagerZero")
        ),
        "changeBlockTracking": boolean("Enable changed block tracking (for backup tools)."),
    },
)

Reserved = ObjectType(
    "VirtualMachineReservedSpec",
    "Reserved for infrastructure integrations.",
    {
        "resourcePolicyName": string(
            "Name of a VirtualMachineSetResourcePolicy.",
            replace="the resource policy of a VM cannot change after creation",
        )
    },
)

ZONE_LABEL = "topology.kubernetes.io/zone"
ZONE_LABEL_PATH = f'metadata.labels["{ZONE_LABEL}"]'


def _stays_on_without_cycle(change: ChangeContext) -> bool:
    """The VM is on before and after the update and the provider may not power-cycle it: a change applied
    while powered off cannot take effect (a VM that is off, or powers off, takes it at its next power-on)."""
    return stays_on(change.old, change.new) and change.new.get("allowPowerCycle") is not True


def bootstrap_provider(inputs: JSONObject) -> str | None:
    """cloudInit, linuxPrep, sysprep, vAppConfig or None: what bootstraps the guest."""
    if inputs.get("userData") is not None:
        return "cloudInit"
    bootstrap = lookup(inputs, "spec", "bootstrap")
    for provider in ("cloudInit", "linuxPrep", "sysprep", "vAppConfig"):
        if lookup(bootstrap, provider) is not None:
            return provider
    return None


def _class_change(change: ChangeContext) -> str | None:
    if change.kind != "update":
        return None
    resizable = change.server.capability("VMResize")
    if resizable is None:
        return (
            "the Supervisor could not be asked whether it can resize VMs (its VMResize capability), so the "
            "class change is planned as a replacement; preview with access to the Supervisor to see whether "
            "it resizes in place"
        )
    if not resizable:
        return "this Supervisor cannot resize VMs (no VMResize capability), so a class change replaces the VM"
    if _stays_on_without_cycle(change):
        return (
            "a class change is applied while powered off; set allowPowerCycle: true to let the provider "
            "power-cycle the VM instead of replacing it"
        )
    return None


CLASS_CHANGE = ReplaceIf(
    _class_change,
    "replaces the VM where the Supervisor cannot resize VMs (no VMResize capability: vSphere 8.0 U3), where "
    "that cannot be asked (offline preview), or where the VM stays powered on without `allowPowerCycle`; "
    "otherwise the VM is resized in place while powered off",
)


def _bootstrap_change(change: ChangeContext) -> str | None:
    old_provider, new_provider = bootstrap_provider(change.old), bootstrap_provider(change.new)
    if old_provider != new_provider:
        return f"the bootstrap provider cannot change ({old_provider or 'none'} -> {new_provider or 'none'})"
    if _stays_on_without_cycle(change):
        return (
            "bootstrap data is applied at power-on (a vSphere 9.1 Supervisor stores the change in place, but "
            "the running guest does not see it until then); set allowPowerCycle: true to power-cycle the VM "
            "instead of replacing it"
        )
    return None


BOOTSTRAP_CHANGE = ReplaceIf(
    _bootstrap_change,
    "replaces the VM when the bootstrap provider (cloudInit, linuxPrep, sysprep, vAppConfig) changes, or when "
    "the VM stays powered on without `allowPowerCycle`; otherwise it is applied with a power cycle",
)


def _restart_of_a_stopped_vm(change: ChangeContext) -> str | None:
    # VM Operator's mutating webhook judges a restart by the VM's power state before the change.
    requested = lookup(change.new, "spec", "nextRestartTime")
    was = lookup(change.old, "spec", "powerState")
    if isinstance(requested, str) and requested.lower() == "now" and was in ("PoweredOff", "Suspended"):
        return (
            f'Invalid value: "now": can only restart powered on vm (it is {was}); power it on first, or leave '
            "nextRestartTime unchanged"
        )
    return None


RESTART_OF_A_STOPPED_VM = RefuseIf(
    _restart_of_a_stopped_vm, "a restart (`now`) of a VM that is powered off or suspended is refused"
)


def _zone_change(change: ChangeContext) -> str | None:
    if change.path != ZONE_LABEL_PATH:
        return None
    placed = lookup(change.old, "metadata", "labels", ZONE_LABEL)
    return "a VM cannot move to another zone once placed" if placed is not None else None


ZONE_CHANGE = ReplaceIf(
    _zone_change,
    f"changing or removing the `{ZONE_LABEL}` label of a placed VM replaces it (a VM cannot change zones)",
)


def _display_name_resolved(written: object, live: object) -> bool:
    """The webhook turned an image display name into the image's `vmi-` name."""
    return (
        isinstance(written, str)
        and isinstance(live, str)
        and not written.startswith("vmi-")
        and live.startswith("vmi-")
    )


IMAGE_DISPLAY_NAME = ServerRewrite(
    _display_name_resolved, "an image display name is stored as the image's `vmi-` name"
)


VirtualMachineSpec = overlay(
    generated.VirtualMachineSpec,
    ObjectType(
        "VirtualMachineSpec",
        "Desired state of the VM, with the VM Operator API's field names.",
        {
            "className": string(
                "Name of a VirtualMachineClass assigned to the namespace (the Supervisor requires it, or on "
                "vSphere 9.1 `spec.class`).",
                replace_if=CLASS_CHANGE,
                applied_while_off=True,
            ),
            "imageName": string(
                "A VirtualMachineImage name (`vmi-...`) or an image display name (e.g. `ubuntu-22.04`); the "
                "Supervisor requires it, or on vSphere 9.1 `spec.image`.",
                replace="the image of a VM cannot change after creation",
                modifiers=(IMAGE_DISPLAY_NAME,),
            ),
            "storageClass": string(
                "Storage class assigned to the namespace.",
                replace="the storage class of a VM cannot change after creation",
            ),
            "powerState": string("Desired power state (PoweredOn by default).", enum=POWER_STATES),
            "powerOffMode": string(
                "How the VM is powered off: `Hard` (power off), `Soft` (guest shutdown) or `TrySoft` (guest "
                "shutdown, then power off after a timeout).",
                enum=POWER_OP_MODES,
                server_default="TrySoft",
            ),
            "suspendMode": string(
                "How the VM is suspended: `Hard`, `Soft` (guest standby) or `TrySoft`.",
                enum=POWER_OP_MODES,
                server_default="TrySoft",
            ),
            "restartMode": string(
                "How the VM is restarted: `Hard` (reset), `Soft` (guest reboot) or `TrySoft`.",
                enum=POWER_OP_MODES,
                server_default="TrySoft",
            ),
            "nextRestartTime": string(
                "Set to `now` to restart a powered-on VM. The request is applied once (the Supervisor records "
                "it as a timestamp): later updates do not restart the VM again, and a new VM ignores it.",
                refuse_if=RESTART_OF_A_STOPPED_VM,
                modifiers=(OneShot("a restart request the Supervisor records as a timestamp"),),
            ),
            "minHardwareVersion": integer(
                "Minimum virtual hardware version (upgrade only). Applied while the VM is powered off: on a "
                "powered-on VM it needs `allowPowerCycle: true`.",
                minimum=13,
                applied_while_off=True,
            ),
            "bootstrap": obj(Bootstrap, replace_if=BOOTSTRAP_CHANGE, applied_while_off=True),
            "network": obj(Network),
            "volumes": array(
                obj(Volume),
                "Volumes (PersistentVolumeClaims) attached to the VM; they can be added and removed while it runs.",
            ),
            "readinessProbe": obj(ReadinessProbe),
            "advanced": obj(Advanced),
            "reserved": obj(Reserved),
            "biosUUID": string(
                "BIOS UUID (v1alpha3+).", since="v1alpha3", replace="the BIOS UUID cannot change"
            ),
            "instanceUUID": string(
                "Instance UUID (v1alpha3+).", since="v1alpha3", replace="the instance UUID cannot change"
            ),
            "guestID": string("Guest OS identifier (v1alpha3+).", since="v1alpha3"),
            "currentSnapshotName": string(
                "Name of a ready VirtualMachineSnapshot of this VM to revert it to (v1alpha5+, vSphere 9.1). "
                "A change reverts the VM: the guest's disks (and memory, for a memory snapshot) go back to "
                "the snapshot and everything the guest wrote since is lost, so previews flag it as data "
                "loss. The Supervisor clears the field once the revert is done; that is not drift.",
                data_loss=True,
                modifiers=(OneShot("a revert the Supervisor clears once it is done"),),
            ),
        },
    ),
)

# The CRD requires a CD-ROM image's kind, which VM Operator's mutating webhook fills in (9.1:
# SetDefaultCdromImgKindOnCreate) before the apiserver checks the schema: a program may leave it out.
VirtualMachineSpec = refine_path(
    VirtualMachineSpec, ("hardware", "cdrom", "image", "kind"), server_default="VirtualMachineImage"
)
# v1alpha5 (9.1) moved the CD-ROMs into the hardware section (api/v1alpha5 VirtualMachineHardwareSpec.Cdrom).
VirtualMachineSpec = refine_path(VirtualMachineSpec, ("cdrom",), moved_to="spec.hardware.cdrom")

VirtualMachineNetworkStatus = ObjectType(
    "VirtualMachineNetworkStatus",
    "Network status of the VM.",
    {
        "primaryIP4": string("The primary IPv4 address of the guest."),
        "primaryIP6": string("The primary IPv6 address of the guest."),
    },
)

VirtualMachineStatus = overlay(
    generated.VirtualMachineStatus,
    ObjectType(
        "VirtualMachineStatus",
        "Observed state of the VM as VM Operator reports it.",
        {
            "uniqueID": string("Managed object id of the vSphere VM."),
            "biosUUID": string("BIOS UUID of the vSphere VM."),
            "instanceUUID": string("Instance UUID of the vSphere VM."),
            "powerState": string("Observed power state: PoweredOn, PoweredOff or Suspended."),
            "zone": string("Zone (`topology.kubernetes.io/zone`) the VM was placed in."),
            "hardwareVersion": integer("Virtual hardware version of the VM (e.g. 19 for vmx-19)."),
            "host": string("ESXi host the VM runs on."),
            "network": obj(VirtualMachineNetworkStatus),
            "conditions": array(
                obj(Condition),
                "Conditions VM Operator reports (class, image, storage, bootstrap, created, ready, ...).",
            ),
        },
    ),
)


def _validate(inputs: JSONObject) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    spec = inputs.get("spec") if isinstance(inputs.get("spec"), dict) else {}
    assert isinstance(spec, dict)
    bootstrap = spec.get("bootstrap") if isinstance(spec.get("bootstrap"), dict) else {}
    assert isinstance(bootstrap, dict)
    cloud_init = bootstrap.get("cloudInit") if isinstance(bootstrap.get("cloudInit"), dict) else None
    problems += sysprep.problems(inputs)
    if inputs.get("userData") is not None:
        if cloud_init and cloud_init.get("rawCloudConfig") is not None:
            problems.append(
                (
                    "userData",
                    "userData and spec.bootstrap.cloudInit.rawCloudConfig are mutually exclusive: the provider "
                    "stores userData in a Secret it owns and points rawCloudConfig at it",
                )
            )
        if cloud_init and cloud_init.get("cloudConfig") is not None:
            problems.append(
                ("userData", "userData and spec.bootstrap.cloudInit.cloudConfig are mutually exclusive")
            )
        for other in ("linuxPrep", "sysprep", "vAppConfig"):
            if bootstrap.get(other) is not None:
                problems.append(
                    ("userData", f"userData (cloud-init) cannot be combined with spec.bootstrap.{other}")
                )
    # The rest of the bootstrap and volume rules (one provider, cloudConfig or rawCloudConfig, read-only claims)
    # are VM Operator's, judged by `vmservice_api.rules` at Check and Diff with the release's exceptions.
    return problems


def _wait_target(inputs: JSONObject) -> list[tuple[str, str]]:
    """What the provider can wait for: a VM that is not powered on gets no IP address."""
    spec = inputs.get("spec")
    wait_for, power = inputs.get("waitFor"), lookup(spec, "powerState")
    if wait_for in ("ipAssigned", "ready") and isinstance(power, str) and power != "PoweredOn":
        return [
            (
                "waitFor",
                f"{wait_for!r} needs spec.powerState PoweredOn (a VM that is {power} gets no IP address); "
                "use 'poweredOn' to wait for the power state, or 'created'",
            )
        ]
    return []


VIRTUAL_MACHINE = ResourceDef(
    token="vmservice:index:VirtualMachine",
    description=(
        "A virtual machine in a vSphere Namespace, declared through the VM Service (VM Operator). "
        "Create waits for what `waitFor` says (by default until the VM has an IP address when powered on)."
    ),
    inputs={
        "metadata": obj(ObjectMeta, replace_if=ZONE_CHANGE),
        "spec": obj(VirtualMachineSpec, required=True),
        "userData": string(
            "Cloud-init user data given inline. Always secret: the provider keeps it in a Secret it owns in the "
            "namespace and points spec.bootstrap.cloudInit.rawCloudConfig at it.",
            secret=True,
            replace_if=BOOTSTRAP_CHANGE,
            applied_while_off=True,
        ),
        "sysprepSecrets": obj(
            SysprepSecrets,
            "The inline Sysprep answer's secret values (`spec.bootstrap.sysprep.sysprep`), given inline. Always "
            "secret: the provider keeps them in a Secret it owns in the namespace (`<vm name>-sysprep`) and fills "
            "in the answer's Secret selectors (`guiUnattended.password`, `identification.domainAdminPassword`, "
            "`userData.productID`), so they never appear in plain text in the spec, the state or messages. A "
            "change is a bootstrap change, as VM Operator applies one: Sysprep runs again with the new values only "
            "when the VM next powers on (VM Operator customizes again when the customization differs from the one "
            "it last applied), so a powered-off VM takes it at its next power-on, a powered-on VM is power-cycled "
            "with `allowPowerCycle: true` and replaced without it; the running guest keeps its old password until "
            "then.",
            secret=True,
            replace_if=BOOTSTRAP_CHANGE,
            applied_while_off=True,
        ),
        "waitFor": string(
            "What 'done' means for create and update: `none`, `created` (the vSphere VM exists), `poweredOn` "
            "(spec.powerState is reached; the default for PoweredOff/Suspended), `ipAssigned` (default when "
            "powered on) or `ready` (readiness probe).",
            enum=WAIT_FOR,
        ),
        "allowPowerCycle": boolean(
            "Allow the provider to power the VM off, apply changes that need it (class, bootstrap, hardware "
            "version) and power it back on. Without it such changes are refused with the reason."
        ),
    },
    outputs={
        "apiVersion": API_VERSION_OUTPUT,
        "status": obj(VirtualMachineStatus),
        "liveMetadata": obj(OutputMeta),
    },
    kube=vm_operator("VirtualMachine", "virtualmachines"),
    modifiers=(PowerCycle(),),
    server_labels=(ZONE_LABEL,),
    # The Supervisor's own rules come from vmservice_api.rules (Check runs them); these are the provider's.
    validators=(_validate, _wait_target, semantics.metadata_labels),
)


GET_VIRTUAL_MACHINE = FunctionDef(
    token="vmservice:index:getVirtualMachine",
    description="Read any VM in a namespace, including VMs that are not managed by this stack.",
    inputs={"namespace": NAMESPACE_ARGUMENT, "name": string("VM name.", required=True)},
    outputs={
        "metadata": obj(OutputMeta),
        "spec": obj(VirtualMachineSpec, "Desired state of the VM as the Supervisor has it."),
        "status": obj(
            refine(
                VirtualMachineStatus,
                name="GetVirtualMachineStatus",
                description="Observed state of the VM: the whole status as VM Operator reports it, plus its "
                "primary IP addresses at the top level.",
                extra={
                    "primaryIP4": string("The primary IPv4 address of the guest (`network.primaryIP4`)."),
                    "primaryIP6": string("The primary IPv6 address of the guest (`network.primaryIP6`)."),
                    "raw": any_value(
                        "The whole status as the Supervisor reports it, untyped (the typed fields beside it have "
                        "the same data)."
                    ),
                },
            )
        ),
    },
)
