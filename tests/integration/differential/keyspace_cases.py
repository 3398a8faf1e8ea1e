"""Differential cases for the keyspace commands: SCAN, KEYS, TYPE, RANDOMKEY, RENAME,
RENAMENX, COPY, TOUCH, EXPIRETIME, PEXPIRETIME, OBJECT, MEMORY USAGE.

Replies whose order is the server's own (KEYS, SCAN's keys) are compared as sets: those cases
are `unordered`, which sorts the elements of every all-bulk array before comparing. SCAN
cursors differ between servers, so the byte-exact SCAN cases are ones whose first call covers
the whole database (cursor 0 back: COUNT at least the number of keys)."""
from differential.cases import C, Case, Sleep

BIG = "2147483648"
FAR = "33177117420"  # seconds, year 3021


def B(*steps):
    return b"".join(steps)


# Keys for the glob corpus: letters, digits, every glob metacharacter, an empty key and a
# byte above 0x7f.
GLOB_KEYS = ["hello", "hallo", "hxllo", "hllo", "heeello", "a", "ab", "abc", "abd", "b", "A",
             "Abc", "*", "?", "[", "]", "\\", "a\\", "a*", "a?", "-", "^", "!", "x[y]", "x]",
             "key:1", "key:10", "key:2", "key:a", "", "\xe9t\xe9", "a-b", "aXb"]

GLOB_PATTERNS = [
    "*", "**", "***", "?", "??", "???*", "a*", "*a", "*b*", "a?c", "a??", "h?llo", "h*llo",
    "h[ae]llo", "h[^e]llo", "h[a-b]llo", "h[b-a]llo", "h[!e]llo", "[abc]", "[a-c]*", "[^a]*",
    "[^a-z]*", "[A-Z]*", "[a-zA-Z]", "\\*", "\\?", "\\[", "\\\\", "a\\*", "a\\", "\\", "[",
    "[a", "[]", "[]]", "[]a]", "[a-]", "[-a]", "[\\]]", "[\\-]", "[\\]", "[\\", "*[", "[*",
    "*]", "key:?", "key:??", "key:[0-9]", "key:[0-9]*", "key:*", "*:*", "x[[]y]", "x\\[y\\]",
    "", "*\\", "?*?", "*?*", "a*b*c", "a*-*b", "[a-b-c]", "[^]", "[^]]", "\xe9*", "*\xe9",
    "A*", "a*B", "[a\\", "h[a-]llo",
]


def scan_cases():
    thirty = sum([[f"key:{i}", str(i)] for i in range(30)], [])
    return [
        Case("SCAN empty", C("SCAN", "0")),
        Case("SCAN one key", C("SET", "k", "v") + C("SCAN", "0")),
        Case("SCAN 30 keys in one call", C("MSET", *thirty) + C("SCAN", "0", "COUNT", "1000"),
             unordered=True),
        Case("SCAN MATCH", C("MSET", *thirty) + C("SCAN", "0", "MATCH", "key:1*", "COUNT", "1000"),
             unordered=True),
        Case("SCAN MATCH nothing", C("MSET", *thirty)
             + C("SCAN", "0", "MATCH", "nope*", "COUNT", "1000")),
        Case("SCAN MATCH *", C("MSET", *thirty) + C("SCAN", "0", "MATCH", "*", "COUNT", "1000"),
             unordered=True),
        Case("SCAN TYPE string", C("MSET", *thirty) + C("SCAN", "0", "TYPE", "string", "COUNT",
                                                         "1000"), unordered=True),
        Case("SCAN TYPE STRING", C("SET", "k", "v") + C("SCAN", "0", "TYPE", "STRING")),
        Case("SCAN TYPE list", C("MSET", *thirty) + C("SCAN", "0", "TYPE", "list", "COUNT",
                                                       "1000")),
        Case("SCAN TYPE bogus", C("SET", "k", "v") + C("SCAN", "0", "TYPE", "bogus")),
        Case("SCAN MATCH and TYPE", C("MSET", *thirty)
             + C("scan", "0", "type", "string", "match", "key:2?", "count", "1000"),
             unordered=True),
        Case("SCAN options twice", C("MSET", *thirty)
             + C("SCAN", "0", "COUNT", "1", "COUNT", "1000", "MATCH", "x", "MATCH", "key:3")),
        Case("SCAN skips expired keys", C("SET", "k", "v", "PX", "20"), C("SET", "j", "v"),
             Sleep(0.1), C("SCAN", "0")),
        Case("SCAN in database 1", C("MSET", "a", "1", "b", "2") + C("SELECT", "1")
             + C("SET", "c", "3") + C("SCAN", "0", "COUNT", "100"), unordered=True),
        Case("SCAN in an empty database", C("MSET", *thirty) + C("SELECT", "5") + C("SCAN", "0")),
        Case("SCAN binary keys", C("MSET", "a\x00b", "1", "\r\n", "2") + C("SCAN", "0"),
             unordered=True),
        Case("SCAN abc", C("SCAN", "abc")),
        Case("SCAN 1.5", C("SCAN", "1.5")),
        Case("SCAN leading space", C("SCAN", " 1")),
        Case("SCAN trailing space", C("SCAN", "1 ")),
        Case("SCAN 2^64", C("SCAN", "18446744073709551616")),
        Case("SCAN 0x10", C("SCAN", "0x10")),
        Case("SCAN -", C("SCAN", "-")),
        Case("SCAN +", C("SCAN", "+")),
        Case("SCAN empty cursor", C("SCAN", "")),
        Case("SCAN -1 on empty", C("SCAN", "-1")),
        Case("SCAN +0", C("SET", "k", "v") + C("SCAN", "+0")),
        Case("SCAN 2^64-1 on empty", C("SCAN", "18446744073709551615")),
        Case("SCAN COUNT 0", C("SCAN", "0", "COUNT", "0")),
        Case("SCAN COUNT -1", C("SCAN", "0", "COUNT", "-1")),
        Case("SCAN COUNT abc", C("SCAN", "0", "COUNT", "abc")),
        Case("SCAN COUNT 2^63", C("SCAN", "0", "COUNT", "9223372036854775808")),
        Case("SCAN COUNT without value", C("SCAN", "0", "COUNT")),
        Case("SCAN MATCH without value", C("SCAN", "0", "MATCH")),
        Case("SCAN TYPE without value", C("SCAN", "0", "TYPE")),
        Case("SCAN bogus option", C("SCAN", "0", "BOGUS", "1")),
        Case("SCAN bad cursor before bad option", C("SCAN", "x", "BOGUS")),
        Case("SCAN good cursor, bad option then bad count", C("SCAN", "0", "BOGUS", "COUNT", "x")),
        Case("SCAN arity", C("SCAN")),
    ]


def keys_cases():
    setup = C("MSET", *sum([[k, "v"] for k in GLOB_KEYS], []))
    cases = [Case(f"KEYS {p!r}", setup + C("KEYS", p), unordered=True) for p in GLOB_PATTERNS]
    cases += [
        Case("KEYS empty database", C("KEYS", "*")),
        Case("KEYS skips expired keys", C("SET", "k", "v", "PX", "20"), C("SET", "j", "v"),
             Sleep(0.1), C("KEYS", "*")),
        Case("KEYS per database", C("MSET", "a", "1", "b", "2") + C("SELECT", "1")
             + C("SET", "c", "3") + C("KEYS", "*") + C("SELECT", "0") + C("KEYS", "*"),
             unordered=True),
        Case("KEYS 500 keys", C("MSET", *sum([[f"k{i}", "v"] for i in range(500)], []))
             + C("KEYS", "k1*"), unordered=True),
        Case("KEYS empty key only", C("SET", "", "v") + C("KEYS", "*") + C("KEYS", "?")
             + C("KEYS", "")),
        Case("KEYS arity", C("KEYS")),
        Case("KEYS too many", C("KEYS", "a", "b")),
        Case("keys lower case", C("SET", "k", "v") + C("keys", "k")),
    ]
    return cases


def type_cases():
    return [
        Case("TYPE string", C("SET", "k", "v") + C("TYPE", "k")),
        Case("TYPE missing", C("TYPE", "k")),
        Case("TYPE in another database", C("SET", "k", "v") + C("SELECT", "1") + C("TYPE", "k")),
        Case("TYPE expired", C("SET", "k", "v", "PX", "20"), Sleep(0.1), C("TYPE", "k")),
        Case("TYPE arity", C("TYPE")),
        Case("TYPE too many", C("TYPE", "a", "b")),
        Case("type lower case", C("SET", "k", "1") + C("type", "k")),
    ]


def randomkey_cases():
    return [
        Case("RANDOMKEY empty", C("RANDOMKEY")),
        Case("RANDOMKEY one key", C("SET", "only", "v") + C("RANDOMKEY")),
        Case("RANDOMKEY one key in database 1", C("SET", "a", "v") + C("SELECT", "1")
             + C("SET", "b", "v") + C("RANDOMKEY") + C("SELECT", "2") + C("RANDOMKEY")),
        Case("RANDOMKEY expired", C("SET", "k", "v", "PX", "20"), Sleep(0.1), C("RANDOMKEY"),
             C("DBSIZE")),
        Case("RANDOMKEY expired and live", C("SET", "k", "v", "PX", "20"), C("SET", "live", "v"),
             Sleep(0.1), C("RANDOMKEY"), C("RANDOMKEY")),
        Case("RANDOMKEY same key in many databases", C("SET", "k", "0") + C("SELECT", "1")
             + C("SET", "k", "1") + C("RANDOMKEY")),
        Case("RANDOMKEY arity", C("RANDOMKEY", "x")),
    ]


def rename_cases():
    return [
        Case("RENAME", C("SET", "a", "v") + C("RENAME", "a", "b") + C("GET", "a") + C("GET", "b")),
        Case("RENAME keeps the TTL", C("SET", "a", "v", "EX", "100") + C("RENAME", "a", "b")
             + C("TTL", "b")),
        Case("RENAME over a key with a TTL", C("SET", "a", "v") + C("SET", "b", "w", "EX", "100")
             + C("RENAME", "a", "b") + C("TTL", "b") + C("GET", "b")),
        Case("RENAME missing", C("RENAME", "a", "b")),
        Case("RENAME missing onto itself", C("RENAME", "a", "a")),
        Case("RENAME onto itself", C("SET", "a", "v", "EX", "100") + C("RENAME", "a", "a")
             + C("GET", "a") + C("TTL", "a")),
        Case("RENAME overwrites", C("MSET", "a", "1", "b", "2") + C("RENAME", "a", "b")
             + C("MGET", "a", "b") + C("DBSIZE")),
        Case("RENAME expired", C("SET", "a", "v", "PX", "20"), Sleep(0.1), C("RENAME", "a", "b")),
        Case("RENAME in database 1", C("SET", "a", "0") + C("SELECT", "1") + C("SET", "a", "1")
             + C("RENAME", "a", "b") + C("SELECT", "0") + C("MGET", "a", "b")),
        Case("RENAME many keys", b"".join(C("SET", f"s{i}", str(i)) + C("RENAME", f"s{i}", f"d{i}")
                                          for i in range(50)) + C("DBSIZE") + C("GET", "d49")),
        Case("RENAME binary keys", C("SET", "a\x00", "v") + C("RENAME", "a\x00", "\r\n")
             + C("GET", "\r\n")),
        Case("RENAME arity", C("RENAME", "a")),
        Case("RENAME too many", C("RENAME", "a", "b", "c")),
        Case("RENAMENX", C("SET", "a", "v") + C("RENAMENX", "a", "b") + C("GET", "b")
             + C("EXISTS", "a")),
        Case("RENAMENX onto existing", C("MSET", "a", "1", "b", "2") + C("RENAMENX", "a", "b")
             + C("MGET", "a", "b")),
        Case("RENAMENX onto itself", C("SET", "a", "v") + C("RENAMENX", "a", "a")),
        Case("RENAMENX missing", C("RENAMENX", "a", "b")),
        Case("RENAMENX missing onto itself", C("RENAMENX", "a", "a")),
        Case("RENAMENX keeps the TTL", C("SET", "a", "v", "PX", "100000")
             + C("RENAMENX", "a", "b") + C("TTL", "b")),
        Case("RENAMENX onto expired", C("SET", "b", "old", "PX", "20"), C("SET", "a", "new"),
             Sleep(0.1), C("RENAMENX", "a", "b"), C("GET", "b")),
        Case("RENAMENX arity", C("RENAMENX", "a")),
        Case("RENAME inside MULTI", B(C("SET", "a", "1"), C("MULTI"), C("RENAME", "a", "b"),
                                      C("RENAME", "a", "c"), C("GET", "b"), C("EXEC"))),
        Case("WATCH, RENAME away", C("SET", "a", "1"), C("WATCH", "a"), C("RENAME", "a", "b"),
             B(C("MULTI"), C("PING"), C("EXEC"))),
        Case("WATCH, RENAME onto", C("SET", "a", "1"), C("WATCH", "b"), C("RENAME", "a", "b"),
             B(C("MULTI"), C("PING"), C("EXEC"))),
    ]


def copy_cases():
    return [
        Case("COPY", C("SET", "a", "v") + C("COPY", "a", "b") + C("MGET", "a", "b")),
        Case("COPY keeps the TTL", C("SET", "a", "v", "EX", "100") + C("COPY", "a", "b")
             + C("TTL", "b") + C("TTL", "a")),
        Case("COPY onto existing", C("MSET", "a", "1", "b", "2") + C("COPY", "a", "b")
             + C("GET", "b")),
        Case("COPY REPLACE", C("MSET", "a", "1", "b", "2") + C("COPY", "a", "b", "REPLACE")
             + C("GET", "b")),
        Case("COPY REPLACE drops the TTL", C("SET", "a", "1") + C("SET", "b", "2", "EX", "100")
             + C("COPY", "a", "b", "replace") + C("TTL", "b")),
        Case("COPY missing", C("COPY", "a", "b") + C("EXISTS", "b")),
        Case("COPY onto itself", C("SET", "a", "v") + C("COPY", "a", "a")),
        Case("COPY missing onto itself", C("COPY", "a", "a")),
        Case("COPY onto itself REPLACE", C("SET", "a", "v") + C("COPY", "a", "a", "REPLACE")),
        Case("COPY DB", C("SET", "a", "v", "EX", "100") + C("COPY", "a", "a", "DB", "1")
             + C("SELECT", "1") + C("GET", "a") + C("TTL", "a")),
        Case("COPY DB onto existing", C("SET", "a", "v") + C("SELECT", "1") + C("SET", "a", "w")
             + C("SELECT", "0") + C("COPY", "a", "a", "DB", "1") + C("SELECT", "1") + C("GET", "a")),
        Case("COPY DB REPLACE", C("SET", "a", "v") + C("SELECT", "1") + C("SET", "b", "w")
             + C("SELECT", "0") + C("COPY", "a", "b", "DB", "1", "REPLACE") + C("SELECT", "1")
             + C("GET", "b")),
        Case("COPY DB of the source database", C("SET", "a", "v") + C("COPY", "a", "a", "DB", "0")),
        Case("COPY from database 2 to 0", C("SELECT", "2") + C("SET", "a", "v")
             + C("COPY", "a", "b", "db", "0") + C("SELECT", "0") + C("GET", "b")),
        Case("COPY DB 16", C("SET", "a", "v") + C("COPY", "a", "b", "DB", "16")),
        Case("COPY DB -1", C("SET", "a", "v") + C("COPY", "a", "b", "DB", "-1")),
        Case("COPY DB abc", C("SET", "a", "v") + C("COPY", "a", "b", "DB", "abc")),
        Case("COPY DB 2^31", C("SET", "a", "v") + C("COPY", "a", "b", "DB", BIG)),
        Case("COPY DB without value", C("SET", "a", "v") + C("COPY", "a", "b", "DB")),
        Case("COPY DB twice", C("SET", "a", "v") + C("COPY", "a", "b", "DB", "1", "DB", "2")
             + C("SELECT", "2") + C("GET", "b") + C("SELECT", "1") + C("GET", "b")),
        Case("COPY bogus option", C("SET", "a", "v") + C("COPY", "a", "b", "NOW")),
        Case("COPY bogus option on missing key", C("COPY", "a", "b", "NOW")),
        Case("COPY bad DB before the same-object check", C("COPY", "a", "a", "DB", "99")),
        Case("COPY expired", C("SET", "a", "v", "PX", "20"), Sleep(0.1), C("COPY", "a", "b")),
        Case("COPY onto expired", C("SET", "b", "old", "PX", "20"), C("SET", "a", "new"),
             Sleep(0.1), C("COPY", "a", "b"), C("GET", "b")),
        Case("COPY arity", C("COPY", "a")),
        Case("COPY then change the copy", C("SET", "a", "1") + C("COPY", "a", "b")
             + C("INCR", "b") + C("MGET", "a", "b")),
    ]


def touch_cases():
    return [
        Case("TOUCH", C("MSET", "a", "1", "b", "2") + C("TOUCH", "a", "b", "c")),
        Case("TOUCH missing", C("TOUCH", "x")),
        Case("TOUCH repeated", C("SET", "a", "1") + C("TOUCH", "a", "a", "a")),
        Case("TOUCH in another database", C("SET", "a", "1") + C("SELECT", "1")
             + C("TOUCH", "a")),
        Case("TOUCH expired", C("SET", "a", "1", "PX", "20"), Sleep(0.1), C("TOUCH", "a")),
        Case("TOUCH arity", C("TOUCH")),
    ]


def expiretime_cases():
    return [
        Case("EXPIRETIME missing", C("EXPIRETIME", "k")),
        Case("EXPIRETIME no TTL", C("SET", "k", "v") + C("EXPIRETIME", "k")),
        Case("EXPIRETIME", C("SET", "k", "v") + C("EXPIREAT", "k", FAR) + C("EXPIRETIME", "k")
             + C("PEXPIRETIME", "k")),
        Case("PEXPIRETIME", C("SET", "k", "v") + C("PEXPIREAT", "k", FAR + "123")
             + C("PEXPIRETIME", "k") + C("EXPIRETIME", "k")),
        Case("EXPIRETIME rounds", C("SET", "k", "v") + C("PEXPIREAT", "k", FAR + "500")
             + C("EXPIRETIME", "k") + C("PEXPIREAT", "k", FAR + "499") + C("EXPIRETIME", "k")),
        Case("PEXPIRETIME missing", C("PEXPIRETIME", "k")),
        Case("PEXPIRETIME no TTL", C("SET", "k", "v") + C("PEXPIRETIME", "k")),
        Case("EXPIRETIME after PERSIST", C("SET", "k", "v", "EXAT", FAR) + C("PERSIST", "k")
             + C("EXPIRETIME", "k")),
        Case("EXPIRETIME of SET EXAT", C("SET", "k", "v", "EXAT", FAR) + C("EXPIRETIME", "k")),
        Case("EXPIRETIME in another database", C("SET", "k", "v", "EXAT", FAR) + C("SELECT", "1")
             + C("EXPIRETIME", "k")),
        Case("EXPIRETIME expired", C("SET", "k", "v", "PX", "20"), Sleep(0.1),
             C("EXPIRETIME", "k")),
        Case("EXPIRETIME arity", C("EXPIRETIME")),
        Case("PEXPIRETIME arity", C("PEXPIRETIME", "a", "b")),
    ]


def object_cases():
    values = ["1", "0", "-1", "12345", "9999", "10000", MAX, MIN, "9223372036854775808",
              "12345678901234567890", "+1", "01", "-0", " 1", "1 ", "1.5", "abc", "", "x" * 20,
              "1" * 21, "y" * 44, "y" * 45, "z" * 100]
    cases = [Case(f"OBJECT ENCODING {v[:24]!r}", C("SET", "k", v) + C("OBJECT", "ENCODING", "k"))
             for v in values]
    cases += [
        Case("OBJECT ENCODING missing", C("OBJECT", "ENCODING", "k")),
        Case("object encoding lower case", C("SET", "k", "v") + C("object", "encoding", "k")),
        Case("OBJECT ENCODING after SET EX", C("SET", "k", "123", "EX", "100")
             + C("OBJECT", "ENCODING", "k")),
        Case("OBJECT ENCODING in another database", C("SET", "k", "v") + C("SELECT", "1")
             + C("OBJECT", "ENCODING", "k")),
        Case("OBJECT REFCOUNT string", C("SET", "k", "abc") + C("OBJECT", "REFCOUNT", "k")),
        Case("OBJECT REFCOUNT large integer", C("SET", "k", "123456") + C("OBJECT", "REFCOUNT", "k")),
        Case("OBJECT REFCOUNT long string", C("SET", "k", "q" * 50) + C("OBJECT", "REFCOUNT", "k")),
        Case("OBJECT REFCOUNT missing", C("OBJECT", "REFCOUNT", "k")),
        Case("OBJECT IDLETIME fresh", C("SET", "k", "v") + C("OBJECT", "IDLETIME", "k")),
        Case("OBJECT IDLETIME missing", C("OBJECT", "IDLETIME", "k")),
        Case("OBJECT FREQ without LFU", C("SET", "k", "v") + C("OBJECT", "FREQ", "k")),
        Case("OBJECT FREQ missing", C("OBJECT", "FREQ", "k")),
        Case("OBJECT HELP", C("OBJECT", "HELP")),
        Case("object help lower case", C("object", "help")),
        Case("OBJECT HELP extra", C("OBJECT", "HELP", "x")),
        Case("OBJECT bogus", C("OBJECT", "BOGUS", "k")),
        Case("OBJECT bogus alone", C("OBJECT", "BOGUS")),
        Case("OBJECT arity", C("OBJECT")),
        Case("OBJECT ENCODING arity", C("OBJECT", "ENCODING")),
        Case("OBJECT ENCODING too many", C("OBJECT", "ENCODING", "a", "b")),
        Case("OBJECT FREQ arity", C("OBJECT", "FREQ")),
        Case("OBJECT IDLETIME arity", C("OBJECT", "IDLETIME")),
        Case("OBJECT REFCOUNT arity", C("OBJECT", "REFCOUNT", "a", "b")),
        Case("OBJECT expired", C("SET", "k", "v", "PX", "20"), Sleep(0.1),
             C("OBJECT", "ENCODING", "k")),
    ]
    # The encoding depends on the command that made the value, as in Redis.
    enc = lambda key="k": C("OBJECT", "ENCODING", key)
    cases += [
        Case("encoding after APPEND", C("SET", "k", "1") + C("APPEND", "k", "2") + enc()),
        Case("encoding after APPEND of nothing", C("SET", "k", "12") + C("APPEND", "k", "")
             + enc()),
        Case("encoding after APPEND to a new key", C("APPEND", "k", "12") + enc()),
        Case("encoding after a long APPEND to a new key", C("APPEND", "k", "a" * 50) + enc()),
        Case("encoding after SETRANGE", C("SET", "k", "5") + C("SETRANGE", "k", "0", "7") + enc()),
        Case("encoding after SETRANGE of a new key", C("SETRANGE", "k", "2", "ab") + enc()),
        Case("encoding after SETRANGE of nothing", C("SET", "k", "abc")
             + C("SETRANGE", "k", "1", "") + enc()),
        Case("encoding after SETBIT of a new key", C("SETBIT", "k", "1", "1") + enc()),
        Case("encoding after SETBIT", C("SET", "k", "abc") + C("SETBIT", "k", "0", "1") + enc()),
        Case("encoding after SETBIT that changes nothing", C("SET", "k", "1"), C("WATCH", "k"),
             C("SETBIT", "k", "0", "0"), B(C("MULTI"), C("PING"), C("EXEC")), enc()),
        Case("encoding after BITOP", C("SET", "a", "12") + C("BITOP", "OR", "k", "a") + enc()),
        Case("encoding after BITFIELD SET", C("SET", "k", "1")
             + C("BITFIELD", "k", "SET", "u8", "0", "50") + enc() + C("GET", "k")),
        Case("encoding after BITFIELD GET", C("SET", "k", "1")
             + C("BITFIELD", "k", "GET", "u8", "0") + enc()),
        Case("encoding after INCRBYFLOAT", C("SET", "k", "1.5")
             + C("INCRBYFLOAT", "k", "1.5") + C("GET", "k") + enc()),
        Case("encoding after INCRBYFLOAT of a new key", C("INCRBYFLOAT", "k", "7") + enc()
             + C("OBJECT", "REFCOUNT", "k")),
        Case("encoding after INCR of a raw value", C("APPEND", "k", "1") + C("APPEND", "k", "2")
             + enc() + C("INCR", "k") + enc()),
        Case("encoding after DECRBY", C("DECRBY", "k", "1000000000000") + enc()),
        Case("encoding kept by EXPIRE", C("SET", "k", "1") + C("APPEND", "k", "1")
             + C("EXPIRE", "k", "100") + enc() + C("PERSIST", "k") + enc()
             + C("GETEX", "k", "PX", "100000") + enc()),
        Case("encoding after SET over a raw value", C("APPEND", "k", "1") + C("APPEND", "k", "1")
             + C("SET", "k", "11") + enc()),
        Case("encoding kept by COPY, RENAME and MOVE", C("SET", "k", "1") + C("APPEND", "k", "1")
             + C("COPY", "k", "c") + enc("c") + C("RENAME", "c", "r") + enc("r")
             + C("MOVE", "r", "1") + C("SELECT", "1") + enc("r")),
        Case("encoding of SET kin", C("SETNX", "a", "1") + C("MSET", "b", "2") + C("SETEX", "c",
                                                                                   "100", "3")
             + C("PSETEX", "d", "100000", "4") + C("GETSET", "e", "5") + C("GETSET", "e", "6")
             + enc("a") + enc("b") + enc("c") + enc("d") + enc("e")),
        Case("OBJECT REFCOUNT of a raw small integer", C("APPEND", "k", "12")
             + C("APPEND", "k", "3") + C("OBJECT", "REFCOUNT", "k")),
    ]
    return cases


def memory_cases():
    return [
        Case("MEMORY USAGE missing", C("MEMORY", "USAGE", "k")),
        Case("MEMORY USAGE missing SAMPLES 0", C("MEMORY", "USAGE", "k", "SAMPLES", "0")),
        Case("MEMORY USAGE in another database", C("SET", "k", "v") + C("SELECT", "1")
             + C("MEMORY", "USAGE", "k")),
        Case("MEMORY USAGE SAMPLES -1", C("SET", "k", "v") + C("MEMORY", "USAGE", "k", "SAMPLES",
                                                                 "-1")),
        Case("MEMORY USAGE SAMPLES abc", C("SET", "k", "v") + C("MEMORY", "USAGE", "k", "SAMPLES",
                                                                  "abc")),
        Case("MEMORY USAGE SAMPLES without value", C("SET", "k", "v")
             + C("MEMORY", "USAGE", "k", "SAMPLES")),
        Case("MEMORY USAGE bogus option", C("SET", "k", "v") + C("MEMORY", "USAGE", "k", "BOGUS")),
        Case("MEMORY USAGE bad option on missing key", C("MEMORY", "USAGE", "k", "BOGUS", "1")),
        Case("MEMORY USAGE arity", C("MEMORY", "USAGE")),
        Case("MEMORY HELP", C("MEMORY", "HELP")),
        Case("MEMORY HELP extra", C("MEMORY", "HELP", "x")),
        Case("MEMORY bogus", C("MEMORY", "BOGUS")),
        Case("MEMORY arity", C("MEMORY")),
    ]


MAX = "9223372036854775807"
MIN = "-9223372036854775808"
