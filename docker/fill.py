#!/usr/bin/python3
"""Writes N bytes of unique keys to a RESP server as fast as one connection allows, and checks
that every write was answered +OK (eviction, not refusal, is what a full cache must do).

    docker/fill.py --port 7171 --total 3g [--value-size 1000] [--prefix fill]

Commands go in batches of --batch SETs; two batches are in flight at once, so the server is
never idle waiting for the next one. Prints the keys and bytes written and exits 1 on any
reply other than +OK.
"""
import argparse
import socket
import sys
import time

OK = b"+OK\r\n"


def parse_size(text):
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = text.lower().rstrip("b")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def batch_bytes(prefix, start, count, value):
    """`count` SETs of keys prefix:start.. with `value`, as one RESP byte string."""
    tail = b"\r\n$%d\r\n%s\r\n" % (len(value), value)
    parts = []
    for i in range(start, start + count):
        key = b"%s:%d" % (prefix, i)
        parts.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s%s" % (len(key), key, tail))
    return b"".join(parts)


def read_exact(sock, n):
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise ConnectionError(f"connection closed with {n - got} reply bytes outstanding")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=7171)
    ap.add_argument("--total", default="3g", help="bytes of values to write (k/m/g suffixes)")
    ap.add_argument("--value-size", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=1000, help="SETs per pipelined batch")
    ap.add_argument("--prefix", default="fill")
    args = ap.parse_args()

    total = parse_size(args.total)
    keys = -(-total // args.value_size)
    value = (b"0123456789abcdef" * (args.value_size // 16 + 1))[:args.value_size]
    prefix = args.prefix.encode()
    sock = socket.create_connection((args.host, args.port), timeout=60)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    started = time.time()
    in_flight = []  # reply byte counts of the batches sent and not yet read
    sent = 0
    while sent < keys or in_flight:
        if sent < keys and len(in_flight) < 2:
            count = min(args.batch, keys - sent)
            sock.sendall(batch_bytes(prefix, sent, count, value))
            in_flight.append(count)
            sent += count
            continue
        count = in_flight.pop(0)
        replies = read_exact(sock, count * len(OK))
        if replies != OK * count:
            bad = next(i for i in range(0, len(replies), len(OK)) if replies[i:i + 5] != OK)
            sys.exit(f"fill: unexpected reply after {sent - count} keys: {replies[bad:bad + 80]!r}")
    seconds = time.time() - started
    print(f"fill: {keys} keys, {keys * args.value_size / (1 << 30):.2f} GiB of values "
          f"({args.value_size} B each) in {seconds:.1f}s, all answered +OK")


if __name__ == "__main__":
    main()
