#!/usr/bin/env bash
# `make demo` / `make demo-down`: the example stack examples/demo-yaml on the local Supervisor simulator.
#
#   up    vmservice-sim up --dir .demo/sim, then `pulumi up` of examples/demo-yaml (real Pulumi CLI, local
#         file backend in .demo/state, PULUMI_HOME in .demo), then the stack outputs.
#   down  pulumi destroy, then vmservice-sim down (no process is left running).
#
# Needs on PATH (the Makefile puts .tools/bin and .venv/bin there): pulumi, pulumi-language-yaml,
# vmservice-sim and pulumi-resource-vmservice.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO="${VMSERVICE_DEMO_DIR:-$ROOT/.demo}"  # tests point this elsewhere
SIM="$DEMO/sim"
PROJECT="$DEMO/project"
STACK="dev"
export PATH="$ROOT/.tools/bin:$ROOT/.venv/bin:$PATH"
export PULUMI_HOME="$DEMO/pulumi-home"
export PULUMI_BACKEND_URL="file://$DEMO/state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-vmservice-demo}"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_REGISTRY_RESOLVE=true

need() {
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "make demo: $tool not found on PATH; run \`make dev tools\` first" >&2
      exit 1
    fi
  done
}

sim_running() {
  vmservice-sim status --dir "$SIM" >/dev/null 2>&1
}

# The project runs from .demo/project: the example plus the path of this checkout's provider plugin.
write_project() {
  local plugin_dir
  plugin_dir="$(dirname "$(command -v pulumi-resource-vmservice)")"
  mkdir -p "$PROJECT" "$DEMO/state" "$PULUMI_HOME"
  {
    cat "$ROOT/examples/demo-yaml/Pulumi.yaml"
    printf '\nplugins:\n  providers:\n    - name: vmservice\n      path: %s\n' "$plugin_dir"
  } >"$PROJECT/Pulumi.yaml"
}

pulumi_in_project() {
  (cd "$PROJECT" && pulumi "$@" --non-interactive)
}

up() {
  need pulumi pulumi-language-yaml vmservice-sim pulumi-resource-vmservice
  local fresh=1
  if sim_running; then fresh=0; fi
  vmservice-sim up --dir "$SIM"
  # shellcheck disable=SC1091
  source "$SIM/env"
  write_project
  if [[ $fresh == 1 ]] && pulumi_in_project stack select "$STACK" >/dev/null 2>&1; then
    # A new simulator starts empty: the previous stack's objects went with the old one.
    pulumi_in_project stack rm "$STACK" --yes --force >/dev/null
  fi
  pulumi_in_project stack select --create "$STACK" --secrets-provider passphrase >/dev/null
  echo
  echo "==> pulumi up (stack $STACK, state in $DEMO/state)"
  pulumi_in_project up --yes --stack "$STACK"
  echo
  echo "==> stack outputs"
  pulumi_in_project stack output --stack "$STACK" --json | tee "$DEMO/outputs.json"
  python3 - "$DEMO/outputs.json" <<'PY'
import json, sys
out = json.load(open(sys.argv[1]))
print()
for name in out.get("vmNames") or []:
    print(f"  VM {name:<8} {out.get('vmIPs', {}).get(name) or '(no IP)'}")
print(f"  load balancer web-lb  {out.get('loadBalancerIP') or '(no IP yet)'}:80 -> web-1, web-2 :8080")
PY
  cat <<EOF

Look around:
  KUBECONFIG=$SIM/kubeconfig kubectl get vm,vmservice,vmimage,vmclass -n dev
  KUBECONFIG=$SIM/kubeconfig kubectl get vm web-1 -n dev -o yaml
  source $SIM/env && (cd $PROJECT && pulumi stack output --show-secrets)
  vmservice-sim status --dir $SIM
Stop everything:
  make demo-down        (pulumi destroy, then vmservice-sim down)
EOF
}

down() {
  need pulumi vmservice-sim
  if sim_running && [[ -f "$PROJECT/Pulumi.yaml" ]]; then
    # shellcheck disable=SC1091
    source "$SIM/env"
    if pulumi_in_project stack select "$STACK" >/dev/null 2>&1; then
      echo "==> pulumi destroy"
      pulumi_in_project destroy --yes --stack "$STACK"
      pulumi_in_project stack rm "$STACK" --yes >/dev/null
    fi
  elif [[ -f "$PROJECT/Pulumi.yaml" ]] && pulumi_in_project stack select "$STACK" >/dev/null 2>&1; then
    pulumi_in_project stack rm "$STACK" --yes --force >/dev/null  # the simulator (and its objects) is gone
  fi
  vmservice-sim down --dir "$SIM"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
