#!/usr/bin/python3
"""Plain SET/GET before and after a change: respcache built at an earlier commit against the
working tree's Release build, each in its own bench/compare_redis.py run beside redis-server
(SET and GET at -P 1 and -P 16, alternating rounds, medians). The ratio to Redis in the same
run is what makes two runs on a noisy 2-CPU machine comparable. Rewrites the "Before and
after" section of bench/RESULTS.extra.md (and its copy in bench/RESULTS.md); --no-write prints
it only. About 5 minutes on 2 CPUs, plus a build of the earlier commit the first time (it is
kept in build-rev-<commit>/); run it on an idle machine.

  cmake --build build --target respcache && bench/before_after.py --before 09fedd2
  bench/before_after.py --before 09fedd2 --rounds 5 --no-write
"""
import argparse
import datetime
import json
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import report_sections  # noqa: E402

NAME = "bench/before_after.py"
HEADING = r"Before and after: .*"
CASES = [("SET", 1), ("GET", 1), ("SET", 16), ("GET", 16)]
LABELS = ("before", "after")


def build_revision(rev):
    """A Release respcache built from `rev` (git archive into build-rev-<sha>/src, then cmake);
    reused when it is already there."""
    sha = report_sections.sh(f"git -C {report_sections.ROOT} rev-parse --short {shlex.quote(rev)}")
    if not sha:
        sys.exit(f"before_after: no commit {rev}")
    top = os.path.join(report_sections.ROOT, f"build-rev-{sha}")
    binary = os.path.join(top, "build", "src", "respcache")
    if not os.access(binary, os.X_OK):
        src = os.path.join(top, "src")
        os.makedirs(src, exist_ok=True)
        subprocess.run(f"git -C {report_sections.ROOT} archive {sha} | tar -x -C {src}",
                       shell=True, check=True)
        subprocess.run(["cmake", "-S", src, "-B", os.path.join(top, "build"),
                        "-DCMAKE_BUILD_TYPE=Release"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", os.path.join(top, "build"), "-j",
                        str(os.cpu_count() or 2), "--target", "respcache"], check=True)
    return sha, binary


def compare_argv(args, binary, out_dir, label):
    return ["/usr/bin/python3", os.path.join(report_sections.BENCH_DIR, "compare_redis.py"),
            "--binary", binary, "--rounds", str(args.rounds), "--seconds", str(args.seconds),
            "--no-sensitivity", "--profile", "never", "--entries", "1000", "--idle-conns", "100",
            "--tests", "SET,GET", "--pipelines", "1,16",
            "--out-dir", os.path.join(out_dir, label),
            "--summary-json", os.path.join(out_dir, f"{label}.json")]


def render(args, runs, commits, started, load_start):
    end = report_sections.markers(NAME)[1]

    def get(label, test, pipeline, server="respcache"):
        return runs[label]["summary"][f"{test}|{pipeline}|1|{server}"]

    def vs_redis(label, test, p, field):
        return get(label, test, p)[field] / get(label, test, p, "redis")[field]

    code = f"before = commit {commits['before']}, after = {commits['after']}; both Release builds"
    inner = ["bench/compare_redis.py", *compare_argv(args, "BINARY", "DIR", "LABEL")[2:]]
    L = report_sections.preamble(
        NAME, f"Before and after: {commits['before']} and {commits['after']}", started,
        load_start, code, inner)
    L += [
         f"Medians of {args.rounds} alternating rounds, ~{args.seconds:g} s per redis-benchmark "
         "run (50 clients). CPU is the server's user + system time per request. The ratios to "
         "Redis in the same run are the comparable figures; absolute numbers move with the "
         "machine's load between the two runs.", "",
         "| case | before req/s (vs Redis) | after req/s (vs Redis) | before CPU µs/req "
         "(vs Redis) | after CPU µs/req (vs Redis) |",
         "| --- | ---: | ---: | ---: | ---: |"]
    for test, p in CASES:
        cells = [f"{test} -P {p}"]
        cells += [f"{get(x, test, p)['rps']:,.0f} ({vs_redis(x, test, p, 'rps'):.2f}×)"
                  for x in LABELS]
        cells += [f"{get(x, test, p)['cpu_us']:.2f} ({vs_redis(x, test, p, 'cpu_us'):.2f}×)"
                  for x in LABELS]
        L.append("| " + " | ".join(cells) + " |")
    rps = [vs_redis("after", t, p, "rps") / vs_redis("before", t, p, "rps") for t, p in CASES]
    cpu = [vs_redis("after", t, p, "cpu_us") / vs_redis("before", t, p, "cpu_us")
           for t, p in CASES]
    L += ["", "After / before, each as a ratio to Redis in its own run, across the four cases: "
          f"requests/s {min(rps):.2f}–{max(rps):.2f}×, CPU per request "
          f"{min(cpu):.2f}–{max(cpu):.2f}×.", end]
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, help="the earlier commit (built if needed)")
    ap.add_argument("--binary", default=os.path.join(report_sections.ROOT, "build", "src",
                                                      "respcache"), help="the 'after' build")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--no-write", action="store_true", help="print the section only")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        ap.error(f"no binary at {args.binary} (cmake --build build --target respcache)")
    before_sha, before_binary = build_revision(args.before)
    commits = {"before": before_sha, "after": report_sections.code_line()}
    started = datetime.datetime.utcnow()
    load_start = report_sections.load_average()
    runs = {}
    with tempfile.TemporaryDirectory(prefix="respcache-before-after-") as out_dir:
        for label, binary in (("before", before_binary), ("after", args.binary)):
            print(f"== {label}: {binary}", flush=True)
            subprocess.run(compare_argv(args, binary, out_dir, label), check=True)
            with open(os.path.join(out_dir, f"{label}.json")) as f:
                runs[label] = json.load(f)
    section = render(args, runs, commits, started, load_start)
    print(section)
    if not args.no_write:
        report_sections.splice(NAME, section, HEADING)
        print(f"== wrote the before-and-after section of {report_sections.EXTRA} and of "
              f"{report_sections.RESULTS}")


if __name__ == "__main__":
    main()
