#!/usr/bin/env bash
# version: v1.25.0
set -euo pipefail
go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v1.25.0" \
  -o "$OUT/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
