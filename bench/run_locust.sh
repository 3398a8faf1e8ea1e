#!/usr/bin/env bash
# The long Locust run for bench/RESULTS.md: builds Release, starts respcache on $PORT, runs
# bench/locustfile.py headless with a master and $WORKERS workers (Locust 2.12 has no
# --processes), and writes bench/RESULTS.locust.md (users, requests/s, failures, p50/p95/p99
# per request name) plus the raw CSVs under bench/locust-run/. Run it on a quiet machine.
#   bench/run_locust.sh                          # 10000 users, 100/s, 180 s, 2 workers
#   USERS=5000 RUN_TIME=60s bench/run_locust.sh  # other settings, by environment:
#     USERS, SPAWN_RATE, RUN_TIME, WORKERS, PORT, CLASSES ("RespUser", "HttpApiUser", or
#     empty for both), RESPCACHE_LOCUST_WAIT (mean think time per user, seconds, default 1),
#     SERVER_ARGS (extra respcache flags), REPORT (where the Markdown goes)
# Against a server that is already running elsewhere: HOST=tcp://h:7171 bench/run_locust.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
users=${USERS:-10000}
spawn_rate=${SPAWN_RATE:-100}
run_time=${RUN_TIME:-180s}
workers=${WORKERS:-2}
port=${PORT:-7171}
classes=${CLASSES:-}
out="$root/bench/locust-run"
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Every user holds a connection: raise the soft descriptor limit to the hard one (20000 on
# the project's machine) for the server and every Locust process.
ulimit -n "$(ulimit -Hn)"
"$root/scripts/install-deps.sh"
rm -rf "$out" && mkdir -p "$out"

HOST_GIVEN=${HOST:-}
if [ -z "${HOST:-}" ]; then
  cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build" -j"$(nproc)" --target respcache
  # shellcheck disable=SC2086
  "$root/build/src/respcache" --port "$port" ${SERVER_ARGS:-} >"$out/server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do
    "$root/build/src/respcache" --ping --port "$port" >/dev/null 2>&1 && break
    sleep 0.1
  done
  HOST="tcp://127.0.0.1:$port"
fi

locust=(/usr/bin/locust -f "$root/bench/locustfile.py")
for _ in $(seq "$workers"); do
  # shellcheck disable=SC2086
  "${locust[@]}" --worker --master-host 127.0.0.1 $classes >>"$out/workers.log" 2>&1 &
  pids+=($!)
done
echo "locust: $users users at $spawn_rate/s for $run_time, $workers workers, against $HOST"
set +e
# shellcheck disable=SC2086
"${locust[@]}" --master --headless --expect-workers "$workers" --host "$HOST" \
  --users "$users" --spawn-rate "$spawn_rate" --run-time "$run_time" --stop-timeout 10 \
  --csv "$out/run" --only-summary $classes 2>&1 | tee "$out/master.log"
status=${PIPESTATUS[0]}
set -e

settings="USERS=$users SPAWN_RATE=$spawn_rate RUN_TIME=$run_time WORKERS=$workers PORT=$port"
settings+=" CLASSES='$classes' RESPCACHE_LOCUST_WAIT=${RESPCACHE_LOCUST_WAIT:-1}"
settings+="${HOST_GIVEN:+ HOST=$HOST}${SERVER_ARGS:+ SERVER_ARGS='$SERVER_ARGS'}"
/usr/bin/python3 "$root/bench/locust_report.py" "$out" "${REPORT:-$root/bench/RESULTS.locust.md}" \
  "$status" "$settings"
exit "$status"
