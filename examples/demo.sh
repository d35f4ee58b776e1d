#!/usr/bin/env bash
# `make demo` / `make demo-down`: the example stack examples/demo-yaml on the local Supervisor simulator, run
# like any example (example.sh) but in .demo, with a summary of what it made.
#
#   up    vmservice-sim up --dir .demo/sim, then `pulumi up` of examples/demo-yaml (real Pulumi CLI, local
#         file backend in .demo/state, PULUMI_HOME in .demo), then the stack outputs and the VMs' addresses.
#   down  pulumi destroy, then vmservice-sim down (no process is left running).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO="${VMSERVICE_DEMO_DIR:-$ROOT/.demo}"  # tests point this elsewhere
export VMSERVICE_EXAMPLES_DIR="$DEMO" EXAMPLE_HINTS=0
EXAMPLE="demo-yaml"

up() {
  bash "$ROOT/examples/example.sh" up "$EXAMPLE"
  python3 - "$DEMO/$EXAMPLE/outputs.json" <<'PY'
import json, sys
out = json.load(open(sys.argv[1]))
print()
for name in out.get("vmNames") or []:
    print(f"  VM {name:<8} {out.get('vmIPs', {}).get(name) or '(no IP)'}")
print(f"  load balancer web-lb  {out.get('loadBalancerIP') or '(no IP yet)'}:80 -> web-1, web-2 :8080")
PY
  cat <<HINTS

Look around:
  KUBECONFIG=$DEMO/sim/kubeconfig kubectl get vm,vmservice,vmimage,vmclass -n dev
  KUBECONFIG=$DEMO/sim/kubeconfig kubectl get vm web-1 -n dev -o yaml
  source $DEMO/sim/env && (cd $DEMO/$EXAMPLE && pulumi stack output --show-secrets)
  vmservice-sim status --dir $DEMO/sim
Stop everything:
  make demo-down        (pulumi destroy, then vmservice-sim down)
HINTS
}

case "${1:-up}" in
  up) up ;;
  down) bash "$ROOT/examples/example.sh" down "$EXAMPLE" ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
