#!/usr/bin/python3
"""EVALSHA throughput and CPU per call, respcache beside redis-server: the two scripts a
cache most often runs for its users.
  * lock release (redis-py's Lock, redlock): `if GET(KEYS[1]) == ARGV[1] then DEL`;
  * fixed-window rate limiter (the common libraries' form): INCR, EXPIRE on the first hit,
    refuse past the limit.
Each script is loaded with SCRIPT LOAD, then redis-benchmark sends `EVALSHA sha 1 key arg`
over 50 connections at -P 1 and -P 16 (random keys among 10,000), rounds alternating the
servers; medians are reported. CPU is the server's user + system time per call.
Rewrites the "EVALSHA" section of bench/RESULTS.extra.md (and its copy in bench/RESULTS.md);
--no-write prints it only. About 2 minutes on 2 CPUs; run it on an idle machine.

  bench/script_bench.py --binary build/src/respcache
  bench/script_bench.py --requests 20000 --rounds 1 --no-write   # smoke run
"""
import argparse
import csv
import datetime
import io
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import report_sections  # noqa: E402
from compare_redis import Server, redis_argv  # noqa: E402

NAME = "bench/script_bench.py"
HEADING = r"EVALSHA: .*"
SCRIPTS = {
    "lock release": ("if redis.call('get', KEYS[1]) == ARGV[1] then "
                     "return redis.call('del', KEYS[1]) else return 0 end", "token"),
    "rate limiter": ("local n = redis.call('incr', KEYS[1]) "
                     "if n == 1 then redis.call('expire', KEYS[1], 60) end "
                     "if n > tonumber(ARGV[1]) then return 0 end return 1", "100"),
}
PIPELINES = (1, 16)


def sha_of(server, body):
    reply = server.command("SCRIPT", "LOAD", body)
    # "$40\r\n<sha>\r\n"
    return reply.split(b"\r\n")[1].decode()


def run_once(server, sha, arg, pipeline, requests):
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-c", "50",
            "-n", str(requests), "-r", "10000", "-P", str(pipeline), "--csv",
            "EVALSHA", sha, "1", "key:__rand_int__", arg]
    cpu0 = server.cpu_seconds()
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    cpu1 = server.cpu_seconds()
    row = list(csv.DictReader(io.StringIO(out)))[-1]
    return {"rps": float(row["rps"]), "p50": float(row["p50_latency_ms"]),
            "cpu_us": (cpu1 - cpu0) * 1e6 / requests, "argv": argv}


def measure(args, workdir):
    servers = {
        "respcache": Server("respcache", lambda port: [
            args.binary, "--bind", "127.0.0.1", "--port", str(port), "--maxmemory", "2gb",
            "--log-level", "warn"], workdir),
        "redis": Server("redis", redis_argv(workdir), workdir),
    }
    runs = {}
    try:
        shas = {(kind, name): sha_of(server, body)
                for kind, server in servers.items() for name, (body, _) in SCRIPTS.items()}
        for _ in range(args.rounds):
            for name, (_, arg) in SCRIPTS.items():
                for pipeline in PIPELINES:
                    for kind, server in servers.items():
                        r = run_once(server, shas[(kind, name)], arg, pipeline, args.requests)
                        runs.setdefault((name, pipeline, kind), []).append(r)
    finally:
        for server in servers.values():
            server.stop()
    return {key: {field: statistics.median(r[field] for r in rs)
                  for field in ("rps", "p50", "cpu_us")} | {"argv": rs[0]["argv"]}
            for key, rs in runs.items()}


def render(args, results, started, load_start):
    end = report_sections.markers(NAME)[1]
    versions = (report_sections.sh(f"{args.binary} --version") + ", " +
                report_sections.sh("redis-server --version").split(" sha=")[0])
    L = report_sections.preamble(
        NAME, "EVALSHA: a lock release and a rate limiter, side by side with Redis", started,
        load_start, f"{report_sections.code_line()}, Release build; {versions}")
    L += [f"redis-benchmark, 50 connections, {args.requests:,} calls per run, random keys among "
          f"10,000, medians of {args.rounds} alternating rounds. Lock release script: "
          f"`{SCRIPTS['lock release'][0]}`; rate limiter: `{SCRIPTS['rate limiter'][0]}`.", "",
          "| script | -P | respcache calls/s | Redis calls/s | ratio | respcache CPU µs/call "
          "| Redis CPU µs/call | ratio |",
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in SCRIPTS:
        for p in PIPELINES:
            rc, rd = results[(name, p, "respcache")], results[(name, p, "redis")]
            L.append(f"| {name} | {p} | {rc['rps']:,.0f} | {rd['rps']:,.0f} | "
                     f"{rc['rps'] / rd['rps']:.2f}× | {rc['cpu_us']:.2f} | {rd['cpu_us']:.2f} | "
                     f"{rc['cpu_us'] / rd['cpu_us']:.2f}× |")
    L += ["", "Scripts run one at a time, as on Redis (Cache::ScriptAccess's gate), each holding "
          "only its declared key's shard lock: the other event-loop thread parses, writes "
          "replies and serves plain commands on the other shards meanwhile.", end]
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(report_sections.ROOT, "build", "src",
                                                      "respcache"))
    ap.add_argument("--requests", type=int, default=200_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="print the section only")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    started = datetime.datetime.utcnow()
    load_start = report_sections.load_average()
    with tempfile.TemporaryDirectory(prefix="respcache-script-bench-") as workdir:
        results = measure(args, workdir)
    section = render(args, results, started, load_start)
    print(section)
    if not args.no_write:
        report_sections.splice(NAME, section, HEADING)


if __name__ == "__main__":
    main()
