"""redis-py's keyspace API against the real respcache binary, side by side with Debian's
redis-server (16 databases, as Redis ships): scan_iter(match=...), keys(), and a client made
with from_url('redis://127.0.0.1:port/1'), which sends SELECT 1 on every new connection.

Usage: /usr/bin/python3 redis_py_keyspace_test.py path/to/respcache
"""
import sys
import unittest

try:
    import redis
except ImportError:
    sys.exit("import redis failed: run with /usr/bin/python3 (Debian's python3-redis)")

import harness

BINARY = None


class KeyspaceSideBySideTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.respcache = harness.start_respcache(BINARY)
        try:
            cls.redis = harness.start_redis("--databases", "16")
        except Exception:
            cls.respcache.kill()
            raise
        cls.servers = {"respcache": cls.respcache, "redis-server": cls.redis}

    @classmethod
    def tearDownClass(cls):
        cls.redis.kill()
        harness.stop_cleanly(cls.respcache)

    def setUp(self):
        for server in self.servers.values():
            r = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=15)
            r.flushall()
            r.close()

    def tearDown(self):
        self.assertIsNone(self.respcache.proc.poll(), "respcache exited during the test")

    def on_both(self, fn):
        """fn(server) on both servers; asserts equal results and returns respcache's."""
        results = {}
        for name, server in self.servers.items():
            try:
                results[name] = fn(server)
            except redis.ResponseError as e:
                results[name] = ("error", str(e))
        self.assertEqual(results["respcache"], results["redis-server"])
        return results["respcache"]

    def test_scan_iter_and_keys(self):
        def run(server):
            r = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=15)
            pipe = r.pipeline(transaction=False)
            for i in range(300):
                pipe.set(f"user:{i}", i)
            for i in range(40):
                pipe.set(f"order:{i}", i)
            pipe.execute()
            users = sorted(r.scan_iter(match="user:*", count=25))
            everything = sorted(set(r.scan_iter()))
            keys = sorted(r.keys("user:1?"))
            values = r.mget(users[:3])
            r.close()
            return len(users), len(set(users)), len(everything), keys, values, users[:3]

        got = self.on_both(run)
        self.assertEqual(got[:4], (300, 300, 340,
                                   sorted(f"user:1{i}".encode() for i in range(10))))

    def test_from_url_database_1(self):
        def run(server):
            one = redis.Redis.from_url(f"redis://127.0.0.1:{server.port}/1", socket_timeout=15)
            zero = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=15)
            steps = [one.set("where", "db1"), zero.set("where", "db0"), one.get("where"),
                     zero.get("where"), one.dbsize(), zero.dbsize(),
                     one.set("only1", "x", nx=True), zero.exists("only1")]
            pipe = one.pipeline()  # a transaction on the db-1 connection
            pipe.incr("n").incr("n").get("n")
            steps.append(pipe.execute())
            steps.append(zero.get("n"))
            steps.append(one.flushdb())
            steps += [one.dbsize(), zero.get("where")]
            one.close()
            zero.close()
            return steps

        got = self.on_both(run)
        self.assertEqual(got[:6], [True, True, b"db1", b"db0", 1, 1])


if __name__ == "__main__":
    harness.run_tests(__name__)
