#!/usr/bin/env bash
# version: v4.0.0-20260115033456-f47bc2d6f199
set -euo pipefail
VERSION=4.0.0-alpha.20260115
MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
# `go list -m -f {{.Dir}}` prints nothing for a module that is not in the module cache yet (a fresh machine):
# download it first, and stop with a clear message rather than copying from "/cmd/...".
go mod download "$MODULE"
dir=$(go list -m -f '{{.Dir}}' "$MODULE")
[ -n "$dir" ] || { echo "build.sh: $MODULE is not in the module cache after go mod download" >&2; exit 1; }
cmd=$dir/cmd/pulumi-resource-kubernetes
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp go.mod go.sum main.go "$work/"
cp "$cmd/schema.json" "$cmd/terraform-mapping.json" "$work/"
chmod u+w "$work"/*
cd "$work"
VERSION=$VERSION go run "$cmd/generate.go"
rm schema.json terraform-mapping.json
go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$VERSION" \
  -o "$OUT/pulumi-resource-kubernetes" .
