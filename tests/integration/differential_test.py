#!/usr/bin/env python3
"""Differential test: respcache against Debian's redis-server, byte for byte.

Every case is a raw byte stream (RESP arrays, inline commands, deliberately broken input).
Before each case both servers are flushed; the case then runs on a fresh connection to each
server, in lockstep, and the replies must be byte-identical. The expected replies always
come from redis-server at run time; nothing here hard-codes what Redis answers, except the
few respcache-only behaviours (PUT, HELLO 3) noted where they are checked.

How replies are collected: after each step of a case a sentinel `ECHO <token>` is sent, and
whole RESP frames are read until the sentinel's echo comes back, so a missing, extra or
differently framed reply always shows. A case marked `closes` (protocol errors, QUIT) sends
no sentinel: everything is read until the server closes, and both servers must close.

The byte-exact cases live in differential/cases.py, one function per group. Self-describing
commands (HELLO, INFO, COMMAND, CONFIG GET, CLIENT ID) are compared by shape in
`shape_checks()` below, since their values legitimately differ between the two servers.

Every case runs twice: once in RESP2, and once in RESP3, where each connection first sends
`HELLO 3` (its reply, which names each server, is read and dropped; shape_checks compares its
shape) and then the case's bytes, again byte for byte. A case marked `resp2_only` (with its
reason) runs in RESP2 alone. `--protocols 2` or `--protocols 3` runs one pass.

Every group always runs: there is no skip, so a command respcache lacks (EXPIRE answering
"unknown command") fails as mismatches instead of passing unseen, and a group with no cases
is a failure too.

Usage: differential_test.py path/to/respcache [--filter SUBSTRING] [--databases N]
                             [--protocols 2,3] [-v]
       differential_test.py redis-server   (checks the cases themselves: redis against redis,
                                            with respcache-only steps such as PUT sent as the
                                            Redis commands they must equal)
"""
import argparse
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import harness  # noqa: E402
from differential.cases import GROUPS, C, Chunked, Sleep, show  # noqa: E402
from differential import introspection_cases  # noqa: E402

READ_TIMEOUT = 2.0  # seconds to wait for a reply before calling it missing
CLOSE_TIMEOUT = 2.0  # seconds to wait for a server to close after a protocol error
MAX_TIMEOUTS = 8  # give up after this many unanswered steps (a hung server)


# --------------------------------------------------------------------------------------
# Reading replies as exact frames
# --------------------------------------------------------------------------------------


class MalformedReply(Exception):
    pass


AGGREGATE_TYPES = {b"*": 1, b"~": 1, b">": 1, b"%": 2, b"|": 2}
LINE_TYPES = set(b"+-:_,#(")
BLOB_TYPES = set(b"$!=")


def frame_end(buf, pos):
    """Index just past the RESP2/RESP3 frame that starts at buf[pos], or None if the buffer
    ends inside it. Raises MalformedReply if buf[pos:] is not RESP."""
    nl = buf.find(b"\r\n", pos)
    if nl < 0:
        return None
    kind = buf[pos]
    if kind in LINE_TYPES:
        return nl + 2
    try:
        n = int(buf[pos + 1:nl])
    except ValueError:
        raise MalformedReply(f"bad length line {bytes(buf[pos:nl + 2])!r}") from None
    if kind in BLOB_TYPES:
        if n < 0:
            return nl + 2
        end = nl + 2 + n + 2
        if len(buf) < end:
            return None
        if buf[end - 2:end] != b"\r\n":
            raise MalformedReply(f"bulk of {n} bytes not followed by CRLF")
        return end
    per = AGGREGATE_TYPES.get(bytes([kind]))
    if per is None:
        raise MalformedReply(f"unknown reply type {bytes([kind])!r}")
    p = nl + 2
    for _ in range(max(n, 0) * per):
        p = frame_end(buf, p)
        if p is None:
            return None
    return p


class FrameReader:
    """Reads whole reply frames from a socket and returns each one's exact bytes."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.closed = False

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1 << 16)
        except (ConnectionResetError, BrokenPipeError):
            data = b""
        if not data:
            self.closed = True
            raise ConnectionError("closed")
        self.buf += data

    def frame(self, timeout=READ_TIMEOUT):
        """One frame's bytes. Raises socket.timeout, ConnectionError or MalformedReply."""
        deadline = time.monotonic() + timeout
        while True:
            end = frame_end(self.buf, 0) if self.buf else None
            if end is not None:
                out = bytes(self.buf[:end])
                del self.buf[:end]
                return out
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            self._fill(left)

    def until_close(self, timeout=CLOSE_TIMEOUT):
        """Everything left until the peer closes: (bytes, closed)."""
        deadline = time.monotonic() + timeout
        while not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                self._fill(left)
            except ConnectionError:
                break
            except socket.timeout:
                break
        out = bytes(self.buf)
        self.buf.clear()
        return out, self.closed


# --------------------------------------------------------------------------------------
# Running cases on both servers in lockstep
# --------------------------------------------------------------------------------------


class Peer:
    """One connection to one server for one case, and what it has answered so far."""

    def __init__(self, server, protocol=2):
        self.sock = server.connect()
        self.reader = FrameReader(self.sock)
        self.send_failed = False
        self.transcript = []  # one entry per step: (reply bytes, status)
        if protocol == 3:
            # The reply names the server (version, id), so it is dropped, not compared.
            self.sock.sendall(C("HELLO", "3"))
            self.reader.frame()

    def send(self, data):
        if self.send_failed or self.reader.closed:
            return
        try:
            self.sock.sendall(data)
        except OSError:
            self.send_failed = True

    def collect_until(self, sentinel):
        """Reads frames until the sentinel's echo; records (replies, status)."""
        got = []
        status = "ok"
        while True:
            try:
                frame = self.reader.frame()
            except socket.timeout:
                status = "no reply (timed out)"
                break
            except ConnectionError:
                status = "connection closed"
                break
            except MalformedReply as e:
                status = f"malformed reply ({e}); unparsed: {show(self.reader.buf)}"
                self.reader.buf.clear()
                break
            if frame == sentinel:
                break
            got.append(frame)
        self.transcript.append((b"".join(got), status))
        return status

    def collect_close(self):
        data, closed = self.reader.until_close()
        self.transcript.append((data, "closed" if closed else "still open"))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Runner:
    def __init__(self, reference, candidate, candidate_name, verbose=False, candidate_steps=True):
        """candidate_steps: send a case's respcache-only variant (`candidate`, e.g. PUT for
        SET) to the candidate; off when the candidate is redis-server checking the cases."""
        self.servers = {"redis": reference, candidate_name: candidate}
        self.candidate_steps = candidate_steps
        self.names = ["redis", candidate_name]
        self.control = {}
        self.sentinel_no = 0
        self.timeouts = 0
        self.verbose = verbose
        self.protocol = 2

    def flush_all(self):
        for name, server in self.servers.items():
            for attempt in range(2):
                try:
                    sock = self.control.get(name) or server.connect()
                    self.control[name] = sock
                    sock.sendall(C("FLUSHALL"))
                    reply = FrameReader(sock).frame(timeout=5.0)
                    if reply != b"+OK\r\n":
                        raise RuntimeError(f"FLUSHALL on {name} answered {reply!r}")
                    break
                except (OSError, ConnectionError):
                    self.control.pop(name, None)
                    if attempt:
                        raise

    def _sentinel(self):
        self.sentinel_no += 1
        token = b"diff-sentinel-%d" % self.sentinel_no
        return C("ECHO", token), b"$%d\r\n%s\r\n" % (len(token), token)

    def run(self, case):
        """Runs one case on both servers; returns None if they agreed, else a report."""
        self.flush_all()
        ref_steps = case.steps
        cand_steps = (case.candidate if self.candidate_steps else None) or case.steps
        peers = [Peer(self.servers[n], self.protocol) for n in self.names]
        try:
            for index, (ref_step, cand_step) in enumerate(zip(ref_steps, cand_steps)):
                last = index == len(ref_steps) - 1
                if isinstance(ref_step, Sleep):
                    time.sleep(ref_step.seconds)
                    continue
                self._send_both(peers, [ref_step, cand_step])
                if last and case.closes:
                    for p in peers:
                        p.collect_close()
                    continue
                request, sentinel = self._sentinel()
                for p in peers:
                    p.send(request)
                for p in peers:
                    if p.collect_until(sentinel).startswith("no reply"):
                        self.timeouts += 1
        finally:
            for p in peers:
                p.close()
        ref, cand = peers
        if self.verbose:
            for data, status in ref.transcript:
                print(f"      redis: {show(data, 200)}  [{status}]")
        if case.unordered:
            for peer in peers:
                peer.transcript = [(normalize_order(d), st) for d, st in peer.transcript]
        if ref.transcript == cand.transcript:
            return None
        return self._report(case, ref_steps, cand_steps, ref, cand)

    @staticmethod
    def _send_both(peers, steps):
        if all(isinstance(s, Chunked) for s in steps):
            pieces = [s.pieces() for s in steps]
            for i in range(max(len(p) for p in pieces)):
                for peer, piece in zip(peers, pieces):
                    if i < len(piece):
                        peer.send(piece[i])
                if steps[0].pause:
                    time.sleep(steps[0].pause)
            return
        for peer, step in zip(peers, steps):
            peer.send(step.data if isinstance(step, Chunked) else step)

    def _report(self, case, ref_steps, cand_steps, ref, cand):
        """A readable account of one case: per step, what was sent and both replies."""
        ref_name, cand_name = self.names
        width = max(len(n) for n in (*self.names, "sent"))
        lines = [f"MISMATCH [{case.group}] {case.name} (RESP{self.protocol})"]
        ref_entries = [s for s in ref_steps if not isinstance(s, Sleep)]
        cand_entries = [s for s in cand_steps if not isinstance(s, Sleep)]
        for i, (step, cand_step) in enumerate(zip(ref_entries, cand_entries)):
            r = ref.transcript[i] if i < len(ref.transcript) else (b"", "not run")
            c = cand.transcript[i] if i < len(cand.transcript) else (b"", "not run")
            lines.append(f"  step {i + 1}" + ("" if r == c else "  <-- differs"))
            lines.append(f"    {'sent':<{width}}: {describe_step(step)}")
            if cand_step is not step:
                lines.append(f"    {'(' + cand_name + ' was sent)':<{width}}: "
                             f"{describe_step(cand_step)}")
            for name, (data, status) in ((ref_name, r), (cand_name, c)):
                lines.append(f"    {name:<{width}}: {show(data)}  [{status}]")
            if r[0] != c[0] and max(len(r[0]), len(c[0])) > 200:
                at = first_difference(r[0], c[0])
                lines.append(f"    first difference at byte {at}:")
                for name, (data, _) in ((ref_name, r), (cand_name, c)):
                    lines.append(f"    {name:<{width}}: ...{show(data[max(at - 40, 0):at + 80])}")
        return "\n".join(lines)


def normalize_order(data):
    """The frames in `data` with every array whose elements are all bulk strings sorted
    (recursively), for cases whose reply order is the server's own (KEYS, SCAN)."""
    out, pos = [], 0
    while pos < len(data):
        end = frame_end(data, pos)
        if end is None:
            return data  # not whole frames: compare as it is
        out.append(_normalize_frame(data[pos:end]))
        pos = end
    return b"".join(out)


def _normalize_frame(frame):
    if frame[:1] != b"*" or frame.startswith(b"*-1"):
        return frame
    nl = frame.find(b"\r\n")
    count = int(frame[1:nl])
    items, pos = [], nl + 2
    for _ in range(count):
        end = frame_end(frame, pos)
        items.append(_normalize_frame(frame[pos:end]))
        pos = end
    if all(item[:1] == b"$" for item in items):
        items.sort()
    return frame[:nl + 2] + b"".join(items)


def describe_step(step):
    return repr(step) if isinstance(step, Chunked) else show(step)


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


# --------------------------------------------------------------------------------------
# Shape checks for self-describing commands
# --------------------------------------------------------------------------------------


def query(server, *commands):
    """Sends commands on a fresh connection; returns their parsed replies."""
    with server.connect(timeout=5.0) as sock:
        sock.sendall(b"".join(C(*c) for c in commands))
        reader = harness.RespReader(sock)
        return [reader.reply() for _ in commands]


def info_sections(text):
    """INFO's bulk string as {section: {field: value}}; raises ValueError on a bad line."""
    sections, current = {}, None
    for line in text.decode().split("\r\n"):
        if not line:
            continue
        if line.startswith("# "):
            current = sections.setdefault(line[2:], {})
        elif ":" in line and current is not None:
            key, value = line.split(":", 1)
            current[key] = value
        else:
            raise ValueError(f"INFO line is neither '# Section' nor 'field:value': {line!r}")
    return sections


HELLO_KEYS = [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]
INFO_SECTIONS = ["Server", "Clients", "Memory", "Stats", "Keyspace"]
INFO_FIELDS = ["redis_version", "connected_clients", "used_memory", "maxmemory",
               "keyspace_hits", "keyspace_misses", "evicted_keys", "total_commands_processed",
               "instantaneous_ops_per_sec"]


def check_hello(reply, label, proto=2):
    """HELLO's reply: in RESP2 an array of 14, in RESP3 a map of 7 (harness.RespMap)."""
    problems = []
    if not isinstance(reply, list) or len(reply) != 14:
        return [f"{label}: expected 7 key-value pairs, got {reply!r:.300}"]
    if isinstance(reply, harness.RespMap) != (proto == 3):
        problems.append(f"{label}: a {type(reply).__name__} in RESP{proto}")
    keys = reply[0::2]
    if keys != HELLO_KEYS:
        problems.append(f"{label}: keys {keys} != {HELLO_KEYS}")
    values = dict(zip(keys, reply[1::2]))
    if values.get(b"proto") != proto:
        problems.append(f"{label}: proto is {values.get(b'proto')!r}, not {proto}")
    if not isinstance(values.get(b"id"), int):
        problems.append(f"{label}: id is not an integer: {values.get(b'id')!r}")
    if not isinstance(values.get(b"modules"), list):
        problems.append(f"{label}: modules is not an array")
    for key in (b"server", b"version", b"mode", b"role"):
        if not isinstance(values.get(key), bytes):
            problems.append(f"{label}: {key.decode()} is not a string")
    return problems


def check_info(reply, label, only=None):
    if not isinstance(reply, bytes):
        return [f"{label}: INFO is not a bulk string: {reply!r:.300}"]
    try:
        sections = info_sections(reply)
    except (ValueError, UnicodeDecodeError) as e:
        return [f"{label}: {e}"]
    problems = []
    if only is not None:
        if list(sections) != [only]:
            problems.append(f"{label}: INFO {only.lower()} has sections {list(sections)}")
        return problems
    missing = [s for s in INFO_SECTIONS if s not in sections]
    if missing:
        problems.append(f"{label}: INFO lacks sections {missing} (has {list(sections)})")
    fields = {k: v for section in sections.values() for k, v in section.items()}
    missing = [f for f in INFO_FIELDS if f not in fields]
    if missing:
        problems.append(f"{label}: INFO lacks fields {missing}")
    for f in INFO_FIELDS[1:]:
        if f in fields and not fields[f].lstrip("-").replace(".", "", 1).isdigit():
            problems.append(f"{label}: INFO {f} is not a number: {fields[f]!r}")
    return problems


def keyspace_counts(server):
    [stats] = query(server, ["INFO", "stats"])
    fields = info_sections(stats).get("Stats", {})
    return int(fields.get("keyspace_hits", -1)), int(fields.get("keyspace_misses", -1))


def shape_checks(servers, candidate_is_respcache):
    """Returns (number of checks, list of problems)."""
    problems, count = [], 0
    names = list(servers)

    def each(label, fn):
        nonlocal count
        for name in names:
            count += 1
            try:
                problems.extend(fn(servers[name], f"{label} on {name}"))
            except (OSError, ConnectionError, ValueError) as e:
                problems.append(f"{label} on {name}: {type(e).__name__}: {e}")

    each("HELLO", lambda s, l: check_hello(query(s, ["HELLO"])[0], l))
    each("HELLO 2", lambda s, l: check_hello(query(s, ["HELLO", "2"])[0], l))

    def hello_setname(s, label):
        hello, name = query(s, ["HELLO", "2", "SETNAME", "n1"], ["CLIENT", "GETNAME"])
        out = check_hello(hello, label)
        return out + ([] if name == b"n1" else [f"{label}: CLIENT GETNAME gave {name!r}"])

    each("HELLO 2 SETNAME", hello_setname)
    each("HELLO 3", lambda s, l: check_hello(query(s, ["HELLO", "3"])[0], l, proto=3))

    def hello_3_then(s, label):
        # HELLO with no version answers in the protocol the connection speaks; HELLO 2 goes
        # back to RESP2; CLIENT INFO shows resp=.
        replies = query(s, ["HELLO", "3", "SETNAME", "n3"], ["HELLO"], ["CLIENT", "INFO"],
                        ["HELLO", "2"], ["CLIENT", "INFO"])
        out = check_hello(replies[0], label, proto=3) + check_hello(replies[1], label, proto=3)
        out += check_hello(replies[3], label)
        for at, resp in ((2, 3), (4, 2)):
            fields = replies[at].split()  # resp= ends Redis 7.0's line, not respcache's
            if b"resp=%d" % resp not in fields:
                out.append(f"{label}: CLIENT INFO reply {at} lacks resp={resp}: "
                           f"{replies[at]!r:.300}")
        return out

    each("HELLO 3 then HELLO, HELLO 2", hello_3_then)

    each("INFO", lambda s, l: check_info(query(s, ["INFO"])[0], l))
    each("INFO stats", lambda s, l: check_info(query(s, ["INFO", "stats"])[0], l, only="Stats"))
    each("INFO STATS", lambda s, l: check_info(query(s, ["INFO", "STATS"])[0], l, only="Stats"))

    def commandstats_shape(s, label):
        # Not in a bare INFO; named, one line per command run, with Redis's field names, and
        # calls that count what this connection just ran.
        before, _, _, bare, stats = query(s, ["INFO", "commandstats"], ["SET", "cs:k", "v"],
                                          ["GET", "cs:k"], ["INFO"], ["INFO", "commandstats"])
        out = []
        if b"# Commandstats" in bare:
            out.append(f"{label}: a bare INFO shows Commandstats")
        sections = info_sections(stats)
        fields = sections.get("Commandstats", {})
        for command in ("cmdstat_set", "cmdstat_get"):
            value = fields.get(command, "")
            names = [kv.split("=")[0] for kv in value.split(",")]
            if names != ["calls", "usec", "usec_per_call", "rejected_calls", "failed_calls"]:
                out.append(f"{label}: {command} is {value!r}")
        calls = lambda text, c: int(info_sections(text).get("Commandstats", {})
                                    .get(c, "calls=0").split(",")[0].split("=")[1])
        if calls(stats, "cmdstat_get") != calls(before, "cmdstat_get") + 1:
            out.append(f"{label}: cmdstat_get calls did not move by one")
        return out

    each("INFO commandstats", commandstats_shape)

    def command_shape(s, label):
        count_reply, docs, table = query(s, ["COMMAND", "COUNT"], ["COMMAND", "DOCS"], ["COMMAND"])
        out = []
        if not isinstance(count_reply, int):
            out.append(f"{label}: COMMAND COUNT is not an integer: {count_reply!r:.200}")
        if not isinstance(docs, list):
            out.append(f"{label}: COMMAND DOCS is not an array: {docs!r:.200}")
        if not isinstance(table, list) or not all(isinstance(e, list) and e and
                                                  isinstance(e[0], bytes) for e in table):
            out.append(f"{label}: COMMAND is not an array of arrays: {table!r:.200}")
        else:
            if isinstance(count_reply, int) and count_reply != len(table):
                out.append(f"{label}: COMMAND COUNT {count_reply} != {len(table)} entries")
            listed = {e[0].lower() for e in table}
            absent = [c for c in (b"get", b"set", b"del", b"ping", b"incr") if c not in listed]
            if absent:
                out.append(f"{label}: COMMAND does not list {absent}")
        return out

    each("COMMAND", command_shape)

    def config_shape(s, label):
        out = []
        for name in ("save", "appendonly", "maxmemory"):
            [reply] = query(s, ["CONFIG", "GET", name])
            if not (isinstance(reply, list) and len(reply) == 2 and reply[0] == name.encode()
                    and isinstance(reply[1], bytes)):
                out.append(f"{label}: CONFIG GET {name} is not [{name!r}, value]: {reply!r:.200}")
        return out

    each("CONFIG GET", config_shape)

    def client_id_shape(s, label):
        [a] = query(s, ["CLIENT", "ID"])
        [b] = query(s, ["CLIENT", "ID"])
        if not (isinstance(a, int) and isinstance(b, int)):
            return [f"{label}: CLIENT ID is not an integer: {a!r:.100} {b!r:.100}"]
        return [] if b > a > 0 else [f"{label}: CLIENT IDs {a}, {b} are not increasing"]

    each("CLIENT ID", client_id_shape)

    def scan_loop(s, label):
        # A whole SCAN, a few keys per call, in database 1 while database 0 holds more keys
        # (some under the same names): every key of database 1 comes back, and nothing else.
        # The cursors differ between servers, so this compares what the loops collect.
        db0 = [f"k{i}" for i in range(700)]
        db1 = [f"k{i}" for i in range(0, 1400, 5)]
        with s.connect(timeout=5.0) as sock:
            reader = harness.RespReader(sock)

            def call(*args):
                sock.sendall(C(*args))
                return reader.reply()

            call("FLUSHALL")
            call("MSET", *[x for k in db0 for x in (k, "0")])
            call("SELECT", "1")
            call("MSET", *[x for k in db1 for x in (k, "1")])
            seen, cursor, calls = [], b"0", 0
            while True:
                cursor, keys = call("SCAN", cursor, "COUNT", "7")
                seen += keys
                calls += 1
                if cursor == b"0" or calls > 10000:
                    break
            matched = call("SCAN", "0", "MATCH", "k1?", "COUNT", "100000")[1]
            call("FLUSHALL")
        out = []
        if sorted(set(seen)) != sorted(k.encode() for k in db1):
            out.append(f"{label}: SCAN in database 1 returned {len(set(seen))} distinct keys, "
                       f"not the {len(db1)} of database 1")
        if sorted(matched) != sorted(k.encode() for k in db1 if len(k) == 3 and k[1] == "1"):
            out.append(f"{label}: SCAN MATCH k1? in database 1 returned {sorted(matched)}")
        return out

    each("SCAN loop per database", scan_loop)

    def memory_usage_shape(s, label):
        query(s, ["SET", "mu:s", "v"], ["SET", "mu:l", "x" * 5000], ["DEL", "mu:none"])
        usage = query(s, ["MEMORY", "USAGE", "mu:s"], ["MEMORY", "USAGE", "mu:l"],
                      ["MEMORY", "USAGE", "mu:l", "SAMPLES", "0"], ["MEMORY", "USAGE", "mu:none"])
        query(s, ["DEL", "mu:s", "mu:l"])
        out = []
        if not all(isinstance(u, int) and u > 0 for u in usage[:3]):
            out.append(f"{label}: MEMORY USAGE is not a positive integer: {usage!r:.200}")
        elif not usage[0] < 5000 < usage[1]:
            out.append(f"{label}: MEMORY USAGE of a 1-byte and a 5000-byte value: {usage[:2]}")
        if usage[3] is not None:
            out.append(f"{label}: MEMORY USAGE of a missing key is {usage[3]!r}, not null")
        return out

    each("MEMORY USAGE", memory_usage_shape)

    # COMMAND INFO of the database and keyspace commands: arity, flags (as a set: their
    # order is each server's own) and key positions as Redis 7.0 reports them.
    count += 1
    keyspace_commands = ["select", "move", "swapdb", "flushdb", "flushall", "dbsize", "scan",
                         "keys", "type", "randomkey", "rename", "renamenx", "copy", "touch",
                         "expiretime", "pexpiretime", "object", "memory"]
    try:
        infos = [query(servers[n], ["COMMAND", "INFO", *keyspace_commands])[0] for n in names]
        for ref, cand in zip(*infos):
            shape = lambda e: (e[0], e[1], sorted(e[2]), e[3], e[4], e[5])
            if shape(ref) != shape(cand):
                problems.append(f"COMMAND INFO {ref[0].decode()}: {shape(ref)} on {names[0]}, "
                                f"{shape(cand)} on {names[1]}")
    except (OSError, ConnectionError, ValueError, TypeError, IndexError) as e:
        problems.append(f"COMMAND INFO of the keyspace commands: {type(e).__name__}: {e}")

    # keyspace_hits / keyspace_misses: the same reads must count the same on both servers.
    for label, reads in (("GET", [["GET", "h1"], ["GET", "h1"], ["GET", "h2"], ["GET", "m1"],
                                  ["GET", "m2"], ["GET", "m1"]]),
                         ("MGET", [["MGET", "h1", "m1", "h2", "m2", "m3"]]),
                         ("keyspace command", [
                             ["TYPE", "h1"], ["TYPE", "m1"], ["TOUCH", "h1", "m1", "h2"],
                             ["EXPIRETIME", "h1"], ["PEXPIRETIME", "m1"], ["TTL", "h2"],
                             ["OBJECT", "ENCODING", "h1"], ["OBJECT", "REFCOUNT", "m1"],
                             ["OBJECT", "IDLETIME", "h2"], ["MEMORY", "USAGE", "h1"],
                             ["MEMORY", "USAGE", "m1"], ["COPY", "h1", "c1"],
                             ["COPY", "m1", "c2"], ["RENAME", "h2", "r2"], ["RENAME", "m1", "r3"],
                             ["MOVE", "h1", "3"], ["MOVE", "m1", "3"], ["SCAN", "0"],
                             ["KEYS", "*"], ["RANDOMKEY"], ["DBSIZE"]])):
        count += 1
        deltas = {}
        try:
            for name in names:
                s = servers[name]
                query(s, ["FLUSHALL"], ["SET", "h1", "1"], ["SET", "h2", "2"])
                before = keyspace_counts(s)
                query(s, *reads)
                after = keyspace_counts(s)
                deltas[name] = (after[0] - before[0], after[1] - before[1])
        except (OSError, ConnectionError, ValueError) as e:
            problems.append(f"keyspace counters after {label}: {type(e).__name__}: {e}")
            continue
        if len(set(deltas.values())) != 1:
            problems.append(f"keyspace_hits/misses deltas after {label}s differ: "
                            + ", ".join(f"{n} +{d[0]}/+{d[1]}" for n, d in deltas.items()))
    more, more_problems = introspection_cases.introspection_shape_checks(
        servers, candidate_is_respcache, query, info_sections, lambda s: s.connect(timeout=5.0))
    return count + more, problems + more_problems


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", help="path to respcache, or 'redis-server' to test the cases")
    parser.add_argument("--filter", default="", help="run only cases whose group/name has this")
    parser.add_argument("--databases", type=int, default=16,
                        help="databases both servers start with (the cases assume 16)")
    parser.add_argument("--protocols", default="2,3",
                        help="RESP versions to run the cases in, comma-separated (2,3)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print every case and redis's replies to it")
    args = parser.parse_args()

    candidate_is_respcache = os.path.basename(args.binary) != "redis-server"
    if candidate_is_respcache and not os.path.exists(args.binary):
        sys.exit(f"no such binary: {args.binary}")
    started = time.monotonic()
    databases = ["--databases", str(args.databases)]
    reference = harness.start_redis(*databases)
    try:
        if candidate_is_respcache:
            candidate = harness.start_respcache(os.path.abspath(args.binary), "--threads", "2",
                                                *databases)
            candidate_name = "respcache"
        else:
            candidate = harness.start_redis(*databases)
            candidate_name = "redis#2"
    except Exception:
        reference.kill()
        raise

    with harness.running(reference), harness.running(candidate):
        # No group is ever skipped: a command the candidate lacks shows up as mismatches.
        runner = Runner(reference, candidate, candidate_name, args.verbose,
                        candidate_steps=candidate_is_respcache)
        failures, counts = [], {}
        protocols = [int(p) for p in args.protocols.split(",")]
        for protocol, (group, build) in ((p, g) for p in protocols for g in GROUPS):
            runner.protocol = protocol
            cases = [c for c in build() if args.filter in f"{group}/{c.name}"]
            if not cases and not args.filter and protocol == protocols[0]:
                failures.append(f"EMPTY [{group}] the group has no cases, so it checks nothing")
            if protocol == 3:
                cases = [c for c in cases if not c.resp2_only]
            counts[(protocol, group)] = len(cases)
            group_failures = 0
            for case in cases:
                case.group = group
                if args.verbose:
                    print(f"  RESP{protocol} {group}/{case.name}")
                try:
                    report = runner.run(case)
                except (OSError, RuntimeError) as e:
                    report = f"MISMATCH [{group}] {case.name}\n  could not run: {e!r}"
                    runner.timeouts += 1
                if candidate.proc.poll() is not None:
                    failures.append(report or "")
                    sys.exit(f"{candidate_name} exited with status {candidate.proc.returncode} "
                             f"during case {group}/{case.name}\n" + "\n".join(failures)
                             + "\n--- its output ---\n" + candidate.output())
                if report:
                    failures.append(report)
                    group_failures += 1
                if runner.timeouts >= MAX_TIMEOUTS:
                    failures.append(f"giving up: {runner.timeouts} steps went unanswered")
                    break
            print(f"RESP{protocol} group {group:<9} ran {len(cases):4d} cases, "
                  f"{group_failures} mismatched")
            if runner.timeouts >= MAX_TIMEOUTS:
                break

        shape_count, shape_problems = 0, []
        if not args.filter or "shape" in args.filter:
            shape_count, shape_problems = shape_checks(
                {"redis": reference, candidate_name: candidate}, candidate_is_respcache)
            print(f"      group {'shape':<9} ran {shape_count:4d} checks, "
                  f"{len(shape_problems)} problems")

    total = sum(counts.values())
    per_protocol = ", ".join(f"{sum(n for (p, _), n in counts.items() if p == protocol)} in "
                             f"RESP{protocol}" for protocol in protocols)
    if total + shape_count == 0:
        failures.append(f"NOTHING RAN: no case or check matches --filter {args.filter!r}")
    for report in failures:
        print("\n" + report)
    for problem in shape_problems:
        print("\nSHAPE " + problem)
    elapsed = time.monotonic() - started
    print(f"\n{total} byte-exact cases ({per_protocol}), {shape_count} shape checks, "
          f"{len(failures)} mismatches, {len(shape_problems)} shape problems, {elapsed:.1f}s")
    return 1 if failures or shape_problems else 0


if __name__ == "__main__":
    sys.exit(main())
