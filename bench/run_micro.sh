#!/usr/bin/env bash
# Builds the benchmarks in Release into build-bench/ and runs both programs.
#   bench/run_micro.sh                             # both, micro_bench as 5 repetitions (medians)
#   bench/run_micro.sh --benchmark_filter=Cache    # flags given replace micro_bench's defaults
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${root}/build-bench"
"${root}/scripts/install-deps.sh" --bench

cmake -S "${root}" -B "${build}" -DCMAKE_BUILD_TYPE=Release \
  -DRESPCACHE_BUILD_BENCH=ON -DRESPCACHE_BUILD_TESTS=OFF
cmake --build "${build}" --target zipf_miss_ratio micro_bench -j "$(nproc)"

echo "== machine"
echo "nproc: $(nproc)"
lscpu | grep 'Model name' || true
echo "kernel: $(uname -r)"

echo "== zipf_miss_ratio"
"${build}/bench/zipf_miss_ratio"

echo "== micro_bench"
if [[ $# -eq 0 ]]; then
  set -- --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
fi
"${build}/bench/micro_bench" "$@"
