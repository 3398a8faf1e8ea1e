"""Helpers for hostile_test.py: the three checks every hostile case ends with, and clients
that misbehave.

After each case: (1) the server answers PING on a fresh connection, (2) the offending client
got the documented error or close (checked by the case itself), (3) the server's peak RSS
during the case stayed within a stated allowance over its RSS at the start of the case. The
peak is the kernel's VmHWM, reset at the start of each case through /proc/PID/clear_refs, so
a transient allocation that was freed again still counts.
"""
import os
import resource
import socket
import time

import harness
from harness import encode

MIB = 1024  # in KiB, the unit of /proc/PID/status


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def reset_peak_rss(pid):
    """Makes VmHWM start again from the current RSS (Linux >= 4.0); False if not allowed."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def running_samples(pid, samples=20, interval=0.05):
    """Looks at every thread of the process `samples` times; returns {tid: how many looks
    found it running or runnable (state R)}. A thread that waits (on epoll, a timer, a lock)
    is almost never seen running; one stuck in a retry loop almost always is. Threads that
    come and go between looks are counted only while they exist."""
    seen = {}
    for i in range(samples):
        if i:
            time.sleep(interval)
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue  # the thread ended between listing and reading
            seen[int(tid)] = seen.get(int(tid), 0) + (state == "R")
    return seen


def raise_own_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


_sanitizer_cache = {}


def sanitizer_of(binary):
    """"asan", "tsan" or None: sanitizer builds use shadow memory and quarantines, so their
    RSS is not the program's (read from the binary's symbols, once per binary)."""
    if binary not in _sanitizer_cache:
        with open(binary, "rb") as f:
            data = f.read()
        _sanitizer_cache[binary] = ("tsan" if b"__tsan_init" in data else
                                    "asan" if b"__asan_init" in data else None)
    return _sanitizer_cache[binary]


def allowance_for(binary, allowance_mib):
    """The stated allowance; under a sanitizer, four times it plus 256 MiB (shadow memory,
    ASan's quarantine of freed blocks), which still catches reserving an announced length."""
    return allowance_mib if sanitizer_of(binary) is None else allowance_mib * 4 + 256


class Watch:
    """Brackets one hostile case on one server: records RSS at the start and checks (1) and
    (3) at the end."""

    def __init__(self, test, server, allowance_mib, password=None):
        self.test = test
        self.password = password
        self.server = server
        self.allowance_kib = allowance_for(server.argv[0], allowance_mib) * MIB
        pid = server.proc.pid
        self.peak_is_exact = reset_peak_rss(pid)
        self.start_kib = status_kib(pid, "VmRSS")

    def peak_kib(self):
        field = "VmHWM" if self.peak_is_exact else "VmRSS"
        return status_kib(self.server.proc.pid, field)

    def finish(self, what):
        self.test.assertIsNone(self.server.proc.poll(), f"server died during: {what}")
        assert_answers_ping(self.test, self.server, what, self.password)
        grown = self.peak_kib() - self.start_kib
        self.test.assertLessEqual(
            grown, self.allowance_kib,
            f"{what}: peak RSS grew {grown // MIB} MiB, over the stated "
            f"{self.allowance_kib // MIB} MiB (from {self.start_kib // MIB} MiB)")
        print(f"  [{what}] peak RSS +{grown / MIB:.1f} MiB (allowed {self.allowance_kib // MIB})")
        return grown


def assert_answers_ping(test, server, what="", password=None):
    with server.connect(timeout=10) as s:
        reader = harness.RespReader(s)
        if password is not None:
            s.sendall(encode("AUTH", password))
            test.assertEqual(reader.reply(), b"OK")
        s.sendall(encode("PING"))
        test.assertEqual(reader.reply(), b"PONG", f"fresh connection not answered after: {what}")


def command(server, *args, timeout=30):
    with server.connect(timeout=timeout) as s:
        s.sendall(encode(*args))
        return harness.RespReader(s).reply()


def info_field(server, section, field):
    text = command(server, "INFO", section).decode()
    for line in text.split("\r\n"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    raise KeyError(field)


def send_then_read_until_closed(server, data, limit=10.0):
    """Sends data (as much as the server takes) and returns (reply bytes, closed)."""
    s = server.connect(timeout=limit)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return harness.read_until_closed(s, limit)
    finally:
        s.close()


def reset(sock):
    """Closes with RST instead of FIN, as a crashed client or a broken network would."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()


def read_large_bulk(sock):
    """One bulk-string reply read straight into a preallocated buffer (RespReader's
    concatenation is quadratic for replies of many MiB)."""
    header = b""
    while not header.endswith(b"\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise ConnectionError("closed before the reply")
        header += byte
    if not header.startswith(b"$"):
        raise AssertionError(f"not a bulk reply: {header!r}")
    size = int(header[1:-2]) + 2
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            raise ConnectionError("closed inside the reply")
        got += n
    return bytes(data[:-2])


def wait_until(predicate, limit=10.0, step=0.05):
    deadline = time.time() + limit
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
