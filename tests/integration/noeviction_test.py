#!/usr/bin/env python3
"""maxmemory-policy noeviction side by side with Debian's redis-server started the same way
(maxmemory 2mb, noeviction): Redis's processCommand rule, which respcache copies. While used
memory is over maxmemory, a command flagged denyoom is refused before it runs with
"-OOM command not allowed when used memory > 'maxmemory'.", and so is every command sent
inside MULTI (EXEC, DISCARD and QUIT aside), which dooms the EXEC (-EXECABORT); an EXEC whose
queue holds a denyoom command is itself refused ("EXECABORT Transaction discarded because of:
OOM ..."); everything else (GET, DEL, EXPIRE, PING, WATCH, CONFIG ...) is served.

Where exactly each server crosses the budget differs (their memory is not the same), so the
over-budget state is made the same on both by lowering maxmemory (CONFIG SET) well below what
they hold, and the replies are then compared step by step, byte for byte.

Usage: noeviction_test.py path/to/respcache
"""
import unittest

import harness

BINARY = None
OOM = "OOM command not allowed when used memory > 'maxmemory'."
VALUE = b"v" * 1000


class Client:
    def __init__(self, server):
        self.sock = server.connect(timeout=30)
        self.reader = harness.RespReader(self.sock)

    def __call__(self, *args):
        self.sock.sendall(harness.encode(*args))
        return self.reader.reply()

    def close(self):
        self.sock.close()


class NoEvictionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        flags = ("--maxmemory", "2mb", "--maxmemory-policy", "noeviction")
        cls.servers = {"respcache": harness.start_respcache(BINARY, "--threads", "2", *flags)}
        try:
            cls.servers["redis"] = harness.start_redis(*flags)
        except Exception:
            cls.servers["respcache"].kill()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.servers["redis"].kill()
        harness.stop_cleanly(cls.servers["respcache"])

    def setUp(self):
        self.clients = {}
        for name, server in self.servers.items():
            trio = (Client(server), Client(server), Client(server))
            for client in trio:
                self.addCleanup(client.close)
            self.clients[name] = trio
            admin = trio[2]
            self.assertEqual(admin("CONFIG", "SET", "maxmemory", "2mb"), b"OK")
            self.assertEqual(admin("FLUSHALL"), b"OK")

    def tearDown(self):
        self.assertIsNone(self.servers["respcache"].proc.poll(), "respcache exited")

    def fill(self, client):
        """SETs 1,000-byte values until one is refused; returns (count stored, the refusal)."""
        for i in range(100_000):
            reply = client(b"SET", b"fill:%d" % i, VALUE)
            if reply != b"OK":
                return i, reply
        self.fail("100,000 SETs of 1,000 bytes fitted in 2mb")

    def test_filling_ends_with_redis_oom_reply(self):
        for name, (client, _, _) in self.clients.items():
            stored, refusal = self.fill(client)
            self.assertEqual(refusal, OOM, name)
            self.assertGreater(stored, 100, name)
            # Over the budget every denyoom command is refused, reads and deletes are served,
            # and deleting enough makes room again. (Not compared step by step: where each
            # server stands against its budget right after the first refusal differs.)
            self.assertEqual(client(b"GET", b"fill:0"), VALUE, name)
            self.assertEqual(client(b"DEL", *[b"fill:%d" % i for i in range(stored)]), stored,
                             name)
            self.assertEqual(client(b"SET", b"after", b"room"), b"OK", name)
            self.assertEqual(client(b"GET", b"after"), b"room", name)

    def test_replies_over_the_budget_match_redis(self):
        steps = [
            # (connection, command): 0 runs the sequence, 1 another client, 2 the admin.
            (0, ["SET", "counter", "1"]), (0, ["SET", "s", "abc"]), (0, ["SET", "w", "x"]),
            (0, ["MULTI"]), (0, ["SET", "q", "1"]), (0, ["GET", "s"]),  # queued under budget
            (1, ["MULTI"]), (1, ["GET", "s"]), (1, ["PING"]),  # a queue of reads only
            (2, ["CONFIG", "SET", "maxmemory", "100kb"]),  # now far over on both
            (0, ["EXEC"]),  # its queue holds a SET: refused, the transaction ends
            (0, ["EXEC"]),  # so there is none left
            (1, ["EXEC"]),  # reads only: runs
            (2, ["CONFIG", "GET", "maxmemory"]),
            (0, ["SET", "x", "1"]), (0, ["SET", "s", "xyz"]), (0, ["SETNX", "s", "q"]),
            (0, ["INCR", "counter"]), (0, ["INCRBY", "counter", "5"]),
            (0, ["INCRBYFLOAT", "counter", "1.5"]), (0, ["APPEND", "s", "1"]),
            (0, ["GETSET", "s", "abc"]), (0, ["MSET", "a", "1"]), (0, ["MSETNX", "a", "1"]),
            (0, ["SETEX", "a", "100", "v"]), (0, ["PSETEX", "a", "100", "v"]),
            (0, ["SETRANGE", "s", "0", "x"]), (0, ["SETBIT", "s", "1", "1"]),
            (0, ["BITOP", "AND", "d", "s"]), (0, ["BITFIELD", "s", "GET", "u8", "0"]),
            # Served: reads, deletes, expiry, connection and server commands.
            (0, ["GET", "s"]), (0, ["MGET", "s", "counter", "nope"]), (0, ["STRLEN", "s"]),
            (0, ["GETRANGE", "s", "0", "1"]), (0, ["EXISTS", "s"]), (0, ["TTL", "s"]),
            (0, ["EXPIRE", "s", "100"]), (0, ["PERSIST", "s"]), (0, ["GETEX", "s"]),
            (0, ["BITCOUNT", "s"]), (0, ["PING"]), (0, ["ECHO", "hi"]),
            (0, ["CLIENT", "SETNAME", "n"]), (0, ["SELECT", "0"]), (0, ["DBSIZE"]),
            (0, ["NOSUCH", "a"]), (0, ["GET"]),  # unknown and arity come first, as in Redis
            # Inside MULTI everything but EXEC, DISCARD and QUIT is refused, EXEC aborts.
            (0, ["MULTI"]), (0, ["GET", "s"]), (0, ["PING"]), (0, ["WATCH", "s"]),
            (0, ["MULTI"]), (0, ["DEL", "s"]), (0, ["EXEC"]),
            (0, ["MULTI"]), (0, ["SET", "s", "1"]), (0, ["DISCARD"]),
            (0, ["WATCH", "w"]), (0, ["UNWATCH"]),
            (0, ["GETDEL", "counter"]), (0, ["DEL", "s", "w"]),
            (2, ["CONFIG", "SET", "maxmemory", "0"]),  # no limit: writes are served again
            (0, ["SET", "x", "1"]), (0, ["INCR", "x"]), (0, ["MULTI"]), (0, ["INCR", "x"]),
            (0, ["GET", "x"]), (0, ["EXEC"]), (0, ["GET", "x"]),
        ]
        replies = {}
        for name, trio in self.clients.items():
            for i in range(300):  # 300 kB of data: both servers well over a 100kb budget
                self.assertEqual(trio[2](b"SET", b"fill:%d" % i, VALUE), b"OK")
            replies[name] = [(conn, args, trio[conn](*args)) for conn, args in steps]
        for ours, theirs in zip(replies["respcache"], replies["redis"]):
            self.assertEqual(ours, theirs)
        # The rule really was exercised: refusals and an aborted EXEC on both.
        got = [reply for _, _, reply in replies["respcache"]]
        self.assertGreaterEqual(got.count(OOM), 20)
        self.assertIn("EXECABORT Transaction discarded because of: " + OOM, got)
        self.assertIn("EXECABORT Transaction discarded because of previous errors.", got)
        self.assertEqual(got[-1], b"3")

    def test_transaction_admitted_under_the_budget_runs_whole(self):
        # A command that passes the check runs whole even when it takes usage over the budget
        # (as in Redis): two SETRANGEs growing 1.5 MB each, from a few bytes of input, in one
        # EXEC. The next denyoom command is refused; reads and DEL go on.
        for name, (client, _, _) in self.clients.items():
            self.assertEqual([client(b"MULTI"), client(b"SETRANGE", b"a", b"1500000", b"x"),
                              client(b"SETRANGE", b"b", b"1500000", b"y"), client(b"EXEC")],
                             [b"OK", b"QUEUED", b"QUEUED", [1500001, 1500001]], name)
            self.assertEqual(client(b"SET", b"more", b"x"), OOM, name)
            if name == "respcache":  # PUT, respcache's own SET, obeys the same rule
                self.assertEqual(client(b"PUT", b"more", b"x"), OOM)
            self.assertEqual(client(b"GETRANGE", b"b", b"1500000", b"-1"), b"y", name)
            self.assertEqual(client(b"DEL", b"a", b"b"), 2, name)
            self.assertEqual(client(b"SET", b"more", b"x"), b"OK", name)

if __name__ == "__main__":
    harness.run_tests(__name__)
