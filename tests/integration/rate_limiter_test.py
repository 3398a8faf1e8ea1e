#!/usr/bin/env python3
"""Rate limiters written as Lua scripts, the way client libraries write them, run through
redis-py's register_script (EVALSHA, reloaded on NOSCRIPT) against the real respcache binary,
and the same tests against Debian's redis-server to prove them.

- Fixed window: INCR, and EXPIRE on the first hit of the window.
- Sliding window without sorted sets: two fixed windows, the previous one weighted by how
  much of it still overlaps the sliding window (Cloudflare's / rate-limiter-flexible's
  approximation), built on GET, INCR and PEXPIRE only. The clock is the caller's (ARGV), as
  several libraries do, so the tests can place requests at exact instants.

The concurrency tests send M=200 requests from 8 processes at a limit of N=50 inside one
window: exactly N must pass, which only holds if each script runs atomically.

Usage: /usr/bin/python3 rate_limiter_test.py path/to/respcache
"""
import multiprocessing
import os
import sys
import time
import unittest

try:
    import redis
except ImportError:
    sys.exit("import redis failed: run with /usr/bin/python3 (Debian's python3-redis)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

BINARY = None

PROCESSES = 8
REQUESTS = 200  # M, in all
LIMIT = 50  # N

# KEYS[1]: the counter; ARGV[1]: limit; ARGV[2]: window in seconds.
# Returns {allowed (1/0), hits so far in this window, ttl of the window in seconds}.
FIXED_WINDOW = """
local current = redis.call('INCR', KEYS[1])
if current == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
local ttl = redis.call('TTL', KEYS[1])
if current > tonumber(ARGV[1]) then
  return {0, current, ttl}
end
return {1, current, ttl}
"""

# KEYS[1]: the key prefix; ARGV[1]: limit; ARGV[2]: window in ms; ARGV[3]: now in ms.
# Returns {allowed (1/0), estimated count including this request if allowed}.
SLIDING_WINDOW = """
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local current_start = now - (now % window)
local current_key = KEYS[1] .. ':' .. current_start
local previous_key = KEYS[1] .. ':' .. (current_start - window)
local previous = tonumber(redis.call('GET', previous_key) or '0')
local current = tonumber(redis.call('GET', current_key) or '0')
local overlap = (window - (now - current_start)) / window
local estimated = math.floor(previous * overlap) + current
if estimated >= limit then
  return {0, estimated}
end
redis.call('INCR', current_key)
redis.call('PEXPIRE', current_key, window * 2)
return {1, estimated + 1}
"""


def _worker(port, kind, key, count, now_ms, start, results):
    r = redis.Redis(host="127.0.0.1", port=port, socket_timeout=30)
    script = r.register_script(FIXED_WINDOW if kind == "fixed" else SLIDING_WINDOW)
    start.wait()
    allowed = 0
    for _ in range(count):
        if kind == "fixed":
            reply = script(keys=[key], args=[LIMIT, 60])
        else:
            reply = script(keys=[key], args=[LIMIT, 60000, now_ms])
        allowed += reply[0]
    results.put(allowed)
    r.close()


class LimiterTests:
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_server()
        cls.r = redis.Redis(host="127.0.0.1", port=cls.server.port, socket_timeout=30)
        cls.fixed = cls.r.register_script(FIXED_WINDOW)
        cls.sliding = cls.r.register_script(SLIDING_WINDOW)

    @classmethod
    def tearDownClass(cls):
        cls.r.close()
        cls.stop_server(cls.server)

    def setUp(self):
        self.r.flushall()

    def tearDown(self):
        self.assertIsNone(self.server.proc.poll(), "the server exited during the test")

    # ---- fixed window ---------------------------------------------------------------

    def test_fixed_window_sequential(self):
        replies = [self.fixed(keys=["rl:seq"], args=[3, 10]) for _ in range(5)]
        self.assertEqual([r[0] for r in replies], [1, 1, 1, 0, 0])
        self.assertEqual([r[1] for r in replies], [1, 2, 3, 4, 5])
        self.assertTrue(all(8 <= r[2] <= 10 for r in replies), replies)
        self.assertEqual(self.r.get("rl:seq"), b"5")

    def test_fixed_window_expire_set_once(self):
        self.fixed(keys=["rl:ttl"], args=[10, 100])
        self.r.expire("rl:ttl", 50)  # a later hit must not push the window back out
        reply = self.fixed(keys=["rl:ttl"], args=[10, 100])
        self.assertEqual(reply[:2], [1, 2])
        self.assertTrue(40 <= reply[2] <= 50, reply)

    def test_fixed_window_resets(self):
        for _ in range(2):
            self.fixed(keys=["rl:reset"], args=[2, 1])
        self.assertEqual(self.fixed(keys=["rl:reset"], args=[2, 1])[0], 0)
        time.sleep(1.3)
        self.assertIsNone(self.r.get("rl:reset"))
        self.assertEqual(self.fixed(keys=["rl:reset"], args=[2, 1])[:2], [1, 1])

    def test_fixed_window_separate_keys(self):
        self.assertEqual(self.fixed(keys=["rl:a"], args=[1, 10])[0], 1)
        self.assertEqual(self.fixed(keys=["rl:b"], args=[1, 10])[0], 1)
        self.assertEqual(self.fixed(keys=["rl:a"], args=[1, 10])[0], 0)

    def test_script_reloaded_after_flush(self):
        self.assertEqual(self.fixed(keys=["rl:f"], args=[5, 10])[0], 1)
        self.r.script_flush()
        self.assertEqual(self.r.script_exists(self.fixed.sha), [False])
        self.assertEqual(self.fixed(keys=["rl:f"], args=[5, 10])[:2], [1, 2])
        self.assertEqual(self.r.script_exists(self.fixed.sha), [True])

    # ---- sliding window -------------------------------------------------------------

    def test_sliding_window_within_one_window(self):
        now = 1_000_000_000  # the start of a window of 1000 ms
        got = [self.sliding(keys=["sw"], args=[3, 1000, now + i]) for i in range(5)]
        self.assertEqual(got, [[1, 1], [1, 2], [1, 3], [0, 3], [0, 3]])
        self.assertEqual(self.r.get(f"sw:{now}"), b"3")
        self.assertTrue(1000 < self.r.pttl(f"sw:{now}") <= 2000)

    def test_sliding_window_weights_the_previous_window(self):
        start = 1_000_000_000
        for i in range(10):
            self.assertEqual(self.sliding(keys=["sw"], args=[10, 1000, start + i])[0], 1)
        self.assertEqual(self.sliding(keys=["sw"], args=[10, 1000, start + 999])[0], 0)
        # Half-way into the next window the previous one counts half: 5 more pass.
        mid = start + 1500
        got = [self.sliding(keys=["sw"], args=[10, 1000, mid])[0] for _ in range(7)]
        self.assertEqual(got, [1] * 5 + [0] * 2)
        # 90% into it the previous window counts 1 (10 * 0.1): 10 - 1 - 5 = 4 more.
        late = start + 1900
        got = [self.sliding(keys=["sw"], args=[10, 1000, late])[0] for _ in range(6)]
        self.assertEqual(got, [1] * 4 + [0] * 2)
        # Two windows on, nothing is left of either.
        later = start + 3000
        self.assertEqual(self.sliding(keys=["sw"], args=[10, 1000, later]), [1, 1])

    def test_sliding_window_keys_expire(self):
        now = int(time.time() * 1000)
        self.sliding(keys=["swx"], args=[5, 200, now])
        window_key = f"swx:{now - now % 200}"
        self.assertEqual(self.r.get(window_key), b"1")
        time.sleep(0.6)
        self.assertIsNone(self.r.get(window_key))

    # ---- concurrency ----------------------------------------------------------------

    def run_concurrent(self, kind, key, now_ms=0):
        ctx = multiprocessing.get_context("fork")
        start = ctx.Event()
        results = ctx.Queue()
        per = REQUESTS // PROCESSES
        procs = [ctx.Process(target=_worker,
                             args=(self.server.port, kind, key, per, now_ms, start, results))
                 for _ in range(PROCESSES)]
        for p in procs:
            p.start()
        start.set()
        allowed = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=30)
        self.assertEqual([p.exitcode for p in procs], [0] * PROCESSES)
        return sum(allowed)

    def test_fixed_window_concurrent_exactly_n(self):
        self.assertEqual(self.run_concurrent("fixed", "rl:conc"), LIMIT)
        self.assertEqual(self.r.get("rl:conc"), str(REQUESTS).encode())
        self.assertTrue(0 < self.r.ttl("rl:conc") <= 60)

    def test_sliding_window_concurrent_exactly_n(self):
        now = 1_700_000_000_000 + 123
        self.assertEqual(self.run_concurrent("sliding", "sw:conc", now), LIMIT)
        self.assertEqual(self.r.get(f"sw:conc:{now - now % 60000}"), str(LIMIT).encode())

    def test_sliding_window_concurrent_with_previous_window(self):
        # A full previous window (50) seen 40% into the next one counts 30: 20 more pass.
        start = 1_700_000_040_000
        self.r.set(f"sw:prev:{start}", LIMIT)
        now = start + 60000 + 24000
        self.assertEqual(self.run_concurrent("sliding", "sw:prev", now), 20)


class RespcacheLimiterTest(LimiterTests, unittest.TestCase):
    @staticmethod
    def start_server():
        return harness.start_respcache(BINARY, "--threads", "2")

    @staticmethod
    def stop_server(server):
        harness.stop_cleanly(server)


class RedisServerLimiterTest(LimiterTests, unittest.TestCase):
    @staticmethod
    def start_server():
        return harness.start_redis()

    @staticmethod
    def stop_server(server):
        server.kill()


if __name__ == "__main__":
    harness.run_tests(__name__)
