"""Short redis-benchmark runs (Debian's redis-tools) against the real respcache binary: the
built-in SET/GET tests, the same pipelined, and PUT as a custom command. Checks that each
run completes without error replies and the server stays up. No timings are asserted.

Usage: redis_benchmark_test.py path/to/respcache
"""
import re
import shutil
import subprocess
import unittest

import harness
from harness import RespReader, encode

BINARY = None


REDIS_BENCHMARK = shutil.which("redis-benchmark")
REQUESTS = 20000
RPS_LINE = re.compile(r"^(.+): ([0-9.]+) requests per second")


class RedisBenchmarkTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if REDIS_BENCHMARK is None:
            raise RuntimeError("redis-benchmark is not installed "
                               "(scripts/install-deps.sh installs redis-tools)")
        cls.server = harness.start_respcache(BINARY)

    @classmethod
    def tearDownClass(cls):
        harness.stop_cleanly(cls.server)

    def call(self, *args):
        with self.server.connect() as s:
            s.sendall(encode(*args))
            return RespReader(s).reply()

    def benchmark(self, *args):
        """Runs redis-benchmark -q; returns {test name: requests per second} and stderr.
        redis-benchmark 7.0 exits non-zero on the first error reply."""
        argv = [REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(self.server.port),
                "-n", str(REQUESTS), "-c", "20", "-q", *args]
        proc = subprocess.run(argv, capture_output=True, timeout=100)
        out = proc.stdout.decode(errors="replace")
        err = proc.stderr.decode(errors="replace")
        self.assertEqual(proc.returncode, 0,
                         f"{' '.join(argv)} exited {proc.returncode}\nstdout: {out[-1500:]}\n"
                         f"stderr: {err[-1500:]}")
        self.assertNotIn("Error from server", out + err)
        # Progress lines are overwritten with \r; the final result of each test follows one.
        rates = {}
        for line in re.split(r"[\r\n]+", out):
            m = RPS_LINE.match(line.strip())
            if m:
                rates[m.group(1)] = float(m.group(2))
        self.assertIsNone(self.server.proc.poll(), "server exited during redis-benchmark")
        self.assertEqual(self.call("PING"), b"PONG", "server stopped answering after the run")
        return rates, err

    def assert_rates(self, rates, names):
        self.assertEqual(sorted(rates), sorted(names), f"result lines: {rates}")
        for name in names:
            self.assertGreater(rates[name], 0, f"{name}: {rates}")

    def test_set_get(self):
        self.assertEqual(self.call("FLUSHALL"), b"OK")
        rates, _ = self.benchmark("-t", "set,get")
        self.assert_rates(rates, ["SET", "GET"])
        # Without -r every request uses the literal key "key:__rand_int__" (3-byte values).
        self.assertEqual(self.call("DBSIZE"), 1)
        self.assertEqual(self.call("STRLEN", "key:__rand_int__"), 3)

    def test_set_get_pipelined_16(self):
        self.assertEqual(self.call("FLUSHALL"), b"OK")
        rates, _ = self.benchmark("-t", "set,get", "-P", "16", "-r", "1000", "-d", "100")
        self.assert_rates(rates, ["SET", "GET"])
        size = self.call("DBSIZE")
        self.assertGreater(size, 1)
        self.assertLessEqual(size, 1000)

    def test_put_custom_command(self):
        self.assertEqual(self.call("FLUSHALL"), b"OK")
        rates, _ = self.benchmark("-r", "10", "PUT", "key:__rand_int__", "value")
        self.assert_rates(rates, ["PUT key:__rand_int__ value"])
        # 20000 draws over 10 keys: all ten are written (missing one has odds ~1e-900).
        self.assertEqual(self.call("DBSIZE"), 10)
        keys = [f"key:{i:012d}" for i in range(10)]
        self.assertEqual(self.call("MGET", *keys), [b"value"] * 10)

    def test_config_fetch_succeeds(self):
        # redis-benchmark asks CONFIG GET save / appendonly first and warns if that fails.
        _, err = self.benchmark("-t", "ping_mbulk", "-n", "1000")
        self.assertNotIn("Could not fetch server CONFIG", err)



if __name__ == "__main__":
    harness.run_tests(__name__)
