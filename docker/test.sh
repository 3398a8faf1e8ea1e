#!/usr/bin/env bash
# Builds the image and tests it the way users run it, under --cpus=2 --memory=2g:
#   - PUT and GET work (RESP and HTTP), the health check turns healthy, the server runs as a
#     non-root user;
#   - INFO shows 2 threads and a maxmemory derived from the 2 GB limit;
#   - after 3 GB of unique writes the container still runs, docker inspect says
#     OOMKilled=false, and keys were evicted.
# It uses the Docker engine that `docker info` reaches; if none, it starts a private dockerd
# (root needed) with its data under $RESPCACHE_DOCKER_DIR (default /tmp/respcache-docker, kept
# as a build cache; the dockerd itself is stopped at the end). Without a debian:bookworm-slim
# image and without a registry, it makes one with debootstrap.
# Where no engine can run, it fails loudly; RESPCACHE_SKIP_DOCKER=1 skips it explicitly.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${RESPCACHE_SKIP_DOCKER:-0}" = "1" ]; then
  echo "=== docker: SKIPPED because RESPCACHE_SKIP_DOCKER=1: the image was NOT tested"
  exit 0
fi

work=${RESPCACHE_DOCKER_DIR:-/tmp/respcache-docker}
image=${RESPCACHE_IMAGE:-respcache:test}
base=debian:bookworm-slim
mirror=${RESPCACHE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
fill_bytes=${RESPCACHE_DOCKER_FILL:-3g}
container=respcache-test-$$
containers=()
dockerd_pid=""

cannot() {
  echo "!!! docker/test.sh: the Docker test cannot run on this machine: $*" >&2
  echo "!!! Install and start Docker (scripts/install-deps.sh --docker), or set" \
    "RESPCACHE_SKIP_DOCKER=1 to skip this test explicitly." >&2
  exit 1
}
fail() {
  echo "!!! docker/test.sh: FAIL: $*" >&2
  for c in "${containers[@]}"; do docker logs --tail 20 "$c" 2>&1 | sed "s/^/  $c: /" >&2; done
  exit 1
}
check() {  # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}

cleanup() {
  set +e
  for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1; done
  if [ -n "$dockerd_pid" ]; then
    echo "stopping the dockerd this script started (pid $dockerd_pid)"
    kill "$dockerd_pid" 2>/dev/null
    for _ in $(seq 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$dockerd_pid" 2>/dev/null && kill -9 "$dockerd_pid"
    # dockerd leaves its network namespace bind-mounted; nothing else uses it.
    umount "$work/exec/netns/default" 2>/dev/null
  fi
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
inspect() { docker inspect -f "$1" "$2"; }
logged() { docker logs "$1" 2>&1 | grep -q "$2"; }
healthy() { test "$(inspect '{{.State.Health.Status}}' "$container")" = healthy; }
info_field() { redis-cli -p "$1" INFO | tr -d '\r' | sed -n "s/^$2://p"; }

start_private_dockerd() {
  [ "$(id -u)" -eq 0 ] || cannot "no Docker engine answers and starting one needs root"
  command -v dockerd >/dev/null || cannot "no Docker engine answers and dockerd is not installed"
  mkdir -p "$work"
  exec 9>"$work/lock"
  flock -w 900 9 || cannot "another docker/test.sh has held $work/lock for 15 minutes"
  export DOCKER_HOST="unix://$work/docker.sock"
  if [ -f "$work/dockerd.pid" ] && kill -0 "$(cat "$work/dockerd.pid")" 2>/dev/null; then
    # Left by an earlier run that was killed before its cleanup: ours to reuse and stop.
    dockerd_pid=$(cat "$work/dockerd.pid")
    docker info >/dev/null 2>&1 && { echo "reusing dockerd $dockerd_pid"; return; }
  fi
  echo "no Docker engine answers: starting a private dockerd (data in $work)"
  # No bridge and no iptables: this works in a plain container or VM; containers then use
  # --network host.
  dockerd --iptables=false --ip-masq=false --bridge=none --storage-driver=overlay2 \
    --data-root "$work/root" --exec-root "$work/exec" -H "$DOCKER_HOST" \
    --pidfile "$work/dockerd.pid" >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 120); do
    docker info >/dev/null 2>&1 && return
    kill -0 "$dockerd_pid" 2>/dev/null || {
      dockerd_pid=""
      tail -5 "$work/dockerd.log" >&2
      cannot "dockerd exited at start (log: $work/dockerd.log)"
    }
    sleep 0.5
  done
  cannot "dockerd did not answer within 60 s (log: $work/dockerd.log)"
}

ensure_base_image() {
  docker image inspect "$base" >/dev/null 2>&1 && return
  echo "no $base image: trying docker pull"
  timeout 120 docker pull "$base" && return
  echo "no registry: making $base with debootstrap --variant=minbase from $mirror"
  [ "$(id -u)" -eq 0 ] || cannot "debootstrap needs root"
  command -v debootstrap >/dev/null || cannot "debootstrap is not installed"
  local rootfs="$work/rootfs-bookworm"
  mkdir -p "$work" && rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    cannot "debootstrap failed (log: $work/debootstrap.log)"
  tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
  rm -rf "$rootfs"
}

wait_until() {  # seconds, description, command... (run anew each time: pass a function)
  local seconds=$1 what=$2; shift 2
  for _ in $(seq $((seconds * 2))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  fail "$what within ${seconds}s"
}

# --- the engine, the base image, the image -------------------------------------------------
command -v docker >/dev/null || cannot "no docker command"
for tool in redis-cli curl; do
  command -v "$tool" >/dev/null || cannot "no $tool (scripts/install-deps.sh installs it)"
done
if docker info >/dev/null 2>&1; then
  echo "using the Docker engine at ${DOCKER_HOST:-the default socket}"
else
  start_private_dockerd
fi
ensure_base_image
mkdir -p "$work"
echo "building $image (log: $work/build.log)"
if ! docker build --network host -t "$image" -f docker/Dockerfile . >"$work/build.log" 2>&1; then
  tail -30 "$work/build.log" >&2
  fail "docker build"
fi
size=$(inspect '{{.Size}}' "$image")
echo "image size: $size bytes ($((size / 1000000)) MB)"
check "image under 50 MB" test "$size" -lt 50000000
check "image runs as a non-root user" test "$(inspect '{{.Config.User}}' "$image")" = "10001:10001"

# --- flags after the image name override the image's defaults ------------------------------
port=$(free_port)
containers+=("$container-flags")
docker run -d --name "$container-flags" --network host "$image" \
  --bind 127.0.0.1 --port "$port" --threads 1 >/dev/null
wait_until 30 "the server with flags answering PING" redis-cli -p "$port" PING
wait_until 10 "flags after the image name: --bind 127.0.0.1 --port $port in the log" \
  logged "$container-flags" "listening on 127.0.0.1:$port"
echo "ok: flags after the image name: --bind 127.0.0.1 --port $port"
check "flags after the image name: --threads 1" test "$(info_field "$port" server_threads)" = 1
docker rm -f "$container-flags" >/dev/null
containers=()

# --- the image as users run it: --cpus=2 --memory=2g, every interface ----------------------
# RESPCACHE_PORT moves the server and its health check together (host networking here).
port=$(free_port)
containers+=("$container")
docker run -d --name "$container" --cpus=2 --memory=2g --network host \
  -e RESPCACHE_PORT="$port" "$image" >/dev/null
wait_until 30 "the container answering PING" redis-cli -p "$port" PING
wait_until 10 "binding every interface by default" logged "$container" "listening on 0.0.0.0:$port"
echo "ok: binds every interface by default"
# docker top runs ps where the engine runs, so this holds for a remote engine too.
check "the server process runs as uid 10001" \
  test "$(docker top "$container" -o pid,uid | awk 'NR == 2 {print $2}')" = 10001
check "PUT" test "$(redis-cli -p "$port" PUT docker:greeting "hello world")" = OK
check "GET" test "$(redis-cli -p "$port" GET docker:greeting)" = "hello world"
check "HTTP GET /get on the same port" grep -q '"value":"hello world"' \
  <(curl -s "http://127.0.0.1:$port/get?key=docker:greeting")
wait_until 60 "the health check (respcache --ping) reporting healthy" healthy
echo "ok: health check healthy"

threads=$(info_field "$port" server_threads)
maxmemory=$(info_field "$port" maxmemory)
source=$(info_field "$port" maxmemory_source)
echo "INFO: server_threads=$threads ($(info_field "$port" server_threads_source))," \
  "maxmemory=$maxmemory ($source)"
check "2 threads from --cpus=2" test "$threads" = 2
check "maxmemory derived from the 2 GB limit" grep -q "cgroup memory limit 2.00G" <<<"$source"
check "maxmemory within 25-95% of 2 GiB" \
  test "$maxmemory" -gt $((2147483648 / 4)) -a "$maxmemory" -lt $((2147483648 * 95 / 100))

# --- 3 GB of unique writes into a 2 GB container -------------------------------------------
value_size=4000
/usr/bin/python3 docker/fill.py --port "$port" --total "$fill_bytes" --value-size "$value_size" ||
  fail "writing $fill_bytes"
keys=$(/usr/bin/python3 -c "import sys; sys.path.insert(0, 'docker'); import fill; \
print(-(-fill.parse_size('$fill_bytes') // $value_size))")
check "the container still runs" test "$(inspect '{{.State.Running}}' "$container")" = true
check "OOMKilled=false" test "$(inspect '{{.State.OOMKilled}}' "$container")" = false
check "still answers PING" test "$(redis-cli -p "$port" PING)" = PONG
evicted=$(info_field "$port" evicted_keys)
used=$(info_field "$port" used_memory)
echo "INFO after the writes: evicted_keys=$evicted used_memory=$used" \
  "used_memory_rss=$(info_field "$port" used_memory_rss) keys=$(redis-cli -p "$port" DBSIZE)"
check "keys were evicted" test "$evicted" -gt 0
check "used_memory within maxmemory" test "$used" -le "$maxmemory"
check "the last key written is readable" \
  test "$(redis-cli -p "$port" STRLEN "fill:$((keys - 1))")" = "$value_size"
id=$(inspect '{{.Id}}' "$container")
for peak in "/sys/fs/cgroup/memory/docker/$id/memory.max_usage_in_bytes" \
  "/sys/fs/cgroup/system.slice/docker-$id.scope/memory.peak"; do
  [ -r "$peak" ] && echo "container memory peak (cgroup): $(cat "$peak") bytes of 2147483648"
done
docker stats --no-stream "$container"
wait_until 30 "the health check still healthy" healthy
echo "ok: health check healthy after the writes"
echo "=== docker: all checks passed"
