#!/usr/bin/env bash
# `make example NAME=<name>` / `make example-down NAME=<name>` (and `make demo`, through demo.sh): an example
# of examples/ on the local Supervisor simulator, with the real Pulumi CLI.
#
#   up NAME    vmservice-sim up --dir DIR/sim (one simulator for every example, started once), then `pulumi up`
#              of examples/NAME as the stack `dev` (local file backend in DIR/state, PULUMI_HOME in DIR), then
#              its outputs (secrets masked). Secret config the example declares without a value gets a random
#              one. YAML examples run through the YAML language host; Python examples through the Automation
#              API (examples/automation.py: this process serves the program, so no Python language host is
#              needed).
#   down NAME  pulumi destroy and the stack removed; the simulator stops when no example stack is left.
#
# DIR is $VMSERVICE_EXAMPLES_DIR, by default .examples in the checkout; EXAMPLE_HINTS=0 leaves out the hints
# printed after `up`. Needs on PATH (the Makefile puts
# .tools/bin and .venv/bin there): pulumi, pulumi-language-yaml, vmservice-sim, pulumi-resource-vmservice.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${VMSERVICE_EXAMPLES_DIR:-$ROOT/.examples}"
SIM="$DIR/sim"
STACK="dev"
PYTHON="${VMSERVICE_PYTHON:-$ROOT/.venv/bin/python}"
export PATH="$ROOT/.tools/bin:$ROOT/.venv/bin:$PATH"
export PULUMI_HOME="$DIR/pulumi-home"
export PULUMI_BACKEND_URL="file://$DIR/state"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-vmservice-examples}"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_REGISTRY_RESOLVE=true

usage() {
  echo "usage: $0 up|down NAME   (NAME: a folder of examples/ with a Pulumi.yaml)" >&2
  exit 2
}

need() {
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "make example: $tool not found on PATH; run \`make dev tools\` first" >&2
      exit 1
    fi
  done
}

sim_running() {
  vmservice-sim status --dir "$SIM" >/dev/null 2>&1
}

# yaml or python (anything else, or a file that does not parse, is left to the CLI to report).
runtime_of() {
  "$PYTHON" -c 'import sys, yaml; r = yaml.safe_load(open(sys.argv[1]))["runtime"]; print(r["name"] if isinstance(r, dict) else r)' "$1" 2>/dev/null || echo unknown
}

# The project runs from DIR/NAME: a copy of the example plus the path of this checkout's provider plugin.
write_project() {
  local example="$1" project="$2" plugin_dir
  plugin_dir="$(dirname "$(command -v pulumi-resource-vmservice)")"
  rm -rf "$project"
  mkdir -p "$project" "$DIR/state" "$PULUMI_HOME"
  cp -R "$ROOT/examples/$example/." "$project/"
  printf '\nplugins:\n  providers:\n    - name: vmservice\n      path: %s\n' "$plugin_dir" >>"$project/Pulumi.yaml"
}

# Secret config the example declares without a default: a random value, set once per stack, shown nowhere.
fill_secret_config() {
  local project="$1" key
  for key in $("$PYTHON" -c '
import sys, yaml
for key, spec in (yaml.safe_load(open(sys.argv[1])).get("config") or {}).items():
    if isinstance(spec, dict) and spec.get("secret") and "default" not in spec and "value" not in spec:
        print(key)' "$project/Pulumi.yaml"); do
    if ! (cd "$project" && pulumi config get "$key" --stack "$STACK" >/dev/null 2>&1); then
      "$PYTHON" -c 'import secrets; print("Ex-" + secrets.token_urlsafe(18), end="")' |
        (cd "$project" && pulumi config set --secret "$key" --stack "$STACK" --non-interactive >/dev/null)
    fi
  done
}

pulumi_in() {
  local project="$1"
  shift
  (cd "$project" && pulumi "$@" --non-interactive)
}

# `up`, `destroy`, `outputs` of a project, by the example's runtime.
run() {
  local action="$1" example="$2" project="$3"
  if [[ "$(runtime_of "$project/Pulumi.yaml")" == python ]]; then
    "$PYTHON" "$ROOT/examples/automation.py" "$action" "$project" --stack "$STACK"
    return
  fi
  case "$action" in
    up) pulumi_in "$project" up --yes --stack "$STACK" ;;
    destroy) pulumi_in "$project" destroy --yes --stack "$STACK" ;;
    outputs) pulumi_in "$project" stack output --stack "$STACK" --json ;;
  esac
}

up() {
  local example="$1" project="$DIR/$1" fresh=1
  [[ -f "$ROOT/examples/$example/Pulumi.yaml" ]] || usage
  need pulumi vmservice-sim pulumi-resource-vmservice
  if [[ "$(runtime_of "$ROOT/examples/$example/Pulumi.yaml")" == yaml ]]; then need pulumi-language-yaml; fi
  if sim_running; then fresh=0; fi
  vmservice-sim up --dir "$SIM"
  # shellcheck disable=SC1091
  source "$SIM/env"
  write_project "$example" "$project"
  if [[ $fresh == 1 ]] && pulumi_in "$project" stack select "$STACK" >/dev/null 2>&1; then
    # A new simulator starts empty: the previous stack's objects went with the old one.
    pulumi_in "$project" stack rm "$STACK" --yes --force >/dev/null
  fi
  pulumi_in "$project" stack select --create "$STACK" --secrets-provider passphrase >/dev/null
  fill_secret_config "$project"
  touch "$project/.stack"
  echo
  echo "==> pulumi up of examples/$example (stack $STACK, state in $DIR/state)"
  run up "$example" "$project"
  echo
  echo "==> stack outputs (secrets masked)"
  run outputs "$example" "$project" | tee "$project/outputs.json"
  [[ "${EXAMPLE_HINTS:-1}" == 1 ]] || return 0
  cat <<EOF

Look around:
  KUBECONFIG=$SIM/kubeconfig kubectl get vm -n ${VMSERVICE_NAMESPACE:-dev}
  vmservice-sim status --dir $SIM
Stop:
  make example-down NAME=$example      (pulumi destroy; the simulator stops with the last example)
EOF
}

down() {
  local example="$1" project="$DIR/$1" other
  need pulumi vmservice-sim
  if [[ -f "$project/.stack" ]]; then
    if sim_running; then
      # shellcheck disable=SC1091
      source "$SIM/env"
      echo "==> pulumi destroy of examples/$example"
      run destroy "$example" "$project"
      pulumi_in "$project" stack rm "$STACK" --yes >/dev/null
    else
      pulumi_in "$project" stack rm "$STACK" --yes --force >/dev/null  # the simulator (and its objects) is gone
    fi
    rm -f "$project/.stack"
  fi
  for other in "$DIR"/*/.stack; do
    if [[ -e "$other" ]]; then
      echo "the simulator keeps running for $(basename "$(dirname "$other")")"
      return
    fi
  done
  vmservice-sim down --dir "$SIM"
}

[[ $# -eq 2 ]] || usage
case "$1" in
  up) up "$2" ;;
  down) down "$2" ;;
  *) usage ;;
esac
