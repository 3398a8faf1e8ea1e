"""Raw-socket tests of the real respcache binary: framing, pipelining, binary safety,
size limits, protocol errors and many concurrent connections, with nothing between the
test and the bytes on the wire.

Usage: raw_socket_test.py path/to/respcache
"""
import os
import socket
import struct
import threading
import time
import unittest

import harness
from harness import RespError, RespReader, encode

BINARY = None





def reset_close(sock):
    """Closes with RST instead of FIN (SO_LINGER on, zero timeout)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class RawSocketTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.start_respcache(BINARY)

    @classmethod
    def tearDownClass(cls):
        harness.stop_cleanly(cls.server)

    def setUp(self):
        self.assertIsNone(self.server.proc.poll(), "server died before this test")
        self.sock = self.server.connect(timeout=15.0)
        self.reader = RespReader(self.sock)

    def tearDown(self):
        self.sock.close()
        self.assertIsNone(self.server.proc.poll(),
                          f"server exited (status {self.server.proc.returncode}) during the test")

    def call(self, *args):
        self.sock.sendall(encode(*args))
        return self.reader.reply()

    def test_pipeline_of_1000_puts_then_gets_replies_in_order(self):
        n = 1000
        data = b"".join(encode("PUT", f"pipe:{i}", f"value-{i}") for i in range(n))
        data += b"".join(encode("GET", f"pipe:{i}") for i in range(n))
        self.sock.sendall(data)
        for i in range(n):
            self.assertEqual(self.reader.reply(), b"OK", f"reply to PUT #{i}")
        for i in range(n):
            self.assertEqual(self.reader.reply(), f"value-{i}".encode(), f"reply to GET #{i}")
        self.assertEqual(self.reader.buf, b"", "bytes beyond the 2000 expected replies")

    def test_interleaved_pipeline_mixes_commands_in_order(self):
        data = b""
        expected = []
        for i in range(300):
            data += encode("SET", f"mix:{i}", str(i)) + encode("INCR", f"mix:{i}")
            data += encode("GET", f"mix:{i}") + encode("PING")
            expected += [b"OK", i + 1, str(i + 1).encode(), b"PONG"]
        self.sock.sendall(data)
        got = [self.reader.reply() for _ in expected]
        self.assertEqual(got, expected)

    def test_command_split_at_every_byte(self):
        cases = [
            (encode("SET", "split:key", "va\r\nlue"), [b"OK"]),
            (encode("GET", "split:key"), [b"va\r\nlue"]),
            (b"PING\r\n", [b"PONG"]),
            (b"ECHO \"two words\"\r\n", [b"two words"]),
            (encode("ECHO", "a") + encode("PING") + encode("GET", "split:none"),
             [b"a", b"PONG", None]),
        ]
        for wire, expected in cases:
            # Two sends, split at each offset in turn.
            for cut in range(1, len(wire)):
                self.sock.sendall(wire[:cut])
                time.sleep(0.002)
                self.sock.sendall(wire[cut:])
                got = [self.reader.reply() for _ in expected]
                self.assertEqual(got, expected, f"{wire!r} split at byte {cut}")
            # One byte per send.
            for i in range(len(wire)):
                self.sock.sendall(wire[i:i + 1])
                time.sleep(0.001)
            got = [self.reader.reply() for _ in expected]
            self.assertEqual(got, expected, f"{wire!r} sent one byte at a time")
        self.assertEqual(self.reader.buf, b"")

    def test_binary_safe_keys_and_values(self):
        pairs = [
            (b"k\r\nwith\r\nnewlines", b"v\r\n$3\r\nabc\r\n*1\r\n"),
            (b"nul\x00key", b"\x00\x00value\x00"),
            (bytes(range(256)), bytes(range(255, -1, -1)) * 4),
            (b"empty-value", b""),
            (b"\r\n", b"\r\n"),
        ]
        for key, value in pairs:
            self.assertEqual(self.call("SET", key, value), b"OK", key)
        for key, value in pairs:
            self.assertEqual(self.call("GET", key), value, key)
            self.assertEqual(self.call("STRLEN", key), len(value), key)
            self.assertEqual(self.call("EXISTS", key), 1, key)
        self.assertEqual(self.call("MGET", *[k for k, _ in pairs]), [v for _, v in pairs])
        self.assertEqual(self.call("EXISTS", b"nul"), 0, "key must not be cut at NUL")

    def test_one_mib_value_round_trip(self):
        value = os.urandom(1 << 20)
        self.assertEqual(self.call("SET", "big:1mib", value), b"OK")
        got = self.call("GET", "big:1mib")
        self.assertEqual(len(got), len(value))
        self.assertTrue(got == value, "1 MiB value came back with different bytes")
        self.assertEqual(self.call("STRLEN", "big:1mib"), 1 << 20)
        self.assertEqual(self.call("PING"), b"PONG")

    def test_protocol_error_closes_only_that_connection(self):
        # The exact bytes (reply to the PING before the garbage, error text, close) must
        # match Debian's redis-server, which every client already knows how to handle.
        reference = harness.start_redis()
        other = self.server.connect()
        other_reader = RespReader(other)
        try:
            other.sendall(encode("SET", "proto:other", "before"))
            self.assertEqual(other_reader.reply(), b"OK")
            for garbage in (b"*1\r\n$abc\r\n", b"*2\r\n:1\r\n:2\r\n", b"*x\r\n",
                            b"*1\r\n$-5\r\n", b"*1\r\n$999999999999\r\n",
                            b'SET "a b\r\n', b"x" * 70000):
                got = []
                for server in (self.server, reference):
                    bad = server.connect()
                    try:
                        bad.sendall(b"PING\r\n" + garbage)
                        data, closed = harness.read_until_closed(bad)
                        self.assertTrue(closed, f"{garbage[:40]!r}: connection still open")
                        got.append(data)
                    finally:
                        bad.close()
                data, expected = got
                self.assertTrue(data.startswith(b"+PONG\r\n-ERR Protocol error: "),
                                f"{garbage[:40]!r} got {data!r}")
                self.assertEqual(data, expected, f"{garbage[:40]!r}: respcache vs redis-server")
                other.sendall(encode("GET", "proto:other") + encode("PING"))
                self.assertEqual(other_reader.reply(), b"before", f"after {garbage[:40]!r}")
                self.assertEqual(other_reader.reply(), b"PONG", f"after {garbage[:40]!r}")
        finally:
            other.close()
            reference.kill()

    def test_200_concurrent_connections(self):
        n, rounds = 200, 3
        socks = [self.server.connect(timeout=30.0) for _ in range(n)]
        errors = []
        start = threading.Barrier(n, timeout=30)

        def client(i, sock):
            try:
                reader = RespReader(sock)
                start.wait()
                for r in range(rounds):
                    sock.sendall(encode("SET", f"conn:{i}", f"{i}:{r}") +
                                 encode("GET", f"conn:{i}"))
                    got = (reader.reply(), reader.reply())
                    if got != (b"OK", f"{i}:{r}".encode()):
                        errors.append(f"connection {i} round {r}: {got!r}")
                        return
                    sock.sendall(encode("INCR", "conn:counter"))
                    if not isinstance(reader.reply(), int):
                        errors.append(f"connection {i}: INCR did not return an integer")
                        return
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(f"connection {i}: {e!r}")

        threads = [threading.Thread(target=client, args=(i, s)) for i, s in enumerate(socks)]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        finally:
            for s in socks:
                s.close()
        self.assertEqual(errors, [])
        self.assertEqual(self.call("GET", "conn:counter"), str(n * rounds).encode())
        self.assertEqual(self.call("MGET", *[f"conn:{i}" for i in range(n)]),
                         [f"{i}:{rounds - 1}".encode() for i in range(n)])

    def test_client_vanishing_mid_command_does_not_disturb_others(self):
        self.assertEqual(self.call("SET", "vanish:big", b"x" * 65536), b"OK")
        self.sock.sendall(encode("SET", "vanish:steady", "1"))
        self.assertEqual(self.reader.reply(), b"OK")

        # FIN in the middle of a bulk string.
        s = self.server.connect()
        s.sendall(b"*3\r\n$3\r\nSET\r\n$11\r\nvanish:half\r\n$100\r\nabc")
        time.sleep(0.05)
        s.close()
        # RST in the middle of a large announced bulk.
        s = self.server.connect()
        s.sendall(b"*3\r\n$3\r\nSET\r\n$11\r\nvanish:half\r\n$5000000\r\n" + b"y" * 100000)
        time.sleep(0.05)
        reset_close(s)
        # RST while the server still has megabytes of replies to write.
        s = self.server.connect()
        s.sendall(encode("GET", "vanish:big") * 300)
        time.sleep(0.05)
        reset_close(s)
        # FIN right after a pipeline, never reading the replies.
        s = self.server.connect()
        s.sendall(encode("GET", "vanish:big") * 100)
        s.close()
        # Connect and leave at once.
        for _ in range(20):
            self.server.connect().close()

        time.sleep(0.2)
        self.assertIsNone(self.server.proc.poll(), "server died when clients vanished")
        self.sock.sendall(encode("INCR", "vanish:steady") + encode("EXISTS", "vanish:half"))
        self.assertEqual(self.reader.reply(), 2)
        self.assertEqual(self.reader.reply(), 0, "a half-sent SET was executed")
        fresh = self.server.connect()
        try:
            fresh.sendall(encode("GET", "vanish:steady"))
            self.assertEqual(RespReader(fresh).reply(), b"2")
        finally:
            fresh.close()


class SizeLimitTest(unittest.TestCase):
    """A server with --max-value-size 1k and --max-key-size 100."""

    KEY_LIMIT = 100

    @classmethod
    def setUpClass(cls):
        cls.server = harness.start_respcache(BINARY, "--max-value-size", "1k",
                                             "--max-key-size", str(cls.KEY_LIMIT))

    @classmethod
    def tearDownClass(cls):
        harness.stop_cleanly(cls.server)

    def setUp(self):
        self.sock = self.server.connect(timeout=15.0)
        self.reader = RespReader(self.sock)

    def tearDown(self):
        self.sock.close()
        self.assertIsNone(self.server.proc.poll(), "server exited during the test")

    def call(self, *args):
        self.sock.sendall(encode(*args))
        return self.reader.reply()

    def assert_error_naming(self, reply, limit_name):
        self.assertIsInstance(reply, RespError, f"expected an error naming {limit_name}")
        self.assertTrue(reply.startswith("ERR"), reply)
        self.assertIn(limit_name, reply)

    def test_value_at_most_1000_bytes_is_accepted(self):
        # 1k means 1000 or 1024 bytes depending on convention; 1000 fits either way.
        self.assertEqual(self.call("SET", "v:ok", b"a" * 1000), b"OK")
        self.assertEqual(self.call("GET", "v:ok"), b"a" * 1000)

    def test_value_above_limit_is_refused_and_connection_stays_open(self):
        for size in (1025, 4096, 2 * 1024 * 1024):
            reply = self.call("SET", f"v:big:{size}", b"b" * size)
            self.assert_error_naming(reply, "max-value-size")
            self.assertEqual(self.call("PING"), b"PONG", f"after a {size}-byte value")
            self.assertIsNone(self.call("GET", f"v:big:{size}"), "refused value was stored")

    def test_oversized_value_inside_a_pipeline(self):
        self.sock.sendall(encode("SET", "p:1", "one") + encode("SET", "p:2", b"z" * 5000) +
                          encode("PING") + encode("GET", "p:1") + encode("GET", "p:2"))
        self.assertEqual(self.reader.reply(), b"OK")
        self.assert_error_naming(self.reader.reply(), "max-value-size")
        self.assertEqual(self.reader.reply(), b"PONG")
        self.assertEqual(self.reader.reply(), b"one")
        self.assertIsNone(self.reader.reply())

    def test_key_at_limit_is_accepted(self):
        key = b"k" * self.KEY_LIMIT
        self.assertEqual(self.call("SET", key, "v"), b"OK")
        self.assertEqual(self.call("GET", key), b"v")

    def test_key_above_limit_is_refused_and_connection_stays_open(self):
        before = self.call("DBSIZE")
        key = b"k" * (self.KEY_LIMIT + 1)
        self.assert_error_naming(self.call("SET", key, "v"), "max-key-size")
        self.assertEqual(self.call("PING"), b"PONG")
        self.assertEqual(self.call("DBSIZE"), before, "refused key was stored")



if __name__ == "__main__":
    harness.run_tests(__name__)
