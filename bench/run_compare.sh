#!/usr/bin/env bash
# Side-by-side benchmark of respcache against Debian's redis-server (memcached for memory).
# Builds respcache in Release into build/, then runs bench/compare_redis.py, which rewrites
# bench/RESULTS.md and bench/results_throughput.png (about 10 minutes on 2 CPUs).
#   bench/run_compare.sh             # full run, defaults
#   bench/run_compare.sh --quick     # ~1 minute smoke run; report goes to a temporary folder
#   bench/run_compare.sh --memory-only  # only memory per entry, three servers, printed (~1 min)
#   bench/run_compare.sh --rounds 7  # any other flag goes to compare_redis.py (see --help)
#   bench/run_compare.sh --before REV  # plain SET/GET of commit REV against this tree, each
#                                      # beside redis-server (bench/before_after.py, ~5 min)
# Installs what it needs from Debian with scripts/install-deps.sh --bench.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${root}/build"

"${root}/scripts/install-deps.sh" --bench

cmake -S "${root}" -B "${build}" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "${build}" -j "$(nproc)" --target respcache

if [ "${1:-}" = "--before" ]; then
  exec /usr/bin/python3 "${root}/bench/before_after.py" --binary "${build}/src/respcache" "$@"
fi
exec /usr/bin/python3 "${root}/bench/compare_redis.py" --binary "${build}/src/respcache" "$@"
