#!/usr/bin/env bash
# version: v3.274.1
set -euo pipefail
VERSION=v3.274.1
go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION" \
  -o "$OUT/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
