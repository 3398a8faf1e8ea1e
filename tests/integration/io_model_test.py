"""Both threading models serve the same traffic correctly and shut down cleanly: the default
shared io_context (one run by every thread, a strand per connection) and --io-model
per-thread (an io_context per thread). Under the TSan build this is the test that would
catch a race in either."""
import threading
import unittest

import harness

BINARY = None


class IoModelTest(unittest.TestCase):
    def test_shared_io_context(self):
        self.many_clients_pipelining_then_sigterm("shared")

    def test_io_context_per_thread(self):
        self.many_clients_pipelining_then_sigterm("per-thread")

    def many_clients_pipelining_then_sigterm(self, model):
        server = harness.start_respcache(BINARY, "--io-model", model, "--threads", "4")
        errors = []

        def client(n):
            try:
                with server.connect(timeout=30) as sock:
                    reader = harness.RespReader(sock)
                    for round_ in range(20):
                        batch = b"".join(
                            harness.encode("SET", f"c{n}:k{i}", f"v{round_}:{i}") for i in range(25))
                        batch += b"".join(harness.encode("GET", f"c{n}:k{i}") for i in range(25))
                        sock.sendall(batch)
                        replies = [reader.reply() for _ in range(50)]
                        assert replies[:25] == [b"OK"] * 25, replies[:25]
                        assert replies[25:] == [f"v{round_}:{i}".encode() for i in range(25)]
            except Exception as e:  # reported below: a thread's assert would be lost otherwise
                errors.append(f"client {n}: {e!r}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])

        with server.connect() as sock:
            sock.sendall(harness.encode("DBSIZE"))
            self.assertEqual(harness.RespReader(sock).reply(), 40 * 25)
        harness.stop_cleanly(server)


if __name__ == "__main__":
    harness.run_tests(__name__)
