"""The differential test's cases: raw byte streams, grouped, run by differential_test.py.

A case is a list of steps sent on one fresh connection to both redis-server and respcache
(after FLUSHALL on both); the replies must be byte-identical. Nothing here says what the
reply should be: redis-server answers that at run time.

Step kinds: bytes (sent at once), Chunked (sent in pieces), Sleep (waits on both servers).
Helpers: C(*args) is a RESP array of bulk strings, I(line) an inline command line.
"""
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import encode  # noqa: E402

# --------------------------------------------------------------------------------------
# Building cases
# --------------------------------------------------------------------------------------


def C(*args):
    """One command as a RESP array of bulk strings."""
    return encode(*args)


def I(line):
    """One inline command line (str or bytes), CRLF-terminated."""
    if isinstance(line, str):
        line = line.encode()
    return line + b"\r\n"


class Sleep:
    """A step that waits (on both servers at once), e.g. for a key to expire."""

    def __init__(self, seconds):
        self.seconds = seconds

    def __repr__(self):
        return f"<sleep {self.seconds}s>"


class Chunked:
    """A step whose bytes are sent in pieces (`sizes` cycles), with `pause` between them."""

    def __init__(self, data, sizes=(1,), pause=0.0):
        self.data = data
        self.sizes = sizes
        self.pause = pause

    def pieces(self):
        out, pos, i = [], 0, 0
        while pos < len(self.data):
            n = self.sizes[i % len(self.sizes)]
            out.append(self.data[pos:pos + n])
            pos += n
            i += 1
        return out

    def __repr__(self):
        return f"<{len(self.data)} bytes in pieces of {list(self.sizes)[:6]}>: {show(self.data)}"


class Case:
    """A named byte stream (one or more steps) sent on one fresh connection to each server.

    closes: the last step must make both servers reply and then close the connection.
    candidate: other steps to send to respcache instead (respcache-only commands); they must
    have the same shape as `steps`.
    unordered: the order of elements inside an array of bulk strings is the server's own
    (KEYS, SCAN): such arrays are compared sorted.
    resp2_only: why the case cannot also run after HELLO 3 (it is about RESP2 itself); every
    other case runs twice, once per protocol.
    """

    def __init__(self, name, *steps, closes=False, candidate=None, unordered=False,
                 resp2_only=None):
        self.name = name
        self.resp2_only = resp2_only
        self.steps = list(steps)
        self.closes = closes
        self.candidate = candidate
        self.unordered = unordered
        self.group = None


def show(data, limit=400):
    """bytes as a Python literal, cut to about `limit` characters for reports."""
    text = repr(bytes(data))
    return text if len(text) <= limit else text[:limit] + f"... ({len(data)} bytes)"


# --------------------------------------------------------------------------------------
# The cases, group by group
# --------------------------------------------------------------------------------------


MAX_I64 = "9223372036854775807"
MIN_I64 = "-9223372036854775808"


def string_cases():
    now = int(time.time())
    cases = [
        Case("GET missing", C("GET", "k")),
        Case("SET then GET", C("SET", "k", "v"), C("GET", "k")),
        Case("mixed-case names sEt/gEt", C("sEt", "k", "v") + C("gEt", "k")),
        Case("lower-case set/get", C("set", "k", "v") + C("get", "k")),
        Case("SET overwrites", C("SET", "k", "a") + C("SET", "k", "b") + C("GET", "k")),
        Case("SET empty value", C("SET", "k", "") + C("GET", "k") + C("STRLEN", "k")),
        Case("SET empty key", C("SET", "", "v") + C("GET", "") + C("EXISTS", "")),
        Case("SET integer-looking value", C("SET", "k", "123") + C("GET", "k")),
        Case("SET 1 MiB value", C("SET", "big", "x" * (1 << 20)) + C("GET", "big")
             + C("STRLEN", "big")),
        # NX / XX
        Case("SET NX on missing", C("SET", "k", "v", "NX") + C("GET", "k")),
        Case("SET NX on existing", C("SET", "k", "a") + C("SET", "k", "b", "NX") + C("GET", "k")),
        Case("SET XX on missing", C("SET", "k", "v", "XX") + C("GET", "k") + C("EXISTS", "k")),
        Case("SET XX on existing", C("SET", "k", "a") + C("SET", "k", "b", "XX") + C("GET", "k")),
        Case("SET nx/xx lower case", C("SET", "k", "a", "nx") + C("SET", "k", "b", "xx")
             + C("GET", "k")),
        Case("SET NX NX allowed", C("SET", "k", "a", "NX", "NX") + C("GET", "k")),
        # GET option
        Case("SET GET on missing", C("SET", "k", "v", "GET") + C("GET", "k")),
        Case("SET GET on existing", C("SET", "k", "a") + C("SET", "k", "b", "GET") + C("GET", "k")),
        Case("SET gEt mixed case", C("SET", "k", "a") + C("SET", "k", "b", "gEt")),
        Case("SET GET GET", C("SET", "k", "a") + C("SET", "k", "b", "GET", "GET") + C("GET", "k")),
        Case("SET NX GET on missing", C("SET", "k", "v", "NX", "GET") + C("GET", "k")),
        Case("SET NX GET on existing", C("SET", "k", "a") + C("SET", "k", "b", "NX", "GET")
             + C("GET", "k")),
        Case("SET GET NX order", C("SET", "k", "a") + C("SET", "k", "b", "GET", "NX")
             + C("GET", "k")),
        Case("SET XX GET on missing", C("SET", "k", "v", "XX", "GET") + C("EXISTS", "k")),
        Case("SET XX GET on existing", C("SET", "k", "a") + C("SET", "k", "b", "XX", "GET")
             + C("GET", "k")),
        Case("SET GET EX on existing", C("SET", "k", "a") + C("SET", "k", "b", "GET", "EX", "100")
             + C("GET", "k")),
        # expiry options, success paths
        Case("SET EX 100", C("SET", "k", "v", "EX", "100") + C("GET", "k")),
        Case("SET ex lower case", C("SET", "k", "v", "ex", "100") + C("GET", "k")),
        Case("SET PX 100000", C("SET", "k", "v", "PX", "100000") + C("GET", "k")),
        Case("SET EXAT future", C("SET", "k", "v", "EXAT", now + 1000) + C("GET", "k")),
        Case("SET PXAT future", C("SET", "k", "v", "PXAT", (now + 1000) * 1000) + C("GET", "k")),
        Case("SET PXAT max int64", C("SET", "k", "v", "PXAT", MAX_I64) + C("GET", "k")),
        Case("SET KEEPTTL on missing", C("SET", "k", "v", "KEEPTTL") + C("GET", "k")),
        Case("SET KEEPTTL lower case", C("SET", "k", "v", "keepttl") + C("GET", "k")),
        Case("SET EX 10 EX 20 (last wins)", C("SET", "k", "v", "EX", "10", "EX", "20")
             + C("GET", "k")),
        Case("SET NX EX", C("SET", "k", "v", "NX", "EX", "100") + C("GET", "k")),
        Case("SET EX then XX", C("SET", "k", "v", "EX", "100", "XX") + C("GET", "k")),
        Case("SET EXAT in the past deletes", C("SET", "k", "old") + C("SET", "k", "v", "EXAT", "1")
             + C("GET", "k") + C("EXISTS", "k")),
        Case("SET PXAT in the past with GET", C("SET", "k", "old")
             + C("SET", "k", "v", "PXAT", "1", "GET") + C("GET", "k")),
        Case("SET PX 1 expires", C("SET", "k", "v", "PX", "1"), Sleep(0.02),
             C("GET", "k") + C("EXISTS", "k")),
        Case("GET on an expired key deletes it", C("SET", "k", "v", "PX", "1"), Sleep(0.02),
             C("GET", "k") + C("DBSIZE")),
        Case("SET KEEPTTL keeps the expiry", C("SET", "k", "v", "PX", "150")
             + C("SET", "k", "v2", "KEEPTTL") + C("GET", "k"), Sleep(0.3), C("GET", "k")),
        Case("plain SET clears the expiry", C("SET", "k", "v", "PX", "150")
             + C("SET", "k", "v2"), Sleep(0.3), C("GET", "k")),
        Case("SET XX keeps nothing of the old expiry", C("SET", "k", "v", "PX", "150")
             + C("SET", "k", "v2", "XX"), Sleep(0.3), C("GET", "k")),
        # syntax errors
        Case("SET NX XX", C("SET", "k", "v", "NX", "XX") + C("EXISTS", "k")),
        Case("SET XX NX", C("SET", "k", "v", "XX", "NX")),
        Case("SET EX PX", C("SET", "k", "v", "EX", "10", "PX", "150")),
        Case("SET PX EX", C("SET", "k", "v", "PX", "100", "EX", "10")),
        Case("SET EX EXAT", C("SET", "k", "v", "EX", "10", "EXAT", now + 100)),
        Case("SET PX PXAT", C("SET", "k", "v", "PX", "10", "PXAT", now * 1000)),
        Case("SET EXAT PXAT", C("SET", "k", "v", "EXAT", now + 100, "PXAT", now * 1000)),
        Case("SET EX KEEPTTL", C("SET", "k", "v", "EX", "10", "KEEPTTL")),
        Case("SET KEEPTTL PX", C("SET", "k", "v", "KEEPTTL", "PX", "10")),
        Case("SET KEEPTTL EXAT", C("SET", "k", "v", "KEEPTTL", "EXAT", now + 100)),
        Case("SET EX without value", C("SET", "k", "v", "EX") + C("EXISTS", "k")),
        Case("SET PX without value", C("SET", "k", "v", "PX")),
        Case("SET EXAT without value", C("SET", "k", "v", "EXAT")),
        Case("SET PXAT without value", C("SET", "k", "v", "PXAT")),
        Case("SET unknown option", C("SET", "k", "v", "bogus") + C("EXISTS", "k")),
        Case("SET extra word", C("SET", "k", "v", "w")),
        Case("SET EX value then junk", C("SET", "k", "v", "EX", "10", "junk")),
        Case("SET syntax error beats bad expire", C("SET", "k", "v", "EX", "0", "NX", "XX")),
        Case("SET syntax error beats non-integer", C("SET", "k", "v", "EX", "abc", "bogus")),
        Case("SET GET with KEEPTTL and PX", C("SET", "k", "v", "GET", "KEEPTTL", "PX", "5")),
        # expire values
        Case("SET EX 0", C("SET", "k", "v", "EX", "0") + C("EXISTS", "k")),
        Case("SET EX -1", C("SET", "k", "v", "EX", "-1")),
        Case("SET PX 0", C("SET", "k", "v", "PX", "0")),
        Case("SET PX -5", C("SET", "k", "v", "PX", "-5")),
        Case("SET EXAT 0", C("SET", "k", "v", "EXAT", "0")),
        Case("SET EXAT -1", C("SET", "k", "v", "EXAT", "-1")),
        Case("SET PXAT 0", C("SET", "k", "v", "PXAT", "0")),
        Case("SET EX abc", C("SET", "k", "v", "EX", "abc") + C("EXISTS", "k")),
        Case("SET EX 1.5", C("SET", "k", "v", "EX", "1.5")),
        Case("SET EX empty", C("SET", "k", "v", "EX", "")),
        Case("SET EX ' 10'", C("SET", "k", "v", "EX", " 10")),
        Case("SET EX '+10'", C("SET", "k", "v", "EX", "+10")),
        Case("SET EX '010'", C("SET", "k", "v", "EX", "010")),
        Case("SET EX max int64 (ms overflow)", C("SET", "k", "v", "EX", MAX_I64)),
        Case("SET EX int64 overflow", C("SET", "k", "v", "EX", "9223372036854775808")),
        Case("SET PX max int64 (now + ms overflows)", C("SET", "k", "v", "PX", MAX_I64)),
        Case("SET EXAT max int64", C("SET", "k", "v", "EXAT", MAX_I64)),
        Case("SET EX min int64", C("SET", "k", "v", "EX", MIN_I64)),
        Case("SET EX 0 with GET leaves the key", C("SET", "k", "a")
             + C("SET", "k", "b", "GET", "EX", "0") + C("GET", "k")),
        Case("SET NX GET with EX 0", C("SET", "k", "v", "NX", "GET", "EX", "0")),
        # arity
        Case("SET no args", C("SET")),
        Case("SET key only", C("SET", "k")),
        Case("sEt key only", C("sEt", "k")),
        Case("GET no args", C("GET")),
        Case("GET two args", C("GET", "a", "b")),
        Case("GeT two args", C("GeT", "a", "b")),
    ]
    return cases


def key_cases():
    return [
        Case("DEL missing", C("DEL", "k")),
        Case("DEL one", C("SET", "k", "v") + C("DEL", "k") + C("GET", "k")),
        Case("DEL multi", C("MSET", "a", "1", "b", "2", "c", "3") + C("DEL", "a", "b", "x")
             + C("MGET", "a", "b", "c")),
        Case("DEL duplicates count once", C("SET", "a", "1") + C("DEL", "a", "a", "a")),
        Case("dEl mixed case", C("SET", "a", "1") + C("dEl", "a")),
        Case("DEL no args", C("DEL")),
        Case("UNLINK missing", C("UNLINK", "k")),
        Case("UNLINK multi", C("MSET", "a", "1", "b", "2") + C("UNLINK", "a", "b", "c")
             + C("DBSIZE")),
        Case("UNLINK duplicates", C("SET", "a", "1") + C("UNLINK", "a", "a")),
        Case("unlink lower case", C("SET", "a", "1") + C("unlink", "a") + C("EXISTS", "a")),
        Case("UNLINK no args", C("UNLINK")),
        Case("EXISTS missing", C("EXISTS", "k")),
        Case("EXISTS present", C("SET", "k", "v") + C("EXISTS", "k")),
        Case("EXISTS duplicates count twice", C("SET", "a", "1") + C("EXISTS", "a", "a", "a")),
        Case("EXISTS mix", C("MSET", "a", "1", "b", "2") + C("EXISTS", "a", "b", "x", "a")),
        Case("eXiStS mixed case", C("SET", "a", "1") + C("eXiStS", "a")),
        Case("EXISTS no args", C("EXISTS")),
        Case("MGET none present", C("MGET", "a", "b")),
        Case("MGET mix", C("MSET", "a", "1", "c", "3") + C("MGET", "a", "b", "c", "a")),
        Case("MGET one", C("SET", "a", "1") + C("MGET", "a")),
        Case("MGET no args", C("MGET")),
        Case("MSET pairs", C("MSET", "a", "1", "b", "2") + C("MGET", "a", "b")),
        Case("MSET one pair", C("MSET", "a", "1") + C("GET", "a")),
        Case("MSET duplicate key (last wins)", C("MSET", "a", "1", "a", "2") + C("GET", "a")),
        Case("MSET overwrites", C("SET", "a", "x") + C("MSET", "a", "1") + C("GET", "a")),
        Case("MSET odd args", C("MSET", "a", "1", "b") + C("EXISTS", "a", "b")),
        Case("MSET key only", C("MSET", "a")),
        Case("MSET no args", C("MSET")),
        Case("mset lower case", C("mset", "a", "1", "b", "2") + C("mget", "a", "b")),
        Case("MSET clears expiry", C("SET", "a", "x", "PX", "150") + C("MSET", "a", "1"),
             Sleep(0.3), C("GET", "a")),
        Case("MSET/MGET/EXISTS/DEL 500 keys",
             C("MSET", *[x for i in range(500) for x in ("key%d" % i, "val%d" % i)])
             + C("MGET", *["key%d" % i for i in range(0, 1000, 2)]) + C("DBSIZE")
             + C("EXISTS", *["key%d" % i for i in range(1000)])
             + C("DEL", *["key%d" % i for i in range(250, 750)]) + C("DBSIZE")),
        Case("DBSIZE empty", C("DBSIZE")),
        Case("DBSIZE counts", C("MSET", "a", "1", "b", "2", "c", "3") + C("DBSIZE")
             + C("DEL", "a") + C("DBSIZE")),
        Case("dbsize lower case", C("SET", "a", "1") + C("dbsize")),
        Case("DBSIZE with arg", C("DBSIZE", "x")),
        Case("GETDEL present", C("SET", "k", "v") + C("GETDEL", "k") + C("GET", "k")
             + C("EXISTS", "k")),
        Case("GETDEL missing", C("GETDEL", "k")),
        Case("getdel lower case", C("SET", "k", "v") + C("getdel", "k")),
        Case("GETDEL no args", C("GETDEL")),
        Case("GETDEL two args", C("GETDEL", "a", "b")),
        Case("APPEND missing creates", C("APPEND", "k", "abc") + C("GET", "k")),
        Case("APPEND existing", C("SET", "k", "abc") + C("APPEND", "k", "def") + C("GET", "k")),
        Case("APPEND empty", C("SET", "k", "abc") + C("APPEND", "k", "") + C("GET", "k")),
        Case("APPEND empty to missing", C("APPEND", "k", "") + C("EXISTS", "k") + C("GET", "k")),
        Case("APPEND to integer value", C("SET", "k", "10") + C("APPEND", "k", "5") + C("GET", "k")
             + C("INCR", "k")),
        Case("APPEND after INCR", C("INCR", "k") + C("APPEND", "k", "x") + C("GET", "k")),
        Case("APPEND keeps expiry", C("SET", "k", "v", "PX", "150") + C("APPEND", "k", "w"),
             Sleep(0.3), C("GET", "k")),
        Case("append lower case", C("append", "k", "x")),
        Case("APPEND one arg", C("APPEND", "k")),
        Case("APPEND three args", C("APPEND", "k", "a", "b")),
        Case("STRLEN missing", C("STRLEN", "k")),
        Case("STRLEN present", C("SET", "k", "hello") + C("STRLEN", "k")),
        Case("STRLEN integer value", C("SET", "k", "12345") + C("STRLEN", "k")
             + C("INCR", "k") + C("STRLEN", "k")),
        Case("STRLEN negative integer", C("SET", "k", "-77") + C("STRLEN", "k")),
        Case("strlen lower case", C("SET", "k", "ab") + C("strlen", "k")),
        Case("STRLEN no args", C("STRLEN")),
        Case("STRLEN two args", C("STRLEN", "a", "b")),
    ]


def counter_cases():
    cases = [
        Case("INCR missing", C("INCR", "n") + C("GET", "n")),
        Case("INCR existing", C("SET", "n", "41") + C("INCR", "n") + C("GET", "n")),
        Case("DECR missing", C("DECR", "n") + C("GET", "n")),
        Case("DECR existing", C("SET", "n", "0") + C("DECR", "n") + C("DECR", "n")),
        Case("INCRBY", C("INCRBY", "n", "10") + C("INCRBY", "n", "-25") + C("GET", "n")),
        Case("DECRBY", C("DECRBY", "n", "5") + C("DECRBY", "n", "-7") + C("GET", "n")),
        Case("INCRBY 0", C("SET", "n", "3") + C("INCRBY", "n", "0")),
        Case("mixed-case counters", C("iNcR", "n") + C("DeCr", "n") + C("InCrBy", "n", "3")
             + C("dEcRbY", "n", "1")),
        Case("INCR keeps expiry", C("SET", "n", "1", "PX", "150") + C("INCR", "n"),
             Sleep(0.3), C("GET", "n")),
        Case("INCR on value from APPEND", C("APPEND", "n", "1") + C("APPEND", "n", "2")
             + C("INCR", "n")),
        Case("INCR to max int64", C("SET", "n", "9223372036854775806") + C("INCR", "n")
             + C("INCR", "n") + C("GET", "n")),
        Case("DECR to min int64", C("SET", "n", "-9223372036854775807") + C("DECR", "n")
             + C("DECR", "n") + C("GET", "n")),
        Case("INCR overflow", C("SET", "n", MAX_I64) + C("INCR", "n") + C("GET", "n")),
        Case("DECR overflow", C("SET", "n", MIN_I64) + C("DECR", "n")),
        Case("INCRBY positive overflow", C("SET", "n", "1") + C("INCRBY", "n", MAX_I64)),
        Case("INCRBY negative overflow", C("SET", "n", "-2") + C("INCRBY", "n", MIN_I64)),
        Case("INCRBY min int64 from 0", C("INCRBY", "n", MIN_I64) + C("GET", "n")),
        Case("INCRBY max int64 from 0", C("INCRBY", "n", MAX_I64) + C("INCR", "n")),
        Case("DECRBY min int64", C("DECRBY", "n", MIN_I64) + C("EXISTS", "n")),
        Case("DECRBY min int64 on existing", C("SET", "n", "-1") + C("DECRBY", "n", MIN_I64)),
        Case("DECRBY negative overflow", C("SET", "n", "-2") + C("DECRBY", "n", MAX_I64)),
        Case("DECRBY -max from 1", C("SET", "n", "1") + C("DECRBY", "n", "-" + MAX_I64)),
        Case("INCRBY increment not integer", C("INCRBY", "n", "abc")),
        Case("INCRBY increment empty", C("INCRBY", "n", "")),
        Case("INCRBY increment float", C("INCRBY", "n", "1.0")),
        Case("INCRBY increment ' 1'", C("INCRBY", "n", " 1")),
        Case("INCRBY increment '+1'", C("INCRBY", "n", "+1")),
        Case("INCRBY increment '01'", C("INCRBY", "n", "01")),
        Case("INCRBY increment '-0'", C("INCRBY", "n", "-0")),
        Case("INCRBY increment 2^63", C("INCRBY", "n", "9223372036854775808")),
        Case("DECRBY decrement not integer", C("DECRBY", "n", "x1")),
        Case("INCR no args", C("INCR")),
        Case("INCR two args", C("INCR", "a", "b")),
        Case("DECR no args", C("DECR")),
        Case("DECR two args", C("DECR", "a", "b")),
        Case("INCRBY one arg", C("INCRBY", "n")),
        Case("INCRBY three args", C("INCRBY", "n", "1", "2")),
        Case("DECRBY one arg", C("DECRBY", "n")),
        Case("DECRBY three args", C("DECRBY", "n", "1", "2")),
        Case("incrby lower case one arg", C("incrby", "n")),
    ]
    # The stored value decides: each is SET first, then INCR / DECRBY on it.
    values = ["abc", "1.5", " 1", "1 ", "+1", "01", "007", "-0", "0", "-1", "", "0x10",
              "1\x00", "12345678901234567890", "99999999999999999999", "-" + MAX_I64,
              "1e3", "--1", "-", "\t1"]
    for v in values:
        cases.append(Case(f"INCR on value {v!r}", C("SET", "n", v) + C("INCR", "n")
                          + C("GET", "n")))
        cases.append(Case(f"DECRBY 2 on value {v!r}", C("SET", "n", v) + C("DECRBY", "n", "2")))
    return cases


def server_cases():
    long_arg = "y" * 200
    return [
        Case("PING", C("PING")),
        Case("ping lower case", C("ping")),
        Case("PiNg mixed case", C("PiNg")),
        Case("PING message", C("PING", "hello world")),
        Case("PING empty message", C("PING", "")),
        Case("PING a b", C("PING", "a", "b")),
        Case("ECHO", C("ECHO", "hello")),
        Case("echo empty", C("echo", "")),
        Case("ECHO no args", C("ECHO")),
        Case("ECHO a b", C("ECHO", "a", "b")),
        Case("SELECT 0", C("SELECT", "0") + C("SET", "k", "v") + C("GET", "k")),
        Case("SELECT 1", C("SELECT", "1")),
        Case("SELECT 16", C("SELECT", "16")),
        Case("SELECT -1", C("SELECT", "-1")),
        Case("SELECT abc", C("SELECT", "abc")),
        Case("SELECT 00", C("SELECT", "00")),
        Case("SELECT 2^31", C("SELECT", "2147483648")),
        Case("SELECT empty", C("SELECT", "")),
        Case("SELECT no args", C("SELECT")),
        Case("SELECT two args", C("SELECT", "0", "1")),
        Case("select lower case", C("select", "0")),
        Case("FLUSHALL", C("MSET", "a", "1", "b", "2") + C("FLUSHALL") + C("DBSIZE")),
        Case("FLUSHALL ASYNC", C("SET", "a", "1") + C("FLUSHALL", "ASYNC") + C("DBSIZE")),
        Case("FLUSHALL SYNC", C("SET", "a", "1") + C("FLUSHALL", "SYNC") + C("GET", "a")),
        Case("flushall async lower case", C("SET", "a", "1") + C("flushall", "async")
             + C("DBSIZE")),
        Case("FLUSHALL bogus", C("SET", "a", "1") + C("FLUSHALL", "bogus") + C("DBSIZE")),
        Case("FLUSHALL ASYNC SYNC", C("FLUSHALL", "ASYNC", "SYNC")),
        Case("FLUSHALL SYNC extra", C("FLUSHALL", "SYNC", "x")),
        Case("FLUSHDB", C("MSET", "a", "1", "b", "2") + C("FLUSHDB") + C("DBSIZE")),
        Case("FLUSHDB ASYNC", C("SET", "a", "1") + C("FLUSHDB", "ASYNC") + C("DBSIZE")),
        Case("FLUSHDB SYNC", C("SET", "a", "1") + C("FLUSHDB", "sync") + C("DBSIZE")),
        Case("FLUSHDB bogus", C("SET", "a", "1") + C("FLUSHDB", "bogus") + C("DBSIZE")),
        Case("FLUSHDB two options", C("FLUSHDB", "ASYNC", "ASYNC")),
        # unknown commands
        Case("unknown command", C("FOO")),
        Case("unknown command with args", C("FOO", "a", "b")),
        Case("unknown command keeps its case", C("fOoBaR", "Arg")),
        Case("unknown command, empty arg", C("FOO", "")),
        Case("unknown command, long args cut at 128", C("FOO", long_arg, "z")),
        Case("unknown command, many args cut", C("FOO", *["arg%d" % i for i in range(40)])),
        Case("unknown command, long name", C("X" * 200, "a")),
        Case("unknown command, CRLF in args", C("FOO", "a\r\nb", "c\nd")),
        Case("unknown command, CRLF in name", C("FO\r\nO", "a")),
        Case("unknown command, quote in arg", C("FOO", "it's")),
        Case("empty command name", C("")),
        Case("empty command name with args", C("", "a")),
        Case("unknown command then PING", C("FOO") + C("PING")),
        Case("PUT is unknown to redis", C("PUTX", "k", "v")),
        # QUIT
        Case("QUIT", C("QUIT"), closes=True),
        Case("quit lower case", C("quit"), closes=True),
        Case("QUIT with args", C("QUIT", "now"), closes=True),
        Case("QUIT inline", I("QUIT"), closes=True),
        Case("PING QUIT PING", C("PING") + C("QUIT") + C("PING"), closes=True),
        Case("SET QUIT GET", C("SET", "k", "v") + C("QUIT") + C("GET", "k"), closes=True),
    ]


def put_cases():
    """PUT exists only in respcache: respcache's answer to PUT must equal redis's to SET."""
    def pair(name, set_bytes, put_bytes, *rest):
        return Case(name, set_bytes, *rest, candidate=[put_bytes, *rest])

    return [
        pair("PUT new key", C("SET", "k", "v") + C("GET", "k"),
             C("PUT", "k", "v") + C("GET", "k")),
        pair("PUT overwrites", C("SET", "k", "a") + C("SET", "k", "b") + C("GET", "k"),
             C("SET", "k", "a") + C("PUT", "k", "b") + C("GET", "k")),
        pair("pUt mixed case", C("SET", "k", "v") + C("GET", "k"),
             C("pUt", "k", "v") + C("GET", "k")),
        pair("PUT binary", C("SET", "k\r\n\x00", "v\x00\r\n") + C("GET", "k\r\n\x00"),
             C("PUT", "k\r\n\x00", "v\x00\r\n") + C("GET", "k\r\n\x00")),
        pair("PUT inline", I('SET k "a b"') + C("GET", "k"),
             I('PUT k "a b"') + C("GET", "k")),
        pair("PUT clears expiry", C("SET", "k", "a", "PX", "150") + C("SET", "k", "b"),
             C("SET", "k", "a", "PX", "150") + C("PUT", "k", "b"), Sleep(0.3), C("GET", "k")),
        pair("PUT then INCR", C("SET", "n", "41") + C("INCR", "n"),
             C("PUT", "n", "41") + C("INCR", "n")),
    ]


def protocol_cases():
    big = b"a" * (70 * 1024)
    return [
        # protocol errors: reply, then close
        Case("*abc", b"*abc\r\n", closes=True),
        Case("*2147483648", b"*2147483648\r\n", closes=True),
        Case("* empty count", b"*\r\n", closes=True),
        Case("*+1", b"*+1\r\n$4\r\nPING\r\n", closes=True),
        Case("*1x", b"*1x\r\n", closes=True),
        Case("expected $, got :", b"*1\r\n:5\r\n", closes=True),
        Case("expected $, got +", b"*2\r\n$3\r\nGET\r\n+k\r\n", closes=True),
        Case("expected $, got letter", b"*1\r\nPING\r\n", closes=True),
        Case("expected $, got *", b"*1\r\n*1\r\n$4\r\nPING\r\n", closes=True),
        Case("$-5", b"*1\r\n$-5\r\n", closes=True),
        Case("$-1", b"*1\r\n$-1\r\n", closes=True),
        Case("$abc", b"*1\r\n$abc\r\n", closes=True),
        Case("$ empty length", b"*1\r\n$\r\n", closes=True),
        Case("$+4", b"*1\r\n$+4\r\nPING\r\n", closes=True),
        Case("$ over 512 MiB", b"*1\r\n$536870913\r\n", closes=True),
        Case("unbalanced double quote", I('SET a "b'), closes=True),
        Case("unbalanced single quote", I("SET a 'b"), closes=True),
        Case("closing quote followed by a letter", I('SET a "b"c'), closes=True),
        Case("closing single quote followed by a letter", I("SET a 'b'c"), closes=True),
        Case("lone double quote", I('"'), closes=True),
        Case("inline > 64 KiB without newline", big, closes=True),
        Case("* count line > 64 KiB", b"*" + b"1" * (70 * 1024), closes=True),
        Case("$ length line > 64 KiB", b"*1\r\n$" + b"1" * (70 * 1024), closes=True),
        # commands before the error are answered, commands after it are not
        Case("PING then *abc", C("PING") + b"*abc\r\n" + C("PING"), closes=True),
        Case("SET GET then expected $", C("SET", "a", "1") + C("GET", "a") + b"*1\r\n:5\r\n"
             + C("PING"), closes=True),
        Case("inline PING then unbalanced quotes", I("PING") + I('ECHO "x') + I("PING"),
             closes=True),
        Case("error after many commands", C("INCR", "n") * 20 + b"*1\r\n$-5\r\n" + C("INCR", "n"),
             closes=True),
        Case("a line starting with $ is an inline command", b"$x\r\n" + C("PING")),
        Case("a line starting with : is an inline command", b":5\r\n" + C("PING")),
        # not errors
        Case("*0 is ignored", b"*0\r\n" + C("PING")),
        Case("*-1 is ignored", b"*-1\r\n" + C("PING")),
        Case("*-5 is ignored", b"*-5\r\n"),
        Case("empty bulk argument", b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$0\r\n\r\n" + C("STRLEN", "a")),
        Case("bulk length with exact CRLF payload", b"*2\r\n$4\r\nECHO\r\n$2\r\n\r\n\r\n"),
        Case("64 KiB inline with newline", I(b"ECHO " + b"b" * 60000)),
    ]


def inline_cases():
    return [
        Case("inline PING", I("PING")),
        Case("inline ping lower case", I("ping")),
        Case("inline LF only", b"PING\n"),
        Case("inline PING message", I("PING hello")),
        Case("inline SET GET", I("SET k v") + I("GET k")),
        Case("inline double quotes", I('SET a "b c"') + I("GET a")),
        Case("inline single quotes", I("SET a 'b c'") + I("GET a")),
        Case("inline empty quoted arg", I('SET a ""') + I("STRLEN a") + I("GET a")),
        Case("inline empty single-quoted arg", I("SET a ''") + I("EXISTS a")),
        Case("inline hex escape", I(r'SET a "\x41\x62"') + I("GET a")),
        Case("inline escapes \\n \\r \\t \\b \\a", I(r'SET a "1\n2\r3\t4\b5\a6"') + I("GET a")),
        Case("inline escaped quote and backslash", I(r'SET a "q\"b\\s"') + I("GET a")),
        Case("inline hex escape \\x00 and \\xff", I(r'SET a "\x00\xff\xFF"') + I("GET a")),
        Case("inline bad hex escape", I(r'SET a "\x4g\xZ"') + I("GET a")),
        Case("inline unknown escape", I(r'SET a "\q\z"') + I("GET a")),
        Case("inline single-quote escape", I(r"SET a 'it\'s'") + I("GET a")),
        Case("inline single quotes keep backslashes", I(r"SET a '\x41\n'") + I("GET a")),
        Case("inline double quote inside single", I("SET a 'x\"y'") + I("GET a")),
        Case("inline single quote inside double", I("SET a \"x'y\"") + I("GET a")),
        Case("inline quote opening mid-word", I('SET a b"c d"') + I("GET a")),
        Case("inline quoted key", I('SET "my key" v') + I('GET "my key"')),
        Case("inline tabs between args", b"SET\ta\t\tv\r\n" + I("GET a")),
        Case("inline many spaces", I("   SET    a     v   ") + I("GET a")),
        Case("inline blank lines", b"\r\n\r\n" + I("PING") + b"\r\n\n" + I("PING")),
        Case("inline spaces-only line", I("    ") + I("PING")),
        Case("inline unknown command", I("FOO bar baz")),
        Case("inline wrong arity", I("GET")),
        Case("inline PING a b", I("PING a b")),
        Case("inline mixed case", I("sEt k v") + I("gEt k")),
        Case("inline then RESP then inline", I("SET a 1") + C("INCR", "a") + I("GET a")
             + C("ECHO", "x y") + I('ECHO "x y"')),
        Case("inline INCRBY negative", I("INCRBY n -5") + I("GET n")),
        Case("inline MSET MGET", I("MSET a 1 b 2") + I("MGET a b c")),
        Case("inline SET with options", I("SET k v NX EX 100") + I("SET k w XX GET")),
        Case("inline QUIT mid-pipeline", I("PING") + I("QUIT") + I("PING"), closes=True),
    ]


def pipeline_cases():
    rng = random.Random(20240611)
    commands = []
    for i in range(100):
        r = i % 10
        if r == 0:
            commands.append(C("SET", "k%d" % (i % 7), "v%d" % i))
        elif r == 1:
            commands.append(C("GET", "k%d" % (i % 7)))
        elif r == 2:
            commands.append(C("INCR", "n"))
        elif r == 3:
            commands.append(C("APPEND", "s", "x%d" % i))
        elif r == 4:
            commands.append(C("MGET", "k0", "k1", "n", "nope"))
        elif r == 5:
            commands.append(C("DEL", "k%d" % (i % 3)))
        elif r == 6:
            commands.append(C("EXISTS", "k0", "k1", "k2", "k0"))
        elif r == 7:
            commands.append(C("PING"))
        elif r == 8:
            commands.append(C("GET"))  # an error in the middle of a pipeline
        else:
            commands.append(C("ECHO", "e%d\r\n" % i))
    stream = b"".join(commands)
    inline_stream = b"".join(I("INCR n") if i % 2 else I('ECHO "x %d"' % i) for i in range(100))
    mixed = b"".join(C("INCR", "n") if i % 3 else I("INCRBY n 2") for i in range(100))
    big = "z" * 200_000
    big_stream = C("SET", "big", big) + C("GET", "big") + C("PING") + C("STRLEN", "big")
    random_sizes = tuple(rng.randint(1, 40) for _ in range(64))
    cases = [
        Case("100 commands in one send", stream),
        Case("100 commands in 1-byte sends", Chunked(stream, (1,))),
        Case("100 commands in 7-byte sends", Chunked(stream, (7,))),
        Case("100 commands in random-size sends", Chunked(stream, random_sizes)),
        Case("100 inline commands", inline_stream),
        Case("100 inline commands in 1-byte sends", Chunked(inline_stream, (1,))),
        Case("100 mixed inline/RESP commands", mixed),
        Case("100 mixed inline/RESP in 3-byte sends", Chunked(mixed, (3,))),
        Case("1000 PINGs", C("PING") * 1000),
        Case("1000 inline PINGs", I("PING") * 1000),
        Case("200 KB value pipelined", big_stream),
        Case("200 KB value in 1000-byte sends", Chunked(big_stream, (1000,))),
        Case("protocol error after 1-byte sends", Chunked(C("PING") * 3 + b"*1\r\n$x\r\n", (1,)),
             closes=True),
    ]
    # Every split point of one RESP and one inline command, with a pause so the server
    # really sees the first part alone.
    for name, data in (("RESP SET", C("SET", "key", "val", "EX", "100")),
                       ("inline SET", I('SET key "v a l" EX 100'))):
        steps = [Chunked(data, (cut, len(data)), pause=0.002) for cut in range(1, len(data))]
        cases.append(Case(f"{name} split at every byte", *steps))
    return cases


def binary_cases():
    all_bytes = bytes(range(256))
    return [
        Case("CRLF in key and value", C("SET", b"k\r\n", b"v\r\nv") + C("GET", b"k\r\n")
             + C("GET", b"k")),
        Case("NUL in key and value", C("SET", b"k\x00x", b"\x00v\x00") + C("GET", b"k\x00x")
             + C("GET", b"k") + C("STRLEN", b"k\x00x")),
        Case("keys differing by a NUL", C("SET", b"a", b"1") + C("SET", b"a\x00", b"2")
             + C("MGET", b"a", b"a\x00") + C("DBSIZE")),
        Case("all 256 byte values", C("SET", all_bytes, all_bytes) + C("GET", all_bytes)),
        Case("value that looks like RESP", C("SET", "k", b"*1\r\n$4\r\nPING\r\n")
             + C("GET", "k")),
        Case("value that looks like an error", C("SET", "k", b"-ERR x\r\n") + C("GET", "k")),
        Case("MSET/MGET binary", C("MSET", b"\r\n", b"\x00", b"\x00", b"\r\n")
             + C("MGET", b"\r\n", b"\x00")),
        Case("APPEND binary", C("APPEND", b"k", b"\x00\r") + C("APPEND", b"k", b"\n\x00")
             + C("GET", b"k") + C("STRLEN", b"k")),
        Case("GETDEL binary", C("SET", b"\xff\xfe", b"\x00") + C("GETDEL", b"\xff\xfe")
             + C("EXISTS", b"\xff\xfe")),
        Case("DEL/EXISTS binary", C("SET", b"\r\n\r\n", "v") + C("EXISTS", b"\r\n\r\n", b"\r\n")
             + C("DEL", b"\r\n\r\n") + C("EXISTS", b"\r\n\r\n")),
        Case("ECHO binary", C("ECHO", all_bytes)),
        Case("PING binary", C("PING", b"\x00\r\n")),
        Case("INCR on binary value", C("SET", "n", b"\x00") + C("INCR", "n")),
        Case("binary value in 1-byte sends",
             Chunked(C("SET", b"\r\n", b"\r\n\x00") + C("GET", b"\r\n"), (1,))),
    ]


def admin_cases():
    """Byte-exact parts of HELLO / CLIENT / CONFIG (the rest is in shape_checks)."""
    return [
        Case("HELLO 4", C("HELLO", "4")),
        Case("HELLO 1", C("HELLO", "1")),
        Case("HELLO 0", C("HELLO", "0")),
        Case("HELLO abc", C("HELLO", "abc")),
        Case("HELLO -1", C("HELLO", "-1")),
        Case("HELLO 2 bogus option", C("HELLO", "2", "bogus")),
        Case("HELLO 4 then PING", C("HELLO", "4") + C("PING")),
        Case("CLIENT GETNAME unset", C("CLIENT", "GETNAME")),
        Case("CLIENT SETNAME/GETNAME", C("CLIENT", "SETNAME", "worker-1")
             + C("CLIENT", "GETNAME")),
        Case("client setname lower case", C("client", "setname", "x") + C("client", "getname")),
        Case("CLIENT SETNAME with space", C("CLIENT", "SETNAME", "a b") + C("CLIENT", "GETNAME")),
        Case("CLIENT SETNAME with newline", C("CLIENT", "SETNAME", "a\nb")),
        Case("CLIENT SETNAME with control byte", C("CLIENT", "SETNAME", "a\x01b")),
        Case("CLIENT SETNAME empty clears", C("CLIENT", "SETNAME", "x")
             + C("CLIENT", "SETNAME", "") + C("CLIENT", "GETNAME")),
        Case("CLIENT SETNAME no name", C("CLIENT", "SETNAME")),
        Case("CLIENT SETNAME two names", C("CLIENT", "SETNAME", "a", "b")),
        Case("CLIENT GETNAME extra", C("CLIENT", "GETNAME", "x")),
        Case("CLIENT bogus", C("CLIENT", "bogus")),
        Case("CLIENT no args", C("CLIENT")),
        Case("CLIENT ID extra", C("CLIENT", "ID", "x")),
        Case("HELLO 2 SETNAME then GETNAME", C("HELLO", "2", "SETNAME", "bad name")
             + C("CLIENT", "GETNAME")),
        Case("CONFIG GET save", C("CONFIG", "GET", "save")),
        Case("CONFIG GET appendonly", C("CONFIG", "GET", "appendonly")),
        Case("config get lower case", C("config", "get", "appendonly")),
        Case("CONFIG GET no match", C("CONFIG", "GET", "no-such-parameter")),
        Case("CONFIG GET no args", C("CONFIG", "GET")),
        Case("CONFIG no args", C("CONFIG")),
        Case("CONFIG bogus", C("CONFIG", "bogus")),
        Case("COMMAND COUNT extra", C("COMMAND", "COUNT", "x")),
        Case("COMMAND bogus", C("COMMAND", "bogus")),
        Case("INFO unknown section is empty", C("INFO", "nosuchsection")),
    ]


def auth_cases():
    """AUTH and HELLO AUTH on a server without a password (requirepass cases are in
    auth_cases.py, run by auth_differential_test.py)."""
    return [
        Case("AUTH password without requirepass", C("AUTH", "secret")),
        Case("AUTH default anything", C("AUTH", "default", "anything") + C("PING")),
        Case("AUTH other user", C("AUTH", "bob", "secret")),
        Case("AUTH DEFAULT is another user", C("AUTH", "DEFAULT", "x")),
        Case("AUTH three args", C("AUTH", "a", "b", "c")),
        Case("AUTH no args", C("AUTH")),
        Case("auth lower case", C("auth", "default", "x")),
        Case("HELLO 2 AUTH other user", C("HELLO", "2", "AUTH", "bob", "x")),
        Case("HELLO 2 AUTH missing password", C("HELLO", "2", "AUTH", "default")),
    ]


def ttl_cases():
    """Commands of the expiry milestone; run only when respcache knows EXPIRE."""
    now = int(time.time())
    cases = [
        Case("TTL missing", C("TTL", "k") + C("PTTL", "k")),
        Case("TTL without expiry", C("SET", "k", "v") + C("TTL", "k") + C("PTTL", "k")),
        Case("TTL after SET EX 100", C("SET", "k", "v", "EX", "100") + C("TTL", "k")),
        Case("TTL after SET PX 100000", C("SET", "k", "v", "PX", "100000") + C("TTL", "k")),
        Case("TTL after SET KEEPTTL", C("SET", "k", "v", "EX", "100")
             + C("SET", "k", "w", "KEEPTTL") + C("TTL", "k")),
        Case("TTL after plain SET", C("SET", "k", "v", "EX", "100") + C("SET", "k", "w")
             + C("TTL", "k")),
        Case("TTL after SET GET EX", C("SET", "k", "v") + C("SET", "k", "w", "GET", "EX", "50")
             + C("TTL", "k")),
        Case("TTL kept by INCR and APPEND", C("SET", "k", "1", "EX", "100") + C("INCR", "k")
             + C("APPEND", "k", "0") + C("TTL", "k")),
        Case("TTL cleared by MSET", C("SET", "k", "1", "EX", "100") + C("MSET", "k", "2")
             + C("TTL", "k")),
        Case("TTL of expired key", C("SET", "k", "v", "PX", "1"), Sleep(0.05),
             C("TTL", "k") + C("PTTL", "k")),
        Case("TTL no args", C("TTL")),
        Case("TTL two args", C("TTL", "a", "b")),
        Case("PTTL no args", C("PTTL")),
        Case("ttl lower case", C("SET", "k", "v", "EX", "100") + C("ttl", "k")),
        # EXPIRE family
        Case("EXPIRE missing", C("EXPIRE", "k", "100") + C("PEXPIRE", "k", "100")
             + C("EXPIREAT", "k", now + 100) + C("PEXPIREAT", "k", now * 1000)),
        Case("EXPIRE then TTL", C("SET", "k", "v") + C("EXPIRE", "k", "100") + C("TTL", "k")),
        Case("PEXPIRE then TTL", C("SET", "k", "v") + C("PEXPIRE", "k", "100000") + C("TTL", "k")),
        Case("EXPIREAT future", C("SET", "k", "v") + C("EXPIREAT", "k", now + 1000)
             + C("EXISTS", "k")),
        Case("PEXPIREAT future", C("SET", "k", "v") + C("PEXPIREAT", "k", (now + 1000) * 1000)
             + C("GET", "k")),
        Case("EXPIREAT past deletes", C("SET", "k", "v") + C("EXPIREAT", "k", "1") + C("GET", "k")),
        Case("PEXPIREAT past deletes", C("SET", "k", "v") + C("PEXPIREAT", "k", "1")
             + C("EXISTS", "k")),
        Case("EXPIRE 0 deletes", C("SET", "k", "v") + C("EXPIRE", "k", "0") + C("EXISTS", "k")),
        Case("EXPIRE -1 deletes", C("SET", "k", "v") + C("EXPIRE", "k", "-1") + C("EXISTS", "k")),
        Case("PEXPIRE -1 deletes", C("SET", "k", "v") + C("PEXPIRE", "k", "-1") + C("DBSIZE")),
        Case("PEXPIRE 1 expires", C("SET", "k", "v") + C("PEXPIRE", "k", "1"), Sleep(0.05),
             C("GET", "k") + C("TTL", "k")),
        Case("EXPIRE overwrites", C("SET", "k", "v", "EX", "10") + C("EXPIRE", "k", "100")
             + C("TTL", "k")),
        Case("SET clears EXPIRE", C("SET", "k", "v") + C("EXPIRE", "k", "100") + C("SET", "k", "w")
             + C("TTL", "k")),
        Case("EXPIRE abc", C("SET", "k", "v") + C("EXPIRE", "k", "abc")),
        Case("EXPIRE 1.5", C("SET", "k", "v") + C("EXPIRE", "k", "1.5")),
        Case("EXPIRE empty", C("EXPIRE", "k", "")),
        Case("EXPIRE max int64", C("SET", "k", "v") + C("EXPIRE", "k", MAX_I64) + C("TTL", "k")),
        Case("EXPIRE min int64", C("SET", "k", "v") + C("EXPIRE", "k", MIN_I64)),
        Case("PEXPIRE max int64", C("SET", "k", "v") + C("PEXPIRE", "k", MAX_I64)),
        Case("EXPIREAT max int64", C("SET", "k", "v") + C("EXPIREAT", "k", MAX_I64)),
        Case("PEXPIREAT max int64", C("SET", "k", "v") + C("PEXPIREAT", "k", MAX_I64)
             + C("EXISTS", "k")),
        Case("EXPIRE on missing with bad time", C("EXPIRE", "k", "abc")),
        Case("EXPIRE no args", C("EXPIRE")),
        Case("EXPIRE key only", C("EXPIRE", "k")),
        Case("PEXPIRE key only", C("PEXPIRE", "k")),
        Case("EXPIREAT key only", C("EXPIREAT", "k")),
        Case("PEXPIREAT key only", C("PEXPIREAT", "k")),
        Case("eXpIrE mixed case", C("SET", "k", "v") + C("eXpIrE", "k", "100") + C("TTL", "k")),
        # NX / XX / GT / LT
        Case("EXPIRE NX without ttl", C("SET", "k", "v") + C("EXPIRE", "k", "100", "NX")
             + C("TTL", "k")),
        Case("EXPIRE NX with ttl", C("SET", "k", "v", "EX", "50") + C("EXPIRE", "k", "100", "NX")
             + C("TTL", "k")),
        Case("EXPIRE XX without ttl", C("SET", "k", "v") + C("EXPIRE", "k", "100", "XX")
             + C("TTL", "k")),
        Case("EXPIRE XX with ttl", C("SET", "k", "v", "EX", "50") + C("EXPIRE", "k", "100", "XX")
             + C("TTL", "k")),
        Case("EXPIRE GT without ttl", C("SET", "k", "v") + C("EXPIRE", "k", "100", "GT")
             + C("TTL", "k")),
        Case("EXPIRE LT without ttl", C("SET", "k", "v") + C("EXPIRE", "k", "100", "LT")
             + C("TTL", "k")),
        Case("EXPIRE GT larger", C("SET", "k", "v", "EX", "50") + C("EXPIRE", "k", "100", "GT")
             + C("TTL", "k")),
        Case("EXPIRE GT smaller", C("SET", "k", "v", "EX", "50") + C("EXPIRE", "k", "10", "GT")
             + C("TTL", "k")),
        Case("EXPIRE LT smaller", C("SET", "k", "v", "EX", "50") + C("EXPIRE", "k", "10", "LT")
             + C("TTL", "k")),
        Case("EXPIRE LT larger", C("SET", "k", "v", "EX", "50") + C("EXPIRE", "k", "100", "LT")
             + C("TTL", "k")),
        Case("EXPIRE XX GT", C("SET", "k", "v", "EX", "50") + C("EXPIRE", "k", "100", "XX", "GT")
             + C("TTL", "k")),
        Case("EXPIRE lower-case options", C("SET", "k", "v") + C("EXPIRE", "k", "100", "nx")
             + C("EXPIRE", "k", "200", "gt") + C("TTL", "k")),
        Case("EXPIRE NX on missing", C("EXPIRE", "k", "100", "NX")),
        Case("EXPIRE NX XX", C("SET", "k", "v") + C("EXPIRE", "k", "100", "NX", "XX")),
        Case("EXPIRE NX GT", C("SET", "k", "v") + C("EXPIRE", "k", "100", "NX", "GT")),
        Case("EXPIRE NX LT", C("SET", "k", "v") + C("EXPIRE", "k", "100", "NX", "LT")),
        Case("EXPIRE GT LT", C("SET", "k", "v") + C("EXPIRE", "k", "100", "GT", "LT")),
        Case("EXPIRE bogus option", C("SET", "k", "v") + C("EXPIRE", "k", "100", "bogus")),
        Case("EXPIRE bad time and bogus option", C("EXPIRE", "k", "abc", "bogus")),
        Case("PEXPIRE GT", C("SET", "k", "v", "PX", "50000") + C("PEXPIRE", "k", "100000", "GT")
             + C("TTL", "k")),
        Case("EXPIREAT NX", C("SET", "k", "v") + C("EXPIREAT", "k", now + 1000, "NX")
             + C("EXPIREAT", "k", now + 2000, "NX")),
        Case("PEXPIREAT LT", C("SET", "k", "v") + C("PEXPIREAT", "k", (now + 1000) * 1000, "LT")
             + C("PEXPIREAT", "k", (now + 2000) * 1000, "LT")),
        Case("EXPIRE negative with GT", C("SET", "k", "v", "EX", "50")
             + C("EXPIRE", "k", "-1", "GT") + C("EXISTS", "k")),
        Case("EXPIRE negative with LT", C("SET", "k", "v", "EX", "50")
             + C("EXPIRE", "k", "-1", "LT") + C("EXISTS", "k")),
        # PERSIST
        Case("PERSIST missing", C("PERSIST", "k")),
        Case("PERSIST without ttl", C("SET", "k", "v") + C("PERSIST", "k")),
        Case("PERSIST with ttl", C("SET", "k", "v", "EX", "100") + C("PERSIST", "k")
             + C("TTL", "k") + C("PERSIST", "k")),
        Case("persist lower case", C("SET", "k", "v", "EX", "100") + C("persist", "k")),
        Case("PERSIST no args", C("PERSIST")),
        Case("PERSIST two args", C("PERSIST", "a", "b")),
        # GETEX
        Case("GETEX missing", C("GETEX", "k")),
        Case("GETEX no options", C("SET", "k", "v", "EX", "100") + C("GETEX", "k") + C("TTL", "k")),
        Case("GETEX EX", C("SET", "k", "v") + C("GETEX", "k", "EX", "100") + C("TTL", "k")),
        Case("GETEX PX", C("SET", "k", "v") + C("GETEX", "k", "PX", "100000") + C("TTL", "k")),
        Case("GETEX EXAT", C("SET", "k", "v") + C("GETEX", "k", "EXAT", now + 1000)
             + C("EXISTS", "k")),
        Case("GETEX PXAT", C("SET", "k", "v") + C("GETEX", "k", "PXAT", (now + 1000) * 1000)
             + C("GET", "k")),
        Case("GETEX EXAT past deletes", C("SET", "k", "v") + C("GETEX", "k", "EXAT", "1")
             + C("EXISTS", "k")),
        Case("GETEX PERSIST", C("SET", "k", "v", "EX", "100") + C("GETEX", "k", "PERSIST")
             + C("TTL", "k")),
        Case("getex lower case", C("SET", "k", "v") + C("getex", "k", "ex", "100") + C("ttl", "k")),
        Case("GETEX EX on missing", C("GETEX", "k", "EX", "100") + C("EXISTS", "k")),
        Case("GETEX EX 0", C("SET", "k", "v") + C("GETEX", "k", "EX", "0") + C("TTL", "k")),
        Case("GETEX EX -1", C("SET", "k", "v") + C("GETEX", "k", "EX", "-1")),
        Case("GETEX PX 0", C("SET", "k", "v") + C("GETEX", "k", "PX", "0")),
        Case("GETEX EXAT 0", C("SET", "k", "v") + C("GETEX", "k", "EXAT", "0")),
        Case("GETEX EX abc", C("SET", "k", "v") + C("GETEX", "k", "EX", "abc")),
        Case("GETEX EX max int64", C("SET", "k", "v") + C("GETEX", "k", "EX", MAX_I64)),
        Case("GETEX EX without value", C("SET", "k", "v") + C("GETEX", "k", "EX")),
        Case("GETEX EX PX", C("SET", "k", "v") + C("GETEX", "k", "EX", "10", "PX", "10")),
        Case("GETEX PERSIST EX", C("SET", "k", "v") + C("GETEX", "k", "PERSIST", "EX", "10")),
        Case("GETEX EX PERSIST", C("SET", "k", "v") + C("GETEX", "k", "EX", "10", "PERSIST")),
        Case("GETEX KEEPTTL is not an option", C("SET", "k", "v") + C("GETEX", "k", "KEEPTTL")),
        Case("GETEX bogus", C("SET", "k", "v") + C("GETEX", "k", "bogus")),
        Case("GETEX no args", C("GETEX")),
        # SETEX / PSETEX
        Case("SETEX", C("SETEX", "k", "100", "v") + C("GET", "k") + C("TTL", "k")),
        Case("PSETEX", C("PSETEX", "k", "100000", "v") + C("GET", "k") + C("TTL", "k")),
        Case("setex lower case", C("setex", "k", "100", "v") + C("ttl", "k")),
        Case("SETEX overwrites", C("SET", "k", "a") + C("SETEX", "k", "100", "b") + C("GET", "k")),
        Case("SETEX 0", C("SETEX", "k", "0", "v") + C("EXISTS", "k")),
        Case("SETEX -1", C("SETEX", "k", "-1", "v")),
        Case("SETEX abc", C("SETEX", "k", "abc", "v")),
        Case("SETEX max int64", C("SETEX", "k", MAX_I64, "v")),
        Case("PSETEX 0", C("PSETEX", "k", "0", "v")),
        Case("PSETEX -5", C("PSETEX", "k", "-5", "v")),
        Case("PSETEX abc", C("PSETEX", "k", "1.5", "v")),
        Case("PSETEX max int64", C("PSETEX", "k", MAX_I64, "v")),
        Case("PSETEX 1 expires", C("PSETEX", "k", "1", "v"), Sleep(0.05), C("GET", "k")),
        Case("SETEX no value", C("SETEX", "k", "100")),
        Case("SETEX extra arg", C("SETEX", "k", "100", "v", "x")),
        Case("PSETEX no value", C("PSETEX", "k", "100")),
    ]
    return cases


def _transaction_cases():
    from differential.transaction_cases import transaction_cases  # it imports this module
    return transaction_cases()

# The string and bitmap commands beyond GET/SET have their own modules, which import the
# helpers above (defined by now, so the circular import is safe).
from differential import bitmap_cases, introspection_cases, scripting_cases, functions_cases  # noqa: E402
from differential import database_cases, keyspace_cases, string_extra_cases  # noqa: E402

GROUPS = [
    ("strings", string_cases),
    ("keys", key_cases),
    ("counters", counter_cases),
    ("server", server_cases),
    ("put", put_cases),
    ("protocol", protocol_cases),
    ("inline", inline_cases),
    ("pipeline", pipeline_cases),
    ("binary", binary_cases),
    ("admin", admin_cases),
    ("auth", auth_cases),
    ("ttl", ttl_cases),
    ("transactions", _transaction_cases),
    ("setnx", string_extra_cases.setnx_cases),
    ("getset", string_extra_cases.getset_cases),
    ("msetnx", string_extra_cases.msetnx_cases),
    ("getrange", string_extra_cases.getrange_cases),
    ("setrange", string_extra_cases.setrange_cases),
    ("incrbyfloat", string_extra_cases.incrbyfloat_cases),
    ("lcs", string_extra_cases.lcs_cases),
    ("setbit", bitmap_cases.setbit_cases),
    ("getbit", bitmap_cases.getbit_cases),
    ("bitcount", bitmap_cases.bitcount_cases),
    ("bitpos", bitmap_cases.bitpos_cases),
    ("bitop", bitmap_cases.bitop_cases),
    ("bitfield", bitmap_cases.bitfield_cases),
    ("client", introspection_cases.client_cases),
    ("slowlog", introspection_cases.slowlog_cases),
    ("serverinfo", introspection_cases.server_info_cases),
    ("config", introspection_cases.config_cases),
    ("command", introspection_cases.command_cases),
    ("select", database_cases.select_cases),
    ("dbsize", database_cases.dbsize_cases),
    ("flushdb", database_cases.flushdb_cases),
    ("move", database_cases.move_cases),
    ("swapdb", database_cases.swapdb_cases),
    ("db-watch", database_cases.watch_cases),
    ("db-info", database_cases.info_keyspace_cases),
    ("scan", keyspace_cases.scan_cases),
    ("keys-glob", keyspace_cases.keys_cases),
    ("type", keyspace_cases.type_cases),
    ("randomkey", keyspace_cases.randomkey_cases),
    ("rename", keyspace_cases.rename_cases),
    ("copy", keyspace_cases.copy_cases),
    ("touch", keyspace_cases.touch_cases),
    ("expiretime", keyspace_cases.expiretime_cases),
    ("object", keyspace_cases.object_cases),
    ("memory", keyspace_cases.memory_cases),
    ("scripting-conv", scripting_cases.conversion_cases),
    ("scripting-call", scripting_cases.call_reply_cases),
    ("scripting-args", scripting_cases.argument_cases),
    ("scripting-errors", scripting_cases.error_cases),
    ("scripting-eval", scripting_cases.eval_argument_cases),
    ("scripting-shebang", scripting_cases.shebang_cases),
    ("scripting-api", scripting_cases.api_cases),
    ("scripting-libs", scripting_cases.library_cases),
    ("scripting-keyspace", scripting_cases.keyspace_cases),
    ("functions", functions_cases.function_cases),
    ("scripting-poison", scripting_cases.poison_cases),  # last: it may poison later scripts
]
