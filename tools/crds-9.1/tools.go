//go:build tools

// Package tools keeps the API packages (and their dependencies) in this module.
package tools

import _ "github.com/vmware-tanzu/vm-operator/api"
