#!/usr/bin/env bash
# version: v1.10.0
# dest: crds/9.1
# Generated with controller-gen v0.20.1 (tools/controller-gen), which must be installed first.
set -euo pipefail
"$ROOT/.tools/bin/controller-gen" crd:crdVersions=v1 \
  paths='github.com/vmware-tanzu/vm-operator/api/v1alpha1;github.com/vmware-tanzu/vm-operator/api/v1alpha2;github.com/vmware-tanzu/vm-operator/api/v1alpha3;github.com/vmware-tanzu/vm-operator/api/v1alpha4;github.com/vmware-tanzu/vm-operator/api/v1alpha5' output:crd:dir="$OUT"
