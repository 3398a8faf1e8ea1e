"""Shared by the bench scripts that write one section of bench/RESULTS.extra.md: where the
section goes, what commit and machine it was measured on.

A section is delimited by `<!-- NAME: begin -->` and `<!-- NAME: end -->` lines, so a script
replaces its own section and nothing else. bench/RESULTS.md holds a copy of RESULTS.extra.md
under "## Other measurements" (compare_redis.py appends it, one heading level down); the copy
is updated too, so the two never disagree between full runs.
"""
import datetime
import os
import re
import shlex
import subprocess
import sys

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
EXTRA = os.path.join(BENCH_DIR, "RESULTS.extra.md")
RESULTS = os.path.join(BENCH_DIR, "RESULTS.md")


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()


def code_line(paths="src include bench CMakeLists.txt"):
    """The commit measured, and whether the working tree differed from it where it matters
    (the reports themselves, bench/*.md, do not count: the scripts rewrite them)."""
    commit = sh(f"git -C {ROOT} rev-parse --short HEAD") or "unknown"
    dirty = sh(f"git -C {ROOT} status --porcelain -- {paths} ':(exclude)bench/*.md'")
    return commit + (f" **with uncommitted changes** in {paths.replace(' ', ', ')} "
                     "(not reproducible from the commit alone)" if dirty else "")


def machine_line():
    model = next((line.split(":", 1)[1].strip() for line in sh("lscpu").splitlines()
                  if line.startswith("Model name:")), "?")
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    return f"`nproc` {sh('nproc')}, {model}, {mem_kib / (1 << 20):.0f} GiB, kernel {sh('uname -r')}"


def load_average():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def markers(name):
    return f"<!-- {name}: begin -->", f"<!-- {name}: end -->"


def _replace(text, name, section, heading):
    """`text` with the section `name` replaced by `section`. Without markers yet, the section
    under `heading` (a regex for its title line, any level) is replaced up to the next heading
    of the same or a higher level; without either, `section` is appended."""
    begin, end = markers(name)
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        return head + section + ("\n" + tail if tail else "")
    m = re.search(rf"(?m)^(#+) {heading}\s*$", text)
    if m:
        level = len(m.group(1))
        nxt = re.compile(rf"(?m)^#{{1,{level}}} ").search(text, m.end())
        tail = text[nxt.start():] if nxt else ""
        return text[:m.start()] + section + ("\n" + tail if tail else "")
    return text.rstrip() + "\n\n" + section


def splice(name, section, heading):
    """Writes `section` (which starts with its begin marker and ends with its end marker, its
    title at its level in RESULTS.extra.md) into RESULTS.extra.md, and into RESULTS.md's copy
    one level down."""
    for path, nested in ((EXTRA, section), (RESULTS, re.sub(r"(?m)^(#{1,5}) ", r"#\1 ", section))):
        text = open(path).read() if os.path.exists(path) else ""
        if path == RESULTS and not text:
            continue  # no full run yet: compare_redis.py will append RESULTS.extra.md itself
        with open(path, "w") as f:
            f.write(_replace(text, name, nested.rstrip("\n") + "\n", heading))


def preamble(name, title, started, load_start, code, inner_command=None, each="build"):
    """The lines every section starts with: its begin marker and title, who wrote it and
    when, the machine and its load, the code measured, and the command that reproduces it
    (this script's own invocation and, if given, `inner_command`: the argv it runs for each
    part)."""
    lines = [markers(name)[0], f"## {title}", "",
             f"*Written by `{name}`; measured {started:%Y-%m-%d %H:%M}–"
             f"{datetime.datetime.utcnow():%H:%M} UTC.*", "",
             f"**Machine:** {machine_line()}; load average {load_start} at start, "
             f"{load_average()} at the end (1/5/15 min).", "",
             f"**Code:** {code}.", ""]
    command = f"**Command:** `{shlex.join([name, *sys.argv[1:]])}`"
    if inner_command is None:
        return lines + [command, ""]
    return lines + [f"{command}, which runs, once per {each}, each against its own "
                    "redis-server in the same run:", "",
                    "```sh", shlex.join(inner_command), "```", ""]
