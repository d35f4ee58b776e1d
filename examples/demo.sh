#!/usr/bin/env bash
# `make demo` / `make demo-down`. The demo needs the Supervisor simulator (vmservice-sim), which emulates
# VM Operator's controllers; until it lands this script says so instead of pretending.
set -euo pipefail
case "${1:-up}" in
  up|down)
    echo "make demo: not yet — the Supervisor simulator (vmservice-sim) that the demo runs on is still being built."
    echo "What works today: make test (real Pulumi CLI + real kube-apiserver with the VM Operator CRDs + vcsim)."
    exit 1
    ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
