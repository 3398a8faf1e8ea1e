#!/usr/bin/env bash
# HTTP/JSON API load test with wrk (Debian's wrk): GET /get and POST /put against a respcache
# binary it starts on a free loopback port. Builds nothing.
#   bench/run_http_wrk.sh build/src/respcache                    # 10 s per run, 3 settings
#   bench/run_http_wrk.sh build/src/respcache --duration 2s      # a short smoke run
#   bench/run_http_wrk.sh BINARY --settings "2:50 2:400" --keys 100000 -- --threads 1
# --settings is a list of wrk threads:connections; arguments after -- go to respcache.
# Before the runs, --keys keys (key:000000, ...) are loaded over RESP with 256-byte values,
# so every GET hits (bench/wrk_get.lua counts and reports any that does not). PUT bodies come
# from bench/wrk_put.lua: keys and values of up to 256 characters.
# Prints a Markdown section (machine, commands, a table of requests/s, latency percentiles
# from wrk --latency, and server CPU per request) for bench/RESULTS.extra.md, which
# run_compare.sh appends to the bench/RESULTS.md it rewrites; wrk's own output is kept in the
# folder it names. wrk and the server share the machine's CPUs: run it on a
# quiet machine, and read the CPU column with that in mind.
set -euo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

[ $# -ge 1 ] || usage 1
case "$1" in -h | --help) usage 0 ;; esac
binary="$(realpath "$1")"
shift
duration=10s
settings="1:10 2:50 2:200"
keys=10000
server_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --settings) settings="$2"; shift 2 ;;
    --keys) keys="$2"; shift 2 ;;
    --) shift; server_args=("$@"); break ;;
    -h | --help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 1 ;;
  esac
done

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for tool in wrk redis-cli curl; do
  command -v "$tool" >/dev/null ||
    { echo "$tool is missing: scripts/install-deps.sh --bench installs it" >&2; exit 1; }
done
[ -x "$binary" ] || { echo "not an executable: $binary" >&2; exit 1; }

port="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
out_dir="$(mktemp -d /tmp/respcache-wrk.XXXXXX)"
"$binary" --bind 127.0.0.1 --port "$port" "${server_args[@]}" >"$out_dir/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  redis-cli -p "$port" PING >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out_dir/server.log" >&2; exit 1; }
  sleep 0.1
done

# Load key:000000 ... with 256-byte values ("key:000000-" padded with 'v'), pipelined.
awk -v n="$keys" 'BEGIN {
  for (i = 0; i < n; i++) {
    k = sprintf("key:%06d", i); v = k "-"
    while (length(v) < 256) v = v "v"
    printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
  }
}' | redis-cli -p "$port" --pipe >"$out_dir/load.log"
loaded="$(redis-cli -p "$port" DBSIZE)"
[ "$loaded" = "$keys" ] || { echo "loaded $loaded keys, expected $keys" >&2; exit 1; }
check="$(curl -s "http://127.0.0.1:$port/get?key=key:000001")"
case "$check" in
  '{"status":"OK","key":"key:000001","value":"key:000001-v'*) ;;
  *) echo "GET over HTTP answered: $check" >&2; exit 1 ;;
esac

# Server CPU time (user + system, all threads) in clock ticks, from /proc/<pid>/stat.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
ticks_per_second="$(getconf CLK_TCK)"

# Latency percentile lines of wrk --latency ("     99%    1.23ms") -> "1.23ms".
percentile() { awk -v p="$1%" '$1 == p { print $2; exit }' "$2"; }

rows=()
for setting in $settings; do
  threads="${setting%%:*}"
  connections="${setting##*:}"
  for kind in get put; do
    log="$out_dir/${kind}_t${threads}_c${connections}.txt"
    command=(wrk "-t$threads" "-c$connections" "-d$duration" --latency
             -s "$bench_dir/wrk_$kind.lua" "http://127.0.0.1:$port")
    before="$(cpu_ticks)"
    WRK_KEYS="$keys" "${command[@]}" >"$log" 2>&1
    after="$(cpu_ticks)"
    rps="$(awk '/^Requests\/sec:/ { print $2 }' "$log")"
    total="$(awk '/requests in/ { print $1 }' "$log")"
    errors="$(awk '/^Socket errors:/ { print $0 }' "$log" | sed 's/^Socket errors: //')"
    bad="$(awk -F': ' '/^not (hits|200):/ { print $2 }' "$log")"
    non2xx="$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' "$log")"
    cpu_us="$(awk -v t="$((after - before))" -v hz="$ticks_per_second" -v n="$total" \
      'BEGIN { if (n > 0) printf "%.2f", t / hz * 1e6 / n; else print "-" }')"
    rows+=("| ${kind^^} | -t$threads -c$connections | ${rps%.*} \
| $(percentile 50 "$log") | $(percentile 90 "$log") | $(percentile 99 "$log") \
| $cpu_us | ${bad:-?} | ${non2xx:-0} | ${errors:-none} |")
    echo "done: ${command[*]}" >&2
  done
done

cat <<EOF
## HTTP/JSON API with wrk

- **Date:** $(date -u '+%Y-%m-%d %H:%M UTC')
- **Machine:** $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), \
$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r); \
load average $(cut -d' ' -f1-3 /proc/loadavg) at the end
- **respcache:** \`$("$binary" --version 2>/dev/null || echo respcache)\`, commit \
$(git -C "$bench_dir" rev-parse --short HEAD 2>/dev/null || echo unknown)\
$([ -n "$(git -C "$bench_dir" status --porcelain -- ../src ../include ../CMakeLists.txt 2>/dev/null)" ] \
  && echo ' **with uncommitted changes** in src/, include/ or CMakeLists.txt'), \
arguments: \`--bind 127.0.0.1 --port $port${server_args[*]:+ ${server_args[*]}}\`
- **wrk:** $(dpkg-query -W -f='${Version}' wrk 2>/dev/null || echo unknown), on the same \
machine as the server; $keys keys loaded with 256-byte values before the runs
- **Run:** \`bench/run_http_wrk.sh BINARY --duration $duration --settings "$settings" \
--keys $keys\`; each row is one \`wrk -tT -cC -d$duration --latency -s bench/wrk_<get|put>.lua\`
- **Columns:** latency percentiles from wrk \`--latency\`; server CPU is user + system time of \
the respcache process over the run divided by its requests; "not hit / not 200" is what the \
Lua script counted (GET: responses that were not hits; PUT: non-200 responses)

| request | wrk | requests/s | p50 | p90 | p99 | server CPU µs/request | not hit / not 200 | non-2xx | socket errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
EOF
printf '%s\n' "${rows[@]}"
echo
echo "wrk's output: $out_dir" >&2
