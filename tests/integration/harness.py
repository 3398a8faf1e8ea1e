"""Shared helpers for the integration tests: start the real respcache binary (and
Debian's redis-server for side-by-side tests) on free loopback ports, talk raw RESP.

Every test script takes the respcache binary path as its first argument (ctest passes
it). Servers are always bound to 127.0.0.1 and killed when the test ends.
"""
import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    """A TCP port that nothing listens on right now (bind to port 0, read, close)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc=None, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listened on port {port} within {timeout}s")


class Server:
    """A running server process on 127.0.0.1:port. `popen` starts it (a MemoryCgroup's popen
    starts it inside that cgroup)."""

    def __init__(self, argv, port, popen=subprocess.Popen):
        self.port = port
        self.argv = argv
        self.proc = popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port, self.proc)
        except Exception:
            self.kill()
            raise

    def connect(self, timeout=5.0):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Signals the server and returns its exit status (kills it after timeout)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def output(self):
        """Everything the server logged (only after it exited)."""
        return self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""


def start_respcache(binary, *extra, preexec_fn=None):
    """preexec_fn runs in the child before exec (e.g. to lower its resource limits)."""
    port = free_port()
    argv = [binary, "--bind", "127.0.0.1", "--port", str(port), *extra]
    if preexec_fn is None:
        return Server(argv, port)
    return Server(argv, port, functools.partial(subprocess.Popen, preexec_fn=preexec_fn))


def start_redis(*extra):
    """Debian's redis-server configured like respcache: 16 databases, no persistence."""
    exe = shutil.which("redis-server")
    if exe is None:
        raise RuntimeError("redis-server is not installed (scripts/install-deps.sh installs it)")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="respcache-redis-")
    argv = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--databases", "16", "--dir", workdir, "--protected-mode", "no", *extra]
    return Server(argv, port)


@contextlib.contextmanager
def running(server):
    try:
        yield server
    finally:
        server.kill()


def read_until_quiet(sock, quiet=0.15, limit=10.0):
    """Reads everything the peer sends until it has been silent for `quiet` seconds or
    closed the connection. Returns (bytes, closed)."""
    chunks = []
    deadline = time.time() + limit
    sock.settimeout(quiet)
    closed = False
    while time.time() < deadline:
        try:
            data = sock.recv(1 << 16)
        except socket.timeout:
            break
        except ConnectionResetError:
            closed = True
            break
        if not data:
            closed = True
            break
        chunks.append(data)
    return b"".join(chunks), closed


def read_until_closed(sock, limit=10.0):
    """Everything the peer sends until it closes (or resets) the connection, waiting at most
    `limit` seconds. Returns (bytes, closed)."""
    sock.settimeout(limit)
    chunks = []
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            data = sock.recv(1 << 16)
        except ConnectionResetError:
            return b"".join(chunks), True
        except socket.timeout:
            break
        if not data:
            return b"".join(chunks), True
        chunks.append(data)
    return b"".join(chunks), False


class SocketReader:
    """A socket and the bytes received from it but not yet consumed; protocol readers
    build on it."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("connection closed")
        self.buf += data


class RespReader(SocketReader):
    """Reads whole RESP2 or RESP3 replies from a socket (for tests that need exact framing).
    A RESP3 map comes back as a RespMap (its keys and values in one list, as RESP2 sends
    them), a set as a list, `_` as None, a verbatim string as its text without the format."""

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def reply(self):
        """Returns bytes for bulk/simple strings, int, None, list, or RespError."""
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b"-":
            return RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self._exact(n + 2)
            return data[:-2]
        if kind in (b"*", b"~", b"%"):
            n = int(rest)
            if n < 0:
                return None
            items = [self.reply() for _ in range(n * (2 if kind == b"%" else 1))]
            return RespMap(items) if kind == b"%" else items
        if kind == b"_":
            return None
        if kind == b"#":
            return rest == b"t"
        if kind == b",":
            return float(rest)
        if kind == b"(":
            return int(rest)
        if kind == b"=":
            return self._exact(int(rest) + 2)[4:-2]
        raise ValueError(f"bad reply line {line!r}")


class RespError(str):
    pass


class RespMap(list):
    """A RESP3 map: key, value, key, value, ... (so RESP2-shaped checks still apply)."""


def encode(*args):
    """A RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, int):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def stop_cleanly(server):
    """SIGTERM, then insist on exit status 0 and no sanitizer report in the server's output
    (tests that only SIGKILL the server would never see a ThreadSanitizer race). Returns
    everything the server logged."""
    status = server.stop(signal.SIGTERM)
    log = server.output()
    problems = [m for m in ("Sanitizer", "runtime error:") if m in log]
    if status != 0 or problems:
        raise AssertionError(f"server exit status {status} after SIGTERM, found {problems}; "
                             f"its output ends:\n{log[-4000:]}")
    return log


def run_tests(module_name):
    """Runs the unittest cases of a test script: sets its BINARY from argv, prints the
    one-line summary ctest logs, and exits non-zero on any failure."""
    import unittest
    module = sys.modules[module_name]
    module.BINARY = binary_from_argv()
    name = os.path.splitext(os.path.basename(module.__file__))[0]
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    verdict = "PASS" if result.wasSuccessful() else "FAIL"
    print(f"{name}: {verdict}: {result.testsRun} tests, {len(result.failures)} failures, "
          f"{len(result.errors)} errors")
    sys.exit(0 if result.wasSuccessful() else 1)


def binary_from_argv():
    if len(sys.argv) < 2 or not os.path.exists(sys.argv[1]):
        sys.exit("usage: <test>.py path/to/respcache")
    return os.path.abspath(sys.argv[1])
