#!/usr/bin/env bash
# version: v3.274.1
set -euo pipefail
go build -trimpath -ldflags "-s -w" -o "$OUT/pulumi-sdkgen" .
