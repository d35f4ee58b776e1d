#!/usr/bin/env bash
# Builds a pinned tool once and installs it into .tools/bin.
#
#   tools/install.sh NAME...
#
# Each tools/NAME/ holds a go.mod/go.sum pinning the module the tool is built from and a build.sh that
# writes the binaries into $OUT. Builds are cached under $VMSERVICE_CACHE (default
# ~/.cache/pulumi-vmservice/NAME-<version>-<hash of tools/NAME, the tools it needs and the Go version>/), so a
# second run, a fresh clone on the same machine and CI reuse them; .tools/bin (or the build.sh "# dest:" folder
# under .tools/) gets hard links (copies across filesystems).
#
# build.sh headers: "# version: V" (shown, part of the cache folder's name), "# dest: DIR" (under .tools/),
# "# needs: TOOL..." (installed first, e.g. controller-gen for the CRDs; their cache keys are part of this
# tool's key). Nothing may be assumed about the machine beyond Go: the module cache and the tool cache can be
# empty (`make fresh-check` proves it). Two builds of the same tool (two checkouts, two terminals) do not run at
# once: the second waits for the first and then uses its result.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VMSERVICE_CACHE:-$HOME/.cache/pulumi-vmservice}
BIN=$ROOT/.tools/bin
mkdir -p "$BIN" "$CACHE"
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
export CGO_ENABLED=0
GO_VERSION=$(go env GOVERSION)

header() {  # header NAME FIELD: the value of "# FIELD: value" in tools/NAME/build.sh
  sed -n "s/^# $2: //p" "$ROOT/tools/$1/build.sh"
}

tool_key() {
  local name=$1 need
  {
    echo "$GO_VERSION"
    for need in $(header "$name" needs); do echo "$need $(tool_key "$need")"; done
    cd "$ROOT/tools/$name" && find . -type f -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-12
}

link_into() {
  local src dest=$2
  mkdir -p "$dest"
  for src in "$1"/*; do
    ln -f "$src" "$dest/" 2>/dev/null || cp -f "$src" "$dest/"
  done
}

declare -A INSTALLED=()

install_one() {
  local name=$1 dir=$ROOT/tools/$1
  [ -n "${INSTALLED[$name]:-}" ] && return
  [ -x "$dir/build.sh" ] || { echo "tools/install.sh: no tools/$name/build.sh" >&2; return 2; }
  local need
  for need in $(header "$name" needs); do
    install_one "$need"
  done
  local version dest
  version=$(header "$name" version)
  dest=$ROOT/.tools/$(header "$name" dest)
  [ "$dest" = "$ROOT/.tools/" ] && dest=$BIN
  local key target
  key=$(tool_key "$name")
  target=$CACHE/$name-$version-$key
  if [ -f "$target/.complete" ]; then
    link_into "$target/bin" "$dest"
    echo "tools: $name $version (cached)"
    INSTALLED[$name]=1
    return
  fi
  if [ -x "$dir/reuse.sh" ] && "$dir/reuse.sh" "$dest"; then
    INSTALLED[$name]=1
    return
  fi
  # One build per cache folder at a time: a second `make tools` waits for the first, then finds .complete.
  (
    if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
      echo "tools: waiting for another build of $name $version ($target)"
      flock 9
    fi
    [ -f "$target/.complete" ] && exit 0
    echo "tools: building $name $version (first time on this machine; cached afterwards in $target)"
    start=$SECONDS
    work=$(mktemp -d "$CACHE/.build-$name.XXXXXX")
    mkdir -p "$work/bin"
    (cd "$dir" && OUT=$work/bin ROOT=$ROOT ./build.sh) >"$work/build.log" 2>&1 || {
      mkdir -p "$CACHE/logs"
      mv "$work/build.log" "$CACHE/logs/$name-failed.log"
      rm -rf "$work"
      tail -40 "$CACHE/logs/$name-failed.log" >&2
      echo "tools: building $name failed; full log: $CACHE/logs/$name-failed.log" >&2
      exit 1
    }
    if [ -z "$(ls -A "$work/bin")" ]; then
      echo "tools: building $name wrote nothing into \$OUT; log: $work/build.log" >&2
      exit 1
    fi
    echo "built in $((SECONDS - start))s" >>"$work/build.log"
    touch "$work/.complete"
    rm -rf "$target"
    mv "$work" "$target"
    echo "tools: built $name $version in $((SECONDS - start))s"
  ) 9>>"$CACHE/.lock-$name-$version-$key"
  link_into "$target/bin" "$dest"
  INSTALLED[$name]=1
}

for name in "$@"; do
  install_one "$name"
done
