#!/usr/bin/env bash
# Installs the Debian 12 packages respcache needs to build, test and benchmark.
# Idempotent: does nothing when everything is already installed.
#   scripts/install-deps.sh           # build and test
#   scripts/install-deps.sh --bench   # also what bench/ uses
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang libclang-rt-dev
  libasio-dev libfmt-dev libspdlog-dev libcli11-dev libgtest-dev libgmock-dev libxxhash-dev
  libsimdjson-dev libhttp-parser-dev
  redis-server redis-tools python3 python3-redis curl
)
if [ "${1:-}" = "--bench" ]; then
  packages+=(libbenchmark-dev memcached python3-matplotlib strace linux-perf wrk)
fi
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
