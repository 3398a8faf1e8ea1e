"""A short headless run of bench/locustfile.py with Debian's /usr/bin/locust against the real
binary: both users (RESP and HTTP) must make requests with zero failures; misses on a
user's own keys are allowed once the server has evicted and are failures before that.

Usage: locust_smoke_test.py path/to/respcache
"""
import csv
import os
import shutil
import subprocess
import tempfile
import threading
import unittest

import harness
from harness import RespReader, encode

BINARY = None
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOCUSTFILE = os.path.join(REPO, "bench", "locustfile.py")
LOCUST = "/usr/bin/locust"


class LocustRun:
    """One headless Locust run; rows maps (type, name) to (requests, failures) from its CSV."""

    def __init__(self, port, classes, users=50, seconds=5, wait="1"):
        self.dir = tempfile.mkdtemp(prefix="respcache-locust-")
        prefix = os.path.join(self.dir, "run")
        argv = [LOCUST, "-f", LOCUSTFILE, "--headless", "--host", f"tcp://127.0.0.1:{port}",
                "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--csv", prefix,
                "--only-summary", "--stop-timeout", "5", *classes]
        env = dict(os.environ, RESPCACHE_LOCUST_WAIT=wait)
        done = subprocess.run(argv, cwd=self.dir, env=env, capture_output=True, text=True,
                              timeout=seconds + 120)
        self.exit_code = done.returncode
        self.output = done.stdout + done.stderr
        self.rows = {}
        with open(prefix + "_stats.csv") as f:
            for row in csv.DictReader(f):
                self.rows[(row["Type"], row["Name"])] = (int(row["Request Count"]),
                                                         int(row["Failure Count"]))
        with open(prefix + "_failures.csv") as f:
            self.failures = list(csv.DictReader(f))
        shutil.rmtree(self.dir, ignore_errors=True)

    def describe(self):
        return f"exit {self.exit_code}, rows {self.rows}, output ends:\n{self.output[-3000:]}"


def info_field(server, field):
    with server.connect() as s:
        s.sendall(encode("INFO"))
        info = RespReader(s).reply().decode()
    for line in info.splitlines():
        if line.startswith(field + ":"):
            return int(line.split(":", 1)[1])
    raise AssertionError(f"INFO has no {field}")


class LocustSmokeTest(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(LOCUST):
            self.fail(f"{LOCUST} is missing (scripts/install-deps.sh installs python3-locust)")

    def assert_clean(self, run, names):
        self.assertEqual(run.exit_code, 0, run.describe())
        self.assertEqual(run.failures, [], run.describe())
        for name in names:
            self.assertIn(name, run.rows, run.describe())
            requests, failures = run.rows[name]
            self.assertGreater(requests, 0, run.describe())
            self.assertEqual(failures, 0, run.describe())

    def test_resp_user(self):
        server = harness.start_respcache(BINARY)
        try:
            run = LocustRun(server.port, ["RespUser"])
            self.assert_clean(run, [("RESP", "PUT"), ("RESP", "GET")])
        finally:
            harness.stop_cleanly(server)

    def test_http_user(self):
        server = harness.start_respcache(BINARY)
        try:
            run = LocustRun(server.port, ["HttpApiUser"])
            self.assert_clean(run, [("POST", "POST /put"), ("GET", "GET /get")])
        finally:
            harness.stop_cleanly(server)

    def test_misses_after_eviction_are_not_failures(self):
        # A budget far below what the run writes: the server evicts, users miss keys they
        # wrote, and that is the cache working, not a failure.
        server = harness.start_respcache(BINARY, "--maxmemory", "256kb", "--reserve-keys", "1024")
        try:
            run = LocustRun(server.port, ["RespUser", "HttpApiUser"], users=20, wait="0.01")
            self.assert_clean(run, [("RESP", "PUT"), ("POST", "POST /put")])
            self.assertGreater(info_field(server, "evicted_keys"), 0, run.describe())
            misses = sum(run.rows.get(k, (0, 0))[0] for k in [
                ("RESP", "GET (miss after eviction)"), ("GET", "GET /get (miss after eviction)")])
            self.assertGreater(misses, 0, run.describe())
        finally:
            harness.stop_cleanly(server)

    def test_misses_without_eviction_are_failures(self):
        # FLUSHALL during the run loses keys with evicted_keys still 0: the locustfile must
        # count those misses as failures (and Locust must exit non-zero), or this smoke test
        # could never catch a cache that drops keys it had room for.
        server = harness.start_respcache(BINARY)
        stop = threading.Event()

        def flush_repeatedly():
            while not stop.wait(0.5):
                with server.connect() as s:
                    s.sendall(encode("FLUSHALL"))
                    RespReader(s).reply()

        flusher = threading.Thread(target=flush_repeatedly, daemon=True)
        flusher.start()
        try:
            run = LocustRun(server.port, ["RespUser", "HttpApiUser"], users=20, wait="0.05")
        finally:
            stop.set()
            flusher.join(10)
            harness.stop_cleanly(server)
        self.assertNotEqual(run.exit_code, 0, run.describe())
        messages = " ".join(f["Error"] for f in run.failures)
        self.assertIn("with nothing evicted", messages, run.describe())
        for name in [("RESP", "GET"), ("GET", "GET /get")]:
            self.assertGreater(run.rows.get(name, (0, 0))[1], 0, run.describe())


if __name__ == "__main__":
    harness.run_tests(__name__)
