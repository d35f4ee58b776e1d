// Package shop declares the example's VMs and load balancer.
//
// It runs unchanged against the local simulator (`vmservice-sim up`) and a real Supervisor: only the stack config
// (vmservice:namespace, kubeconfig) differs.
package shop

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/pulumi-vmservice/pulumi-vmservice/sdk/go/vmservice"
)

// Program is the Pulumi program: pulumi.Run(shop.Program).
func Program(ctx *pulumi.Context) error {
	conf := config.New(ctx, "")
	sshKey := conf.Require("sshPublicKey")
	imageName := conf.Get("image")
	if imageName == "" {
		imageName = "ubuntu-22.04"
	}
	storageClass := conf.Get("storageClass")
	if storageClass == "" {
		storageClass = "vsan-default-storage-policy"
	}
	image := vmservice.GetVirtualMachineImageOutput(ctx, vmservice.GetVirtualMachineImageOutputArgs{
		DisplayName: pulumi.String(imageName),
	})

	vm := func(name, vmClass, role string) (*vmservice.VirtualMachine, error) {
		userData := "#cloud-config\n" +
			fmt.Sprintf("hostname: %s\n", role) +
			"users:\n" +
			"  - name: devops\n" +
			"    sudo: ALL=(ALL) NOPASSWD:ALL\n" +
			fmt.Sprintf("    ssh_authorized_keys: [%s]\n", sshKey) +
			"runcmd:\n" +
			fmt.Sprintf("  - echo %s > /etc/motd\n", role)
		return vmservice.NewVirtualMachine(ctx, name, &vmservice.VirtualMachineArgs{
			Metadata: &vmservice.ObjectMetaArgs{
				Labels: pulumi.StringMap{"app": pulumi.String("shop"), "role": pulumi.String(role)},
			},
			Spec: &vmservice.VirtualMachineSpecArgs{
				ClassName:    pulumi.String(vmClass),
				ImageName:    image.ImageName().Elem(),
				StorageClass: pulumi.String(storageClass),
				PowerState:   pulumi.String("PoweredOn"),
			},
			UserData: pulumi.ToSecret(pulumi.String(userData)).(pulumi.StringOutput),
		})
	}

	var vms []*vmservice.VirtualMachine
	for _, spec := range []struct{ name, class, role string }{
		{"web-0", "guaranteed-small", "web"},
		{"web-1", "guaranteed-small", "web"},
		{"db", "best-effort-large", "db"},
	} {
		made, err := vm(spec.name, spec.class, spec.role)
		if err != nil {
			return err
		}
		vms = append(vms, made)
	}

	lb, err := vmservice.NewVirtualMachineService(ctx, "web-lb", &vmservice.VirtualMachineServiceArgs{
		Spec: &vmservice.VirtualMachineServiceSpecArgs{
			Type:     pulumi.String("LoadBalancer"),
			Selector: pulumi.StringMap{"app": pulumi.String("shop"), "role": pulumi.String("web")},
			Ports: vmservice.VirtualMachineServicePortArray{
				&vmservice.VirtualMachineServicePortArgs{
					Name: pulumi.String("http"), Protocol: pulumi.String("TCP"),
					Port: pulumi.Int(80), TargetPort: pulumi.Int(8080),
				},
			},
		},
	})
	if err != nil {
		return err
	}

	names, ips := pulumi.Array{}, pulumi.Array{}
	for _, made := range vms {
		names = append(names, made.Metadata.Name())
		ips = append(ips, made.Status.Network().PrimaryIP4())
	}
	ctx.Export("vmNames", names)
	ctx.Export("vmIPs", ips)
	ctx.Export("loadBalancerIP", lb.Status.LoadBalancer().Ingress().Index(pulumi.Int(0)).Ip())
	return nil
}
