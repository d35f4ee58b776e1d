#!/usr/bin/env bash
# version: v1.7.12
set -euo pipefail
go build -trimpath -ldflags "-s -w -X github.com/rhysd/actionlint.version=v1.7.12" \
  -o "$OUT/actionlint" github.com/rhysd/actionlint/cmd/actionlint
