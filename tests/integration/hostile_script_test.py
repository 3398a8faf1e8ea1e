#!/usr/bin/env python3
"""Hostile scripts: a script may hurt only its own caller. Each case ends with hostile.Watch's
checks (the server answers PING on a fresh connection, and its peak RSS stayed within the
case's allowance) and asserts the error the script got:
  - an endless loop is answered -BUSY to others past busy-reply-threshold, then SCRIPT KILL
    stops it (script_busy_test.py covers the details);
  - a script that builds a 1 GB string stops at the Lua heap limit with an error;
  - 100k distinct scripts through EVAL leave the script cache bounded (500 EVAL scripts);
  - a deep recursion fails with Lua's stack overflow (or the heap limit);
  - redis.call with a million arguments is refused (unpack's limit or the heap limit), or
    runs, but never takes the server down.

Usage: hostile_script_test.py path/to/respcache
"""
import socket
import threading
import time
import unittest

import harness
import hostile
from harness import encode
from hostile import Watch, command

BINARY = None


class HostileScriptTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.start_respcache(BINARY, "--threads", "2", "--maxmemory", "1gb",
                                             "--lua-heap-limit", "64mb",
                                             "--busy-reply-threshold", "200")

    @classmethod
    def tearDownClass(cls):
        harness.stop_cleanly(cls.server)

    def eval(self, script, *args, timeout=60):
        return command(self.server, "EVAL", script, "0", *args, timeout=timeout)

    def test_endless_loop_is_busy_then_killed(self):
        watch = Watch(self, self.server, 16)
        result = {}
        looper = threading.Thread(target=lambda: result.update(r=self.eval("while true do end")))
        looper.start()
        deadline = time.time() + 10
        busy = None
        while time.time() < deadline:
            busy = command(self.server, "GET", "x")
            if isinstance(busy, harness.RespError):
                break
            time.sleep(0.05)
        self.assertIsInstance(busy, harness.RespError)
        self.assertTrue(str(busy).startswith("BUSY"), busy)
        self.assertEqual(command(self.server, "SCRIPT", "KILL"), b"OK")
        looper.join(10)
        self.assertFalse(looper.is_alive())
        self.assertIn("Script killed by user with SCRIPT KILL", str(result["r"]))
        watch.finish("while true do end, then SCRIPT KILL")

    def test_gigabyte_string_stops_at_the_heap_limit(self):
        watch = Watch(self, self.server, 160)
        reply = self.eval("local s = 'x' for i = 1, 30 do s = s .. s end return #s")
        self.assertIsInstance(reply, harness.RespError)
        self.assertIn("not enough memory", str(reply))
        # The state is usable afterwards.
        self.assertEqual(self.eval("return 1 + 1"), 2)
        watch.finish("a script that builds a 1 GB string")

    def test_the_lua_heap_counts_in_used_memory(self):
        # Read from inside the script, while its 16 MB string is alive in the Lua heap.
        before = int(hostile.info_field(self.server, "memory", "used_memory"))
        reply = self.eval("local s = string.rep('x', 16 * 1024 * 1024) "
                          "local info = redis.call('info', 'memory') "
                          "return {#s, string.match(info, 'used_memory:(%d+)')}")
        self.assertEqual(reply[0], 16 << 20)
        self.assertGreaterEqual(int(reply[1]) - before, 16 << 20, reply)
        after = int(hostile.info_field(self.server, "memory", "used_memory"))
        self.assertLess(after - before, 8 << 20, "the string's memory was not given back")

    def test_distinct_scripts_stay_bounded(self):
        watch = Watch(self, self.server, 96)
        with self.server.connect(timeout=60) as s:
            reader = harness.RespReader(s)
            batch = 1000
            for start in range(0, 100_000, batch):
                s.sendall(b"".join(encode("EVAL", f"return {i}", "0")
                                   for i in range(start, start + batch)))
                for i in range(start, start + batch):
                    self.assertEqual(reader.reply(), i)
        first = command(self.server, "SCRIPT", "EXISTS", harness_sha("return 0"),
                        harness_sha("return 99999"))
        self.assertEqual(first, [0, 1], "the oldest EVAL script was not evicted")
        watch.finish("100k distinct scripts through EVAL")

    def test_deep_recursion_overflows_lua_not_the_server(self):
        watch = Watch(self, self.server, 64)
        reply = self.eval("local function f(n) return f(n + 1) + 1 end return f(1)")
        self.assertIsInstance(reply, harness.RespError)
        # Lua's own stack limit, or the heap limit if the frames reach it first.
        self.assertRegex(str(reply), "stack overflow|not enough memory")
        watch.finish("a deep recursion")

    def test_a_million_arguments_to_redis_call(self):
        watch = Watch(self, self.server, 256)
        reply = self.eval("local t = {} for i = 1, 1000000 do t[i] = 'k' .. i end "
                          "return redis.pcall('del', unpack(t))")
        # Lua 5.1's unpack refuses that many results ("too many results to unpack"), or the
        # table of a million strings meets the 64 MB heap limit first: the caller gets an
        # error, everyone else is served.
        if isinstance(reply, harness.RespError):
            self.assertRegex(str(reply), "too many results|not enough memory")
        else:
            self.assertEqual(reply, 0)
        watch.finish("redis.call with a million arguments")


def harness_sha(text):
    import hashlib
    return hashlib.sha1(text.encode()).hexdigest()


if __name__ == "__main__":
    harness.run_tests(__name__)
