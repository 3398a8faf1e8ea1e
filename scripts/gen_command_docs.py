#!/usr/bin/env python3
"""Generates src/commands/command_docs.inc: what COMMAND INFO and COMMAND DOCS answer for each
respcache command, taken from Debian's redis-server (7.0) so that cluster-aware clients read
the same key specs, flags, ACL categories and arguments from respcache as from Redis.

Each entry holds Redis's RESP3 reply bytes (one COMMAND INFO element, one COMMAND DOCS value),
with subcommands cut to the ones respcache implements; the server replays them through its
ReplyBuilder, so RESP2 clients get what Redis sends them. PUT, respcache's own, is SET's entry
renamed, with PUT's arity.

Usage: scripts/gen_command_docs.py [redis-server]   (rewrites src/commands/command_docs.inc)
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "commands", "command_docs.inc")

# respcache's commands, in its table's order, and the subcommands it implements.
COMMANDS = """get set put mget mset getdel append strlen incr decr incrby decrby setnx getset
msetnx incrbyfloat getrange substr setrange lcs setbit getbit bitcount bitpos bitop bitfield
bitfield_ro setex psetex getex expire pexpire expireat pexpireat ttl pttl persist del unlink
exists dbsize flushall flushdb move swapdb scan keys type randomkey rename renamenx copy touch
expiretime pexpiretime object memory select ping echo quit multi exec discard watch unwatch auth
hello client command config eval evalsha eval_ro evalsha_ro script fcall fcall_ro function info
time role wait lastsave slowlog monitor shutdown""".split()
SUBCOMMANDS = {
    "client": "id setname getname info list kill pause unpause reply no-evict help".split(),
    "command": "count docs info list getkeys help".split(),
    "config": "get set resetstat help".split(),
    "slowlog": "get len reset help".split(),
    "script": "debug exists flush help kill load".split(),
    "function": "delete dump flush help kill list load restore stats".split(),
    "object": "encoding freq idletime refcount help".split(),
    "memory": "usage help".split(),
}


# A RESP3 value as (type, payload): payload is bytes for + - $ , ( ! =, an int for :, a
# list for * ~ > and a list of (key, value) for %.
def parse(data, pos=0):
    kind = chr(data[pos])
    end = data.index(b"\r\n", pos)
    head = data[pos + 1:end]
    pos = end + 2
    if kind in "+-,(#":
        return (kind, head), pos
    if kind == ":":
        return (kind, int(head)), pos
    if kind == "_":
        return (kind, None), pos
    if kind in "$!=":
        n = int(head)
        return (kind, data[pos:pos + n]), pos + n + 2
    if kind in "*~>":
        items = []
        for _ in range(int(head)):
            item, pos = parse(data, pos)
            items.append(item)
        return (kind, items), pos
    if kind == "%":
        pairs = []
        for _ in range(int(head)):
            k, pos = parse(data, pos)
            v, pos = parse(data, pos)
            pairs.append((k, v))
        return (kind, pairs), pos
    raise ValueError(f"unexpected RESP3 type {kind!r}")


def dump(value):
    kind, payload = value
    if kind in "+-,(#":
        return kind.encode() + payload + b"\r\n"
    if kind == ":":
        return b":%d\r\n" % payload
    if kind == "_":
        return b"_\r\n"
    if kind in "$!=":
        return kind.encode() + b"%d\r\n" % len(payload) + payload + b"\r\n"
    if kind in "*~>":
        return kind.encode() + b"%d\r\n" % len(payload) + b"".join(dump(v) for v in payload)
    if kind == "%":
        return b"%%%d\r\n" % len(payload) + b"".join(dump(k) + dump(v) for k, v in payload)
    raise ValueError(kind)


class Redis:
    def __init__(self, exe):
        self.dir = tempfile.mkdtemp(prefix="gen-command-docs-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen([exe, "--port", str(self.port), "--save", "", "--dir",
                                      self.dir], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port))
                break
            except OSError:
                time.sleep(0.05)
        self.buf = b""
        self.query("HELLO", "3")

    def query(self, *args):
        self.sock.sendall(b"*%d\r\n" % len(args) + b"".join(
            b"$%d\r\n%s\r\n" % (len(a), a.encode()) for a in args))
        while True:
            try:
                value, pos = parse(self.buf)
                self.buf = self.buf[pos:]
                return value
            except (ValueError, IndexError):
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    raise
                self.buf += chunk

    def close(self):
        self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def text(value):
    return value[1].decode()


# Redis lists subcommands in its hash table's order, which changes from run to run: sorted
# by name here, so that the generated file only changes when Redis's data does.
def keep_subcommands_info(info, name):
    allowed = SUBCOMMANDS.get(name)
    kind, fields = info
    if allowed is not None:
        subs = [s for s in fields[9][1] if text(s[1][0]).split("|")[1] in allowed]
        fields = fields[:9] + [("*", sorted(subs, key=lambda s: text(s[1][0])))]
    return (kind, fields)


def keep_subcommands_docs(docs, name):
    allowed = SUBCOMMANDS.get(name)
    kind, pairs = docs
    if allowed is None:
        return docs
    out = []
    for k, v in pairs:
        if text(k) == "subcommands":
            v = ("%", sorted([(sk, sv) for sk, sv in v[1] if text(sk).split("|")[1] in allowed],
                             key=lambda pair: text(pair[0])))
        out.append((k, v))
    return (kind, out)


# Subcommands from Redis 7.2 that respcache has and Redis 7.0 lacks: entries made from
# CLIENT SETNAME's (same flags and ACL categories), with 7.2's name, arity and summary.
NEWER_SUBCOMMANDS = {
    "client": [
        ("client|setinfo", 4, "Sets information specific to the client or connection."),
        ("client|no-touch", 3, "Controls whether commands sent by the client affect the "
         "LRU/LFU of accessed keys."),
    ],
}


def add_newer_subcommands(info, docs, name):
    extra = NEWER_SUBCOMMANDS.get(name)
    if not extra:
        return info, docs
    subs = info[1][9][1]
    template = next(s for s in subs if text(s[1][0]) == "client|setname")
    doc_pairs = list(docs[1])
    sub_docs_index = next(i for i, (k, _) in enumerate(doc_pairs) if text(k) == "subcommands")
    sub_docs = list(doc_pairs[sub_docs_index][1][1])
    for full, arity, summary in extra:
        fields = list(template[1])
        fields[0] = ("$", full.encode())
        fields[1] = (":", arity)
        subs.append(("*", fields))
        sub_docs.append((("$", full.encode()), ("%", [
            (("$", b"summary"), ("$", summary.encode())),
            (("$", b"since"), ("$", b"7.2.0")),
            (("$", b"group"), ("$", b"connection")),
            (("$", b"complexity"), ("$", b"O(1)")),
        ])))
    doc_pairs[sub_docs_index] = (doc_pairs[sub_docs_index][0], ("%", sub_docs))
    return info, ("%", doc_pairs)


def c_literal(data):
    out = []
    for b in data:
        c = chr(b)
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\r":
            out.append("\\r")
        elif c == "\n":
            out.append("\\n")
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append("\\x%02x" % b)
    # Split after each CRLF so that lines stay short and hex escapes never run on.
    return '"' + "".join(out).replace("\\r\\n", '\\r\\n"\n    "') + '"'


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else shutil.which("redis-server")
    redis = Redis(exe)
    try:
        version = text(dict((text(k), v) for k, v in redis.query("HELLO", "3")[1])["version"])
        entries = []
        for name in COMMANDS:
            source = "set" if name == "put" else name
            info = redis.query("COMMAND", "INFO", source)[1][0]
            docs = redis.query("COMMAND", "DOCS", source)[1][0][1]
            info = keep_subcommands_info(info, name)
            docs = keep_subcommands_docs(docs, name)
            info, docs = add_newer_subcommands(info, docs, name)
            if name == "put":
                fields = list(info[1])
                fields[0] = ("$", b"put")
                fields[1] = (":", 3)
                info = ("*", fields)
                docs = ("%", [(k, ("$", b"Sets the string value of a key: respcache's PUT, the "
                                          b"write of the system it replaces.") if text(k) ==
                                   "summary" else v) for k, v in docs[1]
                              if text(k) in ("summary", "since", "group", "complexity",
                                             "arguments")])
                docs = ("%", [(k, ("$", b"1.0.0") if text(k) == "since" else v)
                              for k, v in docs[1]])
                args = [a for a in dict((text(k), v) for k, v in docs[1])["arguments"][1][:2]]
                docs = ("%", [(k, ("*", args) if text(k) == "arguments" else v)
                              for k, v in docs[1]])
            entries.append((name, dump(info), dump(docs)))
    finally:
        redis.close()
    with open(OUT, "w") as f:
        f.write("// Generated by scripts/gen_command_docs.py from redis-server "
                f"{version}: Redis's COMMAND INFO "
                "and\n// COMMAND DOCS replies (RESP3) for respcache's commands. Do not edit.\n\n")
        f.write("// clang-format off\n")
        for name, info, docs in entries:
            f.write(f'{{"{name}",\n    {c_literal(info)},\n    {c_literal(docs)}}},\n')
        f.write("// clang-format on\n")
    print(f"wrote {OUT}: {len(entries)} commands")


if __name__ == "__main__":
    main()
