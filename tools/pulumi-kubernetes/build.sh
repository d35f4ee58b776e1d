#!/usr/bin/env bash
# version: v4.0.0-20260115033456-f47bc2d6f199
set -euo pipefail
VERSION=4.0.0-alpha.20260115
cmd=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)/cmd/pulumi-resource-kubernetes
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
