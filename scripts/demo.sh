#!/usr/bin/env bash
# demo.sh — the demo command: install what is missing, build the wasm and the web/ package, then
# run a local Kamailio registrar and serve the demo page on http://127.0.0.1 until Ctrl-C.
#   scripts/demo.sh [--port N] [--registrar ws://HOST:PORT] [--second-device] [--aor A] [--password P]
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
JOBS=${JOBS:-2}

case " $* " in *" -h "*|*" --help "*) exec node scripts/demo.mjs --help ;; esac

scripts/setup.sh

echo "demo: building the wasm and the web/ package"
log=$(mktemp)
if ! { emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=MinSizeRel \
         -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node && cmake --build build-wasm -j"$JOBS"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "demo: the build failed (output above)" >&2
  exit 1
fi
rm -f "$log"

exec node scripts/demo.mjs "$@"
