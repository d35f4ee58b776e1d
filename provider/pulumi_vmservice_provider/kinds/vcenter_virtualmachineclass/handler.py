"""vmservice:vcenter:VirtualMachineClass — CRUD of a VM class through vCenter's namespace management API."""

from __future__ import annotations

from vmservice_api.objects import JSONObject

from pulumi_vmservice_provider.clients.namespaces import (
    DirectPathDevice,
    VmClass,
    create_vm_class,
    delete_vm_class,
    get_vm_class,
    update_vm_class,
)
from pulumi_vmservice_provider.kinds.vcenter_virtualmachineclass.declaration import VIRTUAL_MACHINE_CLASS
from pulumi_vmservice_provider.operations import (
    CreateRequest,
    CreateResult,
    DeleteRequest,
    ReadRequest,
    ReadResult,
    UpdateRequest,
    UpdateResult,
)
from pulumi_vmservice_provider.resources.registry import handles
from pulumi_vmservice_provider.resources.vcenter_common import (
    VCenterHandler,
    project,
    refresh_inputs,
    secret_keys,
    wait_for,
)

CONFIG_SPEC_TYPE = "VirtualMachineConfigSpec"


def to_vm_class(inputs: JSONObject) -> VmClass:
    plain = inputs
    spec = plain.get("configSpec")
    if isinstance(spec, dict) and "_typeName" not in spec:
        spec = {"_typeName": CONFIG_SPEC_TYPE, **spec}
    return VmClass(
        id=plain["name"],
        cpu_count=plain["cpuCount"],
        memory_mb=plain["memoryMb"],
        cpu_reservation=plain.get("cpuReservation"),
        memory_reservation=plain.get("memoryReservation"),
        description=plain.get("description"),
        vgpu_profiles=list(plain.get("vgpuDevices") or []),
        direct_path_devices=[
            DirectPathDevice(d["vendorId"], d["deviceId"], d.get("customLabel"))
            for d in plain.get("dynamicDirectPathIoDevices") or []
        ],
        config_spec=spec,
    )


def live_inputs(live: VmClass) -> JSONObject:
    """Inputs that describe the class."""
    devices = [
        {
            "vendorId": d.vendor_id,
            "deviceId": d.device_id,
            **({"customLabel": d.custom_label} if d.custom_label else {}),
        }
        for d in live.direct_path_devices
    ]
    values: JSONObject = {
        "name": live.id,
        "cpuCount": live.cpu_count,
        "memoryMb": live.memory_mb,
        "cpuReservation": live.cpu_reservation,
        "memoryReservation": live.memory_reservation,
        "description": live.description,
        "vgpuDevices": live.vgpu_profiles,
        "dynamicDirectPathIoDevices": devices,
        "configSpec": live.config_spec,
    }
    return values


@handles(VIRTUAL_MACHINE_CLASS)
class VirtualMachineClassHandler(VCenterHandler):
    def outputs(self, inputs: JSONObject, live: VmClass | None) -> JSONObject:
        outputs = dict(inputs)
        outputs["configStatus"] = (live.config_status if live else None) or "READY"
        outputs["namespaces"] = live.namespaces if live else []
        outputs["vms"] = live.vms if live else []
        return outputs

    def create(self, request: CreateRequest) -> CreateResult:
        ctx, inputs = request.ctx, request.inputs.value
        vm_class = to_vm_class(inputs)
        if get_vm_class(self.rest, vm_class.id, ctx) is not None:
            raise self.already_exists(f"VM class {vm_class.id!r}", vm_class.id)
        ctx.status(f"creating VM class {vm_class.id}")
        create_vm_class(self.rest, vm_class, ctx)
        return CreateResult(vm_class.id, self.outputs(inputs, get_vm_class(self.rest, vm_class.id, ctx)))

    def read(self, request: ReadRequest) -> ReadResult | None:
        ctx, resource_id, inputs = request.ctx, request.id, request.inputs.value
        live = get_vm_class(self.rest, resource_id, ctx)
        if live is None:
            return None
        current = live_inputs(live)
        mine = (inputs or {}).get("configSpec")
        # A config spec the user does not manage is what vCenter derived from the sizes: not drift.
        if inputs and mine is None:
            current.pop("configSpec", None)
        elif mine is not None and "configSpec" in current:
            current["configSpec"] = project(mine, current["configSpec"])
        new_inputs = refresh_inputs(inputs, current, secret=secret_keys(request.inputs))
        return ReadResult(resource_id, self.outputs(new_inputs, live), new_inputs)

    def update(self, request: UpdateRequest) -> UpdateResult:
        ctx, resource_id, news = request.ctx, request.id, request.inputs.value
        vm_class = to_vm_class(news)
        ctx.status(f"updating VM class {vm_class.id}")
        update_vm_class(self.rest, vm_class, ctx)
        return UpdateResult(self.outputs(news, get_vm_class(self.rest, resource_id, ctx)))

    def delete(self, request: DeleteRequest) -> None:
        ctx, resource_id = request.ctx, request.id
        if not delete_vm_class(self.rest, resource_id, ctx):
            return
        # vCenter may keep the class in REMOVING for a moment.
        wait_for(
            ctx,
            f"waiting for VM class {resource_id} to be deleted",
            lambda: get_vm_class(self.rest, resource_id, ctx),
            lambda live: live is None,
            lambda live: f"waiting for deletion ({live.config_status if live else 'gone'})",
            ctx.status,
        )
