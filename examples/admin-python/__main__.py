"""The vCenter side of VM Service for one team: two VM classes, a content library for its images (with an
OVA uploaded when `ovaPath` is set) and a vSphere Namespace that gets the classes, the library, a storage
policy with a quota, group permissions and resource limits.

Runs unchanged against the local simulator (`vmservice-sim up`, whose vcsim reports the cluster
`WCP-supervisor` as a Supervisor) and, with other config values, against a real vCenter with Workload
Management enabled."""

import pulumi
from pulumi_vmservice import vcenter

config = pulumi.Config()
team = config.get("team") or "web-team"

supervisor = vcenter.get_supervisor_output(name=config.get("supervisor") or "WCP-supervisor")
policy = vcenter.get_storage_policy_output(name=config.get("storagePolicy") or "vSAN Default Storage Policy")

# name -> (vCPUs, memory MiB, reservation %): best-effort classes reserve nothing, guaranteed ones all.
CLASSES = {
    "best-effort-small": (2, 4096, 0),
    "guaranteed-medium": (4, 8192, 100),
}
classes = [
    vcenter.VirtualMachineClass(
        name,
        name=f"{team}-{name}",
        cpu_count=cpus,
        memory_mb=memory,
        cpu_reservation=reserved,
        memory_reservation=reserved,
    )
    for name, (cpus, memory, reserved) in CLASSES.items()
]

images = vcenter.ContentLibrary(
    "images",
    name=f"{team}-images",
    description=f"VM images for {team}",
    datastore=config.get("datastore") or "LocalDS_0",
)

ova_path = config.get("ovaPath")
if ova_path:
    vcenter.ContentLibraryItem(
        "base-image",
        library=images.id,
        name="base-image",
        file_path=ova_path,
    )

namespace = vcenter.Namespace(
    "team",
    name=team,
    supervisor=supervisor.id,
    vm_classes=[c.name for c in classes],
    content_libraries=[images.id],
    storage_policies=[{"policy": policy.id, "limit_mib": 200 * 1024}],
    access_list=[
        {"subject": f"{team}-admins", "domain": "vsphere.local", "role": "OWNER", "subject_type": "GROUP"},
        {"subject": f"{team}-developers", "domain": "vsphere.local", "role": "EDIT", "subject_type": "GROUP"},
    ],
    resource_limits={"cpu_limit_mhz": 20_000, "memory_limit_mib": 64 * 1024},
)

pulumi.export("namespace", namespace.name)
pulumi.export("supervisorId", namespace.supervisor_id)
pulumi.export("configStatus", namespace.config_status)
pulumi.export("libraryId", images.library_id)
pulumi.export("vmClasses", [c.name for c in classes])
