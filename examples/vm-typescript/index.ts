// Two web VMs (guaranteed class) and a database VM (best-effort-large), each bootstrapped with cloud-init user
// data kept as a secret, behind a LoadBalancer VirtualMachineService: examples/vm-python in TypeScript.
//
// Runs unchanged against the local simulator (`vmservice-sim up`) and a real Supervisor: only the stack config
// (vmservice:namespace, kubeconfig) differs.
import * as pulumi from "@pulumi/pulumi";
import * as vmservice from "@pulumi-vmservice/vmservice";

const config = new pulumi.Config();
const sshKey = config.require("sshPublicKey");
const image = vmservice.getVirtualMachineImageOutput({ displayName: config.get("image") ?? "ubuntu-22.04" });
const imageName = image.apply((found) => {
    if (!found.imageName) {
        throw new Error(`no image named ${config.get("image") ?? "ubuntu-22.04"} in the namespace`);
    }
    return found.imageName;
});

function userData(role: string): pulumi.Output<string> {
    return pulumi.secret(
        "#cloud-config\n" +
            `hostname: ${role}\n` +
            "users:\n" +
            "  - name: devops\n" +
            "    sudo: ALL=(ALL) NOPASSWD:ALL\n" +
            `    ssh_authorized_keys: [${sshKey}]\n` +
            "runcmd:\n" +
            `  - echo ${role} > /etc/motd\n`,
    );
}

function vm(name: string, vmClass: string, role: string): vmservice.VirtualMachine {
    return new vmservice.VirtualMachine(name, {
        metadata: { labels: { app: "shop", role } },
        spec: {
            className: vmClass,
            imageName,
            storageClass: config.get("storageClass") ?? "vsan-default-storage-policy",
            powerState: "PoweredOn",
        },
        userData: userData(role),
    });
}

const web = [0, 1].map((i) => vm(`web-${i}`, "guaranteed-small", "web"));
const db = vm("db", "best-effort-large", "db");
const vms = [...web, db];

const lb = new vmservice.VirtualMachineService("web-lb", {
    spec: {
        type: "LoadBalancer",
        selector: { app: "shop", role: "web" },
        ports: [{ name: "http", protocol: "TCP", port: 80, targetPort: 8080 }],
    },
});

export const vmNames = vms.map((v) => v.metadata.apply((m) => m?.name));
export const vmIPs = vms.map((v) => v.status.apply((s) => s?.network?.primaryIP4));
export const loadBalancerIP = lb.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.ip);
