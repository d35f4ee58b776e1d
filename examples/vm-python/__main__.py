"""Two web VMs (guaranteed class) and a database VM (best-effort-large), each bootstrapped with cloud-init
user data kept as a secret, behind a LoadBalancer VirtualMachineService.

Runs unchanged against the local simulator (`vmservice-sim up`) and a real Supervisor: only the stack
config (vmservice:namespace, kubeconfig) differs."""

import pulumi
import pulumi_vmservice as vmservice

config = pulumi.Config()
ssh_key = config.require("sshPublicKey")
image = vmservice.get_virtual_machine_image_output(display_name=config.get("image") or "ubuntu-22.04")


def user_data(role: str) -> pulumi.Output[str]:
    return pulumi.Output.secret(
        "#cloud-config\n"
        f"hostname: {role}\n"
        "users:\n"
        "  - name: devops\n"
        "    sudo: ALL=(ALL) NOPASSWD:ALL\n"
        f"    ssh_authorized_keys: [{ssh_key}]\n"
        "runcmd:\n"
        f"  - echo {role} > /etc/motd\n"
    )


def vm(name: str, vm_class: str, role: str) -> vmservice.VirtualMachine:
    return vmservice.VirtualMachine(
        name,
        metadata={"labels": {"app": "shop", "role": role}},
        spec={
            "class_name": vm_class,
            "image_name": image.image_name,
            "storage_class": config.get("storageClass") or "vsan-default-storage-policy",
            "power_state": "PoweredOn",
        },
        user_data=user_data(role),
    )


web = [vm(f"web-{i}", "guaranteed-small", "web") for i in range(2)]
db = vm("db", "best-effort-large", "db")

lb = vmservice.VirtualMachineService(
    "web-lb",
    spec={
        "type": "LoadBalancer",
        "selector": {"app": "shop", "role": "web"},
        "ports": [{"name": "http", "protocol": "TCP", "port": 80, "target_port": 8080}],
    },
)

pulumi.export("vmNames", [v.metadata.apply(lambda m: m.name if m else None) for v in [*web, db]])
pulumi.export(
    "vmIPs",
    [v.status.apply(lambda s: s.network.primary_ip4 if s and s.network else None) for v in [*web, db]],
)
pulumi.export(
    "loadBalancerIP",
    lb.status.apply(
        lambda s: s.load_balancer.ingress[0].ip if s and s.load_balancer and s.load_balancer.ingress else None
    ),
)
