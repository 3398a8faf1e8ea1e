"""redis-cli (Debian's redis-tools) against the real respcache binary: one-shot commands,
quoted arguments, commands read from stdin, and `--pipe` mass insertion.

Usage: redis_cli_test.py path/to/respcache
"""
import re
import shutil
import subprocess
import unittest

import harness
from harness import RespReader, encode

BINARY = None


REDIS_CLI = shutil.which("redis-cli")


class RedisCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if REDIS_CLI is None:
            raise RuntimeError("redis-cli is not installed (scripts/install-deps.sh installs it)")
        cls.server = harness.start_respcache(BINARY)

    @classmethod
    def tearDownClass(cls):
        harness.stop_cleanly(cls.server)

    def tearDown(self):
        self.assertIsNone(self.server.proc.poll(), "server exited during the test")

    def cli(self, *args, stdin=None, timeout=60, status=0):
        """Runs redis-cli against the server; returns stdout without trailing newlines."""
        proc = subprocess.run([REDIS_CLI, "-h", "127.0.0.1", "-p", str(self.server.port), *args],
                              input=stdin, capture_output=True, timeout=timeout)
        self.assertEqual(proc.returncode, status,
                         f"redis-cli {args!r} exited {proc.returncode}: "
                         f"stdout {proc.stdout[-2000:]!r} stderr {proc.stderr[-2000:]!r}")
        return proc.stdout.decode(errors="replace").rstrip("\n")

    def raw(self, *args):
        with self.server.connect() as s:
            s.sendall(encode(*args))
            return RespReader(s).reply()

    def test_ping(self):
        self.assertEqual(self.cli("PING"), "PONG")

    def test_set_get_value_with_spaces(self):
        self.assertEqual(self.cli("SET", "cli:greeting", "hello big world"), "OK")
        self.assertEqual(self.cli("GET", "cli:greeting"), "hello big world")
        self.assertEqual(self.raw("GET", "cli:greeting"), b"hello big world")

    def test_quoted_key_and_value(self):
        self.assertEqual(self.cli("set", "a b", "c d"), "OK")
        self.assertEqual(self.cli("get", "a b"), "c d")
        self.assertEqual(self.raw("GET", "a b"), b"c d")
        self.assertEqual(self.cli("put", "put key", "put value"), "OK")
        self.assertEqual(self.cli("get", "put key"), "put value")

    def test_integer_nil_and_error_replies(self):
        self.cli("DEL", "cli:n")
        self.assertEqual(self.cli("INCRBY", "cli:n", "41"), "41")
        self.assertEqual(self.cli("INCR", "cli:n"), "42")
        self.assertEqual(self.cli("GET", "cli:missing"), "")
        self.assertEqual(self.cli("SET", "cli:word", "abc"), "OK")
        self.assertRegex(self.cli("INCR", "cli:word"), r"^ERR .*integer")

    def test_commands_read_from_stdin(self):
        script = (b'SET cli:stdin "from stdin"\nGET cli:stdin\nECHO "x y"\n'
                  b"DEL cli:stdin\nEXISTS cli:stdin\n")
        out = self.cli(stdin=script)
        self.assertEqual(out.split("\n"), ["OK", "from stdin", "x y", "1", "0"])

    def test_value_from_stdin_with_x(self):
        value = b"line one\nline two\r\n\x00tail"
        self.assertEqual(self.cli("-x", "SET", "cli:x", stdin=value), "OK")
        self.assertEqual(self.raw("GET", "cli:x"), value)

    def test_pipe_mass_insertion_of_100000_keys(self):
        n = 100_000
        self.assertEqual(self.cli("FLUSHALL"), "OK")
        stream = b"".join(encode("SET", f"mass:{i}", f"value:{i}") for i in range(n))
        out = self.cli("--pipe", stdin=stream, timeout=100)
        self.assertRegex(out, r"errors: 0, replies: 100000\b", out)
        self.assertEqual(self.cli("DBSIZE"), str(n))
        for i in (0, 1, 777, 54_321, n - 1):
            self.assertEqual(self.cli("GET", f"mass:{i}"), f"value:{i}")
        sample = list(range(0, n, 997))
        got = self.raw("MGET", *[f"mass:{i}" for i in sample])
        self.assertEqual(got, [f"value:{i}".encode() for i in sample])

    def test_pipe_counts_error_replies(self):
        stream = (encode("SET", "pipe:err", "notanumber") + encode("INCR", "pipe:err") +
                  encode("NOSUCHCOMMAND", "x") + encode("PUT", "pipe:ok", "v") + encode("PING"))
        out = self.cli("--pipe", stdin=stream, status=1)  # redis-cli exits 1 after errors
        m = re.search(r"errors: (\d+), replies: (\d+)", out)
        self.assertIsNotNone(m, out)
        self.assertEqual((int(m.group(1)), int(m.group(2))), (2, 5), out)
        self.assertEqual(self.cli("GET", "pipe:ok"), "v")



if __name__ == "__main__":
    harness.run_tests(__name__)
