"""Locust load test for respcache, for Debian's python3-locust 2.12 as it is.

    locust -f bench/locustfile.py --host tcp://HOST:7171 --users 10000 --spawn-rate 100 \\
        --run-time 180s --headless                      # both users below, half each
    locust -f bench/locustfile.py --host tcp://HOST:7171 RespUser ...      # RESP only
    locust -f bench/locustfile.py --host tcp://HOST:7171 HttpApiUser ...   # HTTP only

Two users, against the same host and port:
  RespUser     a raw socket speaking RESP (real framing, a reply reader that handles partial
               reads), sending the challenge's PUT key value / GET key; reported as request
               type "RESP", names "PUT" and "GET".
  HttpApiUser  the HTTP/JSON API: POST /put {"key", "value"} and GET /get?key=K; reported as
               "POST /put" and "GET /get".

Workload: half PUTs of a new key, half GETs of a key this user wrote earlier (one of its last
KEEP_KEYS), so every GET has a known right answer. Keys and values are random letters and
digits, up to 256 characters each, as in the challenge; a key starts with a per-user tag and a
counter, so no two users or PUTs share one.

The rule for GETs of a key the user wrote itself:
  - the wrong value is always a failure;
  - a miss is a failure while the server has evicted nothing (INFO evicted_keys = 0: the cache
    lost a key it had room for). Once evicted_keys > 0, a miss is allowed (the cache is full and
    dropped the key, as a cache should) and counted as a success under its own name,
    "GET (miss after eviction)" / "GET /get (miss after eviction)", so it stays visible.
  The HTTP user asks the same question with INFO over RESP on the same port.

Environment:
  RESPCACHE_LOCUST_WAIT=S   mean think time between a user's requests, in seconds (default 1;
                            each wait is uniform in [0.5 S, 1.5 S]; 0 for none)
  RESPCACHE_PASSWORD=P      for a server with --requirepass: AUTH P on each RESP connection,
                            "Authorization: Bearer P" on each HTTP request

Distributed (2.12 has no --processes): start one master and a worker per CPU,
    locust -f bench/locustfile.py --master --headless --expect-workers 2 --host ... &
    locust -f bench/locustfile.py --worker &  (once per worker)
Debian's build reports an empty version, which makes a master refuse its workers as
"pre 2.0"; this file sets the version both sides report (below).
"""
import os
import random
import socket
import string
import time
from urllib.parse import quote, urlparse

import locust.runners
from locust import FastHttpUser, User, between, task

# Debian's python3-locust reports version "" and a master drops workers that send "" as
# "old (pre 2.0)"; both sides read this module attribute.
if not locust.runners.__version__:
    locust.runners.__version__ = "2.12.1"

DEFAULT_PORT = 7171
MAX_LENGTH = 256  # the challenge's largest key and value
KEEP_KEYS = 100  # keys each user remembers for its GETs (bounds Locust's memory per user)
TIMEOUT = 10.0
_WAIT = float(os.environ.get("RESPCACHE_LOCUST_WAIT", "1"))
_PASSWORD = os.environ.get("RESPCACHE_PASSWORD")

# Random text is cut from one pool rather than generated per request: a Locust process is
# CPU-bound, and the server sees no difference.
_ALPHABET = string.ascii_letters + string.digits
_POOL = "".join(random.choices(_ALPHABET, k=1 << 16))


def _text(length):
    start = random.randrange(len(_POOL) - length)
    return _POOL[start:start + length]


def host_and_port(url):
    """(host, port) from --host: tcp://h:p, http://h:p, or h:p."""
    parsed = urlparse(url if "://" in url else f"tcp://{url}")
    return parsed.hostname or "127.0.0.1", parsed.port or DEFAULT_PORT


class RespError(Exception):
    """An error reply (-ERR ...) from the server."""


class RespConnection:
    """One RESP2 connection with a buffered reply reader: replies are parsed from whatever
    the socket delivered, however it was split, and surplus bytes wait for the next reply."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0  # start of the unread bytes in buf
        if _PASSWORD:
            self.call("AUTH", _PASSWORD)

    def close(self):
        self.sock.close()

    def call(self, *args):
        """Sends one command, returns its reply: bytes, int, None, list, or RespError."""
        out = [b"*%d\r\n" % len(args)]
        for arg in args:
            data = arg.encode() if isinstance(arg, str) else arg
            out.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self.sock.sendall(b"".join(out))
        return self._reply()

    def _fill(self):
        if self.pos > 0 and self.pos == len(self.buf):
            self.buf.clear()
            self.pos = 0
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def _line(self):
        while True:
            end = self.buf.find(b"\r\n", self.pos)
            if end >= 0:
                line = bytes(self.buf[self.pos:end])
                self.pos = end + 2
                return line
            self._fill()

    def _exact(self, n):
        while len(self.buf) - self.pos < n:
            self._fill()
        data = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b"-":
            return RespError(rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            length = int(rest)
            if length < 0:
                return None
            data = self._exact(length + 2)
            if data[-2:] != b"\r\n":
                raise ConnectionError("bulk string not followed by CRLF")
            return data[:-2]
        if kind == b"*":
            count = int(rest)
            return None if count < 0 else [self._reply() for _ in range(count)]
        raise ConnectionError(f"not a RESP reply: {line[:60]!r}")


_evicted_seen = False


def server_has_evicted(host, port):
    """Whether the server's INFO shows evicted_keys > 0 (remembered once true, per process)."""
    global _evicted_seen
    if not _evicted_seen:
        conn = RespConnection(host, port)
        try:
            info = conn.call("INFO", "stats")
        finally:
            conn.close()
        if isinstance(info, bytes):
            for line in info.decode().splitlines():
                if line.startswith("evicted_keys:") and int(line.split(":", 1)[1]) > 0:
                    _evicted_seen = True
    return _evicted_seen


class KeyspaceMixin:
    """Makes unique keys and random values, and remembers this user's last KEEP_KEYS writes."""

    wait_time = between(0.5 * _WAIT, 1.5 * _WAIT)

    def init_keyspace(self):
        self.tag = _text(8)
        self.counter = 0
        self.written = []  # (key, value), a ring of the last KEEP_KEYS
        self.next_slot = 0

    def new_pair(self):
        self.counter += 1
        prefix = f"{self.tag}:{self.counter}:"
        key = prefix + _text(random.randint(0, MAX_LENGTH - len(prefix)))
        return key, _text(random.randint(1, MAX_LENGTH))

    def remember(self, key, value):
        if len(self.written) < KEEP_KEYS:
            self.written.append((key, value))
        else:
            self.written[self.next_slot] = (key, value)
            self.next_slot = (self.next_slot + 1) % KEEP_KEYS

    def known_pair(self):
        return random.choice(self.written) if self.written else None


class RespUser(KeyspaceMixin, User):
    def on_start(self):
        self.init_keyspace()
        self.server = host_and_port(self.host or f"tcp://127.0.0.1:{DEFAULT_PORT}")
        self.conn = None

    def on_stop(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, name, *args):
        """Runs one command and reports it; returns (reply, report) where report(name, error)
        files the outcome. Connection errors are reported here and return (None, None)."""
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = RespConnection(*self.server)
            reply = self.conn.call(*args)
        except (OSError, ConnectionError, ValueError) as e:
            self.on_stop()  # reconnect on the next request
            self.fire(name, started, 0, e)
            return None, None
        length = len(reply) if isinstance(reply, bytes) else 0
        return reply, lambda final_name, error=None: self.fire(final_name, started, length, error)

    def fire(self, name, started, length, error):
        self.environment.events.request.fire(
            request_type="RESP", name=name, response_time=(time.perf_counter() - started) * 1000,
            response_length=length, exception=error, context={})

    @task
    def put(self):
        key, value = self.new_pair()
        reply, report = self.request("PUT", "PUT", key, value)
        if report is None:
            return
        if reply == b"OK":
            self.remember(key, value)
            report("PUT")
        else:
            report("PUT", RespError(f"PUT replied {reply!r}"))

    @task
    def get(self):
        pair = self.known_pair()
        if pair is None:
            return self.put()
        key, value = pair
        reply, report = self.request("GET", "GET", key)
        if report is None:
            return
        if reply == value.encode():
            report("GET")
        elif reply is None:
            self.report_miss(report, "GET")
        else:
            report("GET", RespError(f"GET returned {reply!r:.80} instead of what this user wrote"))

    def report_miss(self, report, name):
        try:
            evicted = server_has_evicted(*self.server)
        except (OSError, ConnectionError, ValueError) as e:
            return report(name, ConnectionError(f"miss, and INFO failed: {e}"))
        if evicted:
            report(f"{name} (miss after eviction)")
        else:
            report(name, RespError("miss on a key this user wrote, with nothing evicted"))


class HttpApiUser(KeyspaceMixin, FastHttpUser):
    """The challenge's HTTP API on the same port; --host tcp://h:p is read as http://h:p."""

    def __init__(self, environment):
        host, port = host_and_port(self.host or environment.host or "")
        self.server = (host, port)
        self.host = f"http://{host}:{port}"
        super().__init__(environment)

    def on_start(self):
        self.init_keyspace()
        self.headers = {"Authorization": f"Bearer {_PASSWORD}"} if _PASSWORD else {}

    @task
    def put(self):
        key, value = self.new_pair()
        with self.client.post("/put", json={"key": key, "value": value}, name="POST /put",
                              headers=dict(self.headers), catch_response=True) as response:
            body = self.json(response)
            if response.status_code == 200 and body.get("status") == "OK":
                self.remember(key, value)
                response.success()
            else:
                response.failure(f"{response.status_code} {(response.text or '')[:80]!r}")

    @task
    def get(self):
        pair = self.known_pair()
        if pair is None:
            return self.put()
        key, value = pair
        with self.client.get(f"/get?key={quote(key, safe='')}", name="GET /get",
                             headers=dict(self.headers), catch_response=True) as response:
            body = self.json(response)
            if response.status_code != 200:
                response.failure(f"{response.status_code} {(response.text or '')[:80]!r}")
            elif body.get("status") == "OK" and body.get("value") == value:
                response.success()
            elif body.get("status") == "ERROR" and body.get("message") == "Key not found.":
                self.report_miss(response)
            else:
                response.failure(f"unexpected body {(response.text or '')[:80]!r}")

    def report_miss(self, response):
        try:
            evicted = server_has_evicted(*self.server)
        except (OSError, ConnectionError, ValueError) as e:
            return response.failure(f"miss, and INFO over RESP failed: {e}")
        if evicted:
            response.request_meta["name"] = "GET /get (miss after eviction)"
            response.success()
        else:
            response.failure("miss on a key this user wrote, with nothing evicted")

    @staticmethod
    def json(response):
        try:
            body = response.json()
        except Exception:  # a body that is not JSON: the checks above report it
            return {}
        return body if isinstance(body, dict) else {}
