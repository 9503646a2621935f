#!/usr/bin/env bash
# test.sh — the one test command: set up, build (plain, sanitized, fuzz), run every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
JOBS=${JOBS:-2}

scripts/setup.sh

step() { printf '\n=== %s ===\n' "$*"; }

step "native build + ctest"
cmake -S . -B build-native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-native -j"$JOBS"
ctest --test-dir build-native --output-on-failure -j"$JOBS"

step "ASan+UBSan build + ctest"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" >/dev/null
cmake --build build-asan -j"$JOBS"
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j"$JOBS"

step "libFuzzer smoke run (clang)"
CC=clang-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DSIPREG_FUZZ=ON -DSIPREG_ORACLE=OFF >/dev/null
cmake --build build-fuzz -j"$JOBS"
ctest --test-dir build-fuzz --output-on-failure -R '^fuzz_'

echo
echo "all tests passed"
