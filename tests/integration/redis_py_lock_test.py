#!/usr/bin/env python3
"""redis-py's Lock (redis.lock.Lock, built on SET NX PX and the Lua scripts it registers
for release, extend and reacquire, run through EVALSHA and reloaded on NOSCRIPT) against the
real respcache binary, and the same tests against Debian's redis-server to prove them.

Usage: /usr/bin/python3 redis_py_lock_test.py path/to/respcache
"""
import multiprocessing
import os
import sys
import time
import unittest

try:
    import redis
    from redis.exceptions import LockError, LockNotOwnedError
except ImportError:
    sys.exit("import redis failed: run with /usr/bin/python3 (Debian's python3-redis)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

BINARY = None

WORKERS = 4
INCREMENTS = 50
LOCK_NAME = "lock:counter"
COUNTER = "counter"


def locked_increments(port, n, use_lock, start):
    """A worker process: n read-modify-write increments of COUNTER, inside the lock or not."""
    r = redis.Redis(host="127.0.0.1", port=port, socket_timeout=30)
    start.wait()
    for _ in range(n):
        if use_lock:
            lock = r.lock(LOCK_NAME, timeout=5, blocking_timeout=60, sleep=0.001)
            if not lock.acquire():
                raise SystemExit(3)
        try:
            value = int(r.get(COUNTER) or 0)
            time.sleep(0.002)  # widen the window between the read and the write
            r.set(COUNTER, value + 1)
        finally:
            if use_lock:
                lock.release()
    r.close()


class LockTests:
    """The tests; a subclass says which server they run on (`start_server`)."""

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_server()
        cls.r = redis.Redis(host="127.0.0.1", port=cls.server.port, socket_timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.r.close()
        cls.stop_server(cls.server)

    def setUp(self):
        self.r.flushall()

    def tearDown(self):
        self.assertIsNone(self.server.proc.poll(), "the server exited during the test")

    def test_acquire_release(self):
        lock = self.r.lock("name", timeout=5)
        self.assertFalse(lock.locked())
        self.assertFalse(lock.owned())
        self.assertTrue(lock.acquire(blocking=False))
        self.assertTrue(lock.locked())
        self.assertTrue(lock.owned())
        self.assertEqual(self.r.get("name"), lock.local.token)
        ttl = self.r.pttl("name")
        self.assertTrue(4000 < ttl <= 5000, ttl)
        lock.release()
        self.assertFalse(lock.locked())
        self.assertFalse(lock.owned())
        self.assertIsNone(self.r.get("name"))

    def test_second_lock_cannot_acquire(self):
        first = self.r.lock("name", timeout=5)
        second = self.r.lock("name", timeout=5)
        self.assertTrue(first.acquire(blocking=False))
        self.assertFalse(second.acquire(blocking=False))
        self.assertFalse(second.acquire(blocking_timeout=0.2))
        self.assertTrue(second.locked())
        self.assertFalse(second.owned())
        first.release()
        self.assertTrue(second.acquire(blocking=False))
        second.release()

    def test_context_manager(self):
        with self.r.lock("name", timeout=5) as lock:
            self.assertTrue(lock.owned())
            self.assertTrue(self.r.exists("name"))
        self.assertFalse(self.r.exists("name"))

    def test_extend(self):
        lock = self.r.lock("name", timeout=5)
        self.assertTrue(lock.acquire(blocking=False))
        self.assertTrue(lock.extend(10))  # adds to what is left
        ttl = self.r.pttl("name")
        self.assertTrue(13000 < ttl <= 15000, ttl)
        self.assertTrue(lock.extend(2, replace_ttl=True))
        ttl = self.r.pttl("name")
        self.assertTrue(1000 < ttl <= 2000, ttl)
        lock.release()

    def test_reacquire(self):
        lock = self.r.lock("name", timeout=5)
        self.assertTrue(lock.acquire(blocking=False))
        self.r.pexpire("name", 500)
        self.assertTrue(lock.reacquire())
        ttl = self.r.pttl("name")
        self.assertTrue(4000 < ttl <= 5000, ttl)
        lock.release()

    def test_expired_lock(self):
        lock = self.r.lock("name", timeout=0.2)
        self.assertTrue(lock.acquire(blocking=False))
        time.sleep(0.4)
        self.assertFalse(lock.locked())
        self.assertFalse(lock.owned())
        with self.assertRaises(LockNotOwnedError):
            lock.extend(5)
        with self.assertRaises(LockNotOwnedError):
            lock.reacquire()
        lock2 = self.r.lock("name", timeout=5)
        self.assertTrue(lock2.acquire(blocking=False))
        with self.assertRaises(LockNotOwnedError):
            lock.extend(5)
        with self.assertRaises(LockNotOwnedError):
            lock.release()  # (redis-py forgets the token here)
        self.assertTrue(lock2.owned())
        lock2.release()

    def test_release_by_other_token(self):
        lock = self.r.lock("name", timeout=5)
        self.assertTrue(lock.acquire(blocking=False))
        token = lock.local.token
        self.r.set("name", b"someone-else", px=5000)  # another owner took it over
        self.assertFalse(lock.owned())
        with self.assertRaises(LockNotOwnedError):
            lock.extend(5)
        with self.assertRaises(LockNotOwnedError):
            lock.reacquire()
        with self.assertRaises(LockNotOwnedError):
            lock.release()
        self.assertEqual(self.r.get("name"), b"someone-else")  # untouched
        self.assertTrue(self.r.pttl("name") > 4000)
        self.assertNotEqual(token, None)

    def test_acquire_with_token_then_release_elsewhere(self):
        a = self.r.lock("name", timeout=5)
        self.assertTrue(a.acquire(blocking=False, token="tok-a"))
        b = self.r.lock("name", timeout=5)
        b.local.token = b"tok-b"
        with self.assertRaises(LockNotOwnedError):
            b.do_release(b"tok-b")
        self.assertEqual(self.r.get("name"), b"tok-a")
        a.release()

    def test_release_unlocked_raises(self):
        lock = self.r.lock("name", timeout=5)
        with self.assertRaises(LockError):
            lock.release()

    def test_scripts_survive_flush(self):
        # redis-py runs its scripts with EVALSHA, and on NOSCRIPT loads them again (SCRIPT LOAD).
        lock = self.r.lock("name", timeout=5)
        self.assertTrue(lock.acquire(blocking=False))
        self.assertTrue(lock.extend(1))
        self.r.script_flush()
        self.assertTrue(lock.extend(1))
        lock.release()
        self.assertFalse(lock.locked())
        stats = self.r.info("commandstats")
        self.assertGreater(stats.get("cmdstat_evalsha", {}).get("calls", 0), 0, stats)

    def run_workers(self, use_lock):
        ctx = multiprocessing.get_context("fork")
        start = ctx.Event()
        procs = [ctx.Process(target=locked_increments,
                             args=(self.server.port, INCREMENTS, use_lock, start))
                 for _ in range(WORKERS)]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(timeout=120)
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join()
        self.assertEqual([p.exitcode for p in procs], [0] * WORKERS)
        return int(self.r.get(COUNTER) or 0)

    def test_contention_exact_count(self):
        self.assertEqual(self.run_workers(use_lock=True), WORKERS * INCREMENTS)
        self.assertFalse(self.r.exists(LOCK_NAME))

    def test_contention_without_lock_loses_updates(self):
        # The control: the same read-modify-write without the lock loses updates, so the
        # exact count above really depends on the lock.
        self.assertLess(self.run_workers(use_lock=False), WORKERS * INCREMENTS)


class RespcacheLockTest(LockTests, unittest.TestCase):
    @staticmethod
    def start_server():
        return harness.start_respcache(BINARY, "--threads", "2")

    @staticmethod
    def stop_server(server):
        harness.stop_cleanly(server)


class RedisServerLockTest(LockTests, unittest.TestCase):
    @staticmethod
    def start_server():
        return harness.start_redis()

    @staticmethod
    def stop_server(server):
        server.kill()


if __name__ == "__main__":
    harness.run_tests(__name__)
