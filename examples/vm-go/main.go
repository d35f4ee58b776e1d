// Two web VMs (guaranteed class) and a database VM (best-effort-large), each bootstrapped with cloud-init user
// data kept as a secret, behind a LoadBalancer VirtualMachineService: examples/vm-python in Go.
//
// The program itself is shop.Program (a package of its own, so the test suite can also run it inline through
// the Automation API); `pulumi up` runs this main.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/pulumi-vmservice/pulumi-vmservice/examples/vm-go/shop"
)

func main() {
	pulumi.Run(shop.Program)
}
