#!/usr/bin/env bash
# Installs the Debian 12 packages respcache needs to build, test and benchmark.
# Idempotent: does nothing when everything is already installed. Options combine:
#   scripts/install-deps.sh                # build and test (what scripts/test.sh needs)
#   scripts/install-deps.sh --build-only   # only what building the server needs (Dockerfile)
#   scripts/install-deps.sh --bench        # also what bench/ uses
#   scripts/install-deps.sh --docker       # also a Docker engine, debootstrap and docker-compose
# Without --build-only it also installs the Node.js client libraries the integration tests use
# (tests/package.json, test-only) with `npm ci`, again only when tests/package-lock.json changed.
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
# Node builds that bundle npm (NodeSource, this project's CI image) conflict with Debian's npm
# package, so Debian's nodejs and npm are wanted only where no npm is found at all.
if [ "$with_tests" -eq 1 ] && ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ioredis and node-redis for tests/integration/*_test.js, exactly as the lock file pins them.
# A stamp in node_modules remembers which lock file was installed.
if [ "$with_tests" -eq 1 ]; then
  tests_dir="$(cd "$(dirname "$0")/../tests" && pwd)"
  stamp="$tests_dir/node_modules/.respcache-lock-sha256"
  lock_sum=$(sha256sum "$tests_dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
    echo "installing the Node.js test clients: npm ci in tests/"
    (cd "$tests_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$lock_sum" >"$stamp"
  fi
fi
