#!/usr/bin/env bash
# version: v0.0.0-20250624211456-dfc90459c658
# needs: controller-gen
# dest: crds/9.1
# The image registry API's CRDs (imageregistry.vmware.com: ContentLibrary, ContentLibraryItem, ...) at the
# version VM Operator v1.10.0 pins, v1alpha1 (the version its publish controller reads), generated with
# controller-gen v0.20.1 (tools/controller-gen), which must be installed first.
set -euo pipefail
"$ROOT/.tools/bin/controller-gen" crd:crdVersions=v1 \
  paths='github.com/vmware-tanzu/image-registry-operator-api/api/v1alpha1' output:crd:dir="$OUT"
