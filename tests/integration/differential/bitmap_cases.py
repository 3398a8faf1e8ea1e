"""Differential cases for the bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
BITFIELD and BITFIELD_RO. Like cases.py, nothing here says what the reply should be.

Offsets stay either within respcache's default --max-value-size (8 MiB) or past Redis's own
512 MB limit: in between, Redis grows the value and respcache refuses it by design.
"""
from differential.cases import C, Case, MAX_I64, MIN_I64

BINARY = bytes(range(256))
BIT_LIMIT = str((512 << 20) * 8)  # the first bit offset Redis refuses


def setbit_cases():
    return [
        Case("SETBIT missing", C("SETBIT", "k", "7", "1") + C("GET", "k")),
        Case("SETBIT missing to 0 creates the key", C("SETBIT", "k", "0", "0") + C("GET", "k")
             + C("STRLEN", "k")),
        Case("SETBIT returns the old bit", C("SETBIT", "k", "3", "1") + C("SETBIT", "k", "3", "1")
             + C("SETBIT", "k", "3", "0") + C("SETBIT", "k", "3", "0")),
        Case("SETBIT grows with zeros", C("SET", "k", "a") + C("SETBIT", "k", "100", "1")
             + C("GET", "k")),
        Case("SETBIT 1 MiB offset", C("SETBIT", "k", str(8 << 20), "1") + C("STRLEN", "k")
             + C("GETBIT", "k", str(8 << 20))),
        Case("SETBIT keeps the TTL", C("SET", "k", "a", "EX", "100") + C("SETBIT", "k", "1", "0")
             + C("TTL", "k")),
        Case("SETBIT on integer value", C("SET", "k", "1") + C("SETBIT", "k", "6", "1")
             + C("GET", "k")),
        Case("SETBIT binary", C("SET", "k", BINARY) + C("SETBIT", "k", "0", "1")
             + C("SETBIT", "k", "2047", "0") + C("GET", "k")),
        Case("SETBIT empty key", C("SETBIT", "", "1", "1") + C("GET", "")),
        Case("SETBIT value 2", C("SETBIT", "k", "0", "2") + C("EXISTS", "k")),
        Case("SETBIT value -1", C("SETBIT", "k", "0", "-1")),
        Case("SETBIT value abc", C("SETBIT", "k", "0", "abc")),
        Case("SETBIT value empty", C("SETBIT", "k", "0", "")),
        Case("SETBIT value 1.0", C("SETBIT", "k", "0", "1.0")),
        Case("SETBIT offset negative", C("SETBIT", "k", "-1", "1")),
        Case("SETBIT offset abc", C("SETBIT", "k", "abc", "1")),
        Case("SETBIT offset '#1'", C("SETBIT", "k", "#1", "1")),
        Case("SETBIT offset at Redis's limit", C("SETBIT", "k", BIT_LIMIT, "1")
             + C("EXISTS", "k")),
        Case("SETBIT offset max int64", C("SETBIT", "k", MAX_I64, "1")),
        Case("SETBIT offset overflow", C("SETBIT", "k", "9223372036854775808", "1")),
        Case("SETBIT bad offset beats bad value", C("SETBIT", "k", "x", "x")),
        Case("setbit lower case", C("setbit", "k", "1", "1") + C("getbit", "k", "1")),
        Case("SETBIT no value", C("SETBIT", "k", "1")),
        Case("SETBIT extra arg", C("SETBIT", "k", "1", "1", "1")),
    ]


def getbit_cases():
    cases = [
        Case("GETBIT missing", C("GETBIT", "k", "0")),
        Case("GETBIT past the end", C("SET", "k", "a") + C("GETBIT", "k", "8")
             + C("GETBIT", "k", "1000000")),
        Case("GETBIT integer value", C("SET", "k", "1") + C("GETBIT", "k", "2")
             + C("GETBIT", "k", "7")),
        Case("GETBIT offset negative", C("GETBIT", "k", "-1")),
        Case("GETBIT offset abc", C("SET", "k", "a") + C("GETBIT", "k", "abc")),
        Case("GETBIT offset at Redis's limit", C("GETBIT", "k", BIT_LIMIT)),
        Case("GETBIT offset just under Redis's limit", C("GETBIT", "k", str(int(BIT_LIMIT) - 1))),
        Case("GETBIT offset max int64", C("GETBIT", "k", MAX_I64)),
        Case("GETBIT no offset", C("GETBIT", "k")),
    ]
    steps = C("SET", "k", b"\xa5\x0f")
    for bit in range(17):
        steps += C("GETBIT", "k", str(bit))
    cases.append(Case("GETBIT every bit of two bytes", steps))
    return cases


def bitcount_cases():
    cases = [
        Case("BITCOUNT missing", C("BITCOUNT", "k")),
        Case("BITCOUNT missing with bad range", C("BITCOUNT", "k", "a", "b")),
        Case("BITCOUNT missing with one index", C("BITCOUNT", "k", "1")),
        Case("BITCOUNT whole", C("SET", "k", "foobar") + C("BITCOUNT", "k")),
        Case("BITCOUNT empty value", C("SET", "k", "") + C("BITCOUNT", "k")
             + C("BITCOUNT", "k", "0", "-1", "BIT")),
        Case("BITCOUNT binary", C("SET", "k", BINARY) + C("BITCOUNT", "k")
             + C("BITCOUNT", "k", "100", "200")),
        Case("BITCOUNT integer value", C("SET", "k", "12345") + C("BITCOUNT", "k")),
        Case("BITCOUNT one index", C("SET", "k", "foobar") + C("BITCOUNT", "k", "1")),
        Case("BITCOUNT bad start", C("SET", "k", "foobar") + C("BITCOUNT", "k", "a", "1")),
        Case("BITCOUNT bad end", C("SET", "k", "foobar") + C("BITCOUNT", "k", "0", "1.5")),
        Case("BITCOUNT bad unit", C("SET", "k", "foobar") + C("BITCOUNT", "k", "0", "1", "BITS")),
        Case("BITCOUNT bad index and bad unit", C("SET", "k", "foobar")
             + C("BITCOUNT", "k", "x", "1", "BITS")),
        Case("BITCOUNT lower-case unit", C("SET", "k", "foobar")
             + C("BITCOUNT", "k", "1", "10", "bit") + C("BITCOUNT", "k", "1", "1", "byte")),
        Case("BITCOUNT too many args", C("SET", "k", "foobar")
             + C("BITCOUNT", "k", "0", "1", "BIT", "x")),
        Case("bitcount lower case", C("SET", "k", "foobar") + C("bitcount", "k", "0", "0")),
        Case("BITCOUNT no args", C("BITCOUNT")),
    ]
    ranges = [("0", "0"), ("1", "1"), ("0", "-1"), ("-1", "-1"), ("-2", "-1"), ("-1", "-2"),
              ("2", "1"), ("5", "30"), ("-100", "100"), ("-100", "-50"), ("100", "200"),
              ("0", "7"), ("1", "6"), ("7", "8"), ("3", "44"), ("47", "47"), ("-9", "-3"),
              (MIN_I64, MAX_I64), (MAX_I64, MIN_I64), ("-9223372036854775807", "-1")]
    for start, end in ranges:
        steps = C("SET", "k", "foobar")
        for unit in (None, "BYTE", "BIT"):
            steps += C("BITCOUNT", "k", start, end, *([unit] if unit else []))
        cases.append(Case(f"BITCOUNT {start} {end} [BYTE|BIT]", steps))
    return cases


def bitpos_cases():
    cases = [
        Case("BITPOS missing 1", C("BITPOS", "k", "1")),
        Case("BITPOS missing 0", C("BITPOS", "k", "0")),
        Case("BITPOS missing with bad range", C("BITPOS", "k", "1", "a")
             + C("BITPOS", "k", "0", "1", "2", "BOGUS")),
        Case("BITPOS bit 2", C("BITPOS", "k", "2")),
        Case("BITPOS bit -1", C("SET", "k", "a") + C("BITPOS", "k", "-1")),
        Case("BITPOS bit abc", C("BITPOS", "k", "abc")),
        Case("BITPOS empty value", C("SET", "k", "") + C("BITPOS", "k", "0")
             + C("BITPOS", "k", "1")),
        Case("BITPOS all ones", C("SET", "k", b"\xff\xff\xff") + C("BITPOS", "k", "0")
             + C("BITPOS", "k", "0", "1") + C("BITPOS", "k", "0", "1", "-1")
             + C("BITPOS", "k", "0", "0", "-1", "BIT") + C("BITPOS", "k", "1", "2")),
        Case("BITPOS all zeros", C("SET", "k", b"\x00\x00\x00") + C("BITPOS", "k", "1")
             + C("BITPOS", "k", "0") + C("BITPOS", "k", "0", "2")
             + C("BITPOS", "k", "1", "0", "-1", "BIT")),
        Case("BITPOS long run of zeros", C("SETBIT", "k", "100000", "1") + C("BITPOS", "k", "1")
             + C("BITPOS", "k", "1", "5", "-1") + C("BITPOS", "k", "0", "99999", "100001", "BIT")),
        Case("BITPOS long run of ones", C("SET", "k", b"\xff" * 5000 + b"\xfe")
             + C("BITPOS", "k", "0") + C("BITPOS", "k", "0", "4000", "-1", "BYTE")),
        Case("BITPOS binary", C("SET", "k", BINARY) + C("BITPOS", "k", "1")
             + C("BITPOS", "k", "0", "255") + C("BITPOS", "k", "1", "-1")),
        Case("BITPOS bad start", C("SET", "k", "a") + C("BITPOS", "k", "1", "x")),
        Case("BITPOS bad end", C("SET", "k", "a") + C("BITPOS", "k", "1", "0", "x")),
        Case("BITPOS bad unit", C("SET", "k", "a") + C("BITPOS", "k", "1", "0", "1", "BITS")),
        Case("BITPOS bad end and bad unit", C("SET", "k", "a")
             + C("BITPOS", "k", "1", "0", "x", "BITS")),
        Case("BITPOS bad start and bad unit", C("SET", "k", "a")
             + C("BITPOS", "k", "1", "x", "0", "BITS")),
        Case("BITPOS too many args", C("SET", "k", "a")
             + C("BITPOS", "k", "1", "0", "1", "BIT", "x")),
        Case("bitpos lower case", C("SET", "k", "a") + C("bitpos", "k", "1", "0", "-1", "bit")),
        Case("BITPOS key only", C("BITPOS", "k")),
    ]
    value = b"\x00\xff\xf0\x0f\x81"
    ranges = [(), ("0",), ("1",), ("2",), ("-1",), ("-100",), ("100",), ("0", "-1"),
              ("1", "1"), ("2", "3"), ("-2", "-1"), ("3", "1"), ("-1", "-3"), ("0", "100"),
              (MIN_I64, MAX_I64), (MAX_I64,), (MIN_I64,)]
    for r in ranges:
        steps = C("SET", "k", value)
        for bit in ("0", "1"):
            steps += C("BITPOS", "k", bit, *r)
            if len(r) == 2:
                steps += C("BITPOS", "k", bit, *r, "BYTE") + C("BITPOS", "k", bit, *r, "BIT")
        cases.append(Case(f"BITPOS range {' '.join(r) or '(none)'}", steps))
    for start, end in [("0", "7"), ("1", "7"), ("7", "9"), ("8", "15"), ("9", "14"), ("3", "3"),
                       ("12", "19"), ("20", "27"), ("33", "38"), ("-5", "-1"), ("-9", "-2"),
                       ("39", "39"), ("10", "8"), ("15", "16")]:
        steps = C("SET", "k", value)
        for bit in ("0", "1"):
            steps += C("BITPOS", "k", bit, start, end, "BIT")
        cases.append(Case(f"BITPOS BIT {start} {end}", steps))
    return cases


def bitop_cases():
    def three():
        return C("MSET", "a", b"\x0f\xf0\xaa", "b", b"\xff\x00", "c", b"\x01")

    return [
        Case("BITOP AND", three() + C("BITOP", "AND", "d", "a", "b", "c") + C("GET", "d")),
        Case("BITOP OR", three() + C("BITOP", "OR", "d", "a", "b", "c") + C("GET", "d")),
        Case("BITOP XOR", three() + C("BITOP", "XOR", "d", "a", "b", "c") + C("GET", "d")),
        Case("BITOP NOT", three() + C("BITOP", "NOT", "d", "a") + C("GET", "d")),
        Case("BITOP lower-case ops", three() + C("BITOP", "and", "d", "a", "b")
             + C("BITOP", "oR", "e", "a", "b") + C("BITOP", "xor", "f", "a", "c")
             + C("BITOP", "Not", "g", "b") + C("MGET", "d", "e", "f", "g")),
        Case("BITOP AND with a missing key", three() + C("BITOP", "AND", "d", "a", "missing")
             + C("GET", "d")),
        Case("BITOP AND missing first", three() + C("BITOP", "AND", "d", "missing", "a")
             + C("GET", "d")),
        Case("BITOP OR with a missing key", three() + C("BITOP", "OR", "d", "missing", "a")
             + C("GET", "d")),
        Case("BITOP all missing deletes the target", C("SET", "d", "x")
             + C("BITOP", "OR", "d", "m1", "m2") + C("EXISTS", "d")),
        Case("BITOP NOT missing deletes the target", C("SET", "d", "x")
             + C("BITOP", "NOT", "d", "m") + C("EXISTS", "d")),
        Case("BITOP NOT of empty deletes the target", C("SET", "d", "x") + C("SET", "e", "")
             + C("BITOP", "NOT", "d", "e") + C("EXISTS", "d")),
        Case("BITOP single source", three() + C("BITOP", "AND", "d", "a") + C("GET", "d")),
        Case("BITOP target is a source", three() + C("BITOP", "XOR", "a", "a", "b")
             + C("GET", "a")),
        Case("BITOP clears the target's TTL", three() + C("SET", "d", "x", "EX", "100")
             + C("BITOP", "OR", "d", "a") + C("TTL", "d")),
        Case("BITOP binary", C("SET", "a", BINARY) + C("SET", "b", BINARY[::-1])
             + C("BITOP", "XOR", "d", "a", "b") + C("GET", "d") + C("BITCOUNT", "d")),
        Case("BITOP integer values", C("MSET", "a", "123", "b", "456")
             + C("BITOP", "OR", "d", "a", "b") + C("GET", "d")),
        Case("BITOP empty target key", three() + C("BITOP", "OR", "", "a") + C("GET", "")),
        Case("BITOP NOT two sources", three() + C("BITOP", "NOT", "d", "a", "b")
             + C("EXISTS", "d")),
        Case("BITOP unknown op", three() + C("BITOP", "NAND", "d", "a", "b")),
        Case("BITOP unknown op with one source", C("BITOP", "NOPE", "d", "a")),
        Case("BITOP no sources", C("BITOP", "AND", "d")),
        Case("BITOP no args", C("BITOP")),
    ]


def bitfield_cases():
    cases = [
        Case("BITFIELD no ops", C("BITFIELD", "k") + C("EXISTS", "k")),
        Case("BITFIELD GET missing", C("BITFIELD", "k", "GET", "u8", "0", "GET", "i64", "100")
             + C("EXISTS", "k")),
        Case("BITFIELD SET creates", C("BITFIELD", "k", "SET", "u8", "0", "255") + C("GET", "k")),
        Case("BITFIELD SET returns the old value", C("BITFIELD", "k", "SET", "i8", "0", "-100")
             + C("BITFIELD", "k", "SET", "i8", "0", "5", "GET", "i8", "0")),
        Case("BITFIELD INCRBY", C("BITFIELD", "k", "INCRBY", "u4", "2", "3", "INCRBY", "u4", "2", "3")
             + C("GET", "k")),
        Case("BITFIELD # offsets", C("BITFIELD", "k", "SET", "u8", "#0", "1", "SET", "u8", "#1",
                                     "2", "SET", "u8", "#2", "3", "GET", "u16", "#0")
             + C("GET", "k")),
        Case("BITFIELD # with i5", C("BITFIELD", "k", "SET", "i5", "#3", "-7", "GET", "i5", "#3",
                                     "GET", "u10", "#1") + C("GET", "k")),
        Case("BITFIELD unaligned fields", C("SET", "k", BINARY)
             + C("BITFIELD", "k", "GET", "u7", "3", "GET", "i13", "101", "GET", "u63", "5",
                 "GET", "i64", "1", "GET", "i1", "9", "GET", "u1", "9")),
        Case("BITFIELD GET past the end", C("SET", "k", b"\xff\xff")
             + C("BITFIELD", "k", "GET", "u8", "12", "GET", "i16", "8", "GET", "i64", "0")),
        Case("BITFIELD integer value", C("SET", "k", "100")
             + C("BITFIELD", "k", "GET", "u8", "0", "INCRBY", "u8", "8", "1") + C("GET", "k")),
        Case("BITFIELD keeps the TTL", C("SET", "k", "v", "EX", "100")
             + C("BITFIELD", "k", "SET", "u8", "0", "65") + C("TTL", "k") + C("GET", "k")),
        Case("BITFIELD grows with zeros", C("SET", "k", "a")
             + C("BITFIELD", "k", "SET", "u8", "100", "1") + C("STRLEN", "k")),
        Case("BITFIELD FAIL still grows", C("SET", "k", "a")
             + C("BITFIELD", "k", "OVERFLOW", "FAIL", "SET", "u2", "100", "10") + C("STRLEN", "k")),
        Case("BITFIELD FAIL on missing creates", C("BITFIELD", "k", "OVERFLOW", "FAIL",
                                                   "INCRBY", "u2", "0", "10") + C("GET", "k")),
        Case("BITFIELD ops in order", C("BITFIELD", "k", "GET", "u8", "0", "SET", "u8", "0", "7",
                                        "GET", "u8", "0", "INCRBY", "u8", "0", "1", "GET", "u8",
                                        "0")),
        Case("BITFIELD lower case", C("bitfield", "k", "set", "u8", "0", "1", "overflow", "sat",
                                      "incrby", "u8", "0", "300", "get", "u8", "0")),
        Case("BITFIELD_RO GET", C("SET", "k", "hello") + C("BITFIELD_RO", "k", "GET", "u8", "0",
                                                           "GET", "i8", "#1")),
        Case("BITFIELD_RO missing", C("BITFIELD_RO", "k", "GET", "u8", "0")),
        Case("BITFIELD_RO no ops", C("BITFIELD_RO", "k")),
        Case("BITFIELD_RO SET refused", C("BITFIELD_RO", "k", "SET", "u8", "0", "1")
             + C("EXISTS", "k")),
        Case("BITFIELD_RO INCRBY refused", C("SET", "k", "a")
             + C("BITFIELD_RO", "k", "GET", "u8", "0", "INCRBY", "u8", "0", "1") + C("GET", "k")),
        Case("BITFIELD_RO OVERFLOW alone", C("BITFIELD_RO", "k", "OVERFLOW", "SAT")),
        Case("bitfield_ro lower case", C("bitfield_ro", "k", "get", "u8", "0")),
        # errors
        Case("BITFIELD unknown subcommand", C("BITFIELD", "k", "PUT", "u8", "0", "1")),
        Case("BITFIELD GET missing offset", C("BITFIELD", "k", "GET", "u8")),
        Case("BITFIELD SET missing value", C("BITFIELD", "k", "SET", "u8", "0")),
        Case("BITFIELD INCRBY missing value", C("BITFIELD", "k", "INCRBY", "u8", "0")),
        Case("BITFIELD OVERFLOW missing kind", C("BITFIELD", "k", "OVERFLOW")),
        Case("BITFIELD OVERFLOW bad kind", C("BITFIELD", "k", "OVERFLOW", "CLAMP", "GET", "u8",
                                             "0")),
        Case("BITFIELD OVERFLOW lower case", C("BITFIELD", "k", "overflow", "fail",
                                               "incrby", "u8", "0", "256")),
        Case("BITFIELD error after good ops writes nothing",
             C("BITFIELD", "k", "SET", "u8", "0", "1", "GET", "x8", "0") + C("EXISTS", "k")),
        Case("BITFIELD bad SET value", C("BITFIELD", "k", "SET", "u8", "0", "1.5")),
        Case("BITFIELD bad INCRBY value", C("BITFIELD", "k", "INCRBY", "u8", "0", "x")),
        Case("BITFIELD SET value int64 overflow", C("BITFIELD", "k", "SET", "i64", "0",
                                                    "9223372036854775808")),
        Case("BITFIELD bad offset", C("BITFIELD", "k", "GET", "u8", "x")),
        Case("BITFIELD negative offset", C("BITFIELD", "k", "GET", "u8", "-1")),
        Case("BITFIELD negative # offset", C("BITFIELD", "k", "GET", "u8", "#-1")),
        Case("BITFIELD bare #", C("BITFIELD", "k", "GET", "u8", "#")),
        Case("BITFIELD ## offset", C("BITFIELD", "k", "GET", "u8", "##1")),
        Case("BITFIELD empty offset", C("BITFIELD", "k", "GET", "u8", "")),
        Case("BITFIELD offset at Redis's limit", C("BITFIELD", "k", "GET", "u8", BIT_LIMIT)),
        Case("BITFIELD # offset past Redis's limit", C("BITFIELD", "k", "GET", "u8",
                                                        str(512 << 20))),
        Case("BITFIELD # offset that wraps", C("BITFIELD", "k", "GET", "i64",
                                               "#1152921504606846976")),
        Case("BITFIELD offset max int64", C("BITFIELD", "k", "SET", "u8", MAX_I64, "1")),
        Case("BITFIELD bad type beats bad offset", C("BITFIELD", "k", "GET", "q8", "x")),
        Case("BITFIELD bad offset beats bad value", C("BITFIELD", "k", "SET", "u8", "x", "y")),
        Case("BITFIELD_RO bad op", C("BITFIELD_RO", "k", "SET", "u8", "x", "1")),
        Case("BITFIELD no key", C("BITFIELD")),
    ]
    for t in ["u0", "i0", "u63", "u64", "i64", "i65", "u", "i", "U8", "I8", "8", "", "u-1",
              "u08", "i+8", "u 8", "x8", "u1", "i1", "u99999999999999999999"]:
        cases.append(Case(f"BITFIELD type {t!r}", C("SET", "k", BINARY)
                          + C("BITFIELD", "k", "GET", t, "0")))
    # Overflow behaviour: every mode on signed and unsigned fields at their edges.
    edges = [
        ("u8", "0", ["255", "256", "-1", "1"]),
        ("u8", "250", ["10", "-251", "-250", "5"]),
        ("u1", "1", ["1", "-1", "-2"]),
        ("u63", "9223372036854775807", ["1", "-1", MIN_I64]),
        ("u63", "0", [MAX_I64, "-1", MIN_I64]),
        ("i8", "127", ["1", "-1", "-255", MAX_I64]),
        ("i8", "-128", ["-1", "255", "1", MIN_I64]),
        ("i1", "0", ["1", "-1", "-2"]),
        ("i16", "-1", ["32768", "-32768", "1"]),
        ("i64", MAX_I64, ["1", "-1", MIN_I64]),
        ("i64", MIN_I64, ["-1", "1", MAX_I64]),
        ("i64", "-1", [MIN_I64, MAX_I64]),
        ("i63", "0", [MAX_I64, MIN_I64]),
    ]
    for mode in ("WRAP", "SAT", "FAIL"):
        for t, start, incrs in edges:
            steps = C("BITFIELD", "k", "SET", t, "3", start)
            for inc in incrs:
                steps += C("BITFIELD", "k", "OVERFLOW", mode, "INCRBY", t, "3", inc,
                           "GET", t, "3")
            cases.append(Case(f"BITFIELD {mode} INCRBY {t} from {start}", steps))
        sets = [("u8", "256"), ("u8", "-1"), ("u8", MAX_I64), ("u63", MIN_I64),
                ("i8", "128"), ("i8", "-129"), ("i8", MIN_I64), ("i64", MIN_I64),
                ("u3", "7"), ("u3", "8"), ("i3", "-4"), ("i3", "4")]
        steps = b""
        for t, v in sets:
            steps += C("BITFIELD", "k", "OVERFLOW", mode, "SET", t, "5", v, "GET", t, "5")
        cases.append(Case(f"BITFIELD {mode} SET out of range", steps))
    cases.append(Case("BITFIELD OVERFLOW applies to later ops only",
                      C("BITFIELD", "k", "SET", "u8", "0", "255", "INCRBY", "u8", "0", "1",
                        "OVERFLOW", "SAT", "INCRBY", "u8", "0", "300", "OVERFLOW", "FAIL",
                        "INCRBY", "u8", "0", "300", "GET", "u8", "0")))
    return cases
