"""One web VM in each zone of the Supervisor, pinned with the `topology.kubernetes.io/zone` label.

getZones answers from what VM Operator places VMs by: on vSphere 9.1 the namespace's Zone objects, on 8.0
Update 3 the AvailabilityZones that list the namespace; zones being removed are left out. The Supervisor
keeps a VM in the zone its label names (a VM cannot change zones), and reports it in status.zone.

Runs unchanged against the local simulator (`make example NAME=zones`) and a real Supervisor: only the stack
config (vmservice:namespace, kubeconfig) differs."""

import pulumi
import pulumi_vmservice as vmservice

ZONE_LABEL = "topology.kubernetes.io/zone"
# The labels the policy pack requires (required-labels) and groups VMs by (vm-zone-spread: `role`).
LABELS = {"app": "zones", "role": "web", "owner": "platform-team", "cost-center": "cc-1234"}

config = pulumi.Config()
zones = vmservice.get_zones()
if not zones.names:
    raise pulumi.RunError("the Supervisor has no zone for this namespace: nothing to spread the VMs over")

web = {
    zone: vmservice.VirtualMachine(
        f"web-{zone}",
        metadata={"name": f"web-{zone}", "labels": {**LABELS, ZONE_LABEL: zone}},
        spec={
            "class_name": config.get("vmClass") or "best-effort-small",
            "image_name": config.get("image") or "ubuntu-22.04",
            "storage_class": config.get("storageClass") or "vsan-default-storage-policy",
        },
        wait_for="ipAssigned",
    )
    for zone in zones.names
}

pulumi.export("zones", zones.names)
pulumi.export("zoneSource", zones.source)
pulumi.export(
    "placement", {zone: vm.status.apply(lambda s: s.zone if s else None) for zone, vm in web.items()}
)
pulumi.export(
    "ips",
    {
        zone: vm.status.apply(lambda s: s.network.primary_ip4 if s and s.network else None)
        for zone, vm in web.items()
    },
)
