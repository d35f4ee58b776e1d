#!/usr/bin/env bash
# version: v0.20.1
set -euo pipefail
go build -trimpath -ldflags "-s -w" -o "$OUT/controller-gen" sigs.k8s.io/controller-tools/cmd/controller-gen
