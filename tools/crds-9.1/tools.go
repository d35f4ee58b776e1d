//go:build tools

// Package tools keeps the API packages (and their dependencies) in this module.
package tools

import (
	_ "github.com/vmware-tanzu/vm-operator/api/v1alpha1"
	_ "github.com/vmware-tanzu/vm-operator/api/v1alpha2"
	_ "github.com/vmware-tanzu/vm-operator/api/v1alpha3"
	_ "github.com/vmware-tanzu/vm-operator/api/v1alpha4"
	_ "github.com/vmware-tanzu/vm-operator/api/v1alpha5"
)
