"""HTTP helpers shared by the http_*_test.py scripts (kept apart from harness.py, which
knows RESP only): a raw-socket response reader for pipelined requests, a request builder,
a strict Prometheus text-format checker, and a unittest base class with one server per
class.
"""
import http.client
import json
import re
import unittest

import harness
from harness import RespReader, encode

PUT_OK = b'{"status":"OK","message":"Key inserted/updated successfully."}'
NOT_FOUND = b'{"status":"ERROR","message":"Key not found."}'
HEALTHY = b'{"status":"OK"}'
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def put_body(key, value, **dumps):
    return json.dumps({"key": key, "value": value}, **dumps).encode()


def hit_body(key, value):
    """The exact bytes the server must send for a hit: compact, UTF-8 left unescaped."""
    return json.dumps({"status": "OK", "key": key, "value": value}, ensure_ascii=False,
                      separators=(",", ":")).encode()


class HttpResponse:
    """One HTTP response read off the wire: status, headers (names lower-cased), body."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def __repr__(self):
        return f"HttpResponse({self.status}, {self.headers!r}, {self.body[:200]!r})"


class HttpReader(harness.SocketReader):
    """Reads whole HTTP/1.1 responses from a raw socket, framed by Content-Length, for tests
    that pipeline requests or must see exactly what was sent (http.client hides both)."""

    def response(self, head=False):
        """The next response; `head` when it answers a HEAD request (headers only)."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        block, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = block.decode("latin-1").split("\r\n")
        version, status = lines[0].split(" ", 2)[:2]
        if version != "HTTP/1.1":
            raise ValueError(f"bad status line {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = 0 if head or int(status) < 200 else int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            self._fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        return HttpResponse(int(status), headers, body)


def http_request(method, target, body=None, headers=(), version="1.1"):
    """The bytes of one HTTP request; Content-Length is added when there is a body."""
    lines = [f"{method} {target} HTTP/{version}", "Host: 127.0.0.1"]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    lines += list(headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


# -- Prometheus text exposition format, version 0.0.4 --------------------------------------

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)",?')
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def parse_prometheus(text):
    """Checks `text` line by line and returns {family: {"type", "help", "samples"}}, samples
    being (name, labels dict, float). Every sample is `name{labels} value` after its family's
    HELP and TYPE; histograms are checked by check_histogram. AssertionError otherwise."""
    families = {}
    assert text.endswith("\n"), "exposition must end with a newline"
    for line in text[:-1].split("\n"):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, (name, _, value) = line[2:6].lower(), line[7:].partition(" ")
            family = families.setdefault(name, {"type": None, "help": None, "samples": []})
            assert not family["samples"], f"{kind} for {name} after its samples"
            assert family[kind] is None, f"second {kind} for {name}"
            assert value and (kind == "help" or value in TYPES), f"bad line {line!r}"
            family[kind] = value
            continue
        if line.startswith("# "):
            continue
        match = SAMPLE.match(line)
        assert match, f"not `name{{labels}} value`: {line!r}"
        name, label_text, value = match.groups()
        labels, pos = {}, 0
        while label_text and pos < len(label_text):
            label = LABEL.match(label_text, pos)
            assert label, f"bad labels in {line!r}"
            labels[label.group(1)] = label.group(2)
            pos = label.end()
        try:
            number = float(value)
        except ValueError:
            raise AssertionError(f"bad value in {line!r}") from None
        family_name = name
        for suffix in ("_bucket", "_sum", "_count"):
            base = name[:-len(suffix)]
            if name.endswith(suffix) and families.get(base, {}).get("type") == "histogram":
                family_name = base
        family = families.get(family_name)
        assert family and family["type"] and family["help"], f"{name}: no HELP and TYPE before"
        family["samples"].append((name, labels, number))
    for name, family in families.items():
        assert family["type"] and family["help"] and family["samples"], f"{name} incomplete"
        if family["type"] == "counter":
            assert name.endswith("_total"), f"counter {name} should end in _total"
        if family["type"] == "histogram":
            check_histogram(name, family["samples"])
    return families


def check_histogram(name, samples):
    """Buckets with increasing bounds, cumulative counts, the last le="+Inf" equal to _count,
    and a _sum."""
    buckets = [(labels["le"], value) for n, labels, value in samples if n == name + "_bucket"]
    counts = [value for n, _, value in samples if n == name + "_count"]
    assert buckets and buckets[-1][0] == "+Inf", f'{name}: buckets must end with le="+Inf"'
    bounds = [float(le) for le, _ in buckets]
    assert bounds == sorted(set(bounds)), f"{name}: le bounds not increasing: {bounds}"
    values = [v for _, v in buckets]
    assert values == sorted(values), f"{name}: buckets not cumulative: {values}"
    assert counts == [values[-1]], f"{name}: +Inf bucket {values[-1]} != _count {counts}"
    assert any(n == name + "_sum" for n, _, _ in samples), f"{name}: no _sum"


def metric(families, name, **labels):
    """The value of the one sample `name` with exactly these labels."""
    for family in families.values():
        for sample_name, sample_labels, value in family["samples"]:
            if sample_name == name and sample_labels == labels:
                return value
    raise KeyError(f"{name}{labels} not in /metrics")


class HttpTestCase(unittest.TestCase):
    """One respcache per class (started with `server_args`), and request helpers."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = harness.start_respcache(cls.binary(), *cls.server_args)

    @classmethod
    def tearDownClass(cls):
        harness.stop_cleanly(cls.server)

    @classmethod
    def binary(cls):
        import sys
        return sys.modules[cls.__module__].BINARY

    def tearDown(self):
        self.assertIsNone(self.server.proc.poll(), "server exited during the test")

    def client(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=15)
        self.addCleanup(conn.close)
        return conn

    def call(self, conn, method, target, body=None, headers=None):
        """One request on an http.client connection; returns (status, response, body)."""
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response, response.read()

    def resp(self, *args):
        """One RESP command on a fresh connection; its reply."""
        with self.server.connect() as s:
            s.sendall(encode(*args))
            return RespReader(s).reply()

    def metrics(self, conn=None):
        status, response, body = self.call(conn or self.client(), "GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(response.getheader("Content-Type"), PROMETHEUS_TEXT)
        return parse_prometheus(body.decode("utf-8"))

    def assert_json_error(self, status, headers, body, expected_status):
        """`headers` is an http.client response or a dict with lower-case names."""
        self.assertEqual(status, expected_status, body)
        content_type = (headers.get("content-type") if isinstance(headers, dict)
                        else headers.getheader("Content-Type"))
        self.assertEqual(content_type, "application/json")
        document = json.loads(body)
        self.assertEqual(set(document), {"status", "message"}, body)
        self.assertEqual(document["status"], "ERROR", body)
        self.assertTrue(document["message"], body)

    def assert_closed_then_resp_works(self, sock):
        rest, closed = harness.read_until_closed(sock)
        self.assertTrue(closed, "server kept the connection open")
        self.assertEqual(rest, b"", "bytes after a response that closes the connection")
        self.assertEqual(self.resp("PING"), b"PONG", "RESP on a fresh connection afterwards")
