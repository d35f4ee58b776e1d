//go:build tools

// Package tools keeps the image registry API package (and its dependencies) in this module.
package tools

import (
	_ "github.com/vmware-tanzu/image-registry-operator-api/api/v1alpha1"
)
