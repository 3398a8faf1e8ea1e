#!/usr/bin/python3
"""Turns the CSV of a Locust run (bench/run_locust.sh) into bench/RESULTS.locust.md.

    locust_report.py RUN_DIR DEST EXIT_STATUS "SETTINGS..."
"""
import csv
import datetime
import os
import subprocess
import sys


def sh(argv):
    return subprocess.run(argv, capture_output=True, text=True).stdout.strip()


def main():
    out, dest, status, settings = sys.argv[1:]
    repo = os.path.dirname(os.path.dirname(os.path.abspath(out)))
    with open(os.path.join(out, "run_stats.csv")) as f:
        rows = list(csv.DictReader(f))
    cpu = next((line.split(":", 1)[1].strip() for line in sh(["lscpu"]).splitlines()
                if line.startswith("Model name")), "unknown CPU")
    dirty = " with uncommitted changes" if sh(["git", "-C", repo, "status", "--porcelain"]) else ""
    head = sh(["git", "-C", repo, "rev-parse", "--short", "HEAD"])
    lines = [
        "## Locust against one node", "",
        f"*Written by `bench/run_locust.sh`, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC.*", "",
        f"**Machine:** `nproc` {os.cpu_count()}, {cpu}, kernel {os.uname().release}; Locust "
        "2.12.1 (Debian), its master and workers on the same machine as the server.", "",
        f"**Code:** {head}{dirty}.", "",
        f"**Command:** `{settings} bench/run_locust.sh`; Locust exit status {status} (non-zero "
        "when any request failed).", "",
        "Requests/s is Locust's average over the whole run, spawn-up included; percentiles are "
        "in whole milliseconds, as Locust rounds them. Locust rewrites its CSV every second, so "
        "the last second may be missing.", "",
        "| type | name | requests | failures | requests/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['Type']} | {r['Name']} | {int(r['Request Count']):,} | "
                     f"{int(r['Failure Count']):,} | {float(r['Requests/s']):,.0f} | "
                     f"{r['50%']} | {r['95%']} | {r['99%']} |")
    with open(dest, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {dest}")


if __name__ == "__main__":
    main()
