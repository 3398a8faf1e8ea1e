"""The HTTP/JSON API on the RESP port (issue 6), against the real respcache binary with
Python's http.client, curl and redis-py: every route and error response, JSON escapes and
unicode, the challenge's 256-character keys and values, reads across protocols in both
directions, and /metrics as Prometheus text whose counters move as they should.
Connection handling (keep-alive, pipelining, close, framing errors) is in
http_connection_test.py.

Usage: /usr/bin/python3 http_api_test.py path/to/respcache
"""
import json
import random
import shutil
import string
import subprocess
import sys
import time
import urllib.parse

try:
    import redis
except ImportError:
    sys.exit("import redis failed: run with /usr/bin/python3 (Debian's python3-redis)")

import harness
from http_harness import (HEALTHY, NOT_FOUND, PUT_OK, HttpTestCase, hit_body, metric,
                          parse_prometheus, put_body)

BINARY = None
CURL = shutil.which("curl")


def get_target(key):
    """/get?key=... with Python's form encoding (space as '+'), as an HTML form sends it."""
    return "/get?" + urllib.parse.urlencode({"key": key})


class HttpApiTest(HttpTestCase):
    def test_put_then_get_exact_responses(self):
        conn = self.client()
        status, response, body = self.call(conn, "POST", "/put", put_body("api:k", "v1"),
                                           {"Content-Type": "application/json"})
        self.assertEqual((status, body), (200, PUT_OK))
        self.assertEqual(response.getheader("Content-Type"), "application/json")
        self.assertEqual(response.getheader("Content-Length"), str(len(PUT_OK)))
        status, response, body = self.call(conn, "GET", "/get?key=api:k")
        self.assertEqual((status, body), (200, b'{"status":"OK","key":"api:k","value":"v1"}'))
        self.assertEqual(response.getheader("Content-Type"), "application/json")
        # Overwrite, and a key nobody wrote.
        self.assertEqual(self.call(conn, "POST", "/put", put_body("api:k", ""))[2], PUT_OK)
        self.assertEqual(self.call(conn, "GET", "/get?key=api:k")[2],
                         b'{"status":"OK","key":"api:k","value":""}')
        status, response, body = self.call(conn, "GET", "/get?key=api:never")
        self.assertEqual((status, body), (200, NOT_FOUND))
        self.assertEqual(response.getheader("Content-Type"), "application/json")

    def test_health_and_head_requests(self):
        conn = self.client()
        self.assertEqual(self.call(conn, "GET", "/health")[::2], (200, HEALTHY))
        self.call(conn, "POST", "/put", put_body("api:head", "some value"))
        for target in ("/health", "/get?key=api:head", "/get?key=api:none", "/metrics"):
            _, get_response, get_body = self.call(conn, "GET", target)
            status, response, body = self.call(conn, "HEAD", target)
            self.assertEqual((status, body), (200, b""), target)
            self.assertEqual(response.getheader("Content-Type"),
                             get_response.getheader("Content-Type"), target)
            if target != "/metrics":  # its body changes between the two requests
                self.assertEqual(response.getheader("Content-Length"), str(len(get_body)))

    def test_unknown_routes_are_404(self):
        conn = self.client()
        for method, target in (("GET", "/"), ("GET", "/nope"), ("GET", "/get/extra?key=a"),
                               ("POST", "/PUT"), ("GET", "/Health"), ("DELETE", "/x")):
            self.assert_json_error(*self.call(conn, method, target), 404)

    def test_wrong_methods_are_405_with_allow(self):
        conn = self.client()
        for method, target, allow in (("GET", "/put", "POST"), ("HEAD", "/put", "POST"),
                                      ("PUT", "/put", "POST"), ("POST", "/get?key=a", "GET, HEAD"),
                                      ("DELETE", "/get?key=a", "GET, HEAD"),
                                      ("POST", "/health", "GET, HEAD"),
                                      ("PATCH", "/metrics", "GET, HEAD")):
            status, response, body = self.call(conn, method, target, b"{}")
            self.assertEqual(response.getheader("Allow"), allow, f"{method} {target}")
            if method == "HEAD":
                self.assertEqual((status, body), (405, b""))
            else:
                self.assert_json_error(status, response, body, 405)

    def test_bad_put_bodies_are_400_and_keep_the_connection(self):
        conn = self.client()
        bodies = [b"", b"not json", b'{"key": "a", "value": "b"', b'{"key": "a" "value": "b"}',
                  b"[]", b'"a string"', b"null", b'{"value": "b"}', b'{"key": "a"}',
                  b'{"key": 1, "value": "b"}', b'{"key": "a", "value": 2}',
                  b'{"key": null, "value": "b"}', b'{"key": "a", "value": ["b"]}',
                  b'{"key": "a", "value": {"v": "b"}}', b'{"key": "a", "value": "b"} trailing',
                  b'{"key": "\xff", "value": "b"}',         # not UTF-8
                  b'{"key": "\\ud83d", "value": "b"}',       # a lone surrogate
                  b'{"key": "a", "value": "\\x41"}',         # not a JSON escape
                  b'{"key": "a\nb", "value": "b"}']          # raw control character
        for body in bodies:
            self.assert_json_error(*self.call(conn, "POST", "/put", body), 400)
            self.assertEqual(self.call(conn, "GET", "/health")[::2], (200, HEALTHY), body)
        self.assertEqual(self.resp("EXISTS", "a"), 0, "a rejected body wrote a key")

    def test_bad_get_queries_are_400(self):
        conn = self.client()
        for target in ("/get", "/get?", "/get?other=1", "/get?keys=a", "/get?key=%zz",
                       "/get?key=abc%4", "/get?key=%"):
            self.assert_json_error(*self.call(conn, "GET", target), 400)

    def test_query_is_url_decoded(self):
        conn = self.client()
        key = "a b+c/d?e&f=g%h#i\u00e9"
        self.assertEqual(self.call(conn, "POST", "/put", put_body(key, "decoded"))[2], PUT_OK)
        expected = hit_body(key, "decoded")
        for target in (get_target(key), "/get?key=" + urllib.parse.quote(key, safe=""),
                       "/get?x=1&key=" + urllib.parse.quote_plus(key) + "&key=other"):
            self.assertEqual(self.call(conn, "GET", target)[2], expected, target)
        self.call(conn, "POST", "/put", put_body("plus+sign", "literal plus"))
        self.assertEqual(self.call(conn, "GET", "/get?key=plus%2Bsign")[2],
                         hit_body("plus+sign", "literal plus"))
        self.assertEqual(self.call(conn, "GET", "/get?key=plus+sign")[2], NOT_FOUND)
        self.assertEqual(self.call(conn, "GET", "/get?key=api:frag#x")[2], NOT_FOUND)

    def test_json_escapes_and_unicode_both_ways(self):
        # (JSON text as a client writes it, the UTF-8 bytes stored, the JSON text sent back)
        cases = [
            (r'"line\nbreak\ttab\rcr"', b"line\nbreak\ttab\rcr", r'"line\nbreak\ttab\rcr"'),
            (r'"quote\" backslash\\ slash\/"', b'quote" backslash\\ slash/',
             r'"quote\" backslash\\ slash/"'),
            (r'"nul\u0000byte\u001f\b\f"', b"nul\x00byte\x1f\x08\x0c",
             r'"nul\u0000byte\u001f\b\f"'),
            (r'"e acute \u00e9 \u00C9"', "e acute \u00e9 \u00c9".encode(),
             '"e acute \u00e9 \u00c9"'),
            (r'"grin \ud83d\ude00!"', b"grin \xf0\x9f\x98\x80!", '"grin \U0001F600!"'),
            ('"raw utf-8 \u00e9\U0001F600 \u4e2d"', "raw utf-8 \u00e9\U0001F600 \u4e2d".encode(),
             '"raw utf-8 \u00e9\U0001F600 \u4e2d"'),
        ]
        conn = self.client()
        for i, (written, stored, sent_back) in enumerate(cases):
            key = f"esc:{i}"
            body = f'{{"key": "{key}", "value": {written}}}'.encode()
            self.assertEqual(self.call(conn, "POST", "/put", body)[::2], (200, PUT_OK), written)
            self.assertEqual(self.resp("GET", key), stored, written)
            got = self.call(conn, "GET", get_target(key))[2]
            self.assertEqual(got, f'{{"status":"OK","key":"{key}","value":{sent_back}}}'.encode())
            self.assertEqual(json.loads(got)["value"].encode(), stored)
        # Escaped keys too: a key with a NUL and an emoji, read back by URL and over RESP.
        key = "k\u0000\U0001F600\""
        self.assertEqual(self.call(conn, "POST", "/put", put_body(key, "v"))[2], PUT_OK)
        self.assertEqual(self.resp("GET", key.encode()), b"v")
        self.assertEqual(json.loads(self.call(conn, "GET", get_target(key))[2])["key"], key)

    def test_bytes_that_are_not_utf8_come_back_as_replacement_characters(self):
        # Every byte that is not part of a valid UTF-8 sequence becomes one U+FFFD: a lone
        # lead byte, a stray continuation, an encoded surrogate, an overlong form, a
        # truncated 4-byte sequence at the end.
        value = b"\xff\xfeok\xc3(\xe2\x82 \xed\xa0\x80 \xc0\xaf end\xf0\x9f\x98"
        r = "\ufffd"
        expected = f"{r}{r}ok{r}({r}{r} {r}{r}{r} {r}{r} end{r}{r}{r}"
        self.assertEqual(self.resp("SET", b"bin:\xff", value), b"OK")
        body = self.call(self.client(), "GET", "/get?key=bin:%FF")[2]
        document = json.loads(body.decode("utf-8"))  # strict: valid UTF-8 and valid JSON
        self.assertEqual(document, {"status": "OK", "key": "bin:" + r, "value": expected})
        self.assertEqual(body.count(b"\\ufffd"), 14, "written as the escape, not raw bytes")

    def test_256_character_ascii_keys_and_values(self):
        rng = random.Random(6)
        alphabet = string.ascii_letters + string.digits + string.punctuation + " "
        pairs = {"".join(rng.choice(alphabet) for _ in range(256)):
                 "".join(rng.choice(alphabet) for _ in range(256)) for _ in range(200)}
        conn = self.client()
        for key, value in pairs.items():
            self.assertEqual(self.call(conn, "POST", "/put", put_body(key, value))[::2],
                             (200, PUT_OK))
        for key, value in pairs.items():
            self.assertEqual(self.call(conn, "GET", get_target(key))[::2],
                             (200, hit_body(key, value)))
        sample = list(pairs)[:20]
        self.assertEqual(self.resp("MGET", *sample), [pairs[k].encode() for k in sample])

    def test_largest_value_with_every_byte_escaped(self):
        # --max-value-size (8 MiB by default) of quotes and backslashes: a 16 MiB JSON body
        # each way, near the body limit; then small requests on the same connection.
        value = '"\\' * (4 << 20)
        conn = self.client()
        self.assertEqual(self.call(conn, "POST", "/put", put_body("x:huge", value))[::2],
                         (200, PUT_OK))
        self.assertEqual(self.call(conn, "GET", "/get?key=x:huge")[2], hit_body("x:huge", value))
        self.assertEqual(self.resp("STRLEN", "x:huge"), 8 << 20)
        status, response, body = self.call(conn, "POST", "/put", put_body("x:huge", value + "!"))
        self.assert_json_error(status, response, body, 400)
        self.assertEqual(self.call(conn, "POST", "/put", put_body("x:small", "s"))[2], PUT_OK)
        self.assertEqual(self.call(conn, "GET", "/get?key=x:small")[2], hit_body("x:small", "s"))

    def test_http_writes_are_read_over_resp(self):
        conn = self.client()
        pairs = {"x:http:1": "one", "x:http:2": "caf\u00e9 \U0001F600", "x:http 3": "a\r\nb"}
        for key, value in pairs.items():
            self.assertEqual(self.call(conn, "POST", "/put", put_body(key, value))[2], PUT_OK)
        client = redis.Redis(host="127.0.0.1", port=self.server.port, socket_timeout=10)
        self.addCleanup(client.close)
        for key, value in pairs.items():
            self.assertEqual(client.get(key), value.encode())
            self.assertEqual(self.resp("GET", key), value.encode())
        self.call(conn, "POST", "/put", put_body("x:http:1", "overwritten"))
        self.assertEqual(client.get("x:http:1"), b"overwritten")

    def test_resp_writes_are_read_over_http(self):
        conn = self.client()
        client = redis.Redis(host="127.0.0.1", port=self.server.port, socket_timeout=10)
        self.addCleanup(client.close)
        self.assertTrue(client.set("x:resp:1", "from redis-py"))
        self.assertEqual(self.resp("PUT", "x:resp:2", "from PUT"), b"OK")
        self.assertEqual(self.call(conn, "GET", "/get?key=x:resp:1")[2],
                         hit_body("x:resp:1", "from redis-py"))
        self.assertEqual(self.call(conn, "GET", "/get?key=x:resp:2")[2],
                         hit_body("x:resp:2", "from PUT"))
        self.assertEqual(client.delete("x:resp:1"), 1)
        self.assertEqual(self.call(conn, "GET", "/get?key=x:resp:1")[2], NOT_FOUND)
        self.assertEqual(client.incr("x:resp:counter"), 1)
        self.assertEqual(self.call(conn, "GET", "/get?key=x:resp:counter")[2],
                         hit_body("x:resp:counter", "1"))

    def curl(self, *args, stdin=None):
        """curl -i; returns (status, headers, body) of the final response."""
        proc = subprocess.run([CURL, "-sS", "-i", *args], input=stdin, capture_output=True,
                              timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = proc.stdout
        while out.startswith(b"HTTP/1.1 100"):
            out = out.split(b"\r\n\r\n", 1)[1]
        head, _, body = out.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
        return int(lines[0].split()[1]), headers, body

    def test_curl(self):
        if CURL is None:
            self.fail("curl is not installed (scripts/install-deps.sh installs it)")
        base = f"http://127.0.0.1:{self.server.port}"
        body = put_body("curl key", "curl \u00e9 value", ensure_ascii=False)
        status, headers, got = self.curl("-X", "POST", "-H", "Content-Type: application/json",
                                         "--data-binary", "@-", base + "/put", stdin=body)
        self.assertEqual((status, got, headers["content-type"]), (200, PUT_OK, "application/json"))
        expected = hit_body("curl key", "curl \u00e9 value")
        self.assertEqual(self.curl("-G", "--data-urlencode", "key=curl key", base + "/get")[::2],
                         (200, expected))
        self.assertEqual(self.curl("--http1.0", base + "/get?key=curl%20key")[::2],
                         (200, expected))
        status, headers, got = self.curl("-I", base + "/get?key=curl+key")
        self.assertEqual((status, got, headers["content-length"]), (200, b"", str(len(expected))))
        self.assertEqual(self.curl(base + "/health")[::2], (200, HEALTHY))
        self.assertEqual(self.curl(base + "/missing")[0], 404)
        status, headers, _ = self.curl("-X", "DELETE", base + "/get?key=a")
        self.assertEqual((status, headers["allow"]), (405, "GET, HEAD"))
        # curl waits for the interim response when asked to send Expect: 100-continue.
        proc = subprocess.run([CURL, "-sS", "-v", "-H", "Expect: 100-continue", "--data-binary",
                               "@-", base + "/put"], input=body, capture_output=True, timeout=30)
        self.assertIn(b"< HTTP/1.1 100 Continue", proc.stderr)
        self.assertEqual(proc.stdout, PUT_OK)


class HttpMetricsTest(HttpTestCase):
    server_args = ("--maxmemory", "4mb")  # small enough to evict in a test

    def test_metrics_is_prometheus_text_with_every_family(self):
        families = self.metrics()
        for name, kind in (("respcache_commands_processed_total", "counter"),
                           ("respcache_keyspace_hits_total", "counter"),
                           ("respcache_keyspace_misses_total", "counter"),
                           ("respcache_evicted_keys_total", "counter"),
                           ("respcache_expired_keys_total", "counter"),
                           ("respcache_used_memory_bytes", "gauge"),
                           ("respcache_max_memory_bytes", "gauge"),
                           ("respcache_connected_clients", "gauge"),
                           ("respcache_net_input_bytes_total", "counter"),
                           ("respcache_net_output_bytes_total", "counter"),
                           ("respcache_command_duration_seconds", "histogram")):
            self.assertEqual(families[name]["type"], kind, name)
        self.assertEqual(metric(families, "respcache_max_memory_bytes"), 4 << 20)
        self.assertGreaterEqual(metric(families, "respcache_connected_clients",
                                       protocol="http"), 1)
        metric(families, "respcache_connected_clients", protocol="resp")
        commands = {labels["command"] for _, labels, _ in
                    families["respcache_commands_processed_total"]["samples"]}
        self.assertTrue({"get", "put", "set", "del", "ping"} <= commands, commands)

    def test_parser_rejects_bad_exposition(self):
        good = "# HELP a_total A.\n# TYPE a_total counter\na_total 1\n"
        parse_prometheus(good)
        for bad in (good[:-1], "a_total 1\n", good + "a_total{x=1} 2\n", good + "b 1\n",
                    good.replace("counter", "countr"), good + "a_total one\n",
                    "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
                    "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"):
            with self.assertRaises(AssertionError, msg=bad):
                parse_prometheus(bad)

    def test_counters_move_by_the_right_amounts(self):
        conn = self.client()
        before = self.metrics(conn)
        for i in range(3):
            self.call(conn, "POST", "/put", put_body(f"m:{i}", "v"))
        self.call(conn, "POST", "/put", b"not json")  # rejected before any command runs
        for i in range(2):
            self.call(conn, "GET", f"/get?key=m:{i}")
        for i in range(4):
            self.call(conn, "GET", f"/get?key=m:absent:{i}")
        self.assertEqual(self.resp("GET", "m:2"), b"v")
        self.call(conn, "GET", "/health")
        after = self.metrics(conn)

        def delta(name, **labels):
            return metric(after, name, **labels) - metric(before, name, **labels)

        self.assertEqual(delta("respcache_commands_processed_total", command="put"), 3)
        self.assertEqual(delta("respcache_commands_processed_total", command="get"), 7)
        self.assertEqual(delta("respcache_keyspace_hits_total"), 3)
        self.assertEqual(delta("respcache_keyspace_misses_total"), 4)
        self.assertEqual(delta("respcache_keys"), 3)
        self.assertEqual(delta("respcache_command_duration_seconds_count"), 10)
        self.assertGreater(delta("respcache_net_input_bytes_total"), 0)
        self.assertGreater(delta("respcache_net_output_bytes_total"), 0)
        self.assertGreater(delta("respcache_connections_received_total"), 0)

    def test_value_larger_than_the_whole_budget_is_507(self):
        conn = self.client()
        huge = put_body("m:huge", "h" * (5 << 20))  # over the 4 MiB budget on its own
        status, response, body = self.call(conn, "POST", "/put", huge)
        self.assert_json_error(status, response, body, 507)
        self.assertIn("OOM", json.loads(body)["message"])
        self.assertEqual(self.call(conn, "GET", "/get?key=m:huge")[2], NOT_FOUND)

    def test_expiry_and_eviction_counters(self):
        conn = self.client()
        before = self.metrics(conn)
        self.assertEqual(self.resp("SET", "m:ttl", "v", "PX", "20"), b"OK")
        time.sleep(0.3)
        self.assertEqual(self.call(conn, "GET", "/get?key=m:ttl")[2], NOT_FOUND)
        value = "e" * 1000
        for i in range(10_000):  # 10 MB into a 4 MB budget
            self.call(conn, "POST", "/put", put_body(f"m:evict:{i}", value))
        after = self.metrics(conn)
        self.assertEqual(metric(after, "respcache_expired_keys_total") -
                         metric(before, "respcache_expired_keys_total"), 1)
        self.assertGreater(metric(after, "respcache_evicted_keys_total"), 0)
        self.assertLessEqual(metric(after, "respcache_used_memory_bytes"),
                             metric(after, "respcache_max_memory_bytes"))


if __name__ == "__main__":
    harness.run_tests(__name__)
