#!/usr/bin/env bash
# `make fresh-check`: this checkout as a new user gets it on a fresh machine.
#
# A clone of the committed HEAD in a temporary folder, with an empty Go module cache (GOMODCACHE), Go build cache
# (GOCACHE), tool cache (VMSERVICE_CACHE) and pip cache, and a PATH that offers no pulumi or provider plugin.
# There it runs `make demo` (which builds only what the demo needs), `make demo-down`, then `make tools` (every
# other tool), and prints how long each tool took to build. Any failure fails the check, with the log's tail.
#
# Run it whenever tools/ or the Makefile changes. It builds every tool from nothing (30-60 minutes on 2 cores).
# FRESH_CHECK_KEEP=1 keeps the temporary folder (the logs are in it); FRESH_CHECK_DIR=DIR puts it under DIR.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${FRESH_CHECK_DIR:-${TMPDIR:-/tmp}}
mkdir -p "$BASE"
WORK=$(mktemp -d "$BASE/vmservice-fresh-check.XXXXXX")
CLONE=$WORK/clone
STARTED=$SECONDS
demo_up=0

say() { printf '==> fresh-check: %s\n' "$*"; }

cleanup() {
  local status=$?
  if [ "$demo_up" = 1 ]; then
    (cd "$CLONE" && make --no-print-directory demo-down >"$WORK/demo-down-cleanup.log" 2>&1) || true
  fi
  if [ "${FRESH_CHECK_KEEP:-}" = 1 ]; then
    say "kept $WORK"
  else
    chmod -R u+w "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "$(git -C "$ROOT" status --porcelain)" ]; then
  say "note: uncommitted changes in $ROOT are not part of the check (it clones the committed HEAD)"
fi

say "cloning $(git -C "$ROOT" rev-parse --short HEAD) into $CLONE"
git clone --quiet --no-hardlinks "$ROOT" "$CLONE"
git -C "$CLONE" checkout --quiet --detach "$(git -C "$ROOT" rev-parse HEAD)"

# Empty caches, and nothing this machine already built: no .tools/bin, .venv/bin or pulumi on PATH.
export GOMODCACHE=$WORK/go-mod-cache GOCACHE=$WORK/go-build-cache VMSERVICE_CACHE=$WORK/tool-cache
export PIP_CACHE_DIR=$WORK/pip-cache
export GOFLAGS=-modcacherw  # the module cache can be removed afterwards
mkdir -p "$GOMODCACHE" "$GOCACHE" "$VMSERVICE_CACHE"
clean_path=
IFS=: read -r -a folders <<<"$PATH"
for folder in "${folders[@]}"; do
  [ -n "$folder" ] || continue
  [ -e "$folder/pulumi" ] || [ -e "$folder/pulumi-resource-vmservice" ] || [ -e "$folder/vmservice-sim" ] && continue
  clean_path=${clean_path:+$clean_path:}$folder
done
export PATH=$clean_path
unset VMSERVICE_TOOLS_BIN VMSERVICE_CRDS_DIR PULUMI_HOME KUBECONFIG

step() {  # step NAME COMMAND...: run in the clone, log to $WORK/NAME.log, fail with its tail
  local name=$1 start=$SECONDS
  shift
  say "$name: $*"
  if ! (cd "$CLONE" && "$@") >"$WORK/$name.log" 2>&1; then
    tail -60 "$WORK/$name.log" >&2
    say "$name FAILED after $((SECONDS - start))s (log: $WORK/$name.log; FRESH_CHECK_KEEP=1 keeps it)"
    return 1
  fi
  eval "seconds_${name//-/_}=$((SECONDS - start))"
  say "$name passed in $((SECONDS - start))s"
}

built_times() {  # the "tools: built NAME VERSION in Ns" lines of a log
  sed -n 's/^tools: built \([^ ]*\) [^ ]* in \([0-9]*\)s$/  \1 \2s/p' "$WORK/$1.log"
}

demo_up=1
step demo make --no-print-directory demo
grep -E '^  (VM|load balancer) ' "$WORK/demo.log" || true
step demo-down make --no-print-directory demo-down
demo_up=0
grep -q 'no process left' "$WORK/demo-down.log" || { say "demo-down left processes behind"; exit 1; }
step tools make --no-print-directory tools

say "cold tool builds for make demo ($seconds_demo s with make dev and the stack):"
built_times demo
say "cold builds of the other tools (make tools, $seconds_tools s):"
built_times tools
say "passed in $((SECONDS - STARTED))s: make demo, make demo-down and make tools from a clean clone on empty caches"
