#!/usr/bin/env python3
"""Differential test of access control: respcache and Debian's redis-server, both started
with --requirepass, must answer the same byte streams identically (see
differential/auth_cases.py). Each case runs on fresh, unauthenticated connections; the
servers are flushed between cases over a connection that has authenticated.

A shape check follows for what cannot be compared byte for byte: `HELLO 2 AUTH default pw`
authenticates on both (the HELLO reply names each server), a new connection needs AUTH again
after CONFIG SET requirepass, and CONFIG GET requirepass reports the password.

Usage: auth_differential_test.py path/to/respcache [--filter SUBSTRING] [-v]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import harness  # noqa: E402
from differential.auth_cases import GROUPS, PASSWORD  # noqa: E402
from differential.cases import C  # noqa: E402
from differential_test import FrameReader, Runner  # noqa: E402


class AuthRunner(Runner):
    """Flushes both servers over connections that have authenticated first. The sentinel
    that ends each step is an unknown command: before AUTH that is still answered (with
    "unknown command", which Redis checks before authentication) where ECHO is not."""

    def _sentinel(self):
        self.sentinel_no += 1
        name = b"diff-sentinel-%d" % self.sentinel_no
        return C(name), b"-ERR unknown command '%s', with args beginning with: \r\n" % name

    def flush_all(self):
        for name, server in self.servers.items():
            sock = self.control.get(name)
            if sock is None:
                sock = server.connect()
                self.control[name] = sock
                sock.sendall(C("AUTH", PASSWORD))
                reply = FrameReader(sock).frame(timeout=5.0)
                if reply != b"+OK\r\n":
                    raise RuntimeError(f"AUTH on {name} answered {reply!r}")
            sock.sendall(C("FLUSHALL"))
            reply = FrameReader(sock).frame(timeout=5.0)
            if reply != b"+OK\r\n":
                raise RuntimeError(f"FLUSHALL on {name} answered {reply!r}")


def query(server, *commands):
    with server.connect(timeout=5.0) as sock:
        sock.sendall(b"".join(C(*c) for c in commands))
        reader = harness.RespReader(sock)
        return [reader.reply() for _ in commands]


def shape_checks(servers):
    problems = []
    for name, server in servers.items():
        hello, ping = query(server, ["HELLO", "2", "AUTH", "default", PASSWORD], ["PING"])
        if not (isinstance(hello, list) and len(hello) == 14 and ping == b"PONG"):
            problems.append(f"{name}: HELLO 2 AUTH default pw gave {hello!r:.200}, then {ping!r}")
        [value] = query(server, ["AUTH", PASSWORD], ["CONFIG", "GET", "requirepass"])[1:]
        if value != [b"requirepass", PASSWORD.encode()]:
            problems.append(f"{name}: CONFIG GET requirepass gave {value!r}")
        ok, = query(server, ["AUTH", PASSWORD], ["CONFIG", "SET", "requirepass", "new"])[1:]
        before, after = query(server, ["PING"], ["AUTH", "new"])
        if not (ok == b"OK" and isinstance(before, harness.RespError)
                and before.startswith("NOAUTH") and after == b"OK"):
            problems.append(f"{name}: after CONFIG SET requirepass a new connection got "
                            f"{before!r}, then AUTH gave {after!r}")
        query(server, ["AUTH", "new"], ["CONFIG", "SET", "requirepass", PASSWORD])
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--filter", default="")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    reference = harness.start_redis("--requirepass", PASSWORD)
    try:
        candidate = harness.start_respcache(os.path.abspath(args.binary), "--threads", "2",
                                            "--requirepass", PASSWORD)
    except Exception:
        reference.kill()
        raise
    failures, total = [], 0
    with harness.running(reference), harness.running(candidate):
        runner = AuthRunner(reference, candidate, "respcache", args.verbose)
        for group, build in GROUPS:
            cases = [c for c in build() if args.filter in f"{group}/{c.name}"]
            mismatched = 0
            for case in cases:
                case.group = group
                report = runner.run(case)
                if report:
                    failures.append(report)
                    mismatched += 1
            total += len(cases)
            print(f"group {group:<11} ran {len(cases):3d} cases, {mismatched} mismatched")
        problems = shape_checks({"redis": reference, "respcache": candidate})
        print(f"shape checks: {len(problems)} problems")
        harness.stop_cleanly(candidate)
    for report in failures:
        print("\n" + report)
    for problem in problems:
        print("\nSHAPE " + problem)
    print(f"\nauth_differential_test: {total} cases, {len(failures)} mismatches, "
          f"{len(problems)} shape problems")
    return 1 if failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
