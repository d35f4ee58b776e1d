#!/usr/bin/env bash
# Builds a pinned tool once and installs it into .tools/bin.
#
#   tools/install.sh NAME...
#
# Each tools/NAME/ holds a go.mod/go.sum pinning the module the tool is built from and a build.sh that
# writes the binaries into $OUT. Builds are cached under $VMSERVICE_CACHE (default
# ~/.cache/pulumi-vmservice/NAME-<hash of tools/NAME and the Go version>/), so a second run, a fresh
# clone on the same machine and CI reuse them; .tools/bin (or the build.sh "# dest:" folder under .tools/)
# gets hard links (copies across filesystems).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VMSERVICE_CACHE:-$HOME/.cache/pulumi-vmservice}
BIN=$ROOT/.tools/bin
mkdir -p "$BIN" "$CACHE"
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
export CGO_ENABLED=0

tool_key() {
  local dir=$ROOT/tools/$1
  { go env GOVERSION; cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-12
}

link_into() {
  local src dest=$2
  mkdir -p "$dest"
  for src in "$1"/*; do
    ln -f "$src" "$dest/" 2>/dev/null || cp -f "$src" "$dest/"
  done
}

install_one() {
  local name=$1 dir=$ROOT/tools/$1
  [ -x "$dir/build.sh" ] || { echo "tools/install.sh: no tools/$name/build.sh" >&2; return 2; }
  local version dest
  version=$(sed -n 's/^# version: //p' "$dir/build.sh")
  dest=$ROOT/.tools/$(sed -n 's/^# dest: //p' "$dir/build.sh")
  [ "$dest" = "$ROOT/.tools/" ] && dest=$BIN
  local target=$CACHE/$name-$version-$(tool_key "$name")
  if [ -f "$target/.complete" ]; then
    link_into "$target/bin" "$dest"
    echo "tools: $name $version (cached)"
    return
  fi
  if [ -x "$dir/reuse.sh" ] && "$dir/reuse.sh" "$dest"; then
    return
  fi
  echo "tools: building $name $version (first time on this machine; cached afterwards in $target)"
  local start=$SECONDS work
  work=$(mktemp -d "$CACHE/.build-$name.XXXXXX")
  mkdir -p "$work/bin"
  (cd "$dir" && OUT=$work/bin ROOT=$ROOT ./build.sh) > "$work/build.log" 2>&1 || {
    mkdir -p "$CACHE/logs"
    mv "$work/build.log" "$CACHE/logs/$name-failed.log"
    rm -rf "$work"
    tail -40 "$CACHE/logs/$name-failed.log" >&2
    echo "tools: building $name failed; full log: $CACHE/logs/$name-failed.log" >&2
    return 1
  }
  echo "built in $((SECONDS - start))s" >> "$work/build.log"
  touch "$work/.complete"
  rm -rf "$target"
  mv "$work" "$target"
  link_into "$target/bin" "$dest"
  echo "tools: built $name $version in $((SECONDS - start))s"
}

for name in "$@"; do
  install_one "$name"
done
