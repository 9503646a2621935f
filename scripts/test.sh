#!/usr/bin/env bash
# test.sh — the one test command: set up, build (plain, sanitized, fuzz), run every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
JOBS=${JOBS:-2}

scripts/setup.sh

step() { printf '\n=== %s ===\n' "$*"; }

step "JS formatting (prettier --check, .prettierrc.json; fix with: npx prettier --write FILE)"
git ls-files -z '*.mjs' '*.js' '*.cjs' '*.ts' | xargs -0 node_modules/.bin/prettier --check --log-level warn
echo "prettier: clean"

step "native build + ctest"
cmake -S . -B build-native -DCMAKE_BUILD_TYPE=Release -DSIPREG_ORACLE=ON >/dev/null
cmake --build build-native -j"$JOBS"
ctest --test-dir build-native --output-on-failure -j"$JOBS"

step "valgrind (memcheck, leaks) over the native test programs"
for t in build-native/test_* build-native/oracle_*; do
  valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite -q "$t" >/dev/null 2>build-native/valgrind.log \
    || { cat build-native/valgrind.log; echo "valgrind: $t failed"; exit 1; }
done
echo "valgrind: clean"

step "ASan+UBSan build + ctest"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSIPREG_ORACLE=ON \
  -DCMAKE_C_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" >/dev/null
cmake --build build-asan -j"$JOBS"
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j"$JOBS"

step "wasm build (Emscripten) + JS packages"
emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=MinSizeRel \
  -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
cmake --build build-wasm -j"$JOBS"
printf 'wasm: %s bytes, %s gzipped\n' "$(stat -c %s build-wasm/sipreg.wasm)" "$(gzip -9c build-wasm/sipreg.wasm | wc -c)"

step "node:test (glue, parity, Kamailio, CLI)"
node --test --test-reporter=spec tests/js/

step "browser end-to-end (demo page in Chromium against Kamailio)"
node --test --test-reporter=spec tests/browser/

step "libFuzzer smoke run (clang)"
CC=clang-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DSIPREG_FUZZ=ON -DSIPREG_ORACLE=OFF >/dev/null
cmake --build build-fuzz -j"$JOBS" --target fuzzers
ctest --test-dir build-fuzz --output-on-failure -R '^fuzz_'

step "benchmark harness smoke run (scripts/bench.sh --quick; numbers are not judged here)"
scripts/bench.sh --quick >build-native/bench-quick.log 2>&1 || { tail -40 build-native/bench-quick.log; exit 1; }
tail -3 build-native/bench-quick.log

echo
echo "all tests passed"
