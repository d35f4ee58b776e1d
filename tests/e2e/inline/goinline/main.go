// Command goinline runs examples/vm-go's program (shop.Program) under the real Pulumi CLI through Go's Automation
// API, as an inline program: this process serves the program to the CLI, so no Go language host is needed (its
// module is not served by the module proxy this project builds from). Engine, plugins, state and secrets are the
// real CLI's. Used by tests/e2e/test_sdk_examples.py.
//
//	goinline -work DIR -stack NAME -pulumi-root ROOT -plugin-dir DIR -config JSON ACTION...
//
// The environment carries PULUMI_HOME, the backend and the passphrase. ACTION is up, preview or destroy. The last
// line of stdout is a JSON object with each action's result.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/pulumi-vmservice/pulumi-vmservice/examples/vm-go/shop"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	work := flag.String("work", "", "work directory (Pulumi.yaml is written there)")
	stackName := flag.String("stack", "test", "stack name")
	root := flag.String("pulumi-root", "", "folder whose bin/ holds the pulumi CLI")
	pluginDir := flag.String("plugin-dir", "", "folder holding pulumi-resource-vmservice")
	configJSON := flag.String("config", "{}", "stack config as a JSON object; keys starting with secret: are secrets")
	flag.Parse()

	ctx := context.Background()
	command, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: *root, SkipVersionCheck: true})
	if err != nil {
		return err
	}
	project := workspace.Project{
		Name:    "vm-go",
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Plugins: &workspace.Plugins{
			Providers: []workspace.PluginOptions{{Name: "vmservice", Path: *pluginDir}},
		},
	}
	stack, err := auto.UpsertStackInlineSource(ctx, *stackName, "vm-go", shop.Program,
		auto.WorkDir(*work), auto.Pulumi(command), auto.Project(project))
	if err != nil {
		return err
	}
	config := map[string]string{}
	if err := json.Unmarshal([]byte(*configJSON), &config); err != nil {
		return err
	}
	for key, value := range config {
		secret := strings.HasPrefix(key, "secret:")
		if err := stack.SetConfig(ctx, strings.TrimPrefix(key, "secret:"), auto.ConfigValue{Value: value, Secret: secret}); err != nil {
			return err
		}
	}

	results := map[string]any{}
	for _, action := range flag.Args() {
		switch action {
		case "up":
			result, err := stack.Up(ctx, optup.ProgressStreams(os.Stderr))
			if err != nil {
				return err
			}
			outputs := map[string]any{}
			for key, output := range result.Outputs {
				outputs[key] = output.Value
			}
			results["up"] = map[string]any{
				"result": result.Summary.Result, "changes": result.Summary.ResourceChanges, "outputs": outputs,
			}
		case "preview":
			result, err := stack.Preview(ctx, optpreview.ProgressStreams(os.Stderr))
			if err != nil {
				return err
			}
			results["preview"] = map[string]any{"changes": result.ChangeSummary}
		case "destroy":
			result, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stderr))
			if err != nil {
				return err
			}
			results["destroy"] = map[string]any{"result": result.Summary.Result}
		default:
			return fmt.Errorf("unknown action %q", action)
		}
	}
	encoded, err := json.Marshal(results)
	if err != nil {
		return err
	}
	fmt.Println(string(encoded))
	return nil
}
