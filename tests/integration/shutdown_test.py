"""Graceful shutdown of the real respcache binary: on SIGTERM, SIGINT or the SHUTDOWN command
it stops accepting, answers every command it has already read, and exits 0 - even with a
pipeline in flight, idle clients, a half-sent command, or a script that never ends.

Usage: shutdown_test.py path/to/respcache
"""
import signal
import socket
import subprocess
import threading
import time
import unittest

import harness
from harness import encode

BINARY = None
EXIT_TIMEOUT = 10.0



class ShutdownTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.start_respcache(BINARY)

    def tearDown(self):
        self.server.kill()

    def check_exit(self, sig, signalled_at=None):
        """Sends sig (unless it was sent at signalled_at) and asserts exit 0 in time. A
        second signal is never sent: it could mean "stop now" to the server."""
        proc = self.server.proc
        if signalled_at is None:
            signalled_at = time.time()
            proc.send_signal(sig)
        try:
            status = proc.wait(timeout=max(0.1, signalled_at + EXIT_TIMEOUT - time.time()))
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.fail(f"still running {EXIT_TIMEOUT}s after {sig.name}")
        log = self.server.output()
        self.assertEqual(status, 0, f"exit status after {sig.name}; server output:\n{log[-3000:]}")
        for marker in ("Sanitizer", "runtime error:"):
            self.assertNotIn(marker, log, f"sanitizer report in the server output:\n{log[-3000:]}")

    def assert_port_closed(self):
        with self.assertRaises(OSError, msg="port still accepting after shutdown"):
            socket.create_connection(("127.0.0.1", self.server.port), timeout=2).close()

    def assert_ok_prefix(self, data, sent):
        ok = b"+OK\r\n"
        n = len(data) // len(ok)
        self.assertLessEqual(n, sent, "more replies than commands")
        expected = ok * n
        if data[:len(expected)] != expected:
            bad = next(i for i in range(len(expected)) if data[i] != expected[i])
            self.fail(f"reply bytes {bad}..: {data[bad:bad + 40]!r}, expected only +OK lines")
        self.assertEqual(data[len(expected):], b"", "torn or extra reply at the end")
        return n

    def pipeline_then_signal(self, sig, count):
        sock = self.server.connect(timeout=EXIT_TIMEOUT + 5)
        wire = b"".join(encode("SET", f"shutdown:{i}", f"value-{i}") for i in range(count))
        send_error = []

        def send():
            try:
                sock.sendall(wire)
            except OSError as e:  # the server may close before reading it all
                send_error.append(e)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        # Wait for the first reply, so the signal lands while the pipeline is being served.
        sock.settimeout(EXIT_TIMEOUT)
        first = b""
        while len(first) < 5:
            chunk = sock.recv(5 - len(first))
            self.assertTrue(chunk, "connection closed before the first reply")
            first += chunk
        self.server.proc.send_signal(sig)
        signalled_at = time.time()
        rest, closed = harness.read_until_closed(sock, EXIT_TIMEOUT + 5)
        sender.join(EXIT_TIMEOUT)
        sock.close()
        self.assertTrue(closed, "server left the connection open after the signal")
        n = self.assert_ok_prefix(first + rest, count)
        self.assertGreaterEqual(n, 1)
        print(f"  {sig.name}: {n} of {count} pipelined SETs answered before close "
              f"(sender error: {send_error[0] if send_error else None})")
        self.check_exit(sig, signalled_at)
        self.assert_port_closed()

    def test_sigterm_with_pipeline_in_flight(self):
        self.pipeline_then_signal(signal.SIGTERM, 5000)

    def test_sigint_with_pipeline_in_flight(self):
        self.pipeline_then_signal(signal.SIGINT, 2000)

    def test_sigterm_while_commands_keep_arriving(self):
        # The client streams batches of SETs; the signal lands after 1000 replies, while
        # more commands are still on their way. Whatever was answered is a clean prefix.
        count, batch = 5000, 50
        sock = self.server.connect(timeout=EXIT_TIMEOUT + 5)
        stop = threading.Event()

        def send():
            try:
                for start in range(0, count, batch):
                    if stop.is_set():
                        return
                    sock.sendall(b"".join(encode("SET", f"stream:{i}", "v")
                                          for i in range(start, start + batch)))
                    time.sleep(0.005)
            except OSError:
                pass  # the server closed while we were still sending

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        sock.settimeout(EXIT_TIMEOUT)
        got = b""
        while len(got) < 1000 * 5:
            chunk = sock.recv(1 << 16)
            self.assertTrue(chunk, f"connection closed after {len(got)} reply bytes")
            got += chunk
        self.server.proc.send_signal(signal.SIGTERM)
        signalled_at = time.time()
        rest, closed = harness.read_until_closed(sock, EXIT_TIMEOUT + 5)
        stop.set()
        sender.join(EXIT_TIMEOUT)
        sock.close()
        self.assertTrue(closed, "server left a busy connection open after SIGTERM")
        n = self.assert_ok_prefix(got + rest, count)
        print(f"  streaming: {n} of {count} SETs answered before close")
        self.check_exit(signal.SIGTERM, signalled_at)
        self.assert_port_closed()

    def test_fully_read_pipeline_is_fully_answered(self):
        # 50 commands (about 1.5 KB) go in one segment and any server reads them in one
        # read: once the first reply is here, all 50 have been read and must be answered.
        count = 50
        sock = self.server.connect(timeout=EXIT_TIMEOUT + 5)
        sock.sendall(b"".join(encode("SET", f"k{i:02d}", "v") for i in range(count)))
        sock.settimeout(EXIT_TIMEOUT)
        first = sock.recv(1)
        self.assertEqual(first, b"+")
        self.server.proc.send_signal(signal.SIGTERM)
        signalled_at = time.time()
        rest, closed = harness.read_until_closed(sock, EXIT_TIMEOUT + 5)
        sock.close()
        self.assertTrue(closed, "server left the connection open after SIGTERM")
        self.assertEqual(self.assert_ok_prefix(first + rest, count), count)
        self.check_exit(signal.SIGTERM, signalled_at)

    def test_idle_and_half_sent_clients_do_not_block_exit(self):
        idle = [self.server.connect() for _ in range(5)]
        half = self.server.connect()
        half.sendall(b"*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$100\r\nonly-part")
        used = self.server.connect()
        used.sendall(encode("PING"))
        self.assertEqual(used.recv(7), b"+PONG\r\n")
        time.sleep(0.1)
        self.check_exit(signal.SIGTERM)
        for s in idle + [half, used]:
            data, closed = harness.read_until_closed(s, limit=2)
            self.assertTrue(closed, "connection still open after the server exited")
            self.assertEqual(data, b"", "unexpected bytes to an idle or half-sent client")
            s.close()
        self.assert_port_closed()

    def test_sigint_idle_server(self):
        self.check_exit(signal.SIGINT)
        self.assert_port_closed()

    def shutdown_command(self, *args):
        sock = self.server.connect(timeout=EXIT_TIMEOUT)
        sock.sendall(encode("SET", "before", "1") + encode("SHUTDOWN", *args))
        data, closed = harness.read_until_closed(sock, EXIT_TIMEOUT)
        sock.close()
        # As Redis: the SET's reply, then the connection closes with no reply to SHUTDOWN.
        self.assertTrue(closed, "connection still open after SHUTDOWN")
        self.assertEqual(data, b"+OK\r\n")
        self.check_exit(signal.SIGTERM, signalled_at=time.time())
        self.assert_port_closed()

    def test_shutdown_command(self):
        self.shutdown_command()

    def test_shutdown_nosave_now_force(self):
        self.shutdown_command("NOSAVE", "NOW", "FORCE")

    def test_sigterm_stops_an_endless_script_on_the_only_thread(self):
        # With one worker the script's thread is the only one: nobody can send SCRIPT KILL
        # or SHUTDOWN NOSAVE, so the signal itself must end the script.
        self.server.kill()
        self.server = harness.start_respcache(BINARY, "--threads", "1")
        sock = self.server.connect(timeout=EXIT_TIMEOUT)
        sock.sendall(encode("EVAL", "redis.call('set', 'k', 'v') while true do end", "0"))
        time.sleep(0.3)
        self.check_exit(signal.SIGTERM)
        sock.close()



if __name__ == "__main__":
    harness.run_tests(__name__)
