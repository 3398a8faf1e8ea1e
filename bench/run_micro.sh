#!/usr/bin/env bash
# Builds the benchmarks in Release into build-bench/ and runs both programs.
#   bench/run_micro.sh             # both; micro_bench as 5 repetitions (medians), and rewrites
#                                  # the "Micro-benchmarks" section of bench/RESULTS.extra.md
#                                  # (and its copy in bench/RESULTS.md) with commit and machine
#   bench/run_micro.sh --benchmark_filter=Cache    # flags given replace micro_bench's defaults;
#                                  # such a partial run is printed, nothing is written
# Run it on an idle machine: the section states the load average at start and end.
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
write=1
if [[ $# -eq 0 ]]; then
  set -- --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
else
  write=0
fi
json="$(mktemp --suffix=.json)"
trap 'rm -f "${json}"' EXIT
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
"${build}/bench/micro_bench" "$@" --benchmark_out="${json}" --benchmark_out_format=json
if [[ ${write} -eq 1 ]]; then
  /usr/bin/python3 "${root}/bench/micro_report.py" "${json}" --command "bench/run_micro.sh" \
    --load-start "${load_start}"
fi
