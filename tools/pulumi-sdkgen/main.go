// Command pulumi-sdkgen generates an SDK from schema.json with Pulumi's own code generators, pinned with the
// CLI: github.com/pulumi/pulumi/pkg/v3/codegen/{python,nodejs,go}. `pulumi package gen-sdk` runs exactly these
// generators inside the language hosts (pulumi-language-python, -nodejs, -go); those hosts' Go modules are not
// served by the module proxy this project builds from, so the generators are called directly. The .NET
// generator lives in pulumi-dotnet's module, which the proxy does not serve either, so there is no dotnet here.
//
//	pulumi-sdkgen [-language python|nodejs|go] SCHEMA.json OUTDIR
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noDependencies is the loader for a schema that references no other package: any attempt to load
// one is an error rather than a plugin download.
type noDependencies struct{}

func (noDependencies) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("schema references package %q; pulumi-sdkgen only handles self-contained schemas", pkg)
}

func (l noDependencies) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l noDependencies) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("schema references package %q; pulumi-sdkgen only handles self-contained schemas", pkg)
}

func (l noDependencies) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}

// generators calls each language's GeneratePackage as its language host would for `pulumi package gen-sdk`.
var generators = map[string]func(*schema.Package) (map[string][]byte, error){
	"python": func(pkg *schema.Package) (map[string][]byte, error) {
		return python.GeneratePackage("pulumi-language-python", pkg, nil, noDependencies{})
	},
	"nodejs": func(pkg *schema.Package) (map[string][]byte, error) {
		return nodejs.GeneratePackage("pulumi-language-nodejs", pkg, nil, nil, false, noDependencies{})
	},
	"go": func(pkg *schema.Package) (map[string][]byte, error) {
		files, err := gogen.GeneratePackage("pulumi-language-go", pkg, nil)
		if err != nil {
			return nil, err
		}
		return files, requirePinnedSDK(files)
	},
}

// requirePinnedSDK makes the Go SDK's go.mod require the Pulumi Go SDK this generator is built with (the CLI's
// release) instead of the generator's minimum: that minimum's dependencies are not all served by the module
// proxy, and the SDK should be built against the release the CLI pins.
func requirePinnedSDK(files map[string][]byte) error {
	const sdkModule = "github.com/pulumi/pulumi/sdk/v3"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Errorf("no build information to find the version of %s", sdkModule)
	}
	pinned := ""
	for _, dep := range info.Deps {
		if dep.Path == sdkModule {
			pinned = dep.Version
		}
	}
	require := regexp.MustCompile(`(?m)^require ` + regexp.QuoteMeta(sdkModule) + ` v\S+$`)
	if pinned == "" || !require.Match(files["go.mod"]) {
		return fmt.Errorf("go.mod does not require %s as expected (built with %q)", sdkModule, pinned)
	}
	files["go.mod"] = require.ReplaceAll(files["go.mod"], []byte("require "+sdkModule+" "+pinned))
	return nil
}

func main() {
	language := flag.String("language", "python", "python, nodejs or go")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: pulumi-sdkgen [-language python|nodejs|go] SCHEMA.json OUTDIR")
	}
	flag.Parse()
	if flag.NArg() != 2 || generators[*language] == nil {
		flag.Usage()
		os.Exit(2)
	}
	if err := generate(*language, flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-sdkgen:", err)
		os.Exit(1)
	}
}

func generate(language, schemaPath, outDir string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("parse %s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noDependencies{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return diags
	}
	files, err := generators[language](pkg)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(outDir); err != nil {
		return err
	}
	for name, data := range files {
		path := filepath.Join(outDir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
