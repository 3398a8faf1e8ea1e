#!/usr/bin/python3
"""Turns micro_bench's JSON (Google Benchmark, --benchmark_repetitions with aggregates) into
the "Micro-benchmarks" section of bench/RESULTS.extra.md, with the commit, machine, load and
command it was measured with. Run by bench/run_micro.sh; not meant to be run alone.

  micro_report.py RESULTS.json --command "bench/run_micro.sh" --load-start "1.0 0.9 0.8"
"""
import argparse
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import report_sections  # noqa: E402

NAME = "bench/run_micro.sh"
HEADING = r"Micro-benchmarks \(`micro_bench`\)"


def si(x):
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.2f} {unit}"
    return f"{x:.0f}"


def binary_rate(x):
    for unit, scale in (("GiB/s", 1 << 30), ("MiB/s", 1 << 20), ("KiB/s", 1 << 10)):
        if x >= scale:
            return f"{x / scale:.2f} {unit}"
    return f"{x:.0f} B/s"


def label(run_name):
    """BM_CacheReadHitShared/real_time/threads:2 -> CacheReadHitShared, 2 threads."""
    parts = run_name.split("/")
    out = parts[0].removeprefix("BM_")
    for p in parts[1:]:
        if p.startswith("threads:"):
            n = int(p.split(":")[1])
            out += f", {n} thread{'s' if n > 1 else ''}"
    return out


def rows(benchmarks):
    """{run_name: {aggregate_name: entry}} for the aggregate entries, in the order run."""
    out = {}
    for b in benchmarks:
        if b.get("run_type") == "aggregate":
            out.setdefault(b["run_name"], {})[b["aggregate_name"]] = b
    return out


def render(data, command, load_start, load_end):
    ctx = data["context"]
    agg = rows(data["benchmarks"])
    reps = next((b.get("repetitions") for b in data["benchmarks"] if "repetitions" in b), "?")
    caches = ", ".join(
        f"L{c['level']} {c['size'] >> 10} KiB {c['type'].lower()}"
        + (f" x{ctx['num_cpus'] // c['num_sharing']}" if c.get("num_sharing") else "")
        for c in ctx.get("caches", []))
    begin, end = report_sections.markers(NAME)
    L = [begin, "### Micro-benchmarks (`micro_bench`)", "",
         f"*Written by `{NAME}` (bench/micro_report.py); measured "
         f"{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC.*", "",
         f"**Machine:** {report_sections.machine_line()}; {ctx.get('mhz_per_cpu', '?')} MHz, "
         f"caches {caches or '?'} (as Google Benchmark reports them). Load average "
         f"{load_start} at start, {load_end} at the end (1/5/15 min): with anything else "
         "running on the CPUs, these figures move.", "",
         f"**Code:** {report_sections.code_line()}, Release build (`-O3 -DNDEBUG`), "
         f"{report_sections.sh('c++ --version | head -1')}; Google Benchmark library built as "
         f"{ctx.get('library_build_type', '?')} (Debian's libbenchmark-dev).", "",
         f"**Command:** `{command}`", "",
         "Here \"item\" means one command parsed or one Cache call. The parser benchmarks parse a "
         "buffer of 16 pipelined commands per iteration: `*3 SET key:NNNN <64-byte value>`, "
         "`*2 GET key:NNNN`, and inline `PING\\r\\n`. The Cache benchmarks use 100,000 keys with "
         "64-byte values in 64 shards, visited in a fixed shuffled order. `SetEvict` writes new "
         "keys into a 1 MiB budget, so each SET evicts about one entry. `ReadHitShared` has every "
         "thread read one shared Cache and reports the rate across all threads (real time). "
         f"Figures are the median of {reps} repetitions; cv is their coefficient of variation.",
         "",
         "| benchmark | median items/s | ns per item | cv | notes |",
         "| --- | ---: | ---: | ---: | --- |"]
    one_thread = None
    for run_name, a in agg.items():
        med, cv = a.get("median"), a.get("cv")
        if med is None or "items_per_second" not in med:
            continue
        ips = med["items_per_second"]
        notes = []
        if "bytes_per_second" in med:
            notes.append(binary_rate(med["bytes_per_second"]))
        if "entries" in med:
            notes.append(f"{med['entries']:,.0f} entries held, "
                         f"{med.get('evictions_per_set', 0):.2f} evictions per SET")
        if run_name.endswith("threads:1"):
            one_thread = ips
        elif "threads:" in run_name and one_thread:
            notes.append(f"{ips / one_thread:.2f}x one thread")
        cv_text = f"{100 * cv['items_per_second']:.1f} %" if cv and "items_per_second" in cv \
            else "n/a"
        L.append(f"| {label(run_name)} | {si(ips)} | {1e9 / ips:.1f} | {cv_text} | "
                 f"{'; '.join(notes)} |")
    L.append(end)
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("json")
    ap.add_argument("--command", required=True, help="the command line to state")
    ap.add_argument("--load-start", required=True)
    ap.add_argument("--no-write", action="store_true", help="print the section only")
    args = ap.parse_args()
    with open(args.json) as f:
        data = json.load(f)
    section = render(data, args.command, args.load_start, report_sections.load_average())
    print(section)
    if not args.no_write:
        report_sections.splice(NAME, section, HEADING)
        print(f"== wrote the micro-benchmark section of {report_sections.EXTRA} and of "
              f"{report_sections.RESULTS}")


if __name__ == "__main__":
    main()
