#!/usr/bin/env bash
# version: v3.6.16
set -euo pipefail
go build -trimpath -ldflags "-s -w" -o "$OUT/etcd" go.etcd.io/etcd/server/v3
