#!/usr/bin/python3
"""The threading-model comparison: respcache --io-model per-thread against --io-model shared,
each in its own bench/compare_redis.py run beside redis-server (short form: SET and GET at
-P 1 and -P 16, alternating rounds, medians). Rewrites the "Threading model" section of
bench/RESULTS.extra.md (and its copy in bench/RESULTS.md) with the commit, machine, load and
command; --no-write prints it only. About 4 minutes on 2 CPUs; run it on an idle machine.

  cmake --build build --target respcache && bench/io_model_compare.py
  bench/io_model_compare.py --binary build/src/respcache --rounds 5 --no-write
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import report_sections  # noqa: E402

NAME = "bench/io_model_compare.py"
HEADING = r"Threading model: .*"
MODELS = ("per-thread", "shared")
CASES = [("SET", 1), ("GET", 1), ("SET", 16), ("GET", 16)]


def compare_argv(args, model, out_dir):
    return ["/usr/bin/python3", os.path.join(report_sections.BENCH_DIR, "compare_redis.py"),
            "--binary", args.binary, "--respcache-args", f"--io-model {model}",
            "--rounds", str(args.rounds), "--seconds", str(args.seconds), "--no-sensitivity",
            "--profile", "never", "--entries", "1000", "--idle-conns", "100",
            "--tests", "SET,GET", "--pipelines", "1,16",
            "--out-dir", os.path.join(out_dir, model),
            "--summary-json", os.path.join(out_dir, f"{model}.json")]


def ratio_range(values):
    return f"{min(values):.2f}–{max(values):.2f}×"


def render(args, runs, started, load_start):
    end = report_sections.markers(NAME)[1]
    med = {m: runs[m]["summary"] for m in MODELS}

    def get(model, test, pipeline, server="respcache"):
        return med[model][f"{test}|{pipeline}|1|{server}"]

    code = (f"{report_sections.code_line()}, Release build "
            f"(`{os.path.relpath(args.binary, report_sections.ROOT)}`, "
            f"`{runs['shared']['versions']['respcache']}`)")
    inner = ["bench/compare_redis.py", *compare_argv(args, "MODEL", "DIR")[2:]]
    inner = [os.path.relpath(a, report_sections.ROOT) if a == args.binary else a for a in inner]
    L = report_sections.preamble(
        NAME, "Threading model: one io_context per thread vs one shared io_context", started,
        load_start, code, inner, each="model")
    L += [
         f"Medians of {args.rounds} alternating rounds, ~{args.seconds:g} s per redis-benchmark "
         "run; CPU is the server's user + system time per request, and its ratio is to Redis "
         "in the same run.", "",
         "| case | per-thread req/s | shared req/s | per-thread p50 / p99 ms | shared p50 / p99 ms "
         "| per-thread CPU µs/req (vs Redis) | shared CPU µs/req (vs Redis) |",
         "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for test, p in CASES:
        cells = [f"{test} -P {p}"]
        cells += [f"{get(m, test, p)['rps']:,.0f}" for m in MODELS]
        cells += [f"{get(m, test, p)['p50']:.3f} / {get(m, test, p)['p99']:.3f}" for m in MODELS]
        cells += [f"{get(m, test, p)['cpu_us']:.2f} "
                  f"({get(m, test, p)['cpu_us'] / get(m, test, p, 'redis')['cpu_us']:.2f}×)"
                  for m in MODELS]
        L.append("| " + " | ".join(cells) + " |")
    L.append("")
    L.append("Redis in the same runs (per-thread run / shared run): " + ", ".join(
        f"{t} -P {p} {get('per-thread', t, p, 'redis')['rps']:,.0f} / "
        f"{get('shared', t, p, 'redis')['rps']:,.0f} req/s" for t, p in CASES) + ".")
    speed = [get("shared", t, p)["rps"] / get("per-thread", t, p)["rps"] for t, p in CASES]
    p99 = [get("shared", t, p)["p99"] / get("per-thread", t, p)["p99"] for t, p in CASES]
    L.append("")
    L.append(f"Shared / per-thread, across the four cases: requests/s {ratio_range(speed)}, "
             f"p99 {ratio_range(p99)}.")
    L.append(end)
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(report_sections.ROOT, "build", "src",
                                                      "respcache"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--no-write", action="store_true", help="print the section only")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        ap.error(f"no binary at {args.binary} (cmake --build build --target respcache)")
    started = datetime.datetime.utcnow()
    load_start = report_sections.load_average()
    runs = {}
    with tempfile.TemporaryDirectory(prefix="respcache-io-models-") as out_dir:
        for model in MODELS:
            print(f"== --io-model {model}", flush=True)
            subprocess.run(compare_argv(args, model, out_dir), check=True)
            with open(os.path.join(out_dir, f"{model}.json")) as f:
                runs[model] = json.load(f)
    section = render(args, runs, started, load_start)
    print(section)
    if not args.no_write:
        report_sections.splice(NAME, section, HEADING)
        print(f"== wrote the threading-model section of {report_sections.EXTRA} and of "
              f"{report_sections.RESULTS}")


if __name__ == "__main__":
    main()
