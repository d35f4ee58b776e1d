// The pulumi-kubernetes provider plugin, served exactly as its own command does. Its command package embeds a
// schema file that its repository generates at build time and the Go module does not ship, so build.sh
// generates that file from the module's schema.json (with the module's own generate.go) into a scratch
// directory, where this main is compiled.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
