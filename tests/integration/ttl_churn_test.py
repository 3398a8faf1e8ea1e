"""Churn of short-lived keys cannot hold memory: write ten times the memory budget in keys
with a 1-second TTL, and the server stays within its budget while writing, then reclaims the
expired keys by itself (nobody reads them), so the data shrinks back toward nothing."""
import time
import unittest

import harness

BINARY = None
BUDGET = 8 * 1024 * 1024


def info(sock_reader, sock):
    sock.sendall(harness.encode("INFO"))
    text = sock_reader.reply().decode()
    fields = {}
    for line in text.split("\r\n"):
        if ":" in line and not line.startswith("#"):
            key, value = line.split(":", 1)
            fields[key] = value
    return fields


class TtlChurnTest(unittest.TestCase):
    def test_ten_budgets_of_one_second_keys(self):
        server = harness.start_respcache(BINARY, "--maxmemory", str(BUDGET), "--threads", "2")
        try:
            with server.connect(timeout=30) as sock:
                reader = harness.RespReader(sock)
                value = b"v" * 1000
                batch_keys = 500
                written = 0
                peak_used = 0
                n = 0
                while written < 10 * BUDGET:
                    batch = b"".join(
                        harness.encode("SET", f"churn:{n + i}", value, "EX", "1")
                        for i in range(batch_keys))
                    sock.sendall(batch)
                    for _ in range(batch_keys):
                        self.assertEqual(reader.reply(), b"OK")
                    n += batch_keys
                    written += batch_keys * len(value)
                    fields = info(reader, sock)
                    used = int(fields["used_memory"])
                    peak_used = max(peak_used, used)
                    self.assertLessEqual(used, BUDGET, "used_memory went past maxmemory")
                    time.sleep(0.02)  # spread the writes over a few seconds, as real churn is

                # Nobody reads the keys: only the active sweep can reclaim them.
                deadline = time.time() + 10
                while time.time() < deadline:
                    fields = info(reader, sock)
                    if int(fields["used_memory_dataset"]) < BUDGET // 10:
                        break
                    time.sleep(0.25)
                self.assertLess(int(fields["used_memory_dataset"]), BUDGET // 10,
                                f"expired keys still hold memory: {fields}")
                self.assertGreater(int(fields["expired_keys"]), 0)
                print(f"wrote {n} keys ({written >> 20} MiB), peak used_memory {peak_used}, "
                      f"expired_keys {fields['expired_keys']}, evicted_keys "
                      f"{fields['evicted_keys']}, dataset now {fields['used_memory_dataset']}")
        finally:
            harness.stop_cleanly(server)


if __name__ == "__main__":
    harness.run_tests(__name__)
