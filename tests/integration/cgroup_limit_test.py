#!/usr/bin/env python3
"""The real binary, started with no memory flag inside a memory-limited cgroup this test makes,
must derive its budget from the limit and keep working at it: after three times the limit's
worth of unique data it is alive, was never OOM-killed, its peak RSS and the cgroup's peak
charge stayed under the limit, it evicted keys, and the newest keys are readable.

Needs root and a cgroup filesystem (v2 or v1, whichever the machine has). Where none can be
made the test fails, unless RESPCACHE_SKIP_CGROUP=1 says to skip it. A sanitizer build is
skipped: ASan's and TSan's shadow memory alone would break a small limit (ctest also keeps it
out of those runs with the label no-sanitizer).
"""
import os
import re
import unittest

import harness
from memory_cgroup import CgroupUnavailable, MemoryCgroup

BINARY = None
LIMIT = 256 << 20
VALUE_SIZES = (100, 1000, 4000, 16000)  # a mix, so eviction frees entries of other sizes
BATCH = 64  # SETs per pipeline
NEWEST = 200  # the keys written last, which must all be readable at the end


def sanitizer_in(binary):
    """The sanitizer runtime linked into the binary, or None."""
    with open(binary, "rb") as f:
        data = f.read()
    for marker, name in ((b"__asan_init", "AddressSanitizer"), (b"__tsan_init", "ThreadSanitizer"),
                         (b"__msan_init", "MemorySanitizer")):
        if marker in data:
            return name
    return None


def value_for(n):
    size = VALUE_SIZES[n % len(VALUE_SIZES)]
    head = b"%012d:" % n
    return head + b"x" * (size - len(head))


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} for pid {pid}")


def info(sock, reader):
    sock.sendall(harness.encode("INFO"))
    text = reader.reply().decode()
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)


class CgroupLimitTest(unittest.TestCase):
    def setUp(self):
        if os.environ.get("RESPCACHE_SKIP_CGROUP") == "1":
            self.skipTest("RESPCACHE_SKIP_CGROUP=1")
        sanitizer = sanitizer_in(BINARY)
        if sanitizer:
            self.skipTest(f"{BINARY} is built with {sanitizer}, whose shadow memory does not fit "
                          f"a {LIMIT >> 20} MiB cgroup; this test runs on the Release build")
        try:
            self.group = MemoryCgroup(LIMIT)
        except (CgroupUnavailable, OSError) as e:
            self.fail(f"cannot make a memory-limited cgroup ({e}); this test needs root and a "
                      f"cgroup filesystem. Set RESPCACHE_SKIP_CGROUP=1 to skip it on purpose.")
        self.addCleanup(self.group.close)

    def start_server(self):
        port = harness.free_port()
        server = harness.Server([BINARY, "--bind", "127.0.0.1", "--port", str(port)], port,
                                popen=self.group.popen)
        self.addCleanup(server.kill)
        return server

    def test_three_times_the_limit_without_an_oom_kill(self):
        server = self.start_server()
        with server.connect(timeout=60) as sock:
            reader = harness.RespReader(sock)
            fields = info(sock, reader)
            maxmemory = int(fields["maxmemory"])
            # "NN% of cgroup memory limit 256.00M": the budget comes from this group's limit.
            m = re.fullmatch(r"(\d+)% of cgroup memory limit 256\.00M",
                             fields["maxmemory_source"])
            self.assertIsNotNone(m, f"maxmemory not derived from the cgroup: {fields}")
            self.assertEqual(maxmemory, int(LIMIT * int(m.group(1)) / 100))
            self.assertLess(maxmemory, LIMIT)
            sock.sendall(harness.encode("CONFIG", "GET", "maxmemory"))
            self.assertEqual(reader.reply(), [b"maxmemory", str(maxmemory).encode()])

            written = n = 0
            try:
                while written < 3 * LIMIT:
                    batch = [(b"key:%d" % (n + i), value_for(n + i)) for i in range(BATCH)]
                    sock.sendall(b"".join(harness.encode("SET", k, v) for k, v in batch))
                    for _ in batch:
                        self.assertEqual(reader.reply(), b"OK")
                    n += BATCH
                    written += sum(len(k) + len(v) for k, v in batch)
            except OSError as e:
                server.proc.wait(timeout=10)
                self.fail(f"connection lost after {written >> 20} MiB ({e}): server exit status "
                          f"{server.proc.returncode}, OOM kills {self.group.oom_kills()}")

            self.assertIsNone(server.proc.poll(), "the server died")
            self.assertEqual(self.group.oom_kills(), 0, "the kernel OOM-killed a process")
            peak_rss = proc_status(server.proc.pid, "VmHWM")
            self.assertLess(peak_rss, LIMIT, "peak RSS reached the cgroup limit")
            peak_charge = self.group.peak_usage()
            if peak_charge is not None:
                self.assertLess(peak_charge, LIMIT, "the cgroup's charge reached its limit")

            fields = info(sock, reader)
            self.assertGreater(int(fields["evicted_keys"]), 0)
            self.assertLessEqual(int(fields["used_memory"]), maxmemory)
            for i in range(n - NEWEST, n):
                sock.sendall(harness.encode("GET", b"key:%d" % i))
                self.assertEqual(reader.reply(), value_for(i), f"key:{i} of {n} lost")
            print(f"cgroup {self.group.version}, limit {LIMIT >> 20} MiB, maxmemory {maxmemory}; "
                  f"wrote {n} keys ({written >> 20} MiB); peak RSS {peak_rss >> 20} MiB, "
                  f"peak charge {(peak_charge or 0) >> 20} MiB, evicted_keys "
                  f"{fields['evicted_keys']}, used_memory {fields['used_memory']}")
        harness.stop_cleanly(server)


if __name__ == "__main__":
    harness.run_tests(__name__)
