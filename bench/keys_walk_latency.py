#!/usr/bin/python3
"""What `KEYS *` on a million keys does to everyone else: respcache and redis-server side by
side. Each server is loaded with N keys (12-byte names, 64-byte values); one client then sends
`KEYS *` and reads the whole reply while another sends GETs one at a time and times each.
Redis walks its keyspace in one go on its only thread, so every GET waits for the walk;
respcache walks shard by shard and serves GETs on its other thread and between shards.

Reported per server (medians over rounds): how long the walk took, how many GETs were answered
while it ran, their p99 and worst latency, and the worst GET latency with no walk running.
Rewrites the "KEYS * on a million keys" section of bench/RESULTS.extra.md (and its copy in
bench/RESULTS.md); --no-write prints it only. About 2 minutes on 2 CPUs.

  bench/keys_walk_latency.py --binary build/src/respcache
  bench/keys_walk_latency.py --keys 100000 --rounds 1 --no-write   # smoke run
"""
import argparse
import datetime
import os
import shlex
import socket
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import report_sections  # noqa: E402
from compare_redis import Server, pipeline_load, redis_argv, resp  # noqa: E402

NAME = "bench/keys_walk_latency.py"
HEADING = r"KEYS \* on a million keys.*"
VALUE = b"v" * 64


def key(i):
    return b"key:%08d" % i  # 12 bytes


def read_reply(sock, buf):
    """Reads one RESP2 reply (a bulk string, an array of bulk strings, or a line) and returns
    (element count, leftover bytes). Enough for GET and KEYS replies."""
    def need(n):
        nonlocal buf
        while len(buf) < n:
            chunk = sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("server closed")
            buf += chunk

    def line(pos):
        while True:
            end = buf.find(b"\r\n", pos)
            if end >= 0:
                return end
            need(len(buf) + 1)

    end = line(0)
    head = bytes(buf[:end])
    pos = end + 2
    if head[:1] == b"$":
        n = int(head[1:])
        if n >= 0:
            need(pos + n + 2)
            pos += n + 2
        return 1, buf[pos:]
    if head[:1] == b"*":
        count = int(head[1:])
        for _ in range(count):
            end = line(pos)
            n = int(buf[pos + 1:end])
            pos = end + 2
            need(pos + n + 2)
            pos += n + 2
        return count, buf[pos:]
    return 0, buf[pos:]


class GetProbe(threading.Thread):
    """Sends GET after GET on one connection and records (send time, latency) for each."""

    def __init__(self, port, keys):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.keys = keys
        self.samples = []
        self.stop = threading.Event()

    def run(self):
        buf = bytearray()
        i = 0
        while not self.stop.is_set():
            request = resp(b"GET", key((i * 7919) % self.keys))
            start = time.perf_counter()
            self.sock.sendall(request)
            _, buf = read_reply(self.sock, buf)
            self.samples.append((start, time.perf_counter() - start))
            i += 1
        self.sock.close()


def one_round(server, keys):
    probe = GetProbe(server.port, keys)
    probe.start()
    time.sleep(1.0)  # a second of GETs with no walk, for the baseline
    with socket.create_connection(("127.0.0.1", server.port)) as walker:
        walk_start = time.perf_counter()
        walker.sendall(resp(b"KEYS", b"*"))
        count, _ = read_reply(walker, bytearray())
        walk_end = time.perf_counter()
    time.sleep(0.5)
    probe.stop.set()
    probe.join()
    if count != keys:
        sys.exit(f"keys_walk_latency: KEYS * on {server.kind} returned {count} keys, "
                 f"expected {keys}")
    during = [lat for t, lat in probe.samples if walk_start <= t <= walk_end]
    # a GET sent just before the walk began and answered after it also waited for it
    during += [lat for t, lat in probe.samples if t < walk_start and t + lat > walk_start]
    before = [lat for t, lat in probe.samples if t + lat < walk_start]
    during.sort()
    return {
        "walk_s": walk_end - walk_start,
        "gets_during": len(during),
        "p99_ms": 1000 * during[int(0.99 * (len(during) - 1))] if during else float("nan"),
        "worst_ms": 1000 * max(during) if during else float("nan"),
        "baseline_worst_ms": 1000 * max(before) if before else float("nan"),
    }


def measure(kind, argv_for_port, workdir, args):
    server = Server(kind, argv_for_port, workdir)
    try:
        for start in range(0, args.keys, 100_000):
            n = min(100_000, args.keys - start)
            pipeline_load(server.port, lambda i, s=start: resp(b"SET", key(s + i), VALUE),
                          b"+OK\r\n", n)
        rounds = [one_round(server, args.keys) for _ in range(args.rounds)]
    finally:
        server.stop()
    return {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}


def render(args, results, started, load_start, versions):
    end = report_sections.markers(NAME)[1]
    L = report_sections.preamble(
        NAME, "KEYS * on a million keys: what the other clients see", started, load_start,
        f"{report_sections.code_line()}, Release build; {versions}")
    L += [
         f"{args.keys:,} keys of 12 bytes with 64-byte values. One client sends `KEYS *` and "
         "reads the whole reply; another sends one GET at a time throughout. Medians of "
         f"{args.rounds} rounds. \"During\" counts every GET that was waiting while the walk "
         "ran.", "",
         "| server | KEYS * until its reply was read, s | GETs answered during the walk | p99 GET during, ms "
         "| worst GET during, ms | worst GET without a walk, ms |",
         "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for kind, r in results.items():
        L.append(f"| {kind} | {r['walk_s']:.2f} | {r['gets_during']:,.0f} | {r['p99_ms']:.2f} "
                 f"| {r['worst_ms']:.2f} | {r['baseline_worst_ms']:.2f} |")
    L.append(end)
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(report_sections.ROOT, "build", "src",
                                                      "respcache"))
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="print the section only")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    started = datetime.datetime.utcnow()
    load_start = report_sections.load_average()
    results = {}
    with tempfile.TemporaryDirectory(prefix="respcache-keys-walk-") as workdir:
        results["respcache"] = measure(
            "respcache", lambda port: [args.binary, "--bind", "127.0.0.1", "--port", str(port),
                                       "--maxmemory", "2gb", "--log-level", "warn"],
            workdir, args)
        results["redis"] = measure("redis", redis_argv(workdir), workdir, args)
    versions = (report_sections.sh(f"{shlex.quote(args.binary)} --version") + ", " +
                report_sections.sh("redis-server --version").split(" sha=")[0])
    section = render(args, results, started, load_start, versions)
    print(section)
    if not args.no_write:
        report_sections.splice(NAME, section, HEADING)


if __name__ == "__main__":
    main()
