#!/usr/bin/env bash
# Builds and runs the whole test suite: the Release build with unit, integration and
# differential tests, the same suite under ASan+UBSan, the concurrent tests under TSan,
# a short libFuzzer run of the parsers, and the Docker image under --cpus=2 --memory=2g
# (docker/test.sh). Exits non-zero on any failure.
#   FUZZ_SECONDS=N   seconds per fuzz target (default 30)
#   SKIP_SANITIZERS=1  only the Release suite (for a quick local loop)
#   RESPCACHE_SKIP_DOCKER=1  skip the Docker test (it fails where no Docker engine can run)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${RESPCACHE_SKIP_DOCKER:-0}" = "1" ]; then
  scripts/install-deps.sh
else
  scripts/install-deps.sh --docker
fi
jobs=$(nproc)

run_suite() {  # name, cmake flags..., then ctest args after --
  local dir=$1; shift
  local cmake_args=() ctest_args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do cmake_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift && ctest_args=("$@")
  echo "=== $dir: configure and build"
  cmake -S . -B "$dir" "${cmake_args[@]}" >/dev/null
  cmake --build "$dir" -j"$jobs"
  echo "=== $dir: test"
  ctest --test-dir "$dir" --output-on-failure --timeout 600 "${ctest_args[@]}"
}

run_suite build -DCMAKE_BUILD_TYPE=Release
echo "=== docker: the image under --cpus=2 --memory=2g"
docker/test.sh
if [ "${SKIP_SANITIZERS:-0}" != "1" ]; then
  run_suite build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRESPCACHE_SANITIZE=ON -- -LE 'bench-only|no-sanitizer'
  run_suite build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRESPCACHE_TSAN=ON -- -L concurrent -LE no-sanitizer
  FUZZ_SECONDS=${FUZZ_SECONDS:-30} tests/fuzz/run_fuzzers.sh build-fuzz
fi
echo "=== all test suites passed"
