#!/usr/bin/env bash
# version: v1.35.4
set -euo pipefail
VERSION=v1.35.4
LDFLAGS="-s -w -X k8s.io/component-base/version.gitVersion=$VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=35"
for prog in kube-apiserver kube-controller-manager; do
  go build -trimpath -tags grpcnotrace -ldflags "$LDFLAGS" -o "$OUT/$prog" "k8s.io/kubernetes/cmd/$prog"
done
