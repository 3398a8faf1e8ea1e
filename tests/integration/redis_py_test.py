"""redis-py (Debian's python3-redis) against the real respcache binary. Where respcache
copies Redis, the same calls run on Debian's redis-server side by side and the answers
(errors included) must match.

Usage: /usr/bin/python3 redis_py_test.py path/to/respcache
"""
import sys
import threading
import time
import unittest

try:
    import redis
except ImportError:
    sys.exit("import redis failed: run with /usr/bin/python3 (Debian's python3-redis)")

import harness

BINARY = None




def outcome(fn):
    """The value fn() returns, or ('error', class name, message) for a server error."""
    try:
        return fn()
    except redis.ResponseError as e:
        return ("error", type(e).__name__, str(e))


class SideBySideTest(unittest.TestCase):
    """Runs the same redis-py calls on respcache and redis-server and compares."""

    @classmethod
    def setUpClass(cls):
        cls.respcache = harness.start_respcache(BINARY)
        try:
            cls.redis = harness.start_redis()
        except Exception:
            cls.respcache.kill()
            raise
        cls.ours = redis.Redis(host="127.0.0.1", port=cls.respcache.port, socket_timeout=15)
        cls.theirs = redis.Redis(host="127.0.0.1", port=cls.redis.port, socket_timeout=15)

    @classmethod
    def tearDownClass(cls):
        cls.ours.close()
        cls.theirs.close()
        cls.redis.kill()
        harness.stop_cleanly(cls.respcache)

    def setUp(self):
        self.ours.flushall()
        self.theirs.flushall()

    def tearDown(self):
        self.assertIsNone(self.respcache.proc.poll(), "respcache exited during the test")

    def same(self, steps):
        """steps: list of (label, fn(client)). Asserts each gives the same on both servers."""
        for label, fn in steps:
            expected = outcome(lambda: fn(self.theirs))
            got = outcome(lambda: fn(self.ours))
            self.assertEqual(got, expected,
                             f"{label}: respcache {got!r}, redis-server {expected!r}")

    def test_strings(self):
        self.same([
            ("set", lambda r: r.set("s", "v1")),
            ("get", lambda r: r.get("s")),
            ("get missing", lambda r: r.get("missing")),
            ("mset", lambda r: r.mset({"a": "1", "b": "2", "c": b"\x00bin\r\n\x00"})),
            ("mget", lambda r: r.mget(["a", "missing", "b", "c"])),
            ("append existing", lambda r: r.append("s", "-more")),
            ("append new", lambda r: r.append("new", "abc")),
            ("get appended", lambda r: r.get("s")),
            ("strlen", lambda r: r.strlen("s")),
            ("strlen missing", lambda r: r.strlen("missing")),
            ("getdel", lambda r: r.getdel("s")),
            ("getdel again", lambda r: r.getdel("s")),
            ("exists", lambda r: r.exists("a", "b", "missing", "a")),
            ("delete", lambda r: r.delete("a", "missing", "b")),
            ("unlink", lambda r: r.unlink("c", "new")),
            ("dbsize", lambda r: r.dbsize()),
            ("ping", lambda r: r.ping()),
            ("echo", lambda r: r.echo("hello\r\nworld")),
            ("flushall", lambda r: r.flushall()),
            ("flushdb", lambda r: r.flushdb()),
            ("dbsize empty", lambda r: r.dbsize()),
        ])

    def test_counters(self):
        self.same([
            ("incr new", lambda r: r.incr("n")),
            ("incrby", lambda r: r.incrby("n", 41)),
            ("decr", lambda r: r.decr("n")),
            ("decrby", lambda r: r.decrby("n", 100)),
            ("get", lambda r: r.get("n")),
            ("incr negative", lambda r: r.incrby("n", -5)),
            ("set max", lambda r: r.set("big", str(2**63 - 1))),
            ("incr overflow", lambda r: r.incr("big")),
            ("set min", lambda r: r.set("small", str(-2**63))),
            ("decr overflow", lambda r: r.decr("small")),
            ("set word", lambda r: r.set("w", "abc")),
            ("incr word", lambda r: r.incr("w")),
            ("set spaced", lambda r: r.set("sp", " 1")),
            ("incr spaced", lambda r: r.incr("sp")),
            ("decr new", lambda r: r.decr("m")),
        ])

    def test_set_options(self):
        self.same([
            ("nx on missing", lambda r: r.set("k", "1", nx=True)),
            ("nx on existing", lambda r: r.set("k", "2", nx=True)),
            ("xx on existing", lambda r: r.set("k", "3", xx=True)),
            ("xx on missing", lambda r: r.set("absent", "3", xx=True)),
            ("get option", lambda r: r.set("k", "4", get=True)),
            ("get option missing", lambda r: r.set("fresh", "5", get=True)),
            ("value", lambda r: r.get("k")),
            ("nx and xx", lambda r: r.set("k", "6", nx=True, xx=True)),
            ("ex and px", lambda r: r.set("k", "6", ex=10, px=1000)),
            ("ex zero", lambda r: r.execute_command("SET", "k", "6", "EX", "0")),
            ("ex negative", lambda r: r.execute_command("SET", "k", "6", "EX", "-1")),
            ("ex not a number", lambda r: r.execute_command("SET", "k", "6", "EX", "ten")),
            ("unknown option", lambda r: r.execute_command("SET", "k", "6", "BOGUS")),
            ("ex with keepttl", lambda r: r.execute_command("SET", "k", "6", "EX", "5", "KEEPTTL")),
            ("ex", lambda r: r.set("k", "7", ex=100)),
            ("px", lambda r: r.set("k", "8", px=100000)),
            ("exat future", lambda r: r.set("k", "9", exat=int(time.time()) + 100)),
            ("pxat future", lambda r: r.set("k", "10", pxat=int(time.time() * 1000) + 100000)),
            ("value after expiry options", lambda r: r.get("k")),
            ("keepttl", lambda r: r.set("k", "11", keepttl=True)),
            ("value after keepttl", lambda r: r.get("k")),
            ("exat past", lambda r: r.set("gone", "x", exat=1)),
            ("get after exat past", lambda r: r.get("gone")),
        ])

    def test_errors(self):
        self.same([
            ("unknown command", lambda r: r.execute_command("NOSUCHCMD", "a")),
            ("get arity", lambda r: r.execute_command("GET")),
            ("set arity", lambda r: r.execute_command("SET", "k")),
            ("mset odd", lambda r: r.execute_command("MSET", "a", "1", "b")),
            ("incrby not a number", lambda r: r.execute_command("INCRBY", "n", "x")),
            ("select 0", lambda r: r.execute_command("SELECT", "0")),
        ])

    def test_transactions_through_the_normal_api(self):
        def pipeline_transaction(r):
            pipe = r.pipeline()  # transaction=True by default: MULTI ... EXEC
            pipe.set("t:a", "1").incr("t:a").incrbyfloat("t:f", 1.5).getset("t:a", "x")
            pipe.set("t:nx", "first", nx=True).set("t:nx", "second", nx=True).get("t:nx")
            return pipe.execute(), r.mget("t:a", "t:f", "t:nx")

        def failing_command_inside(r):
            pipe = r.pipeline()
            pipe.set("t:s", "text").incr("t:s").get("t:s")
            return pipe.execute(raise_on_error=False)

        self.same([
            ("pipeline transaction", pipeline_transaction),
            ("a failing command does not undo the others",
             lambda r: [str(x) if isinstance(x, Exception) else x
                        for x in failing_command_inside(r)]),
            ("incrbyfloat", lambda r: r.incrbyfloat("t:f", "-0.25")),
            ("get float", lambda r: r.get("t:f")),
        ])

    def test_watch_retry_with_transaction(self):
        """r.transaction(fn, key) retries fn while a watched key changes under it; here another
        connection writes the key during fn's first run only."""
        def run(r, port):
            other = redis.Redis(host="127.0.0.1", port=port, socket_timeout=15)
            calls = []

            def increment(pipe):
                current = int(pipe.get("w:counter") or 0)  # immediate mode after WATCH
                calls.append(current)
                if len(calls) == 1:
                    other.incrby("w:counter", 100)  # breaks this attempt
                pipe.multi()
                pipe.set("w:counter", current + 1)

            r.set("w:counter", 1)
            result = r.transaction(increment, "w:counter")
            other.close()
            return result, calls, r.get("w:counter")

        got = run(self.ours, self.respcache.port)
        expected = run(self.theirs, self.redis.port)
        self.assertEqual(got, expected)
        self.assertEqual(got, ([True], [1, 101], b"102"))

    def test_watch_conflict_raises_watch_error(self):
        def run(r, port):
            other = redis.Redis(host="127.0.0.1", port=port, socket_timeout=15)
            r.set("wc", "before")
            with r.pipeline() as pipe:
                pipe.watch("wc")
                other.set("wc", "other")  # between WATCH and EXEC
                pipe.multi()
                pipe.set("wc", "mine")
                try:
                    pipe.execute()
                    outcome_ = "executed"
                except redis.WatchError:
                    outcome_ = "WatchError"
            other.close()
            return outcome_, r.get("wc")

        got = run(self.ours, self.respcache.port)
        self.assertEqual(got, run(self.theirs, self.redis.port))
        self.assertEqual(got, ("WatchError", b"other"))

    def test_pipeline_of_1000(self):
        def run(r):
            pipe = r.pipeline(transaction=False)
            for i in range(500):
                pipe.set(f"p:{i}", i)
            for i in range(250):
                pipe.incr(f"p:{i}")
                pipe.get(f"p:{i}")
            return pipe.execute()

        got, expected = run(self.ours), run(self.theirs)
        self.assertEqual(len(got), 1000)
        self.assertEqual(got, expected)
        self.assertEqual(self.ours.dbsize(), 500)


class RespcacheOnlyTest(unittest.TestCase):
    """What has no twin in redis-server (PUT) or is per-connection (client names, ids)."""

    @classmethod
    def setUpClass(cls):
        cls.server = harness.start_respcache(BINARY)

    @classmethod
    def tearDownClass(cls):
        harness.stop_cleanly(cls.server)

    def setUp(self):
        self.r = redis.Redis(host="127.0.0.1", port=self.server.port, socket_timeout=15)

    def tearDown(self):
        self.r.close()
        self.assertIsNone(self.server.proc.poll(), "server exited during the test")

    def test_put(self):
        self.assertEqual(self.r.execute_command("PUT", "put:k", "put:v"), b"OK")
        self.assertEqual(self.r.get("put:k"), b"put:v")
        self.assertEqual(self.r.execute_command("PUT", "put:k", b"\x00\r\n"), b"OK")
        self.assertEqual(self.r.get("put:k"), b"\x00\r\n")

    def test_bytes_with_nul(self):
        key, value = b"\x00key\x00", bytes(range(256)) * 16
        self.assertTrue(self.r.set(key, value))
        self.assertEqual(self.r.get(key), value)
        self.assertEqual(self.r.strlen(key), len(value))
        self.assertEqual(self.r.mget([key, b"\x00key"]), [value, None])

    def test_expiry_actually_expires(self):
        self.assertTrue(self.r.set("ttl:px", "v", px=300))
        self.assertTrue(self.r.set("ttl:keep", "v", px=300))
        self.assertTrue(self.r.set("ttl:keep", "v2", keepttl=True))
        self.assertTrue(self.r.set("ttl:cleared", "v", px=300))
        self.assertTrue(self.r.set("ttl:cleared", "v2"))
        self.assertTrue(self.r.set("ttl:long", "v", ex=100))
        time.sleep(1.0)
        self.assertIsNone(self.r.get("ttl:px"), "PX 300 key still there after 1 s")
        self.assertIsNone(self.r.get("ttl:keep"), "KEEPTTL dropped the old expiry")
        self.assertEqual(self.r.get("ttl:cleared"), b"v2", "plain SET kept the old expiry")
        self.assertEqual(self.r.get("ttl:long"), b"v")
        self.assertEqual(self.r.exists("ttl:px", "ttl:keep"), 0)

    def test_client_name_and_id(self):
        self.assertIsNone(self.r.client_getname())
        self.assertTrue(self.r.client_setname("respcache-test"))
        self.assertEqual(self.r.client_getname(), "respcache-test")  # redis-py decodes it
        first = self.r.client_id()
        self.assertIsInstance(first, int)
        self.assertGreater(first, 0)
        self.assertEqual(self.r.client_id(), first, "id changed on the same connection")
        other = redis.Redis(host="127.0.0.1", port=self.server.port)
        try:
            self.assertNotEqual(other.client_id(), first)
            self.assertIsNone(other.client_getname(), "name leaked to another connection")
        finally:
            other.close()

    def test_info_and_misc(self):
        info = self.r.info()
        self.assertIsInstance(info, dict)
        self.assertTrue(info, "INFO returned nothing")
        self.assertTrue(self.r.ping())
        self.assertEqual(self.r.echo(b"\x00echo"), b"\x00echo")
        self.assertTrue(self.r.flushall())
        self.assertEqual(self.r.dbsize(), 0)
        self.r.set("one", "1")
        self.assertEqual(self.r.dbsize(), 1)

    def test_pipeline_of_1000_with_put(self):
        pipe = self.r.pipeline(transaction=False)
        for i in range(500):
            pipe.execute_command("PUT", f"pp:{i}", f"v{i}")
            pipe.get(f"pp:{i}")
        got = pipe.execute()
        self.assertEqual(len(got), 1000)
        self.assertEqual(got[0::2], [b"OK"] * 500)
        self.assertEqual(got[1::2], [f"v{i}".encode() for i in range(500)])

    def test_connection_pool_shared_by_threads(self):
        pool_client = redis.Redis(host="127.0.0.1", port=self.server.port, max_connections=16)
        errors = []

        def work(t):
            try:
                for i in range(100):
                    pool_client.set(f"thr:{t}:{i}", i)
                    if pool_client.get(f"thr:{t}:{i}") != str(i).encode():
                        errors.append(f"thread {t} key {i}")
                    pool_client.incr("thr:counter")
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(f"thread {t}: {e!r}")

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        pool_client.close()
        self.assertEqual(errors, [])
        self.assertEqual(self.r.get("thr:counter"), b"800")



if __name__ == "__main__":
    harness.run_tests(__name__)
