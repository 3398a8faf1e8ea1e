#!/usr/bin/python3
"""Side-by-side benchmark of respcache against Debian's redis-server (and memcached for memory).

Measures, on this machine, with both servers running side by side:
  * throughput and p50/p99 latency (redis-benchmark, 50 clients, 64-byte values, 100k keys) for
    SET, GET and PUT (Redis runs SET in place of PUT) at pipeline depths 1 and 16;
  * server CPU per request (utime+stime from /proc/<pid>/stat around each run);
  * memory per entry (1M 12-byte keys, 64-byte values; respcache, redis-server, memcached);
  * memory per idle connection (9,000 connections, one PING each).
Rounds alternate the servers and the tables report medians, because a 2-core machine is noisy;
a run disturbed by other processes is repeated. A sensitivity section adds respcache --threads 1
and a two-thread redis-benchmark at -P 1, and a missed target adds perf and strace profiles.
It rewrites bench/RESULTS.md and bench/results_throughput.png wholesale; bench/RESULTS.extra.md,
bench/RESULTS.memory_limit.md (bench/memory_limit.py) and bench/RESULTS.locust.md
(bench/run_locust.sh), if present, are appended under
"## Other measurements".

Run through bench/run_compare.sh (builds Release first). Stdlib and matplotlib only; use
/usr/bin/python3 so Debian's matplotlib is importable.
"""

import argparse
import csv
import datetime
import io
import json
import os
import re
import resource
import shutil
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
CLK_TCK = os.sysconf("SC_CLK_TCK")
PEERS = {  # executable -> Debian package that provides it
    "redis-server": "redis-server",
    "redis-benchmark": "redis-tools",
    "memcached": "memcached",
}

# Targets from the issue, as respcache / Redis ratios per pipeline depth, and absolute bounds.
THROUGHPUT_TARGETS = {1: 1.0, 16: 1.4}  # respcache req/s >= bound x Redis
CPU_TARGETS = {1: 1.0, 16: 0.6}  # respcache CPU us/request <= bound x Redis
MEMORY_PER_ENTRY_TARGET = 110.0  # bytes, RSS delta / entries
IDLE_CONNECTION_TARGET = 1024.0  # bytes, RSS delta / connections


def die(msg):
    print(f"compare_redis: {msg}", file=sys.stderr)
    sys.exit(1)


def check_dependencies():
    missing = [pkg for exe, pkg in PEERS.items() if shutil.which(exe) is None]
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        missing.append("python3-matplotlib")
    if missing:
        die("missing " + ", ".join(sorted(set(missing))) + ". Install them with:\n"
            "  apt-get install -y " + " ".join(sorted(set(missing))) + "\n"
            "and run this script with /usr/bin/python3 (Debian's Python sees python3-matplotlib).")


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def system_busy_seconds():
    """CPU time the whole machine was busy (every field of /proc/stat's cpu line but idle)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = v[:8]
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def wait_until_quiet(args, why):
    """Waits (at most --quiet-wait seconds) until the whole machine has been below --max-other %
    busy for 3 s; our servers are idle here, so anything busy is someone else's."""
    deadline, said = time.time() + args.quiet_wait, False
    while True:
        b0 = system_busy_seconds()
        time.sleep(3)
        busy = 100 * (system_busy_seconds() - b0) / 3
        if busy <= args.max_other or time.time() >= deadline:
            if said:
                print(f"  (machine {'quiet' if busy <= args.max_other else 'still busy'}: "
                      f"{busy:.0f} % CPU; going on)", flush=True)
            return
        if not said:
            print(f"  (machine busy, {busy:.0f} % CPU, before {why}; waiting up to "
                  f"{args.quiet_wait:g} s)", flush=True)
            said = True


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sh(cmd):
    """Output of a shell command, stripped; '' when it fails."""
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# Servers


class Server:
    """One server process on a free loopback port. `kind` is respcache, redis or memcached."""

    def __init__(self, kind, argv_for_port, workdir):
        self.kind = kind
        self.port = free_port()
        self.argv = argv_for_port(self.port)
        self.log_path = os.path.join(workdir, f"{kind}-{self.port}.log")
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                         cwd=workdir)
        self.pid = self.proc.pid
        self._wait_ready()

    def _wait_ready(self):
        probe = b"version\r\n" if self.kind == "memcached" else b"*1\r\n$4\r\nPING\r\n"
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                die(f"{self.kind} exited at start (rc {self.proc.returncode}):\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(probe)
                    if s.recv(64):
                        return
            except OSError:
                time.sleep(0.05)
        die(f"{self.kind} did not answer on port {self.port}:\n{self.log_tail()}")

    def log_tail(self):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-20:])

    def rss_bytes(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self):
        """utime + stime of every thread of the process, in seconds (fields 14 and 15)."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def command(self, *args):
        """One RESP command on a fresh connection; returns the raw reply bytes (small replies)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(resp(*args))
            data = b""
            while True:
                chunk = s.recv(1 << 16)
                if not chunk:
                    return data
                data += chunk
                head, sep, _ = data.partition(b"\r\n")
                if sep and not head.startswith(b"$"):
                    return data
                if sep and len(data) >= len(head) + 2 + max(0, int(head[1:])) + 2:
                    return data

    def info(self):
        text = self.command("INFO").decode(errors="replace")
        lines = text.splitlines()[1:]  # the first is the bulk-string header
        return dict(line.split(":", 1) for line in lines if ":" in line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def respcache_argv(binary, args, threads=None):
    """respcache's command line for a port; threads None means --threads as given (or not)."""
    threads = args.threads if threads is None else threads

    def argv(port):
        a = [binary, "--bind", "127.0.0.1", "--port", str(port), "--maxmemory", "2gb",
             "--log-level", "warn"]
        return a + (["--threads", str(threads)] if threads else []) + args.respcache_args
    return argv


def redis_argv(workdir):
    return lambda port: ["redis-server", "--save", "", "--appendonly", "no", "--port", str(port),
                         "--bind", "127.0.0.1", "--protected-mode", "no", "--databases", "1",
                         "--dir", workdir]


def memcached_argv(port):
    user = ["-u", "root"] if os.geteuid() == 0 else []
    return ["memcached", "-l", "127.0.0.1", "-p", str(port), "-U", "0", "-m", "4096"] + user


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def pipeline_load(port, make_request, reply, count, batch=2000):
    """Sends `count` requests in pipelined batches and checks every reply equals `reply`."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        for start in range(0, count, batch):
            n = min(batch, count - start)
            s.sendall(b"".join(make_request(i) for i in range(start, start + n)))
            want = len(reply) * n
            got = bytearray()
            while len(got) < want:
                chunk = s.recv(max(65536, want - len(got)))
                if not chunk:
                    die(f"connection closed while loading (port {port})")
                got += chunk
            if bytes(got) != reply * n:
                die(f"unexpected reply while loading on port {port}: {bytes(got[:80])!r}")


# ---------------------------------------------------------------------------------------------
# Throughput, latency and CPU per request


class Bench:
    def __init__(self, args):
        self.a = args
        self.value = b"x" * args.value_size
        self.commands = {}  # (test, pipeline, client processes, kind) -> redis-benchmark argv

    def argv(self, server, test, pipeline, n, clients=None):
        a = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-c",
             str(clients or self.a.clients), "-n", str(n), "-r", str(self.a.keyspace), "-d",
             str(self.a.value_size), "-P", str(pipeline), "--csv"]
        if test in ("SET", "GET"):
            return a + ["-t", test.lower()]
        # PUT: respcache gets PUT; Redis has no PUT, so it runs the same custom form with SET.
        verb = "PUT" if server.kind.startswith("respcache") else "SET"
        return a + [verb, "key:__rand_int__", self.value.decode()]

    def run(self, server, case, n):
        """One measured run. With k client processes, each gets clients/k connections and n/k
        requests; req/s is all requests over the slowest process's time (conservative), p50
        the median and p99 the highest of the processes' own figures."""
        test, pipeline, procs = case
        per = n // procs
        n = per * procs
        argv = self.argv(server, test, pipeline, per, self.a.clients // procs)
        self.commands[case + (server.kind,)] = argv
        info0 = server.info() if test == "GET" else None
        cpu0, kids0, t0 = server.cpu_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN), \
            time.time()
        busy0 = system_busy_seconds()
        ps = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(procs)]
        outs = [p.communicate() + (p.returncode,) for p in ps]
        wall = time.time() - t0
        busy1 = system_busy_seconds()
        cpu1, kids1 = server.cpu_seconds(), resource.getrusage(resource.RUSAGE_CHILDREN)
        client = kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime
        rows = []
        for out, err, rc in outs:
            if rc != 0 or "rps" not in out:
                die(f"redis-benchmark failed on {server.kind} ({' '.join(argv[:14])} ...):\n"
                    f"{out[-500:]}{err[-500:]}")
            rows.append(list(csv.DictReader(io.StringIO(out)))[-1])
        seconds = max(per / float(row["rps"]) for row in rows)
        r = {"server": server.kind, "test": test, "pipeline": pipeline, "n": n, "wall_s": wall,
             "client_procs": procs, "rps": n / seconds,
             "p50": statistics.median(float(row["p50_latency_ms"]) for row in rows),
             "p99": max(float(row["p99_latency_ms"]) for row in rows),
             "cpu_us": (cpu1 - cpu0) * 1e6 / n, "server_cpu_pct": 100 * (cpu1 - cpu0) / wall,
             "client_cpu_pct": 100 * client / wall,
             "other_cpu_pct": max(0.0, 100 * (busy1 - busy0 - (cpu1 - cpu0) - client) / wall)}
        if info0 is not None:
            info1 = server.info()
            hits = int(info1["keyspace_hits"]) - int(info0["keyspace_hits"])
            misses = int(info1["keyspace_misses"]) - int(info0["keyspace_misses"])
            r["hit_ratio"] = hits / max(1, hits + misses)
        return r

    def preload(self, server):
        value = b"p" * self.a.value_size
        pipeline_load(server.port, lambda i: resp("SET", b"key:%012d" % i, value), b"+OK\r\n",
                      self.a.keyspace)
        size = int(server.command("DBSIZE")[1:].strip())
        if size < self.a.keyspace:
            die(f"{server.kind} holds {size} keys after preloading {self.a.keyspace}")

    def calibrate(self, servers, cases):
        """A warm-up run per case and server; returns n per case for ~`seconds` per run."""
        sizes = {}
        for case in cases:
            pipeline = case[1]
            probe = min(25000 * pipeline, 400000) if not self.a.quick else 5000 * pipeline
            rates = [self.run(s, case, probe)["rps"] for s in servers]
            n = int(self.a.seconds * statistics.mean(rates))
            sizes[case] = max(10000, round(n, -4))
            print(f"  calibrate {case_label(case)}: " +
                  ", ".join(f"{s.kind} {r:,.0f} req/s" for s, r in zip(servers, rates)) +
                  f" -> -n {sizes[case]}", flush=True)
        return sizes


def case_label(case):
    test, pipeline, procs = case
    return f"{test} -P {pipeline}" + (f" ({procs} client processes)" if procs > 1 else "")


def throughput_rounds(args, binary, workdir):
    """All servers up at once; every case on every server once per round, in alternating order.
    Main cases use one redis-benchmark process; sensitivity cases split the same clients over
    two processes at -P 1, and a respcache with one event loop runs everything as well."""
    bench = Bench(args)
    cases = [(t, p, 1) for p in args.pipelines for t in args.tests]
    if args.sensitivity:
        cases += [(t, 1, 2) for t in args.tests]
    servers = [Server("respcache", respcache_argv(binary, args), workdir),
               Server("redis", redis_argv(workdir), workdir)]
    try:
        if args.sensitivity:
            servers.append(Server("respcache-1t", respcache_argv(binary, args, 1), workdir))
        for s in servers:
            bench.preload(s)
        print(f"preloaded {args.keyspace} keys on every server", flush=True)
        sizes = bench.calibrate(servers, cases)
        runs = []
        for rnd in range(args.rounds):
            wait_until_quiet(args, f"round {rnd + 1}")
            # Forward in odd rounds, backward in even ones: drift cancels out within two rounds.
            order = servers if rnd % 2 == 0 else servers[::-1]
            for case in cases:
                for s in order:
                    r = run_quietly(args, bench, s, case, sizes[case])
                    r["round"] = rnd + 1
                    runs.append(r)
                    print(f"  round {rnd + 1} {case_label(case):32} {s.kind:12} "
                          f"{r['rps']:>11,.0f} req/s  p50 {r['p50']:.3f} p99 {r['p99']:.3f} ms  "
                          f"cpu {r['cpu_us']:.2f} us/req  other {r['other_cpu_pct']:.0f}%  "
                          f"({r['wall_s']:.1f} s)", flush=True)
        profile = None
        if args.profile != "never":
            profile = lambda: profile_servers(args, servers[:2], bench, sizes, workdir)  # noqa
        return runs, cases, bench.commands, profile, servers
    except BaseException:
        for s in servers:
            s.stop()
        raise


def run_quietly(args, bench, server, case, n):
    """One run, repeated (up to --retries times, and --retry-budget times in all) while other
    processes took more than --max-other % CPU during it: on a shared 2-CPU machine a compile
    next door skews a run."""
    for attempt in range(args.retries + 1):
        r = bench.run(server, case, n)
        r["retries"] = attempt
        if r["other_cpu_pct"] <= args.max_other or args.retry_budget <= 0:
            break
        args.retry_budget -= 1
        print(f"  (other processes used {r['other_cpu_pct']:.0f} % CPU during "
              f"{case_label(case)} on {server.kind}; running it again)", flush=True)
        wait_until_quiet(args, "the repeat")
    return r


def summarise(runs, cases):
    """Median (and range) of every metric per (test, pipeline, client processes, server)."""
    out = {}
    for case in cases:
        for kind in sorted({r["server"] for r in runs}):
            rs = [r for r in runs
                  if (r["test"], r["pipeline"], r["client_procs"], r["server"]) == case + (kind,)]
            med = {k: statistics.median(r[k] for r in rs)
                   for k in ("rps", "p50", "p99", "cpu_us", "client_cpu_pct", "server_cpu_pct",
                             "other_cpu_pct", "wall_s")}
            med["rps_min"], med["rps_max"] = min(r["rps"] for r in rs), max(r["rps"] for r in rs)
            med["cpu_min"], med["cpu_max"] = (min(r["cpu_us"] for r in rs),
                                              max(r["cpu_us"] for r in rs))
            if case[0] == "GET":
                med["hit_ratio"] = min(r["hit_ratio"] for r in rs)
            out[case + (kind,)] = med
    return out


# ---------------------------------------------------------------------------------------------
# Profile (only when a throughput or CPU target is missed, or with --profile always)


def profile_servers(args, servers, bench, sizes, workdir):
    """Per pipeline depth, under SET then GET: perf's flat profile of each running server, and
    strace's syscall counts per request. Returns None when perf records nothing."""
    results = []
    for p in args.pipelines:
        n = max(10000, sizes.get(("SET", p, 1), 100000) // 2)
        entry = {"pipeline": p, "perf": {}, "dsos": {}, "syscalls": {}}
        for server in servers:
            data = os.path.join(workdir, f"perf-{server.kind}-P{p}.data")
            argv = set_get_argv(bench, server, p, n)
            if not record_while(["perf", "record", "-e", "cpu-clock", "-F", "999", "-g", "-p",
                                 str(server.pid), "-o", data], argv):
                return None
            entry["perf"][server.kind] = perf_rows(data, "dso,sym")[:args.profile_top]
            entry["dsos"][server.kind] = perf_rows(data, "dso")
            if not entry["perf"][server.kind]:
                return None
            argv[argv.index("-p") + 1] = "PORT"
            entry["command"] = fmt_cmd(argv)
            if shutil.which("strace"):
                entry["syscalls"][server.kind] = strace_counts(server, bench, p, workdir)
        results.append(entry)
    return results


def set_get_argv(bench, server, pipeline, n):
    argv = bench.argv(server, "SET", pipeline, n)
    argv[argv.index("-t") + 1] = "set,get"
    return argv


def record_while(recorder, load):
    """Runs `recorder` (perf or strace, attached to a pid) while `load` runs; SIGINT ends it."""
    rec = subprocess.Popen(recorder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    subprocess.run(load, capture_output=True)
    rec.send_signal(signal.SIGINT)
    try:
        rec.wait(60)
        return True
    except subprocess.TimeoutExpired:
        rec.kill()
        rec.wait()
        return False


def strace_counts(server, bench, pipeline, workdir):
    """Syscalls per request (all threads) during a short SET+GET run: {name: calls/request}."""
    n = 10000 * pipeline
    out = os.path.join(workdir, f"strace-{server.kind}-P{pipeline}.txt")
    record_while(["strace", "-c", "-f", "-p", str(server.pid), "-o", out],
                 set_get_argv(bench, server, pipeline, n))
    counts = {}
    with open(out) as f:
        for line in f:
            parts = line.split()
            if len(parts) in (5, 6) and re.match(r"^[\d.]+$", parts[0]) and parts[-1] != "total":
                counts[parts[-1]] = int(parts[3]) / (2 * n)
    return counts


def dso_name(dso):
    # Debian installs redis-server as a link to redis-check-rdb, the name perf sees.
    return {"redis-check-rdb": "redis-server", "[kernel.kallsyms]": "kernel"}.get(dso, dso)


def perf_rows(data, sort):
    p = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none",
                        "--sort", sort, "--percent-limit", "0.3"], capture_output=True, text=True)
    rows = []
    for line in p.stdout.splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+(.+?)\s*$", line)
        if not m:
            continue
        rest = m.group(2)
        if sort == "dso":
            rows.append((float(m.group(1)), dso_name(rest), ""))
            continue
        m2 = re.match(r"^(.*?)\s+\[(.)\]\s+(.*)$", rest)
        if m2:
            rows.append((float(m.group(1)), dso_name(m2.group(1).strip()), m2.group(3).strip()))
    return rows


def callgrind_profile(args, binary, bench, workdir):
    """Fallback when perf records nothing: callgrind on a separate, short respcache run."""
    if shutil.which("valgrind") is None:
        return None
    results = []
    for p in args.pipelines:
        out = os.path.join(workdir, f"callgrind-P{p}.out")
        port = free_port()
        vg = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] +
                              respcache_argv(binary, args)(port),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(5)
        fake = type("Peer", (), {"port": port, "kind": "respcache"})()
        argv = set_get_argv(bench, fake, p, 2000 * p)
        subprocess.run(argv, capture_output=True, timeout=300)
        vg.terminate()
        vg.wait(120)
        rows = []
        for line in sh(f"callgrind_annotate --inclusive=no {out} 2>/dev/null").splitlines():
            m = re.match(r"^\s*[\d,]+\s+\(\s*([\d.]+)%\)\s+(.*?)(?:\s+\[(.*)\])?$", line)
            if m and "PROGRAM TOTALS" not in line:
                rows.append((float(m.group(1)), os.path.basename(m.group(3) or ""), m.group(2)))
        argv[argv.index("-p") + 1] = "PORT"
        results.append({"pipeline": p, "perf": {"respcache": rows[:args.profile_top]},
                        "dsos": {}, "syscalls": {}, "command": fmt_cmd(argv),
                        "tool": "valgrind --tool=callgrind (instructions, user space only)"})
    return results


# ---------------------------------------------------------------------------------------------
# Memory per entry and per idle connection


def memory_per_entry(args, binary, workdir):
    value = lambda i: (b"v%08d" % i).ljust(args.value_size, b"x")  # noqa: E731
    key = lambda i: b"key:%08d" % i  # noqa: E731, 12 bytes
    out = []
    for kind, argv in (("respcache", respcache_argv(binary, args)),
                       ("redis", redis_argv(workdir)), ("memcached", memcached_argv)):
        s = Server(kind, argv, workdir)
        try:
            time.sleep(0.5)
            rss0 = s.rss_bytes()
            used0 = int(s.info()["used_memory"]) if kind != "memcached" else None
            t0 = time.time()
            if kind == "memcached":
                pipeline_load(s.port, lambda i: b"set %s 0 0 %d\r\n%s\r\n" % (
                    key(i), args.value_size, value(i)), b"STORED\r\n", args.entries)
            else:
                pipeline_load(s.port, lambda i: resp("SET", key(i), value(i)), b"+OK\r\n",
                              args.entries)
            load_s = time.time() - t0
            time.sleep(1)
            rss1 = s.rss_bytes()
            r = {"server": kind, "rss0": rss0, "rss1": rss1, "load_s": load_s,
                 "per_entry": (rss1 - rss0) / args.entries}
            if kind == "memcached":
                r["count"] = memcached_items(s.port)
            else:
                info = s.info()
                r["count"] = int(s.command("DBSIZE")[1:].strip())
                r["used1"] = int(info["used_memory"])
                r["used_per_entry"] = r["used1"] / args.entries
                r["used_delta_per_entry"] = (r["used1"] - used0) / args.entries
            if r["count"] != args.entries:
                die(f"{kind} holds {r['count']} entries after loading {args.entries}")
            out.append(r)
            print(f"  {kind:9} {r['per_entry']:.1f} B/entry (RSS {rss0 / 1e6:.1f} -> "
                  f"{rss1 / 1e6:.1f} MB, load {load_s:.1f} s)", flush=True)
        finally:
            s.stop()
    return out


def memory_only(args):
    """--memory-only: the memory-per-entry row for all three servers, printed, nothing written."""
    with tempfile.TemporaryDirectory(prefix="respcache-bench-") as workdir:
        binary = os.path.join(workdir, "respcache")
        shutil.copy2(args.binary, binary)
        memory = memory_per_entry(args, binary, workdir)
    print(f"\n{args.entries} entries, {len(b'key:00000000')}-byte keys, {args.value_size}-byte values")
    print("| server | RSS before MB | RSS after MB | RSS delta / entries B | "
          "INFO used_memory / entries B |")
    print("|---|---:|---:|---:|---:|")
    for r in memory:
        used = f"{r['used_per_entry']:.1f}" if "used_per_entry" in r else "n/a"
        print(f"| {r['server']} | {r['rss0'] / 1e6:.1f} | {r['rss1'] / 1e6:.1f} | "
              f"{r['per_entry']:.1f} | {used} |")


def memcached_items(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"stats\r\n")
        data = b""
        while not data.endswith(b"END\r\n"):
            data += s.recv(65536)
    m = re.search(rb"STAT curr_items (\d+)", data)
    return int(m.group(1)) if m else -1


def idle_connections(args, binary, workdir):
    out = []
    for kind, argv in (("respcache", respcache_argv(binary, args)),
                       ("redis", redis_argv(workdir))):
        s = Server(kind, argv, workdir)
        conns = []
        try:
            time.sleep(0.5)
            rss0 = s.rss_bytes()
            for _ in range(args.idle_conns):
                c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
                c.sendall(b"*1\r\n$4\r\nPING\r\n")
                if c.recv(16) != b"+PONG\r\n":
                    die(f"{kind}: no PONG on connection {len(conns)}")
                conns.append(c)
            time.sleep(1)
            rss1 = s.rss_bytes()
            clients = int(s.info()["connected_clients"]) - 1
            if clients < args.idle_conns:
                die(f"{kind} reports {clients} clients, expected {args.idle_conns}")
            r = {"server": kind, "rss0": rss0, "rss1": rss1, "clients": clients,
                 "per_conn": (rss1 - rss0) / args.idle_conns}
            out.append(r)
            print(f"  {kind:9} {r['per_conn']:.0f} B/connection (RSS {rss0 / 1e6:.1f} -> "
                  f"{rss1 / 1e6:.1f} MB)", flush=True)
        finally:
            for c in conns:
                c.close()
            s.stop()
    return out


# ---------------------------------------------------------------------------------------------
# Report


def chart(summary, cases, path, args):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    styles = {"respcache": ("#1f77b4", "respcache"),
              "respcache-1t": ("#9ecae1", "respcache --threads 1"),
              "redis": ("#d62728", "redis-server (SET for PUT)")}
    kinds = [k for k in styles if cases[0] + (k,) in summary]
    labels = [f"{t}\n-P {p}" + (f"\n{ct} bench procs" if ct > 1 else "") for t, p, ct in cases]
    fig, axes = plt.subplots(1, 2, figsize=(16, 5.5))
    panels = (("rps", "rps_min", "rps_max", "requests per second (median)", 1e3, "k req/s"),
              ("cpu_us", "cpu_min", "cpu_max", "server CPU per request (median)", 1, "µs"))
    for ax, (k, lo, hi, title, scale, unit) in zip(axes, panels):
        width = 0.8 / len(kinds)
        for j, kind in enumerate(kinds):
            xs = [i + (j - (len(kinds) - 1) / 2) * width for i in range(len(cases))]
            cell = [summary[c + (kind,)] for c in cases]
            med = [c[k] / scale for c in cell]
            err = [[(c[k] - c[lo]) / scale for c in cell], [(c[hi] - c[k]) / scale for c in cell]]
            ax.bar(xs, med, width, yerr=err, capsize=2, label=styles[kind][1],
                   color=styles[kind][0])
            for x, m, top in zip(xs, med, err[1]):
                text = f"{m:.0f}" if m >= 100 else f"{m:.3g}"
                ax.annotate(text, (x, m + top), textcoords="offset points", xytext=(0, 2),
                            ha="center", va="bottom", fontsize=6)
        ratios = [summary[c + ("respcache",)][k] / summary[c + ("redis",)][k] for c in cases]
        ax.set_yscale("log")
        ax.set_ylim(bottom=min(summary[c + (kind,)][lo] for c in cases for kind in kinds)
                    / scale / 3)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xticks(range(len(cases)))
        ax.set_xticklabels([f"{lab}\n{r:.2f}×" for lab, r in zip(labels, ratios)], fontsize=8)
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"respcache vs redis-server: {args.clients} clients, {args.value_size}-byte "
                 f"values, {args.keyspace} keys, {args.rounds} rounds (bars: median, whiskers: "
                 "min-max, log scale; \"2 bench procs\": two redis-benchmark processes; "
                 "last line of each label: respcache / Redis)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def mark(ok):
    return "**met**" if ok else "**missed**"


def machine():
    return {"nproc": sh("nproc"), "model": sh("lscpu | sed -n 's/^Model name: *//p'"),
            "kernel": sh("uname -r"), "mem": sh("free -g | awk '/^Mem:/{print $2}'") + " GiB",
            "os": sh(". /etc/os-release && echo $PRETTY_NAME"),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def io_model(binary, args):
    """The --io-model respcache ran with: the one passed, else its default ('' if it has none)."""
    if "--io-model" in args.respcache_args:
        return args.respcache_args[args.respcache_args.index("--io-model") + 1]
    m = re.search(r"--io-model \S*=([\w-]+)", sh(f"{binary} --help"))
    return f"{m.group(1)} (its default)" if m else ""


def versions(binary, args):
    commit = sh(f"git -C {ROOT} rev-parse --short HEAD")
    dirty = sh(f"git -C {ROOT} status --porcelain -- src include CMakeLists.txt")
    return {"respcache": sh(f"{binary} --version"), "redis": sh("redis-server --version"),
            "io_model": io_model(binary, args),
            "benchmark": sh("redis-benchmark --version"), "memcached": sh("memcached -V"),
            "commit": commit + (" with uncommitted changes in src/ or include/" if dirty else "")}


def fmt_cmd(argv):
    return " ".join(shlex.quote(a) for a in argv)


def render(args, ctx):
    s, mach, ver = ctx["summary"], ctx["machine"], ctx["versions"]
    L = []
    w = L.append
    w("# respcache vs Redis: side-by-side benchmark\n")
    w("Generated by `bench/run_compare.sh` (which runs `bench/compare_redis.py`); this file is "
      "rewritten on every run, so edit the script, not the file. Figures below were measured on "
      "the machine named here, with both servers on the same host as the load generator.\n")
    w(f"- **Date:** {ctx['date']}")
    w(f"- **Machine:** {mach['nproc']} CPUs ({mach['model']}), {mach['mem']} RAM, kernel "
      f"{mach['kernel']}, {mach['os']}; load average {ctx['load_start']} at start, "
      f"{mach['load']} at the end (1/5/15 min)")
    w(f"- **respcache:** `{ver['respcache']}`, commit {ver['commit']}, Release build" +
      (f", `--io-model` {ver['io_model']}" if ver["io_model"] else "") +
      (f", extra flags `{fmt_cmd(args.respcache_args)}`" if args.respcache_args else ""))
    w(f"- **Redis:** `{ver['redis']}`; `{ver['benchmark']}`")
    w(f"- **memcached:** `{ver['memcached']}`")
    w(f"- **Run:** `{ctx['invocation']}` ({args.rounds} rounds, ~{args.seconds:g} s per "
      f"redis-benchmark run, total {ctx['elapsed'] / 60:.1f} min)\n")

    noisy = [r for r in ctx["runs"] if r["other_cpu_pct"] > args.max_other]
    if noisy:
        w(f"> **Warning:** {len(noisy)} of {len(ctx['runs'])} runs were kept although other "
          f"processes used more than {args.max_other:g} % CPU during them (up to "
          f"{max(r['other_cpu_pct'] for r in noisy):.0f} %); the machine was busy, so treat the "
          "throughput and CPU figures with care and re-run on a quiet machine.\n")
    w("## Targets\n")
    w("| target | measured (respcache / redis) | result |")
    w("| --- | --- | --- |")
    for rowtxt, ok in ctx["targets"]:
        w(f"| {rowtxt[0]} | {rowtxt[1]} | {mark(ok)} |")
    w("")
    for note in target_notes(args, s, ctx["cases"]):
        w(f"- {note}")
    w("")

    w("## Method\n")
    w("- The servers run at once on free loopback ports, unpinned; respcache with its default "
      "thread count (one event loop per CPU available, here "
      f"{ctx['rc_threads']}), Redis single-threaded as shipped. redis-benchmark (one client "
      "thread) shares the same CPUs, so a server that uses less CPU leaves more for the client."
      + (" A third server, respcache `--threads 1`, runs every case too (see Sensitivity)."
         if args.sensitivity else ""))
    w(f"- Every case is run once per server per round; the order of the servers reverses each "
      f"round (respcache first in odd rounds, last in even ones). Tables give the "
      f"**median** of {args.rounds} rounds; ratios are respcache / Redis of the medians. "
      f"A warm-up run per case and server sets `-n` so that a run lasts ~{args.seconds:g} s.")
    w(f"- Before the rounds, all {args.keyspace:,} keys (`key:000000000000` …) are loaded on "
      "every server with 64-byte values, so every GET hits (the GET rows give the measured "
      "hit ratio). PUT on Redis is measured as SET in exactly the same custom-command form.")
    w("- Server CPU per request: utime + stime of the server process (all threads, fields 14 "
      f"and 15 of `/proc/<pid>/stat`, {CLK_TCK} ticks/s) across the run, divided by `-n`.")
    w("- Latency p50/p99 come from redis-benchmark's `--csv` output (milliseconds, whole run).\n")
    w("Server start commands:\n")
    w("```")
    for argv in ctx["server_argv"].values():
        w(fmt_cmd(argv))
    w(fmt_cmd(memcached_argv(11211)) + "   # memory-per-entry row only")
    w("```\n")
    w("redis-benchmark commands (PORT is the server's port):\n")
    w("```")
    for case in ctx["cases"]:
        for kind in ctx["server_argv"]:
            a = list(ctx["commands"][case + (kind,)])
            a[a.index("-p") + 1] = "PORT"
            twice = f", {case[2]} of these at once" if case[2] > 1 else ""
            w(f"# {case_label(case)} on {kind}{twice}\n{fmt_cmd(a)}")
    w("```\n")

    w("## Throughput and latency\n")
    w("| test | -P | respcache req/s | Redis req/s | ratio | respcache p50 / p99 ms | "
      "Redis p50 / p99 ms | client CPU % (rc / redis) |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for p in args.pipelines:
        for t in args.tests:
            a, b = s[(t, p, 1, "respcache")], s[(t, p, 1, "redis")]
            w(f"| {t}{' (Redis: SET)' if t == 'PUT' else ''} | {p} | {a['rps']:,.0f} | "
              f"{b['rps']:,.0f} | {a['rps'] / b['rps']:.2f}× | {a['p50']:.3f} / {a['p99']:.3f} | "
              f"{b['p50']:.3f} / {b['p99']:.3f} | {a['client_cpu_pct']:.0f} / "
              f"{b['client_cpu_pct']:.0f} |")
    hits = [f"-P {p}: respcache {s[('GET', p, 1, 'respcache')]['hit_ratio']:.4f}, Redis "
            f"{s[('GET', p, 1, 'redis')]['hit_ratio']:.4f}" for p in args.pipelines
            if "GET" in args.tests]
    if hits:
        w(f"\nGET hit ratio (lowest of all rounds, from INFO keyspace_hits/misses): "
          f"{'; '.join(hits)}.")
    w("\nClient CPU % is redis-benchmark's own CPU time over the run's wall time; near 100 % "
      "means the single-threaded load generator, not the server, sets the pace.\n")
    w("![throughput and CPU per request](results_throughput.png)\n")

    w("## Server CPU per request\n")
    w("| test | -P | respcache µs/req | Redis µs/req | ratio | respcache CPU % | Redis CPU % | "
      "other processes CPU % (rc / redis runs) |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for p in args.pipelines:
        for t in args.tests:
            a, b = s[(t, p, 1, "respcache")], s[(t, p, 1, "redis")]
            w(f"| {t} | {p} | {a['cpu_us']:.2f} | {b['cpu_us']:.2f} | "
              f"{a['cpu_us'] / b['cpu_us']:.2f}× | {a['server_cpu_pct']:.0f} | "
              f"{b['server_cpu_pct']:.0f} | {a['other_cpu_pct']:.0f} / {b['other_cpu_pct']:.0f} |")
    w("\nCPU % is CPU time over wall time (200 % = both CPUs). \"Other processes\" is the "
      "machine's busy time (`/proc/stat`, interrupts included) minus the server's and "
      "redis-benchmark's: anything else that ran during the run, plus interrupt work the "
      "kernel did not charge to either. Large values mean a busy machine: each round waits "
      f"(up to {args.quiet_wait:g} s) for the machine to fall below {args.max_other:g} %, and a "
      f"run above it is repeated up to {args.retries} times and the last attempt kept "
      f"({sum(r['retries'] for r in ctx['runs'])} repeats in this report; the highest value "
      f"kept is {max(r['other_cpu_pct'] for r in ctx['runs']):.0f} %).\n")

    if args.sensitivity:
        render_sensitivity(w, s, ctx["cases"])
    w("## Memory per entry\n")
    w(f"{args.entries:,} entries, 12-byte keys (`key:%08d`), {args.value_size}-byte values, "
      "loaded over one connection with pipelined SET (memcached: `set key 0 0 64`), each server "
      "fresh. Per entry = (VmRSS after − VmRSS before) / entries, read 1 s after loading.\n")
    w("| server | RSS before MB | RSS after MB | **B/entry (RSS delta)** | RSS after / entries B "
      "| INFO used_memory / entries B | vs Redis |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    mem = {r["server"]: r for r in ctx["memory"]}
    for r in ctx["memory"]:
        used = (f"{r['used_per_entry']:.1f} (delta {r['used_delta_per_entry']:.1f})"
                if "used1" in r else "n/a")
        w(f"| {r['server']} | {r['rss0'] / 1e6:.1f} | {r['rss1'] / 1e6:.1f} | "
          f"**{r['per_entry']:.1f}** | {r['rss1'] / args.entries:.1f} | {used} | "
          f"{r['per_entry'] / mem['redis']['per_entry']:.2f}× |")
    w("\n\"RSS after / entries\" charges the whole process (start-up memory included) to the "
      "entries: an upper bound that does not depend on what a server allocates at start.\n")

    w("## Memory per idle connection\n")
    w(f"{args.idle_conns:,} TCP connections from one client process, one PING each (answered), "
      "then 1 s idle. Per connection = VmRSS delta / connections (user-space memory only; "
      "kernel socket buffers are not in RSS).\n")
    w("| server | RSS before MB | RSS after MB | connected_clients | **B/connection** | "
      "vs Redis |")
    w("| --- | ---: | ---: | ---: | ---: | ---: |")
    idle = {r["server"]: r for r in ctx["idle"]}
    for r in ctx["idle"]:
        w(f"| {r['server']} | {r['rss0'] / 1e6:.1f} | {r['rss1'] / 1e6:.1f} | {r['clients']} | "
          f"**{r['per_conn']:.0f}** | {r['per_conn'] / idle['redis']['per_conn']:.2f}× |")
    w("")

    if ctx.get("profile"):
        render_profile(w, ctx["profile"])
    elif ctx.get("profile_note"):
        w("## Where the time goes\n")
        w(ctx["profile_note"] + "\n")

    w("## All runs\n")
    w("<details><summary>every redis-benchmark run (round, server, req/s, p50, p99, "
      "CPU µs/req, other processes' CPU %, seconds)</summary>\n")
    w("| round | case | server | -n | req/s | p50 ms | p99 ms | CPU µs/req | other % | s |")
    w("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in ctx["runs"]:
        case = (r["test"], r["pipeline"], r["client_procs"])
        w(f"| {r['round']} | {case_label(case)} | {r['server']} | {r['n']} | "
          f"{r['rps']:,.0f} | {r['p50']:.3f} | {r['p99']:.3f} | {r['cpu_us']:.2f} | "
          f"{r['other_cpu_pct']:.0f} | {r['wall_s']:.1f} |")
    w("\n</details>\n")

    # Sections other scripts write (run_micro.sh's results, bench/memory_limit.py's own file).
    extras = [os.path.join(BENCH_DIR, name)
              for name in ("RESULTS.extra.md", "RESULTS.memory_limit.md",
                           "RESULTS.locust.md")]
    extras = [path for path in extras if os.path.exists(path)]
    if extras:
        w("## Other measurements\n")
    for path in extras:
        with open(path) as f:
            w(demote_headings(f.read()).rstrip() + "\n")
    return "\n".join(L)


def write_summary_json(path, ctx):
    """The figures other scripts build on, keyed "TEST|PIPELINE|CLIENT_PROCS|SERVER"."""
    out = {k: ctx[k] for k in ("machine", "versions", "load_start", "date", "invocation")}
    out["summary"] = {"|".join(str(x) for x in key): value
                      for key, value in ctx["summary"].items()}
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


def demote_headings(text):
    """Moves every Markdown heading down one level (outside code fences), so an appended file
    nests under "## Other measurements"."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"^#{1,5} ", line):
            line = "#" + line
        out.append(line)
    return "\n".join(out)


def target_notes(args, s, cases):
    """Caveats that follow from the measurements themselves."""
    notes = []
    p1 = [c for c in cases if c[1] == 1 and c[2] == 1]
    if p1:
        loads = [s[c + (k,)]["client_cpu_pct"] for c in p1 for k in ("respcache", "redis")]
        if min(loads) >= 85:
            note = (f"At -P 1 the single redis-benchmark thread ran at {min(loads):.0f}–"
                    f"{max(loads):.0f} % CPU against both servers: those rows are bound by the "
                    "load generator on this 2-CPU machine as much as by the server.")
            two = [c for c in cases if c[1] == 1 and c[2] > 1]
            if two:
                ratios = [s[c + ("respcache",)]["rps"] / s[c + ("redis",)]["rps"] for c in two]
                note += (" With the clients split over two redis-benchmark processes "
                         "(Sensitivity below) respcache / Redis "
                         "at -P 1 is " + ", ".join(f"{c[0]} {r:.2f}×" for c, r in zip(two, ratios))
                         + "; the targets above are judged on the configuration the issue "
                         "names (one redis-benchmark).")
            notes.append(note)
    return notes


def render_sensitivity(w, s, cases):
    kinds = [k for k in ("respcache", "respcache-1t", "redis") if cases[0] + (k,) in s]
    if len(kinds) < 3 and not any(c[2] > 1 for c in cases):
        return
    w("## Sensitivity: client processes and respcache event loops\n")
    w("Not used for the targets. The same rounds also ran every case against respcache "
      "`--threads 1`, and the -P 1 cases with the 50 clients split over two concurrent "
      "redis-benchmark processes (`-c 25` and half the requests each; req/s = all requests "
      "over the slower process's time, p99 = the higher of the two), to show what limits the "
      "figures above on a 2-CPU machine that also runs the load generator. (redis-benchmark's "
      "own `--threads` is not used: 7.0 rounds a threaded run's duration up to the next "
      "250 ms.)\n")
    names = {"respcache": "respcache", "respcache-1t": "respcache 1 thread", "redis": "Redis"}
    w("| case | " + " | ".join(f"{names[k]} req/s" for k in kinds) + " | to Redis ("
      + " / ".join(names[k] for k in kinds if k != "redis") + ") | "
      "p99 ms (" + " / ".join(names[k] for k in kinds) + ") | CPU µs/req | client CPU % |")
    w("| --- | " + " | ".join("---:" for _ in kinds) + " | ---: | ---: | ---: | ---: |")
    for c in cases:
        cell = {k: s[c + (k,)] for k in kinds}
        ratios = " / ".join(f"{cell[k]['rps'] / cell['redis']['rps']:.2f}×"
                            for k in kinds if k != "redis")
        w(f"| {case_label(c)} | " + " | ".join(f"{cell[k]['rps']:,.0f}" for k in kinds) +
          f" | {ratios} | " + " / ".join(f"{cell[k]['p99']:.2f}" for k in kinds) + " | " +
          " / ".join(f"{cell[k]['cpu_us']:.2f}" for k in kinds) + " | " +
          " / ".join(f"{cell[k]['client_cpu_pct']:.0f}" for k in kinds) + " |")
    w("")


# Functions that find a key in its table, per server (Redis: dict walk, key compare, wrapper).
LOOKUP_SYMBOLS = ("respcache::storage::HashTable::find", "dictFind", "lookupKey",
                  "dictSdsKeyCompare")


def render_profile(w, profile):
    w("## Where the time goes\n")
    tool = profile[0].get("tool", "perf record -e cpu-clock -F 999 -g -p <pid>")
    w("When a throughput or CPU target is missed (or with `--profile always`), the script "
      "profiles respcache and Redis while redis-benchmark runs SET then GET against each "
      "(same flags as above), "
      f"with `{tool}`: self time per function, all threads, kernel included. It also counts "
      "system calls per request with `strace -c -f -p <pid>` on a shorter run of the same "
      "load (strace slows the server, but not the counts).\n")
    for pr in profile:
        w(f"### -P {pr['pipeline']}\n")
        w(f"Load: `{pr['command']}`\n")
        for kind, dsos in pr["dsos"].items():
            w(f"- {kind}: samples by object: " + ", ".join(
                f"{name} {pct:.1f} %" for pct, name, _ in dsos[:5]))
        lookup = {k: [(pct, sym) for pct, _, sym in rows if sym in LOOKUP_SYMBOLS]
                  for k, rows in pr["perf"].items()}
        if len(lookup) > 1 and all(lookup.values()):
            w("- finding the key: " + "; ".join(
                f"{k} {sum(p for p, _ in hits):.1f} % (" +
                " + ".join(f"`{sym}`" for _, sym in hits) + ")" for k, hits in lookup.items()))
        w("")
        kinds = list(pr["perf"])
        w("| # | " + " | ".join(f"{k} self %" + " | function" for k in kinds) + " |")
        w("| ---: | " + " | ".join("---: | ---" for _ in kinds) + " |")
        depth = max(len(rows) for rows in pr["perf"].values())
        for i in range(depth):
            cells = []
            for k in kinds:
                rows = pr["perf"][k]
                if i < len(rows):
                    pct, dso, sym = rows[i]
                    sym = sym if len(sym) <= 70 else sym[:67] + "…"
                    cells.append(f"{pct:.2f} | `{sym}` ({dso})")
                else:
                    cells.append(" | ")
            w(f"| {i + 1} | " + " | ".join(cells) + " |")
        w("")
        sc = pr["syscalls"]
        if sc:
            names = sorted({n for c in sc.values() for n, v in c.items() if v >= 0.005},
                           key=lambda n: -max(c.get(n, 0) for c in sc.values()))
            w("System calls per request:\n")
            w("| syscall | " + " | ".join(sc) + " |")
            w("| --- | " + " | ".join("---:" for _ in sc) + " |")
            for n in names:
                w(f"| {n} | " + " | ".join(f"{c.get(n, 0):.3f}" for c in sc.values()) + " |")
            w("| **all** | " + " | ".join(f"{sum(c.values()):.3f}" for c in sc.values()) + " |")
            w("")
            for note in syscall_notes(sc):
                w(f"- {note}")
            w("")


def syscall_notes(sc):
    """Observations that follow from the counts alone; stated only when the numbers show them."""
    rc, rd = sc.get("respcache", {}), sc.get("redis", {})
    notes = []
    if rc.get("epoll_ctl", 0) >= 0.3 and rd.get("epoll_ctl", 0) < 0.1:
        notes.append(f"respcache makes {rc['epoll_ctl']:.2f} `epoll_ctl` calls per request, "
                     f"Redis {rd.get('epoll_ctl', 0):.3f}. In asio 1.22 every `async_wait` "
                     "(not speculative) re-arms the socket with `EPOLL_CTL_MOD` "
                     "(`epoll_reactor::start_op` in `asio/detail/impl/epoll_reactor.ipp`), and "
                     "`TcpTransport::async_wait` waits that way each time a socket drains.")
    if rc.get("epoll_wait", 0) >= 0.01 and rc["epoll_wait"] > 1.5 * rd.get("epoll_wait", 0):
        notes.append(f"respcache calls `epoll_wait` {rc['epoll_wait']:.3f} times per request, "
                     f"Redis {rd['epoll_wait']:.3f}: with two event loops on two CPUs each loop "
                     "wakes for fewer ready sockets, so wake-ups (and context switches) are "
                     "paid more often per request.")
    return notes


def evaluate_targets(args, s, memory, idle):
    rows = []
    for p in args.pipelines:
        for metric, bounds, key, better in (("throughput", THROUGHPUT_TARGETS, "rps", "≥"),
                                            ("CPU per request", CPU_TARGETS, "cpu_us", "≤")):
            if p not in bounds:
                continue
            for t in args.tests:
                rc, rd = s[(t, p, 1, "respcache")][key], s[(t, p, 1, "redis")][key]
                ratio = rc / rd
                ok = ratio >= bounds[p] if better == "≥" else ratio <= bounds[p]
                unit = ("req/s", "{:,.0f}") if key == "rps" else ("µs", "{:.2f}")
                rows.append(((f"{metric} {t} -P {p} {better} {bounds[p]:g}× Redis",
                              f"{unit[1].format(rc)} / {unit[1].format(rd)} {unit[0]} = "
                              f"{ratio:.3f}×"), ok))
    mem = {r["server"]: r for r in memory}
    rc = mem["respcache"]["per_entry"]
    rows.append(((f"memory per entry ≤ {MEMORY_PER_ENTRY_TARGET:g} B",
                  f"{rc:.1f} B / {mem['redis']['per_entry']:.1f} B (memcached "
                  f"{mem['memcached']['per_entry']:.1f} B)"), rc <= MEMORY_PER_ENTRY_TARGET))
    idl = {r["server"]: r for r in idle}
    rc = idl["respcache"]["per_conn"]
    rows.append(((f"memory per idle connection ≤ 1 KB ({IDLE_CONNECTION_TARGET:g} B)",
                  f"{rc:.0f} B / {idl['redis']['per_conn']:.0f} B"), rc <= IDLE_CONNECTION_TARGET))
    return rows


# ---------------------------------------------------------------------------------------------


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "src", "respcache"))
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 1 round, 1 s runs, 100k entries, 1,000 idle connections; "
                         "writes its report to a temporary folder, not bench/RESULTS.md")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=3.5, help="target length of one run")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--keyspace", type=int, default=100000)
    ap.add_argument("--value-size", type=int, default=64)
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("--tests", default="SET,GET,PUT")
    ap.add_argument("--threads", type=int, default=0, help="respcache --threads (0: its default)")
    ap.add_argument("--respcache-args", default="", type=shlex.split,
                    help="more respcache flags, one string: --respcache-args '--io-model shared'")
    ap.add_argument("--entries", type=int, default=1000000)
    ap.add_argument("--idle-conns", type=int, default=9000)
    ap.add_argument("--max-other", type=float, default=20.0,
                    help="repeat a run when other processes used more CPU %% than this")
    ap.add_argument("--quiet-wait", type=float, default=60.0,
                    help="seconds to wait for a quiet machine before each round and repeat")
    ap.add_argument("--retries", type=int, default=3, help="repeats allowed per run")
    ap.add_argument("--retry-budget", type=int, default=15, help="repeats allowed in all")
    ap.add_argument("--no-sensitivity", dest="sensitivity", action="store_false",
                    help="skip the respcache --threads 1 server and the 2-client-process cases")
    ap.add_argument("--profile", choices=("auto", "always", "never"), default="auto",
                    help="profile respcache when a target is missed (auto), always, or never")
    ap.add_argument("--profile-top", type=int, default=15)
    ap.add_argument("--memory-only", action="store_true",
                    help="run only the memory-per-entry comparison and print it; writes nothing")
    ap.add_argument("--out-dir", default=None, help="where RESULTS.md and the PNG go "
                    "(default: bench/, or a temporary folder with --quick)")
    ap.add_argument("--summary-json", default=None,
                    help="also write the medians, versions and machine as JSON here (for "
                    "scripts that compare runs, such as bench/io_model_compare.py)")
    a = ap.parse_args()
    a.pipelines = [int(x) for x in a.pipelines.split(",")]
    a.tests = [x.strip().upper() for x in a.tests.split(",")]
    if a.quick:
        a.rounds, a.seconds, a.entries, a.idle_conns = 1, 1.0, 100000, 1000
    return a


def main():
    args = parse_args()
    check_dependencies()
    if not os.access(args.binary, os.X_OK):
        die(f"{args.binary} not found; build it with bench/run_compare.sh or cmake (Release)")
    hard = raise_fd_limit()
    if args.idle_conns + 100 > hard:
        die(f"--idle-conns {args.idle_conns} needs more than the hard fd limit {hard}")
    if args.memory_only:
        memory_only(args)
        return
    out_dir = args.out_dir or (tempfile.mkdtemp(prefix="respcache-quick-") if args.quick
                               else BENCH_DIR)
    os.makedirs(out_dir, exist_ok=True)
    started = time.time()
    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="respcache-bench-") as workdir:
        # A private copy: a rebuild during the run cannot swap the binary, and perf can read
        # its symbols afterwards.
        binary = os.path.join(workdir, "respcache")
        shutil.copy2(args.binary, binary)
        print("== throughput, latency, CPU per request", flush=True)
        wait_until_quiet(args, "the start")
        runs, cases, commands, profile, servers = throughput_rounds(args, binary, workdir)
        try:
            rc_threads = servers[0].info().get("server_threads", "?")
            summary = summarise(runs, cases)
            print("== memory per entry", flush=True)
            memory = memory_per_entry(args, binary, workdir)
            print("== memory per idle connection", flush=True)
            idle = idle_connections(args, binary, workdir)
            targets = evaluate_targets(args, summary, memory, idle)
            missed_speed = any(not ok for (txt, _), ok in targets
                               if txt.startswith(("throughput", "CPU")))
            prof, note = None, None
            if args.profile == "always" or (args.profile == "auto" and missed_speed):
                print("== profile (a target was missed)", flush=True)
                if shutil.which("perf"):
                    prof = profile()
                if not prof:
                    prof = callgrind_profile(args, binary, Bench(args), workdir)
                if not prof:
                    note = "A target was missed, but neither perf nor callgrind gave a profile."
        finally:
            for srv in servers:
                srv.stop()
        server_argv = {}
        for srv in servers:
            a = ["build/src/respcache" if x == binary else "<tmpdir>" if x == workdir else x
                 for x in srv.argv]
            a[a.index("--port") + 1] = "PORT"
            server_argv[srv.kind] = a
        ctx = {"summary": summary, "runs": runs, "memory": memory, "idle": idle,
               "targets": targets, "profile": prof, "profile_note": note,
               "machine": machine(), "versions": versions(binary, args), "commands": commands,
               "server_argv": server_argv, "cases": cases,
               "rc_threads": rc_threads, "load_start": load_start,
               "elapsed": time.time() - started,
               "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
               "invocation": "bench/run_compare.sh" + (" " + " ".join(sys.argv[1:])
                                                        if sys.argv[1:] else "")}
        ctx["invocation"] = re.sub(r" --binary \S+", "", ctx["invocation"])
        chart(summary, cases, os.path.join(out_dir, "results_throughput.png"), args)
        with open(os.path.join(out_dir, "RESULTS.md"), "w") as f:
            f.write(render(args, ctx))
        if args.summary_json:
            write_summary_json(args.summary_json, ctx)
    print(f"== wrote {out_dir}/RESULTS.md and results_throughput.png "
          f"({(time.time() - started) / 60:.1f} min)")
    for (txt, measured), ok in targets:
        print(f"  {'met   ' if ok else 'MISSED'} {txt}: {measured}")


if __name__ == "__main__":
    main()
