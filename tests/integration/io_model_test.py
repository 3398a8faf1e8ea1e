"""The shared io_context model (--io-model shared: one io_context run by every thread, a
strand per connection) serves the same traffic correctly and shuts down cleanly. Under the
TSan build this is the test that would catch a race in that model."""
import signal
import threading
import unittest

import harness

BINARY = harness.binary_from_argv()


class SharedIoModelTest(unittest.TestCase):
    def test_many_clients_pipelining_then_sigterm(self):
        server = harness.start_respcache(BINARY, "--io-model", "shared", "--threads", "4")
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
        status = server.stop(signal.SIGTERM)
        output = server.output()
        self.assertEqual(status, 0, output)
        self.assertNotIn("Sanitizer", output)
        self.assertNotIn("runtime error:", output)


if __name__ == "__main__":
    result = unittest.main(argv=[__file__], exit=False, verbosity=1).result
    ok = result.wasSuccessful()
    print(f"io_model_test: {'PASS' if ok else 'FAIL'}: {result.testsRun} tests")
    raise SystemExit(0 if ok else 1)
