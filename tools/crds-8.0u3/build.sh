#!/usr/bin/env bash
# version: v1.8.6
# dest: crds/8.0u3
# Generated with controller-gen v0.20.1 (tools/controller-gen), which must be installed first.
set -euo pipefail
"$ROOT/.tools/bin/controller-gen" crd:crdVersions=v1 \
  paths='github.com/vmware-tanzu/vm-operator/api/v1alpha1;github.com/vmware-tanzu/vm-operator/api/v1alpha2' output:crd:dir="$OUT"
