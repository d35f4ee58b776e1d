#!/usr/bin/env bash
# version: v1.8.6
# dest: crds/8.0u3
# needs: controller-gen
# Generated with controller-gen v0.20.1 (tools/controller-gen, which install.sh installs first because of "needs").
set -euo pipefail
"$ROOT/.tools/bin/controller-gen" crd:crdVersions=v1 \
  paths='github.com/vmware-tanzu/vm-operator/api/v1alpha1;github.com/vmware-tanzu/vm-operator/api/v1alpha2' output:crd:dir="$OUT"
# controller-gen loads the API packages with `go list -e`, which can print errors and still succeed: make sure the
# CRDs every release has were written.
for kind in virtualmachines virtualmachineclasses virtualmachineimages virtualmachineservices; do
  [ -s "$OUT/vmoperator.vmware.com_$kind.yaml" ] || { echo "build.sh: controller-gen wrote no $kind CRD" >&2; exit 1; }
done
