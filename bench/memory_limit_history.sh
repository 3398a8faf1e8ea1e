#!/usr/bin/env bash
# Regenerates the figures of "How 75% was chosen" in bench/memory_limit.notes.md: the code and
# bench/memory_limit.py as they were at d202e1d^ (glibc's malloc defaults) and at d202e1d (fixed
# 128 KiB mmap threshold and one arena), both with the 70 % default budget of that time. Each
# commit is unpacked with `git archive` and built in Release under $WORK, so the checkout is not
# touched. Prints each run's section (nothing is written to bench/): the notes' two columns are
# the two runs' "peak RSS" columns, and the tunables runs give the figures of the paragraph
# below the table. Needs root (cgroups); about 35 minutes on 2 CPUs.
#   bench/memory_limit_history.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${WORK:-/tmp/respcache-memory-history}"

build_at() {  # prints the path of the Release binary built from commit $1
  local rev dir
  rev="$(git -C "${root}" rev-parse --short "$1")"
  dir="${work}/${rev}"
  if [[ ! -x "${dir}/build/src/respcache" ]]; then
    rm -rf "${dir}" && mkdir -p "${dir}"
    git -C "${root}" archive "${rev}" | tar -x -C "${dir}"
    cmake -S "${dir}" -B "${dir}/build" -DCMAKE_BUILD_TYPE=Release \
      -DRESPCACHE_BUILD_TESTS=OFF >&2
    cmake --build "${dir}/build" --target respcache -j "$(nproc)" >&2
  fi
  echo "${dir}"
}

defaults="$(build_at d202e1d^)"
tuned="$(build_at d202e1d)"

echo "== glibc defaults: d202e1d^ ($(git -C "${root}" rev-parse --short d202e1d^))"
(cd "${defaults}" && /usr/bin/python3 bench/memory_limit.py --no-write)
echo "== fixed mmap threshold + one arena: d202e1d"
(cd "${tuned}" && /usr/bin/python3 bench/memory_limit.py --no-write)
echo "== d202e1d^ with GLIBC_TUNABLES mmap_threshold=131072"
(cd "${defaults}" && GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072 \
  /usr/bin/python3 bench/memory_limit.py --workloads 1m,4k --no-write)
echo "== d202e1d^ with GLIBC_TUNABLES mmap_threshold=131072 and arena_max=1"
(cd "${defaults}" && GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072:glibc.malloc.arena_max=1 \
  /usr/bin/python3 bench/memory_limit.py --limits 256m --workloads 4k --no-write)
