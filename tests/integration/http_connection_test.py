"""How the HTTP API on the RESP port handles connections (issue 6), with raw sockets and
http.client against the real binary: 1,000 requests on one keep-alive connection, pipelined
requests in one send answered in order, Connection: close and HTTP/1.0, 100-continue,
framing errors (414, 431, 413, 411, 400) that close only their own connection, and RESP on
the same port alongside.

Usage: /usr/bin/python3 http_connection_test.py path/to/respcache
"""
import http.client
import subprocess
import threading
import time
import urllib.parse

import harness
from harness import RespReader, encode
from http_harness import (HEALTHY, NOT_FOUND, PUT_OK, HttpReader, HttpTestCase, hit_body,
                          http_request, metric, put_body)

BINARY = None


def get_target(key):
    return "/get?" + urllib.parse.urlencode({"key": key})


class HttpConnectionTest(HttpTestCase):
    def test_expect_100_continue_comes_before_the_body(self):
        with self.server.connect() as s:
            reader = HttpReader(s)
            body = put_body("x:continue", "sent after 100")
            s.sendall(http_request("POST", "/put", headers=["Expect: 100-continue",
                                                            f"Content-Length: {len(body)}"]))
            interim = reader.response()
            self.assertEqual((interim.status, interim.body), (100, b""))
            s.sendall(body)
            final = reader.response()
            self.assertEqual((final.status, final.body), (200, PUT_OK))
            # With the body already sent, no interim response is owed.
            s.sendall(http_request("POST", "/put", body, headers=["Expect: 100-continue"]))
            self.assertEqual(reader.response().status, 200)
            s.sendall(http_request("GET", "/health"))
            self.assertEqual(reader.response().body, HEALTHY)
        self.assertEqual(self.resp("GET", "x:continue"), b"sent after 100")

    def test_pipelined_requests_in_one_send_are_answered_in_order(self):
        requests, expected = [], []
        for i in range(100):
            key = f"pipe:{i}"
            requests += [http_request("POST", "/put", put_body(key, f"value {i}")),
                         http_request("GET", get_target(key)),
                         http_request("GET", get_target(key + ":miss")),
                         http_request("HEAD", get_target(key)),
                         http_request("GET", "/health"), http_request("GET", "/nope"),
                         http_request("POST", "/put", b"{broken")]
            expected += [(200, PUT_OK, False), (200, hit_body(key, f"value {i}"), False),
                         (200, NOT_FOUND, False), (200, b"", True), (200, HEALTHY, False),
                         (404, None, False), (400, None, False)]
        with self.server.connect(timeout=15) as s:
            s.sendall(b"".join(requests))
            reader = HttpReader(s)
            for i, (status, body, head) in enumerate(expected):
                response = reader.response(head=head)
                self.assertEqual(response.status, status, f"response #{i}")
                if body is not None:
                    self.assertEqual(response.body, body, f"response #{i}")
                self.assertNotIn("connection", response.headers)
            self.assertEqual(harness.read_until_quiet(s), (b"", False), "extra bytes or closed")

    def test_pipelined_large_responses_stay_in_order(self):
        # About 6 MiB of responses to one send: written out in slices, never reordered.
        conn = self.client()
        values = {f"big:{i}": chr(ord("a") + i % 26) * (100_000 + i) for i in range(60)}
        for key, value in values.items():
            self.assertEqual(self.call(conn, "POST", "/put", put_body(key, value))[2], PUT_OK)
        with self.server.connect(timeout=30) as s:
            s.sendall(b"".join(http_request("GET", get_target(k)) for k in values))
            reader = HttpReader(s)
            for key, value in values.items():
                self.assertEqual(reader.response().body, hit_body(key, value), key)

    def test_request_sent_one_byte_at_a_time(self):
        wire = (http_request("POST", "/put", put_body("x:trickle", "slow")) +
                http_request("GET", "/get?key=x:trickle"))
        with self.server.connect() as s:
            for i in range(len(wire)):
                s.sendall(wire[i:i + 1])
                time.sleep(0.001)
            reader = HttpReader(s)
            self.assertEqual(reader.response().body, PUT_OK)
            self.assertEqual(reader.response().body, hit_body("x:trickle", "slow"))

    def test_connection_close_and_http_1_0(self):
        health = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        cases = [  # (request, server keeps the connection)
            (http_request("GET", "/health", headers=["Connection: close"]), False),
            (http_request("POST", "/put", put_body("x:close", "v"), ["Connection: close"]),
             False),
            (http_request("GET", "/nope", headers=["Connection: close"]), False),
            (http_request("GET", "/health", version="1.0"), False),
            (http_request("GET", "/get?key=x:close", version="1.0"), False),
            (http_request("GET", "/health", version="1.0", headers=["Connection: keep-alive"]),
             True),
            (http_request("GET", "/health", headers=["Connection: keep-alive"]), True),
        ]
        for request, kept in cases:
            with self.server.connect() as s:
                s.sendall(request + health)  # a second request the server must not answer
                reader = HttpReader(s)
                first = reader.response()
                self.assertIn(first.status, (200, 404), request)
                if kept:
                    self.assertEqual(reader.response().body, HEALTHY, request)
                    if b"HTTP/1.0" in request:
                        self.assertEqual(first.headers.get("connection"), "keep-alive")
                    self.assertEqual(harness.read_until_quiet(s), (b"", False), request)
                else:
                    self.assertEqual(first.headers.get("connection"), "close", request)
                    self.assertEqual(reader.buf, b"", request)
                    self.assert_closed_then_resp_works(s)

    def test_resp_and_http_share_the_port(self):
        conn = self.client()
        with self.server.connect() as resp_sock:
            reader = RespReader(resp_sock)
            for i in range(20):  # interleaved on two open connections
                resp_sock.sendall(encode("SET", f"both:{i}", f"r{i}"))
                self.assertEqual(reader.reply(), b"OK")
                self.assertEqual(self.call(conn, "GET", f"/get?key=both:{i}")[2],
                                 hit_body(f"both:{i}", f"r{i}"))
                self.call(conn, "POST", "/put", put_body(f"both:{i}", f"h{i}"))
                resp_sock.sendall(b"GET both:%d\r\n" % i)  # inline RESP
                self.assertEqual(reader.reply(), f"h{i}".encode())
        cli = subprocess.run(["redis-cli", "-p", str(self.server.port), "PING"],
                             capture_output=True, timeout=30)
        self.assertEqual(cli.stdout.strip(), b"PONG")
        info = self.resp("INFO", "commandstats").decode()
        self.assertRegex(info, r"cmdstat_get:calls=\d+")



class ConcurrencyAndShutdownTest(HttpTestCase):
    def test_concurrent_keep_alive_clients(self):
        failures = []

        def client(n):
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
            try:
                for i in range(200):
                    key, value = f"conc:{n}:{i % 20}", f"{n}-{i}"
                    got = (self.call(conn, "POST", "/put", put_body(key, value))[2],
                           self.call(conn, "GET", get_target(key))[2])
                    if got != (PUT_OK, hit_body(key, value)):
                        failures.append((n, i, got))
                        return
            except Exception as e:  # reported below, with the others
                failures.append((n, repr(e)))
            finally:
                conn.close()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])

    def test_sigterm_with_open_http_connections_exits_cleanly(self):
        server = harness.start_respcache(BINARY)
        try:
            idle, partial, pending = (server.connect() for _ in range(3))
            idle.sendall(http_request("GET", "/health"))
            self.assertEqual(HttpReader(idle).response().body, HEALTHY)
            partial.sendall(http_request("POST", "/put", headers=["Content-Length: 100"]) +
                            b'{"key": "a", "val')  # a body still arriving
            pending.sendall(b"GET /hea")  # protocol decided, request line unfinished
            time.sleep(0.2)  # let the server read them before the signal
            harness.stop_cleanly(server)
            for s in (idle, partial, pending):
                self.assertEqual(harness.read_until_closed(s), (b"", True))
                s.close()
        finally:
            server.kill()


class KeepAliveTest(HttpTestCase):
    """A server of its own, so that its connection counts are this class's connections."""

    def test_1000_requests_on_one_keep_alive_connection(self):
        conn = self.client()
        first = self.metrics(conn)
        sock = conn.sock
        received = metric(first, "respcache_connections_received_total")
        for i in range(1000):
            key, value = f"ka:{i // 2 % 100}", str(i - i % 2)
            if i % 2 == 0:
                status, response, body = self.call(conn, "POST", "/put", put_body(key, value))
                expected = PUT_OK
            else:
                status, response, body = self.call(conn, "GET", get_target(key))
                expected = hit_body(key, value)
            self.assertEqual((status, body), (200, expected), f"request #{i}")
            self.assertIsNone(response.getheader("Connection"), f"request #{i}")
            self.assertIs(conn.sock, sock, f"http.client reconnected after request #{i}")
        last = self.metrics(conn)
        self.assertIs(conn.sock, sock)
        self.assertEqual(metric(last, "respcache_connections_received_total"), received,
                         "the server accepted another connection")
        self.assertEqual(metric(last, "respcache_connected_clients", protocol="http"), 1)
        for command in ("put", "get"):
            self.assertEqual(
                metric(last, "respcache_commands_processed_total", command=command) -
                metric(first, "respcache_commands_processed_total", command=command), 500)
        info = self.resp("INFO", "stats").decode()
        self.assertIn(f"total_connections_received:{int(received) + 1}\r\n", info)

    def clients_by_protocol(self, conn, expected):
        """connected_clients by protocol, once it equals `expected` (a closed connection is
        noticed by the server asynchronously) or after 10 s."""
        deadline = time.time() + 10
        while True:
            families = self.metrics(conn)
            got = {p: metric(families, "respcache_connected_clients", protocol=p)
                   for p in ("resp", "http")}
            if got == expected or time.time() > deadline:
                return got
            time.sleep(0.05)

    def test_connected_clients_by_protocol(self):
        conn = self.client()
        resp_socks = [self.server.connect() for _ in range(3)]
        http_socks = [self.server.connect() for _ in range(2)]
        try:
            for s in resp_socks:
                s.sendall(encode("PING"))
                self.assertEqual(RespReader(s).reply(), b"PONG")
            for s in http_socks:
                s.sendall(http_request("GET", "/health"))
                self.assertEqual(HttpReader(s).response().body, HEALTHY)
            self.assertEqual(self.clients_by_protocol(conn, {"resp": 3, "http": 3}),
                             {"resp": 3, "http": 3})
        finally:
            for s in resp_socks + http_socks:
                s.close()
        self.assertEqual(self.clients_by_protocol(conn, {"resp": 0, "http": 1}),
                         {"resp": 0, "http": 1})


def send_all(sock, data):
    """Sends what the server takes; a server that answers early and closes may reset the
    connection under a long send, and the test then reads what it answered."""
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


class FramingErrorTest(HttpTestCase):
    """Small limits, so that requests over them are small too. From http_limits_from():
    headers up to 3 * max-key-size + 16 KiB, bodies up to 2 * (key + value sizes) + 1 KiB."""

    server_args = ("--max-key-size", "16", "--max-value-size", "64")
    HEADER_LIMIT = 3 * 16 + 16 * 1024
    BODY_LIMIT = 2 * (16 + 64) + 1024

    def test_key_and_value_over_their_limits_are_400(self):
        conn = self.client()
        self.assertEqual(self.call(conn, "POST", "/put", put_body("k" * 16, "v" * 64))[2], PUT_OK)
        for key, value, limit in (("k" * 17, "v", "max-key-size"),
                                  ("k", "v" * 65, "max-value-size"),
                                  ("\u00e9" * 9, "v", "max-key-size")):  # 18 bytes of UTF-8
            status, response, body = self.call(conn, "POST", "/put", put_body(key, value))
            self.assert_json_error(status, response, body, 400)
            self.assertIn(limit, body.decode())
            self.assertEqual(self.call(conn, "GET", get_target(key))[2], NOT_FOUND)
        self.assertEqual(self.call(conn, "GET", get_target("k" * 16))[2],
                         hit_body("k" * 16, "v" * 64))

    def test_requests_at_the_limits_are_served(self):
        with self.server.connect() as s:
            reader = HttpReader(s)
            body = put_body("at:limit", "v")
            body += b" " * (self.BODY_LIMIT - len(body))  # JSON allows trailing whitespace
            s.sendall(http_request("POST", "/put", body))
            self.assertEqual(reader.response().body, PUT_OK)
            request = http_request("GET", "/health", headers=["X-Pad: "])
            pad = b"p" * (self.HEADER_LIMIT - len(request))
            s.sendall(request[:-4] + pad + b"\r\n\r\n")
            self.assertEqual(reader.response().body, HEALTHY)

    def test_framing_errors_answer_json_and_close(self):
        big_line = b"GET /get?key=" + b"a" * 200_000 + b" HTTP/1.1\r\n\r\n"
        cases = [
            (b"GET /" + b"a" * (self.HEADER_LIMIT + 100) + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
            (big_line, 414),
            (b"GET /health HTTP/1.1\r\nX-Big: " + b"b" * self.HEADER_LIMIT + b"\r\n\r\n", 431),
            (b"GET /health HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(2000)) +
             b"\r\n", 431),
            (http_request("GET", "/health", headers=["X-Pad: " + "p" * self.HEADER_LIMIT]),
             431),
            (http_request("POST", "/put", b"{" * (self.BODY_LIMIT + 1)), 413),
            (b"POST /put HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n{}", 413),
            (b"POST /put HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
             411),
            (b"GET /health HTTP/1.1\r\nBad Header\r\n\r\n", 400),
            (b"GET /health HTTP/1.1x\r\n\r\n", 400),
            (b"GET /health HTTP/x.1\r\n\r\n", 400),
            (b"GET /health HTTP/1.1\r\n: no name\r\n\r\n", 400),
            (b"GET /health HTTP/1.1\rX\n\r\n", 400),
            (b"GET /he\x01alth HTTP/1.1\r\n\r\n", 400),
            (b"GET /health HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400),
            (b"GET /health HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        ]
        for request, status in cases:
            with self.subTest(request=request[:60], status=status), self.server.connect() as s:
                # A request before the bad one is answered; one after it is not.
                send_all(s, http_request("GET", "/health") + request + http_request("GET", "/"))
                reader = HttpReader(s)
                self.assertEqual(reader.response().body, HEALTHY)
                response = reader.response()
                self.assert_json_error(response.status, response.headers, response.body, status)
                self.assertEqual(response.headers.get("connection"), "close")
                self.assertEqual(reader.buf, b"")
                self.assert_closed_then_resp_works(s)
                self.assertEqual(self.call(self.client(), "GET", "/health")[2], HEALTHY)

    def test_expect_100_continue_over_the_body_limit_gets_413_at_once(self):
        with self.server.connect() as s:
            s.sendall(http_request("POST", "/put", headers=[
                "Expect: 100-continue", f"Content-Length: {self.BODY_LIMIT + 1}"]))
            response = HttpReader(s).response()
            self.assertEqual(response.status, 413)
            self.assert_closed_then_resp_works(s)


if __name__ == "__main__":
    harness.run_tests(__name__)
