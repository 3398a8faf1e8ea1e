#!/usr/bin/python3
"""How close respcache's memory comes to a container's limit, to choose the default maxmemory
fraction (config::kDefaultMemoryFraction) from measurements.

For each memory limit and workload: make a fresh memory cgroup with that hard limit (v1 or v2,
tests/integration/memory_cgroup.py), start the Release binary inside it with NO --maxmemory (so it
derives its budget from the limit, unless --server-args says otherwise), write about three times
the limit's worth of data, then read the process's peak RSS (VmHWM), the cgroup's peak charge
(v1 memory.max_usage_in_bytes, v2 memory.peak) and its OOM-kill count, and INFO.

Workloads: small entries (12-byte keys, 64-byte values), challenge-sized (256-byte keys and
values), 4 KiB values, 1 MiB values, a mix of 100 B / 2 KB / 30 KB values overwriting each other
on one key space (allocator fragmentation), and 2,000 connections with 64-deep pipelines.

Writes bench/RESULTS.memory_limit.md (appended to bench/RESULTS.md by compare_redis.py under
"Other measurements") and replaces that section in bench/RESULTS.md at once, so no full
throughput run is needed. Needs root (it makes cgroups). Memory figures only, no timings.

  bench/memory_limit.py                          # 256 MiB and 1 GiB, every workload
  bench/memory_limit.py --limits 256m --workloads small,mixed --no-write
  bench/memory_limit.py --server-args="--maxmemory 80%"   # explore another fraction
"""
import argparse
import datetime
import os
import re
import resource
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.dont_write_bytecode = True
import harness  # noqa: E402
from memory_cgroup import MemoryCgroup  # noqa: E402

SECTION_FILE = os.path.join(BENCH_DIR, "RESULTS.memory_limit.md")
BEGIN = "<!-- bench/memory_limit.py: begin -->"
END = "<!-- bench/memory_limit.py: end -->"
MiB = 1 << 20
KEYSPACE = 1_000_000_000  # redis-benchmark -r: random 12-digit keys, nearly all unique


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()


def parse_size(text):
    m = re.fullmatch(r"(\d+)([kmg]?)", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text}")
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2)]


def human(n):
    return f"{n / MiB:,.0f} MiB" if n < 4096 * MiB else f"{n / (1 << 30):.1f} GiB"


# ------------------------------------------------------------------------------------------
# Workloads: each writes about 3x the limit and returns (description, bytes of keys+values).
# ------------------------------------------------------------------------------------------


def redis_benchmark(port, n, key, value, clients=50, pipeline=32):
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", str(clients),
            "-P", str(pipeline), "-n", str(n), "-r", str(KEYSPACE), "-q",
            "SET", key, value]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_all(procs):
    for p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(f"redis-benchmark failed: {err.decode(errors='replace')[-500:]}")


def fixed_size(key_len, value_len, clients=50, pipeline=32):
    def run(port, limit):
        key = "k" * (key_len - 12) + "__rand_int__"  # 12 random digits make the key unique
        n = 3 * limit // (key_len + value_len + 56)  # 56: a rough per-entry overhead
        wait_all([redis_benchmark(port, n, key, "v" * value_len, clients, pipeline)])
        return n, n * (key_len + value_len)
    return run


def mixed_overwrites(port, limit):
    """Three writers on one key space with 100 B, 2 KB and 30 KB values: every overwrite
    changes an entry's size class, which is what fragments a heap."""
    keys = max(1000, limit // 1000)
    procs, n_total, written = [], 0, 0
    for size in (100, 2000, 30_000):
        n = limit // size
        argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", "20", "-P", "16",
                "-n", str(n), "-r", str(keys), "-q", "SET", "mix:__rand_int__", "v" * size]
        procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        n_total += n
        written += n * (16 + size)
    wait_all(procs)
    return n_total, written


def one_mib_values(port, limit, connections=8, pipeline=4):
    """redis-benchmark cannot take a 1 MiB argument, so raw sockets, each with a pipeline."""
    value = b"v" * MiB
    per_connection = max(1, 3 * limit // MiB // connections)
    errors = []

    def writer(c):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
                reader = harness.RespReader(s)
                for start in range(0, per_connection, pipeline):
                    count = min(pipeline, per_connection - start)
                    s.sendall(b"".join(harness.encode("SET", f"big:{c}:{start + i}", value)
                                       for i in range(count)))
                    for _ in range(count):
                        reply = reader.reply()
                        if reply != b"OK":
                            errors.append(reply)
        except OSError as e:
            errors.append(str(e))

    threads = [threading.Thread(target=writer, args=(c,)) for c in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"1 MiB writes failed: {errors[:3]}")
    n = per_connection * connections
    return n, n * MiB


WORKLOADS = {
    "small": ("12 B keys, 64 B values", fixed_size(12, 64)),
    "challenge": ("256 B keys, 256 B values", fixed_size(256, 256)),
    "4k": ("12 B keys, 4 KiB values", fixed_size(12, 4096)),
    "1m": ("1 MiB values, 8 connections x pipeline 4", one_mib_values),
    "mixed": ("100 B / 2 KB / 30 KB values overwriting one key space", mixed_overwrites),
    "connections": ("2,000 connections x pipeline 64, 1 KiB values",
                    fixed_size(12, 1024, clients=2000, pipeline=64)),
}


# ------------------------------------------------------------------------------------------
# One run
# ------------------------------------------------------------------------------------------


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) * 1024
    return out


def info(port):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(harness.encode("INFO"))
        text = harness.RespReader(s).reply().decode()
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)


def run_one(binary, limit, name, server_args):
    label, workload = WORKLOADS[name]
    port = harness.free_port()
    row = {"limit": limit, "workload": name, "label": label}
    with MemoryCgroup(limit, prefix="respcache-bench") as group:
        row["cgroup"] = group.version
        log = open(os.path.join("/tmp", f"respcache-memory-limit-{port}.log"), "w+")
        server = group.popen([binary, "--bind", "127.0.0.1", "--port", str(port), *server_args],
                             stdout=log, stderr=subprocess.STDOUT)
        try:
            harness.wait_for_port(port, server)
            try:
                row["requests"], row["written"] = workload(port, limit)
            except (RuntimeError, OSError) as e:
                row["error"] = str(e)[:200]
            time.sleep(1)  # let the active expiry and the allocator settle before reading
            row["alive"] = server.poll() is None
            if row["alive"]:
                fields = info(port)
                row.update(proc_status(server.pid))
                for k in ("maxmemory", "used_memory", "evicted_keys"):
                    row[k] = int(fields[k])
                row["keys"] = int(re.search(r"keys=(\d+)", fields.get("db0", "keys=0")).group(1))
            row["peak_charge"] = group.peak_usage()
            row["oom_kills"] = group.oom_kills()
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            log.seek(0)
            row["log"] = log.read()[-2000:]
            log.close()
    return row


# ------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------


def pct(n, limit):
    return f"{100 * n / limit:.1f} %" if n is not None else "n/a"


def render(args, rows, started, finished, load_start):
    commit = sh(f"git -C {ROOT} rev-parse --short HEAD")
    mem_gib = sh("free -g | awk '/^Mem:/{print $2}'")
    glibc = sh("ldd --version | head -1 | grep -o '[0-9.]*$'")
    dirty = sh(f"git -C {ROOT} status --porcelain -- src include")
    L = [BEGIN, "## Memory under a container limit: choosing the default maxmemory fraction", "",
         f"*Written by `bench/memory_limit.py`; measured {started:%Y-%m-%d %H:%M}–"
         f"{finished:%H:%M} UTC.*", "",
         f"**Machine:** `nproc` {sh('nproc')}, {mem_gib} GiB, "
         f"kernel {sh('uname -r')}, cgroup {rows[0]['cgroup'] if rows else '?'}, glibc "
         f"{glibc} malloc; load average {load_start} at start, "
         f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end. Nothing here is a "
         "timing.", "",
         f"**Code:** {commit}{' with uncommitted changes in src/ or include/' if dirty else ''}, "
         f"Release build, `{shlex.join([os.path.relpath(args.binary, ROOT), *args.server_args])}`"
         " plus `--bind`/`--port`" +
         (" (no --maxmemory: the budget is derived from the cgroup limit)"
          if not any(a.startswith("--maxmemory") for a in args.server_args) else "") + ".", "",
         "**Command:** `" + shlex.join(["bench/memory_limit.py", *sys.argv[1:]]) + "`", "",
         "Each row is a fresh cgroup with that hard limit and no swap, a fresh server inside it, "
         "and about 3x the limit written (keys + values; the workload's own requests count, "
         "repeats included). *Peak RSS* is the server's VmHWM; *peak charge* is what the kernel "
         "charged the cgroup at most (v1 `memory.max_usage_in_bytes`), the figure the OOM killer "
         "compares with the limit.", "",
         "| limit | workload | requests | written | maxmemory | peak RSS | peak charge "
         "| OOM kills | evicted keys | keys left | ending RSS |",
         "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lim = r["limit"]
        if not r.get("alive"):
            L.append(f"| {human(lim)} | {r['label']} | | | | **server died** | "
                     f"{pct(r.get('peak_charge'), lim)} | {r.get('oom_kills')} | | | |")
            continue
        L.append(f"| {human(lim)} | {r['label']} | {r['requests']:,} | "
                 f"{r['written'] / lim:.1f}x | {pct(r['maxmemory'], lim)} | "
                 f"{pct(r['VmHWM'], lim)} | {pct(r['peak_charge'], lim)} | {r['oom_kills']} | "
                 f"{r['evicted_keys']:,} | {r['keys']:,} | {pct(r['VmRSS'], lim)} |")
    L.append("")
    L.append("Percentages are of the limit.")
    worst = max((r for r in rows if r.get("alive")),
                key=lambda r: max(r["VmHWM"], r["peak_charge"] or 0) / r["limit"], default=None)
    if worst:
        w = max(worst["VmHWM"], worst["peak_charge"] or 0)
        L.append(f" Highest peak: {pct(w, worst['limit'])} of the limit "
                 f"({worst['label']}, {human(worst['limit'])}), with maxmemory at "
                 f"{pct(worst['maxmemory'], worst['limit'])}: peak / maxmemory = "
                 f"{w / worst['maxmemory']:.2f}.")
    failures = [r for r in rows if not r.get("alive") or r.get("oom_kills") or r.get("error")]
    L.append(f" Runs with an OOM kill, a dead server or a failed write: {len(failures)}.")
    if args.notes:
        L += ["", open(args.notes).read().rstrip()]
    L.append(END)
    return "\n".join(L) + "\n"


def splice(results_path, section):
    """Replaces this script's section in bench/RESULTS.md (or appends it under "Other
    measurements"), with headings one level down as compare_redis.py nests appended files."""
    nested = re.sub(r"(?m)^(#{1,5}) ", r"#\1 ", section)
    text = open(results_path).read() if os.path.exists(results_path) else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END + "\n", 1) if END + "\n" in rest else rest.split(END, 1)
        text = head + nested + tail
    else:
        if "## Other measurements" not in text:
            text = text.rstrip() + "\n\n## Other measurements\n"
        text = text.rstrip() + "\n\n" + nested
    with open(results_path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "src", "respcache"))
    ap.add_argument("--limits", default="256m,1g", help="comma-separated cgroup limits")
    ap.add_argument("--workloads", default=",".join(WORKLOADS),
                    help=f"comma-separated, of: {', '.join(WORKLOADS)}")
    ap.add_argument("--server-args", default="", help="extra respcache flags, one string")
    ap.add_argument("--notes", help="a Markdown file appended to the section (the decision)")
    ap.add_argument("--no-write", action="store_true",
                    help="print the section only; leave bench/ untouched")
    args = ap.parse_args()
    args.server_args = shlex.split(args.server_args)
    limits = [parse_size(x) for x in args.limits.split(",")]
    names = args.workloads.split(",")
    for n in names:
        if n not in WORKLOADS:
            ap.error(f"unknown workload {n}")
    if not os.access(args.binary, os.X_OK):
        ap.error(f"no binary at {args.binary} (cmake --build build first)")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 2,000 connections, both ends
    started = datetime.datetime.utcnow()
    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = []
    for limit in limits:
        for name in names:
            print(f"== {human(limit)}: {WORKLOADS[name][0]}", flush=True)
            row = run_one(args.binary, limit, name, args.server_args)
            rows.append(row)
            shown = {k: v for k, v in row.items() if k != "log"}
            print("  ", shown, flush=True)
            if not row.get("alive") or row.get("error"):
                print("   server log ends:\n" + row["log"], flush=True)
    section = render(args, rows, started, datetime.datetime.utcnow(), load_start)
    print(section)
    if not args.no_write:
        with open(SECTION_FILE, "w") as f:
            f.write(section)
        splice(os.path.join(BENCH_DIR, "RESULTS.md"), section)
        print(f"== wrote {SECTION_FILE} and its section of bench/RESULTS.md")


if __name__ == "__main__":
    main()
