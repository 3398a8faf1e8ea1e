"""Differential cases for the string commands beyond GET and SET: SETNX, GETSET, MSETNX,
GETRANGE, SUBSTR, SETRANGE, INCRBYFLOAT and LCS. Like cases.py, nothing here says what the
reply should be: redis-server answers that at run time.

Offsets stay either within respcache's default --max-value-size (8 MiB) or past Redis's own
512 MB limit: in between, Redis grows the value and respcache refuses it by design.
"""
from differential.cases import C, Case, Sleep, MAX_I64, MIN_I64

BINARY = bytes(range(256))


def setnx_cases():
    return [
        Case("SETNX on missing", C("SETNX", "k", "v") + C("GET", "k")),
        Case("SETNX on existing", C("SET", "k", "a") + C("SETNX", "k", "b") + C("GET", "k")),
        Case("setnx lower case twice", C("setnx", "k", "a") + C("setnx", "k", "b")),
        Case("SETNX empty key and value", C("SETNX", "", "") + C("GET", "") + C("EXISTS", "")),
        Case("SETNX binary value", C("SETNX", "k", BINARY) + C("GET", "k")),
        Case("SETNX leaves the TTL of an existing key", C("SET", "k", "v", "EX", "100")
             + C("SETNX", "k", "w") + C("TTL", "k")),
        Case("SETNX sets no TTL", C("SETNX", "k", "v") + C("TTL", "k")),
        Case("SETNX after expiry", C("SET", "k", "v", "PX", "1"), Sleep(0.02),
             C("SETNX", "k", "w") + C("GET", "k")),
        Case("SETNX no value", C("SETNX", "k")),
        Case("SETNX extra arg", C("SETNX", "k", "v", "x")),
    ]


def getset_cases():
    return [
        Case("GETSET on missing", C("GETSET", "k", "v") + C("GET", "k")),
        Case("GETSET on existing", C("SET", "k", "a") + C("GETSET", "k", "b") + C("GET", "k")),
        Case("GETSET clears the TTL", C("SET", "k", "a", "EX", "100") + C("GETSET", "k", "b")
             + C("TTL", "k")),
        Case("getset lower case", C("getset", "k", "a") + C("getset", "k", "b")),
        Case("GETSET empty value", C("SET", "k", "a") + C("GETSET", "k", "") + C("STRLEN", "k")),
        Case("GETSET binary", C("GETSET", "k", BINARY) + C("GETSET", "k", b"\x00\r\n")
             + C("GET", "k")),
        Case("GETSET then INCR", C("GETSET", "n", "10") + C("INCR", "n")),
        Case("GETSET no value", C("GETSET", "k")),
        Case("GETSET extra arg", C("GETSET", "k", "v", "x")),
    ]


def msetnx_cases():
    return [
        Case("MSETNX all missing", C("MSETNX", "a", "1", "b", "2") + C("MGET", "a", "b")),
        Case("MSETNX one exists", C("SET", "b", "x") + C("MSETNX", "a", "1", "b", "2")
             + C("MGET", "a", "b")),
        Case("MSETNX last exists", C("SET", "c", "x") + C("MSETNX", "a", "1", "b", "2", "c", "3")
             + C("EXISTS", "a", "b", "c")),
        Case("MSETNX single pair", C("MSETNX", "a", "1") + C("MSETNX", "a", "2") + C("GET", "a")),
        Case("MSETNX duplicate key", C("MSETNX", "a", "1", "a", "2") + C("GET", "a")),
        Case("msetnx lower case", C("msetnx", "a", "1") + C("get", "a")),
        Case("MSETNX empty key", C("MSETNX", "", "v") + C("GET", "")),
        Case("MSETNX binary", C("MSETNX", BINARY, BINARY) + C("GET", BINARY)),
        Case("MSETNX sets no TTL", C("MSETNX", "a", "1") + C("TTL", "a")),
        Case("MSETNX odd arguments", C("MSETNX", "a", "1", "b") + C("EXISTS", "a")),
        Case("MSETNX key only", C("MSETNX", "a")),
        Case("MSETNX no args", C("MSETNX")),
    ]


def getrange_cases():
    cases = [
        Case("GETRANGE missing", C("GETRANGE", "k", "0", "-1")),
        Case("SUBSTR missing", C("SUBSTR", "k", "0", "-1")),
        Case("GETRANGE empty value", C("SET", "k", "") + C("GETRANGE", "k", "0", "-1")),
        Case("GETRANGE bad start", C("SET", "k", "v") + C("GETRANGE", "k", "a", "1")),
        Case("GETRANGE bad end", C("SET", "k", "v") + C("GETRANGE", "k", "0", "1.5")),
        Case("GETRANGE bad start on missing", C("GETRANGE", "k", "x", "1")),
        Case("GETRANGE empty index", C("SET", "k", "v") + C("GETRANGE", "k", "", "1")),
        Case("GETRANGE int64 overflow", C("SET", "k", "v")
             + C("GETRANGE", "k", "0", "9223372036854775808")),
        Case("GETRANGE integer value", C("SET", "k", "12345") + C("GETRANGE", "k", "1", "3")),
        Case("GETRANGE binary", C("SET", "k", BINARY) + C("GETRANGE", "k", "10", "20")
             + C("GETRANGE", "k", "-3", "-1")),
        Case("getrange lower case", C("SET", "k", "hello") + C("getrange", "k", "1", "2")
             + C("substr", "k", "1", "2")),
        Case("GETRANGE no args", C("GETRANGE", "k", "0")),
        Case("SUBSTR extra arg", C("SUBSTR", "k", "0", "1", "2")),
    ]
    ranges = [("0", "-1"), ("0", "0"), ("0", "3"), ("1", "2"), ("-3", "-1"), ("-1", "-3"),
              ("-100", "-1"), ("-100", "-50"), ("-100", "100"), ("5", "3"), ("10", "20"),
              ("20", "10"), ("0", "100"), ("-1", "0"), ("3", "-2"), ("-5", "2"),
              (MIN_I64, MAX_I64), (MAX_I64, MIN_I64), (MIN_I64, MIN_I64), (MAX_I64, MAX_I64),
              ("-9223372036854775807", "-1")]
    for start, end in ranges:
        cases.append(Case(f"GETRANGE {start} {end}", C("SET", "k", "Hello World")
                          + C("GETRANGE", "k", start, end) + C("SUBSTR", "k", start, end)))
    return cases


def setrange_cases():
    return [
        Case("SETRANGE missing", C("SETRANGE", "k", "0", "abc") + C("GET", "k")),
        Case("SETRANGE missing with offset pads zeros", C("SETRANGE", "k", "5", "abc")
             + C("GET", "k")),
        Case("SETRANGE missing empty value", C("SETRANGE", "k", "10", "") + C("EXISTS", "k")),
        Case("SETRANGE existing empty value", C("SET", "k", "hello")
             + C("SETRANGE", "k", "100", "") + C("GET", "k")),
        Case("SETRANGE overwrite middle", C("SET", "k", "Hello World")
             + C("SETRANGE", "k", "6", "Redis") + C("GET", "k")),
        Case("SETRANGE extends", C("SET", "k", "Hello") + C("SETRANGE", "k", "3", "p me!")
             + C("GET", "k")),
        Case("SETRANGE past the end", C("SET", "k", "ab") + C("SETRANGE", "k", "5", "z")
             + C("GET", "k")),
        Case("SETRANGE at the end", C("SET", "k", "ab") + C("SETRANGE", "k", "2", "c")
             + C("GET", "k")),
        Case("SETRANGE integer value", C("SET", "k", "12345") + C("SETRANGE", "k", "1", "9")
             + C("INCR", "k")),
        Case("SETRANGE keeps the TTL", C("SET", "k", "v", "EX", "100")
             + C("SETRANGE", "k", "1", "w") + C("TTL", "k")),
        Case("SETRANGE binary", C("SET", "k", BINARY) + C("SETRANGE", "k", "250", b"\x00\r\n\xff")
             + C("GET", "k")),
        Case("SETRANGE empty key", C("SETRANGE", "", "1", "x") + C("GET", "")),
        Case("SETRANGE 1 MiB offset", C("SETRANGE", "k", str(1 << 20), "x") + C("STRLEN", "k")
             + C("GETRANGE", "k", "-2", "-1")),
        Case("SETRANGE negative offset", C("SETRANGE", "k", "-1", "x") + C("EXISTS", "k")),
        Case("SETRANGE negative offset empty value", C("SETRANGE", "k", "-1", "")),
        Case("SETRANGE bad offset", C("SETRANGE", "k", "abc", "x")),
        Case("SETRANGE float offset", C("SETRANGE", "k", "1.0", "x")),
        Case("SETRANGE offset overflow", C("SETRANGE", "k", "9223372036854775808", "x")),
        Case("SETRANGE offset 512 MB", C("SETRANGE", "k", str(512 << 20), "x")
             + C("EXISTS", "k")),
        Case("SETRANGE offset 512 MB existing", C("SET", "k", "v")
             + C("SETRANGE", "k", str(512 << 20), "x") + C("GET", "k")),
        Case("SETRANGE offset max int64", C("SETRANGE", "k", MAX_I64, "x")),
        Case("SETRANGE offset max int64 existing", C("SET", "k", "v")
             + C("SETRANGE", "k", MAX_I64, "xyz")),
        Case("SETRANGE huge offset empty value", C("SET", "k", "v")
             + C("SETRANGE", "k", MAX_I64, "")),
        Case("setrange lower case", C("setrange", "k", "0", "x") + C("get", "k")),
        Case("SETRANGE no value", C("SETRANGE", "k", "0")),
        Case("SETRANGE extra arg", C("SETRANGE", "k", "0", "x", "y")),
    ]


def incrbyfloat_cases():
    cases = [
        Case("INCRBYFLOAT missing", C("INCRBYFLOAT", "f", "0.1") + C("GET", "f")),
        Case("INCRBYFLOAT twice", C("INCRBYFLOAT", "f", "0.1") + C("INCRBYFLOAT", "f", "0.2")),
        Case("INCRBYFLOAT 10.5 + 0.1", C("SET", "f", "10.50") + C("INCRBYFLOAT", "f", "0.1")),
        Case("INCRBYFLOAT integer result", C("SET", "f", "5.0e3") + C("INCRBYFLOAT", "f", "2.0e2")
             + C("GET", "f")),
        Case("INCRBYFLOAT to zero", C("SET", "f", "1.5") + C("INCRBYFLOAT", "f", "-1.5")),
        Case("INCRBYFLOAT negative zero", C("INCRBYFLOAT", "f", "-0.0")),
        Case("INCRBYFLOAT on integer", C("SET", "n", "10") + C("INCRBYFLOAT", "n", "1")
             + C("INCR", "n")),
        Case("INCRBYFLOAT keeps the TTL", C("SET", "f", "1", "EX", "100")
             + C("INCRBYFLOAT", "f", "1") + C("TTL", "f")),
        Case("INCRBYFLOAT 1e300", C("INCRBYFLOAT", "f", "1e300")),
        Case("INCRBYFLOAT tiny", C("INCRBYFLOAT", "f", "1e-20")),
        Case("INCRBYFLOAT denormal", C("INCRBYFLOAT", "f", "1e-4940")),
        Case("INCRBYFLOAT underflow", C("INCRBYFLOAT", "f", "1e-5000")),
        Case("INCRBYFLOAT overflow text", C("INCRBYFLOAT", "f", "1e5000")),
        Case("INCRBYFLOAT to infinity", C("SET", "f", "1e4932") + C("INCRBYFLOAT", "f", "1e4932")
             + C("GET", "f")),
        Case("INCRBYFLOAT long double max", C("INCRBYFLOAT", "f", "1.18e4932")),
        Case("INCRBYFLOAT inf", C("INCRBYFLOAT", "f", "inf") + C("EXISTS", "f")),
        Case("INCRBYFLOAT -inf", C("INCRBYFLOAT", "f", "-inf")),
        Case("INCRBYFLOAT nan", C("INCRBYFLOAT", "f", "nan")),
        Case("INCRBYFLOAT stored inf", C("SET", "f", "inf") + C("INCRBYFLOAT", "f", "1")),
        Case("INCRBYFLOAT stored nan", C("SET", "f", "nan") + C("INCRBYFLOAT", "f", "1")),
        Case("INCRBYFLOAT stored text", C("SET", "f", "abc") + C("INCRBYFLOAT", "f", "1")),
        Case("INCRBYFLOAT stored text, bad increment", C("SET", "f", "abc")
             + C("INCRBYFLOAT", "f", "x")),
        Case("INCRBYFLOAT stored empty", C("SET", "f", "") + C("INCRBYFLOAT", "f", "1")),
        Case("INCRBYFLOAT stored NUL suffix", C("SET", "f", b"1\x00x") + C("INCRBYFLOAT", "f", "1")),
        Case("INCRBYFLOAT increment NUL suffix", C("INCRBYFLOAT", "f", b"2\x00junk")),
        Case("INCRBYFLOAT stored 5 KiB", C("SET", "f", "1" + "0" * 5200)
             + C("INCRBYFLOAT", "f", "1")),
        Case("INCRBYFLOAT increment 5 KiB", C("INCRBYFLOAT", "f", "0." + "1" * 5200)),
        Case("INCRBYFLOAT increment just under 5 KiB", C("INCRBYFLOAT", "f", "0." + "1" * 5000)),
        Case("incrbyfloat lower case", C("incrbyfloat", "f", "2.5")),
        Case("INCRBYFLOAT no increment", C("INCRBYFLOAT", "f")),
        Case("INCRBYFLOAT extra arg", C("INCRBYFLOAT", "f", "1", "2")),
    ]
    increments = ["1", "-1", "0", "0.1", "-0.1", "3.0", "1.5e3", "1E3", "+1", "-0", ".5", "5.",
                  "0x10", "0x1p4", " 1", "1 ", "", "1e", "e1", "1,5", "--1", "1e-3",
                  "123456789012345678901234567890", "0.1234567890123456789",
                  "9223372036854775807", "-9223372036854775808", "3.14159265358979323846",
                  "1e18", "1e17", "1e16", "12345678.9"]
    for inc in increments:
        cases.append(Case(f"INCRBYFLOAT by {inc!r}", C("INCRBYFLOAT", "f", inc)
                          + C("INCRBYFLOAT", "f", inc) + C("GET", "f")))
    for stored in ["0.1", "1e10", "-5", "10.00", "007", "1e-10", "0x1a", "3.0000000000000001"]:
        cases.append(Case(f"INCRBYFLOAT of stored {stored!r}", C("SET", "f", stored)
                          + C("INCRBYFLOAT", "f", "0.3")))
    return cases


def lcs_cases():
    a, b = "ohmytext", "mynewtext"
    long_a = "The quick brown fox jumps over the lazy dog " * 4
    long_b = "A lazy brown cat quickly jumped over the dogs " * 4

    def pair(name, x, y, *opts):
        return Case(name, C("MSET", "a", x, "b", y) + C("LCS", "a", "b", *opts))

    return [
        pair("LCS", a, b),
        pair("LCS LEN", a, b, "LEN"),
        pair("LCS IDX", a, b, "IDX"),
        pair("LCS IDX MINMATCHLEN 4", a, b, "IDX", "MINMATCHLEN", "4"),
        pair("LCS IDX WITHMATCHLEN", a, b, "IDX", "WITHMATCHLEN"),
        pair("LCS IDX MINMATCHLEN WITHMATCHLEN", a, b, "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"),
        pair("LCS WITHMATCHLEN IDX order", a, b, "WITHMATCHLEN", "IDX"),
        pair("LCS MINMATCHLEN negative", a, b, "IDX", "MINMATCHLEN", "-5"),
        pair("LCS MINMATCHLEN 0", a, b, "IDX", "MINMATCHLEN", "0", "WITHMATCHLEN"),
        pair("LCS MINMATCHLEN huge", a, b, "IDX", "MINMATCHLEN", MAX_I64),
        pair("LCS MINMATCHLEN bad", a, b, "IDX", "MINMATCHLEN", "x"),
        pair("LCS MINMATCHLEN without value", a, b, "IDX", "MINMATCHLEN"),
        pair("LCS MINMATCHLEN alone", a, b, "MINMATCHLEN", "2"),
        pair("LCS WITHMATCHLEN alone", a, b, "WITHMATCHLEN"),
        pair("LCS LEN WITHMATCHLEN", a, b, "LEN", "WITHMATCHLEN"),
        pair("LCS LEN IDX", a, b, "LEN", "IDX"),
        pair("LCS IDX LEN", a, b, "IDX", "LEN"),
        pair("LCS LEN LEN", a, b, "LEN", "LEN"),
        pair("LCS lower-case options", a, b, "idx", "withmatchlen", "minmatchlen", "2"),
        pair("LCS bogus option", a, b, "BOGUS"),
        pair("LCS bogus after IDX", a, b, "IDX", "BOGUS"),
        pair("LCS identical", "abcdef", "abcdef", "IDX", "WITHMATCHLEN"),
        pair("LCS nothing common", "abc", "xyz", "IDX"),
        pair("LCS nothing common string", "abc", "xyz"),
        pair("LCS one empty", "", "abc", "IDX"),
        pair("LCS both empty LEN", "", "", "LEN"),
        pair("LCS single chars", "a", "a", "IDX", "WITHMATCHLEN"),
        pair("LCS repeated chars", "aaaa", "aa", "IDX", "WITHMATCHLEN"),
        pair("LCS interleaved", "abcabcabc", "cbacbacba", "IDX", "WITHMATCHLEN"),
        pair("LCS binary", bytes(range(0, 256, 3)), bytes(range(0, 256, 2)), "IDX"),
        pair("LCS binary string", b"\x00\r\n\xff\x00", b"\xff\x00\r\x00"),
        pair("LCS longer texts", long_a, long_b),
        pair("LCS longer texts IDX", long_a, long_b, "IDX", "MINMATCHLEN", "3", "WITHMATCHLEN"),
        Case("LCS missing keys", C("LCS", "a", "b") + C("LCS", "a", "b", "LEN")
             + C("LCS", "a", "b", "IDX")),
        Case("LCS one missing", C("SET", "a", "abc") + C("LCS", "a", "b", "IDX")),
        Case("LCS same key", C("SET", "a", "hello") + C("LCS", "a", "a", "IDX", "WITHMATCHLEN")),
        Case("lcs lower case", C("MSET", "a", a, "b", b) + C("lcs", "a", "b", "len")),
        Case("LCS one key", C("LCS", "a")),
    ]
