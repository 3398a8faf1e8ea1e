#!/usr/bin/env bash
# Installs the Debian 12 packages respcache needs to build, test and benchmark.
# Idempotent: does nothing when everything is already installed. Options combine:
#   scripts/install-deps.sh                # build and test (what scripts/test.sh needs)
#   scripts/install-deps.sh --build-only   # only what building the server needs (Dockerfile)
#   scripts/install-deps.sh --bench        # also what bench/ uses
#   scripts/install-deps.sh --docker       # also a Docker engine, debootstrap and docker-compose
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config
  libasio-dev libfmt-dev libspdlog-dev libcli11-dev libxxhash-dev
  libsimdjson-dev libhttp-parser-dev
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev libssl-dev
)
test_packages=(
  clang libclang-rt-dev libgtest-dev libgmock-dev
  redis-server redis-tools python3 python3-redis curl iproute2 python3-locust nutcracker
)
packages=("${build_packages[@]}")
with_tests=1
for option in "$@"; do
  case "$option" in
    --build-only) with_tests=0 ;;
    --bench) packages+=(libbenchmark-dev memcached python3-matplotlib strace linux-perf wrk) ;;
    --docker) packages+=(docker.io debootstrap docker-compose) ;;
    *) echo "install-deps.sh: unknown option $option" >&2; exit 2 ;;
  esac
done
[ "$with_tests" -eq 1 ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
