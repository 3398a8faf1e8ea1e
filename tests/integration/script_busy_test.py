#!/usr/bin/env python3
"""A long-running script: -BUSY for the other clients past busy-reply-threshold, SCRIPT KILL
of a script that has not written, -UNKILLABLE once it has, and everything back to normal
after; SHUTDOWN refused with -BUSY while SHUTDOWN NOSAVE stops the server, written or not. The same scenarios run on Debian's redis-server (the expected bytes come from it at
run time, except the script's own reply, checked by prefix) and on respcache.

Both servers run with busy-reply-threshold 300 ms; respcache with --threads 2, and the
other clients are several connections, so some share the running script's worker thread.

Usage: /usr/bin/python3 script_busy_test.py path/to/respcache
"""
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from differential_test import FrameReader  # noqa: E402

BINARY = None
THRESHOLD_MS = 300
CLIENTS = 4
REPLY_TIMEOUT = 3.0

BUSY = (b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN "
        b"NOSAVE.\r\n")
LOOP = "local i = 0 while true do i = i + 1 end"
WRITE_THEN_LOOP = "redis.call('set', 'w', '1') local i = 0 while true do i = i + 1 end"


class Conn:
    def __init__(self, server):
        self.sock = server.connect(timeout=REPLY_TIMEOUT)
        self.reader = FrameReader(self.sock)

    def send(self, *args):
        self.sock.sendall(harness.encode(*args))

    def reply(self, timeout=REPLY_TIMEOUT):
        try:
            return self.reader.frame(timeout=timeout)
        except socket.timeout:
            return "no reply"
        except ConnectionError:
            return "closed"

    def call(self, *args, timeout=REPLY_TIMEOUT):
        self.send(*args)
        return self.reply(timeout)

    def close(self):
        self.sock.close()


class BusyTests:
    def setUp(self):
        self.server = self.start_server()
        self.conns = []

    def tearDown(self):
        for c in self.conns:
            c.close()
        self.server.kill()

    def conn(self):
        c = Conn(self.server)
        self.conns.append(c)
        return c

    def others(self):
        out = [self.conn() for _ in range(CLIENTS)]
        for c in out:  # connected (and given a worker) before the script starts
            self.assertEqual(c.call("PING"), b"+PONG\r\n")
        return out

    def test_busy_then_kill(self):
        others = self.others()
        runner = self.conn()
        runner.send("EVAL", LOOP, "0")
        time.sleep(THRESHOLD_MS / 1000 + 0.4)
        for i, c in enumerate(others):
            self.assertEqual(c.call("GET", "x"), BUSY, f"GET from client {i}")
            self.assertEqual(c.call("PING"), BUSY, f"PING from client {i}")
            self.assertEqual(c.call("EVAL", "return 1", "0"), BUSY, f"EVAL from client {i}")
        self.assertEqual(others[0].call("SCRIPT", "KILL"), b"+OK\r\n")
        killed = runner.reply()
        self.assertIsInstance(killed, bytes)
        self.assertTrue(killed.startswith(b"-ERR Script killed by user with SCRIPT KILL..."), killed)
        for i, c in enumerate(others):
            self.assertEqual(c.call("GET", "x"), b"$-1\r\n", f"client {i} after the kill")
        self.assertEqual(runner.call("PING"), b"+PONG\r\n")
        self.assertEqual(others[1].call("SCRIPT", "KILL"),
                         b"-NOTBUSY No scripts in execution right now.\r\n")

    def test_kill_from_every_client(self):
        # Whichever connection asks, SCRIPT KILL must be answered (not wait for the script).
        for attempt in range(CLIENTS):
            others = self.others()
            runner = self.conn()
            runner.send("EVAL", LOOP, "0")
            time.sleep(THRESHOLD_MS / 1000 + 0.2)
            self.assertEqual(others[attempt].call("SCRIPT", "KILL"), b"+OK\r\n",
                             f"SCRIPT KILL from client {attempt}")
            self.assertTrue(str(runner.reply()).startswith("b'-ERR Script killed"))

    def test_kill_inside_coroutine_and_pcall(self):
        # The kill reaches a loop inside a coroutine; a pcall catches it once (as in Redis
        # 7.0) and the script goes on; a pcall in a loop cannot keep the script alive.
        cases = [
            ("local co = coroutine.wrap(function() while true do end end) co()", b"-ERR Script killed"),
            ("local ok = pcall(function() while true do end end) return {'after', tostring(ok)}",
             b"*2\r\n$5\r\nafter\r\n$5\r\nfalse\r\n"),
            ("while true do pcall(function() while true do end end) end", b"-ERR Script killed"),
        ]
        killer = self.conn()
        self.assertEqual(killer.call("PING"), b"+PONG\r\n")
        for script, expected in cases:
            runner = self.conn()
            runner.send("EVAL", script, "0")
            time.sleep(THRESHOLD_MS / 1000 + 0.2)
            self.assertEqual(killer.call("SCRIPT", "KILL"), b"+OK\r\n", script)
            got = runner.reply()
            self.assertTrue(isinstance(got, bytes) and got.startswith(expected), (script, got))

    def test_unkillable_after_write(self):
        others = self.others()
        runner = self.conn()
        runner.send("EVAL", WRITE_THEN_LOOP, "0")
        time.sleep(THRESHOLD_MS / 1000 + 0.4)
        kill_reply = others[1].call("SCRIPT", "KILL")
        self.assertEqual(others[0].call("GET", "w"), BUSY)
        self.assertEqual(kill_reply,
                         b"-UNKILLABLE Sorry the script already executed write commands against "
                         b"the dataset. You can either wait the script termination or kill the "
                         b"server in a hard way using the SHUTDOWN NOSAVE command.\r\n")

    def test_function_stats_shows_the_running_function(self):
        others = self.others()
        lib = "#!lua name=busy\nredis.register_function('spin', function() while true do end end)"
        self.assertEqual(others[0].call("FUNCTION", "LOAD", "REPLACE", lib), b"$4\r\nbusy\r\n")
        runner = self.conn()
        runner.send("FCALL", "spin", "1", "k1", "a1")
        time.sleep(THRESHOLD_MS / 1000 + 0.4)
        stats = others[1].call("FUNCTION", "STATS")
        self.assertRegex(stats, rb"^\*4\r\n\$14\r\nrunning_script\r\n\*6\r\n\$4\r\nname\r\n"
                                rb"\$4\r\nspin\r\n\$7\r\ncommand\r\n\*5\r\n\$5\r\nFCALL\r\n"
                                rb"\$4\r\nspin\r\n\$1\r\n1\r\n\$2\r\nk1\r\n\$2\r\na1\r\n"
                                rb"\$11\r\nduration_ms\r\n:\d+\r\n\$7\r\nengines\r\n")
        self.assertEqual(others[0].call("SCRIPT", "KILL"),
                         b"-BUSY Redis is busy running a script. You can only call FUNCTION KILL "
                         b"or SHUTDOWN NOSAVE.\r\n")
        self.assertEqual(others[0].call("FUNCTION", "KILL"), b"+OK\r\n")
        self.assertTrue(str(runner.reply()).startswith("b'-ERR Script killed"))
        self.assertRegex(others[1].call("FUNCTION", "STATS"),
                         rb"^\*4\r\n\$14\r\nrunning_script\r\n\$-1\r\n")
        # While an EVAL script is busy, FUNCTION STATS is refused like any other command.
        runner.send("EVAL", LOOP, "0")
        time.sleep(THRESHOLD_MS / 1000 + 0.4)
        self.assertEqual(others[2].call("FUNCTION", "STATS"), BUSY)
        self.assertEqual(others[2].call("SCRIPT", "KILL"), b"+OK\r\n")
        runner.reply()
        others[0].call("FUNCTION", "FLUSH")

    def check_shutdown_nosave(self, script):
        others = self.others()
        runner = self.conn()
        runner.send("EVAL", script, "0")
        time.sleep(THRESHOLD_MS / 1000 + 0.4)
        self.assertEqual(others[0].call("SHUTDOWN"), BUSY)
        self.assertEqual(others[0].call("SHUTDOWN", "SAVE"), BUSY)
        self.assertEqual(others[1].call("SHUTDOWN", "NOSAVE"), "closed")
        try:
            status = self.server.proc.wait(timeout=10)
        except Exception:
            self.fail("still running 10 s after SHUTDOWN NOSAVE")
        self.assertEqual(status, 0)

    def test_shutdown_nosave_stops_a_busy_script(self):
        self.check_shutdown_nosave(LOOP)

    def test_shutdown_nosave_stops_a_script_that_wrote(self):
        self.check_shutdown_nosave(WRITE_THEN_LOOP)

    def test_slow_script_finishes(self):
        # Runs past the threshold on its own and ends normally: -BUSY meanwhile, then its
        # reply, then normal service with its write visible.
        others = self.others()
        runner = self.conn()
        script = ("local t = 0 for i = 1, 40000000 do t = t + 1 end "
                  "redis.call('set', 'done', t) return t")
        start = time.monotonic()
        runner.send("EVAL", script, "0")
        time.sleep(THRESHOLD_MS / 1000 + 0.1)
        busy_reply = others[0].call("GET", "done", timeout=30)
        result = runner.reply(timeout=60)
        elapsed = time.monotonic() - start
        self.assertEqual(result, b":40000000\r\n")
        if elapsed > THRESHOLD_MS / 1000 + 0.3:  # it really ran past the threshold
            self.assertEqual(busy_reply, BUSY)
        self.assertEqual(others[1].call("GET", "done"), b"$8\r\n40000000\r\n")


class RespcacheBusyTest(BusyTests, unittest.TestCase):
    @staticmethod
    def start_server():
        return harness.start_respcache(BINARY, "--threads", "2",
                                       "--busy-reply-threshold", str(THRESHOLD_MS))


class RespcacheOneCpuTest(unittest.TestCase):
    """On one CPU (affinity) the default is still two event-loop threads, so a busy script
    leaves one to answer -BUSY and SCRIPT KILL, as Redis does on its one thread."""

    def test_busy_and_kill_answered_on_one_cpu(self):
        server = harness.start_respcache(BINARY, "--busy-reply-threshold", str(THRESHOLD_MS),
                                         preexec_fn=lambda: os.sched_setaffinity(0, {0}))
        conns = []
        try:
            conns = [Conn(server) for _ in range(CLIENTS + 1)]
            for c in conns:
                self.assertEqual(c.call("PING"), b"+PONG\r\n")
            runner, others = conns[0], conns[1:]
            runner.send("EVAL", LOOP, "0")
            time.sleep(THRESHOLD_MS / 1000 + 0.4)
            for i, c in enumerate(others):
                self.assertEqual(c.call("GET", "x"), BUSY, f"GET from client {i}")
            self.assertEqual(others[0].call("SCRIPT", "KILL"), b"+OK\r\n")
            self.assertTrue(str(runner.reply()).startswith("b'-ERR Script killed"))
        finally:
            for c in conns:
                c.close()
            server.kill()


class RedisServerBusyTest(BusyTests, unittest.TestCase):
    @staticmethod
    def start_server():
        return harness.start_redis("--busy-reply-threshold", str(THRESHOLD_MS))


if __name__ == "__main__":
    harness.run_tests(__name__)
