"""`respcache --ping`, the health check the Docker image uses instead of redis-cli: exit 0
and print +PONG while a server answers on --bind/--port, exit 1 with a reason on stderr
when nothing does.

Usage: ping_test.py path/to/respcache
"""
import socket
import subprocess
import threading
import unittest

import harness

BINARY = None


def ping(*args):
    return subprocess.run([BINARY, "--ping", *args], capture_output=True, text=True, timeout=30)


class PingTest(unittest.TestCase):
    def test_running_server_answers_pong(self):
        server = harness.start_respcache(BINARY)
        try:
            done = ping("--port", str(server.port))
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stdout.strip(), "+PONG")
            # The image's server binds 0.0.0.0; the health check given that address pings
            # loopback.
            done = ping("--bind", "0.0.0.0", "--port", str(server.port))
            self.assertEqual(done.returncode, 0, done.stderr)
        finally:
            harness.stop_cleanly(server)

    def test_stopped_server_fails(self):
        server = harness.start_respcache(BINARY)
        port = server.port
        harness.stop_cleanly(server)
        done = ping("--port", str(port))
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stdout, "")
        self.assertIn(f"127.0.0.1:{port}", done.stderr)

    def test_non_resp_listener_fails(self):
        # Something listens, but it is not a RESP server: it closes without a PONG.
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)

        def close_at_once():
            conn, _ = listener.accept()
            conn.recv(64)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            conn.close()

        t = threading.Thread(target=close_at_once, daemon=True)
        t.start()
        try:
            done = ping("--port", str(listener.getsockname()[1]))
            self.assertEqual(done.returncode, 1)
            self.assertIn("HTTP/1.1 400", done.stderr)
        finally:
            t.join(10)
            listener.close()

    def test_ping_does_not_start_a_server(self):
        # --ping with the port of a running server must not try to bind it and must return
        # promptly; it is a client only.
        server = harness.start_respcache(BINARY)
        try:
            done = ping("--port", str(server.port), "--threads", "1")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertNotIn("listening", done.stdout + done.stderr)
        finally:
            harness.stop_cleanly(server)


if __name__ == "__main__":
    harness.run_tests(__name__)
