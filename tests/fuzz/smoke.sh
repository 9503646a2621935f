#!/usr/bin/env bash
# smoke.sh FUZZER CORPUS_DIR SEED_DIR SECONDS — short libFuzzer run over a fresh copy of the seeds.
set -euo pipefail
fuzzer=$1 corpus=$2 seeds=$3 secs=$4
mkdir -p "$corpus"
[ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
artifacts=$(dirname "$corpus")/artifacts/
mkdir -p "$artifacts"
exec "$fuzzer" -seed=1 -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
  -artifact_prefix="$artifacts" "$corpus"
