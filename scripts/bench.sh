#!/usr/bin/env bash
# bench.sh — sipreg side by side with JsSIP, SIP.js, the npm `sip` package and libosip2
# (tests/bench/README.md). Builds what the benchmarks need, runs them all in one go and writes
# tests/bench/results/ (one JSON per benchmark, bench-results.json, summary.md). Not part of
# scripts/test.sh. Loopback only: the scale and race benchmarks start their own Kamailio (and SIPp) and stop them by PID.
#
#   scripts/bench.sh                    # everything (about 1 minute, plus the builds on a fresh tree)
#   scripts/bench.sh --quick            # smoke run of the harness (about 30 s),
#                                       # results in build-bench/results-quick/
#   scripts/bench.sh --only parse,size  # a subset: parse compose callgrind size startup scale race
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
JOBS=${JOBS:-2}
start=$(date +%s)

scripts/setup.sh   # Debian packages (libosip2-dev, emscripten, kamailio, valgrind) and npm ci

step() { printf '\n=== %s ===\n' "$*" >&2; }

step "native benchmark (sipreg core at -O2 + libosip2)"
cmake -S tests/bench/native -B build-bench/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench/native -j"$JOBS" >/dev/null

step "wasm build + node package (as scripts/test.sh builds them)"
emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=MinSizeRel \
  -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
cmake --build build-wasm -j"$JOBS" >/dev/null
# the same module with a name section, for the size breakdown by function (not shipped)
emcmake cmake -S . -B build-bench/wasm-names -DCMAKE_BUILD_TYPE=MinSizeRel \
  -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node -DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs >/dev/null
cmake --build build-bench/wasm-names -j"$JOBS" --target sipreg_wasm >/dev/null

step "sample: the REGISTER sipreg composes (parsed as one of the benchmark messages)"
mkdir -p build-bench/messages
build-bench/native/bench_native sample tests/vectors/bench/c-401-digest.sip build-bench/messages/f-register-sipreg.sip

args=("$@")
if [[ " ${args[*]} " == *" --quick "* ]]; then args+=(--out build-bench/results-quick); fi
step "benchmarks"
node tests/bench/run.mjs "${args[@]}"
echo "bench.sh: $(( $(date +%s) - start )) s" >&2
