#!/usr/bin/env bash
# version: v0.56.0
set -euo pipefail
go build -trimpath -ldflags "-s -w" -o "$OUT/vcsim" .
