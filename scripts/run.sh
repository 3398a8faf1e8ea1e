#!/usr/bin/env bash
# Quick start: install what is missing, build Release, start respcache on port 7171.
# Extra arguments are passed to the server, e.g. scripts/run.sh --threads 4.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DRESPCACHE_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target respcache
exec build/src/respcache --port 7171 "$@"
