#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS (default 30),
# starting from the seed corpora in tests/fuzz/corpus. Fails on any crash, leak or
# sanitizer report. New interesting inputs go to a scratch corpus, not the repository.
#   usage: tests/fuzz/run_fuzzers.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-30}

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DRESPCACHE_FUZZ=ON -DRESPCACHE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target resp_parser_fuzz resp_session_fuzz \
  http_session_fuzz script_fuzz rdb_codec_fuzz

targets=(resp_parser_fuzz resp_session_fuzz http_session_fuzz script_fuzz rdb_codec_fuzz)
for target in "${targets[@]}"; do
  corpus=tests/fuzz/corpus/${target%_fuzz}
  scratch=$(mktemp -d)
  echo "=== fuzzing $target for ${seconds}s (seeds: $corpus)"
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$scratch" "$corpus" 2>&1 | tail -n 15
  status=${PIPESTATUS[0]}
  rm -rf "$scratch"
  if [ "$status" -ne 0 ]; then
    echo "FAILED: $target found a problem (exit $status)"
    exit 1
  fi
done
echo "fuzz: ${#targets[@]} passed, 0 failed"
