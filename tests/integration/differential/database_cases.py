"""Differential cases for the 16 databases: SELECT, DBSIZE, FLUSHDB, FLUSHALL, MOVE, SWAPDB,
and how WATCH, MULTI/EXEC and INFO keyspace see them. Both servers run with 16 databases.

Every case starts from FLUSHALL (all databases) on a fresh connection, which starts in
database 0, so cases that use several databases are independent of each other."""
from differential.cases import C, Case, Sleep

BIG = "2147483648"  # one past INT_MAX


def B(*steps):
    """Several commands as one step (MULTI ... EXEC must not be split by the sentinel)."""
    return b"".join(steps)


def select_cases():
    cases = [Case(f"SELECT {n}", C("SELECT", str(n)) + C("SET", "k", str(n)) + C("GET", "k")
                  + C("DBSIZE")) for n in (1, 7, 15)]
    cases += [
        Case("SELECT 16 is out of range", C("SELECT", "16")),
        Case("SELECT 128", C("SELECT", "128")),
        Case("SELECT -1", C("SELECT", "-1")),
        Case("SELECT 2^31", C("SELECT", BIG)),
        Case("SELECT -2^31-1", C("SELECT", "-2147483649")),
        Case("SELECT 1.0", C("SELECT", "1.0")),
        Case("SELECT +1", C("SELECT", "+1")),
        Case("SELECT 01", C("SELECT", "01")),
        Case("keys are per database",
             C("SET", "k", "zero"), C("SELECT", "1"), C("GET", "k"), C("SET", "k", "one"),
             C("GET", "k"), C("SELECT", "0"), C("GET", "k"), C("SELECT", "1"), C("GET", "k")),
        Case("failed SELECT keeps the database",
             C("SELECT", "3") + C("SET", "k", "3") + C("SELECT", "99") + C("GET", "k")),
        Case("same key in every database",
             b"".join(C("SELECT", str(i)) + C("SET", "k", str(i)) for i in range(16))
             + b"".join(C("SELECT", str(i)) + C("GET", "k") + C("DBSIZE") for i in range(16))),
        Case("DEL and EXISTS per database",
             C("SET", "k", "0"), C("SELECT", "2"), C("EXISTS", "k"), C("DEL", "k"),
             C("SELECT", "0"), C("EXISTS", "k")),
        Case("TTL per database",
             C("SET", "k", "v", "EX", "100"), C("SELECT", "1"), C("SET", "k", "v"),
             C("TTL", "k"), C("SELECT", "0"), C("TTL", "k")),
        Case("expiry per database",
             C("SELECT", "4"), C("SET", "k", "v", "PX", "30"), C("SELECT", "5"),
             C("SET", "k", "stays"), Sleep(0.1), C("GET", "k"), C("SELECT", "4"), C("GET", "k"),
             C("DBSIZE")),
        Case("INCR per database",
             C("INCR", "n") + C("SELECT", "1") + C("INCRBY", "n", "10") + C("SELECT", "0")
             + C("INCR", "n")),
        Case("MSET and MGET per database",
             C("SELECT", "9") + C("MSET", "a", "1", "b", "2") + C("SELECT", "0")
             + C("MGET", "a", "b") + C("SELECT", "9") + C("MGET", "a", "b")),
        Case("SELECT inside MULTI",
             B(C("MULTI"), C("SELECT", "1"), C("SET", "k", "one"), C("EXEC")),
             C("GET", "k"), C("SELECT", "0"), C("GET", "k")),
        Case("bad SELECT inside MULTI",
             B(C("MULTI"), C("SELECT", "16"), C("SET", "k", "v"), C("EXEC")), C("GET", "k")),
    ]
    return cases


def dbsize_cases():
    return [
        Case("DBSIZE per database",
             C("MSET", "a", "1", "b", "2", "c", "3") + C("SELECT", "1") + C("DBSIZE")
             + C("SET", "a", "x") + C("DBSIZE") + C("SELECT", "0") + C("DBSIZE")),
        Case("DBSIZE after DEL in another database",
             C("SET", "a", "1") + C("SELECT", "1") + C("SET", "a", "1") + C("DEL", "a")
             + C("DBSIZE") + C("SELECT", "0") + C("DBSIZE")),
        Case("DBSIZE after FLUSHALL of all",
             C("SET", "a", "1") + C("SELECT", "6") + C("SET", "a", "1") + C("FLUSHALL")
             + C("DBSIZE") + C("SELECT", "0") + C("DBSIZE")),
    ]


def flushdb_cases():
    return [
        Case("FLUSHDB flushes only the selected database",
             C("MSET", "a", "1", "b", "2") + C("SELECT", "1") + C("MSET", "a", "1", "c", "3")
             + C("FLUSHDB") + C("DBSIZE") + C("GET", "a") + C("SELECT", "0") + C("DBSIZE")
             + C("MGET", "a", "b")),
        Case("FLUSHDB in database 0 keeps the others",
             C("SELECT", "3") + C("SET", "x", "3") + C("SELECT", "0") + C("SET", "x", "0")
             + C("FLUSHDB") + C("GET", "x") + C("SELECT", "3") + C("GET", "x")),
        Case("FLUSHDB ASYNC in database 2",
             C("SET", "k", "0") + C("SELECT", "2") + C("SET", "k", "2") + C("FLUSHDB", "ASYNC")
             + C("EXISTS", "k") + C("SELECT", "0") + C("EXISTS", "k")),
        Case("FLUSHDB SYNC lower case", C("SELECT", "2") + C("SET", "k", "2")
             + C("flushdb", "sync") + C("DBSIZE")),
        Case("FLUSHDB of an empty database", C("SET", "k", "0") + C("SELECT", "5")
             + C("FLUSHDB") + C("SELECT", "0") + C("GET", "k")),
        Case("FLUSHDB with keys with TTL",
             C("SET", "k", "v", "EX", "100") + C("SELECT", "1") + C("SET", "k", "v", "EX", "100")
             + C("SET", "j", "v") + C("FLUSHDB") + C("DBSIZE") + C("SELECT", "0") + C("TTL", "k")),
        Case("FLUSHDB many keys in two databases",
             C("MSET", *sum([[f"k{i}", str(i)] for i in range(400)], []))
             + C("SELECT", "1") + C("MSET", *sum([[f"k{i}", str(i)] for i in range(0, 400, 3)], []))
             + C("FLUSHDB") + C("DBSIZE") + C("SELECT", "0") + C("DBSIZE") + C("GET", "k399")),
        Case("FLUSHDB bogus option in database 1", C("SELECT", "1") + C("SET", "k", "v")
             + C("FLUSHDB", "now") + C("DBSIZE")),
        Case("FLUSHALL flushes every database",
             C("SET", "a", "0") + C("SELECT", "15") + C("SET", "a", "15") + C("FLUSHALL")
             + C("DBSIZE") + C("SELECT", "0") + C("DBSIZE")),
        Case("FLUSHALL from database 7", C("SET", "a", "0") + C("SELECT", "7")
             + C("FLUSHALL", "SYNC") + C("SELECT", "0") + C("GET", "a")),
    ]


def move_cases():
    return [
        Case("MOVE", C("SET", "k", "v") + C("MOVE", "k", "1") + C("EXISTS", "k")
             + C("SELECT", "1") + C("GET", "k") + C("DBSIZE")),
        Case("MOVE keeps the TTL", C("SET", "k", "v", "EX", "100") + C("MOVE", "k", "3")
             + C("SELECT", "3") + C("TTL", "k")),
        Case("MOVE without TTL", C("SET", "k", "v") + C("MOVE", "k", "3") + C("SELECT", "3")
             + C("TTL", "k")),
        Case("MOVE missing key", C("MOVE", "k", "1")),
        Case("MOVE onto an existing key",
             C("SELECT", "1") + C("SET", "k", "one") + C("SELECT", "0") + C("SET", "k", "zero")
             + C("MOVE", "k", "1") + C("GET", "k") + C("SELECT", "1") + C("GET", "k")),
        Case("MOVE to the same database", C("SET", "k", "v") + C("MOVE", "k", "0")),
        Case("MOVE missing key to the same database", C("MOVE", "k", "0")),
        Case("MOVE from database 5 to 5", C("SELECT", "5") + C("MOVE", "k", "5")),
        Case("MOVE to 16", C("SET", "k", "v") + C("MOVE", "k", "16") + C("GET", "k")),
        Case("MOVE to -1", C("SET", "k", "v") + C("MOVE", "k", "-1")),
        Case("MOVE to abc", C("SET", "k", "v") + C("MOVE", "k", "abc")),
        Case("MOVE to 2^31", C("SET", "k", "v") + C("MOVE", "k", BIG)),
        Case("MOVE to 1.5", C("SET", "k", "v") + C("MOVE", "k", "1.5")),
        Case("MOVE to empty", C("SET", "k", "v") + C("MOVE", "k", "")),
        Case("MOVE back and forth",
             C("SET", "k", "v") + C("MOVE", "k", "1") + C("SELECT", "1") + C("MOVE", "k", "0")
             + C("DBSIZE") + C("SELECT", "0") + C("GET", "k")),
        Case("MOVE expired key", C("SET", "k", "v", "PX", "20"), Sleep(0.1),
             C("MOVE", "k", "1"), C("SELECT", "1"), C("EXISTS", "k")),
        Case("MOVE onto an expired key",
             C("SELECT", "1"), C("SET", "k", "old", "PX", "20"), C("SELECT", "0"),
             C("SET", "k", "new"), Sleep(0.1), C("MOVE", "k", "1"), C("SELECT", "1"),
             C("GET", "k")),
        Case("MOVE then DBSIZE in both",
             C("MSET", "a", "1", "b", "2") + C("MOVE", "a", "2") + C("DBSIZE") + C("SELECT", "2")
             + C("DBSIZE")),
        Case("MOVE arity", C("MOVE", "k")),
        Case("MOVE too many", C("MOVE", "k", "1", "2")),
        Case("MOVE inside MULTI", B(C("SET", "k", "v"), C("MULTI"), C("MOVE", "k", "1"),
                                    C("EXISTS", "k"), C("EXEC"))),
    ]


def swapdb_cases():
    return [
        Case("SWAPDB", C("SET", "k", "zero") + C("SELECT", "1") + C("SET", "k", "one")
             + C("SET", "j", "one") + C("SWAPDB", "0", "1") + C("GET", "k") + C("DBSIZE")
             + C("SELECT", "0") + C("GET", "k") + C("DBSIZE")),
        Case("SWAPDB with an empty database",
             C("MSET", "a", "1", "b", "2") + C("SWAPDB", "0", "9") + C("DBSIZE") + C("SELECT", "9")
             + C("MGET", "a", "b")),
        Case("SWAPDB twice", C("SET", "k", "zero") + C("SWAPDB", "0", "1") + C("SWAPDB", "1", "0")
             + C("GET", "k")),
        Case("SWAPDB three way",
             C("SET", "k", "0") + C("SELECT", "1") + C("SET", "k", "1") + C("SELECT", "2")
             + C("SET", "k", "2") + C("SWAPDB", "0", "1") + C("SWAPDB", "1", "2")
             + b"".join(C("SELECT", str(i)) + C("GET", "k") for i in range(3))),
        Case("SWAPDB keeps TTLs", C("SET", "k", "v", "EX", "100") + C("SWAPDB", "0", "4")
             + C("TTL", "k") + C("SELECT", "4") + C("TTL", "k")),
        Case("SWAPDB then writes", C("SET", "k", "0") + C("SWAPDB", "0", "1") + C("SET", "k", "new")
             + C("SELECT", "1") + C("GET", "k") + C("SELECT", "0") + C("GET", "k")),
        Case("SWAPDB then MOVE", C("SET", "k", "0") + C("SWAPDB", "0", "1") + C("SELECT", "1")
             + C("MOVE", "k", "0") + C("SELECT", "0") + C("GET", "k")),
        Case("SWAPDB then FLUSHDB", C("SET", "k", "0") + C("SELECT", "1") + C("SET", "j", "1")
             + C("SWAPDB", "0", "1") + C("FLUSHDB") + C("SELECT", "0") + C("GET", "j")
             + C("SELECT", "1") + C("DBSIZE")),
        Case("SWAPDB same database", C("SET", "k", "v") + C("SWAPDB", "3", "3")
             + C("SWAPDB", "0", "0") + C("GET", "k")),
        Case("SWAPDB 0 16", C("SWAPDB", "0", "16")),
        Case("SWAPDB 16 0", C("SWAPDB", "16", "0")),
        Case("SWAPDB -1 0", C("SWAPDB", "-1", "0")),
        Case("SWAPDB abc 0", C("SWAPDB", "abc", "0")),
        Case("SWAPDB 0 abc", C("SWAPDB", "0", "abc")),
        Case("SWAPDB abc abc", C("SWAPDB", "abc", "abc")),
        Case("SWAPDB 2^31 0", C("SWAPDB", BIG, "0")),
        Case("SWAPDB 0 2^31", C("SWAPDB", "0", BIG)),
        Case("SWAPDB 16 abc", C("SWAPDB", "16", "abc")),
        Case("SWAPDB arity", C("SWAPDB", "0")),
        Case("SWAPDB too many", C("SWAPDB", "0", "1", "2")),
        Case("swapdb lower case", C("SET", "k", "v") + C("swapdb", "0", "1") + C("EXISTS", "k")),
        Case("SWAPDB inside MULTI", B(C("SET", "k", "v"), C("MULTI"), C("SWAPDB", "0", "1"),
                                      C("GET", "k"), C("SELECT", "1"), C("GET", "k"), C("EXEC"))),
        Case("SWAPDB INFO keyspace", C("SET", "a", "1") + C("SWAPDB", "0", "12")
             + C("INFO", "keyspace")),
    ]


def watch_cases():
    multi = B(C("MULTI"), C("PING"), C("EXEC"))
    return [
        Case("WATCH, write in another database", C("WATCH", "k"), C("SELECT", "1"),
             C("SET", "k", "v"), C("SELECT", "0"), multi),
        Case("WATCH in database 1, write there", C("SELECT", "1"), C("WATCH", "k"),
             C("SET", "k", "v"), multi),
        Case("WATCH in database 1, write in 0", C("SELECT", "1"), C("WATCH", "k"),
             C("SELECT", "0"), C("SET", "k", "v"), multi),
        Case("WATCH same name in two databases, one written",
             C("WATCH", "k"), C("SELECT", "2"), C("WATCH", "k"), C("SET", "k", "v"), multi),
        Case("WATCH, FLUSHDB of a present key", C("SET", "k", "v"), C("WATCH", "k"),
             C("FLUSHDB"), multi),
        Case("WATCH, FLUSHDB of a missing key", C("WATCH", "k"), C("FLUSHDB"), multi),
        Case("WATCH, FLUSHDB of another database", C("SET", "k", "v"), C("WATCH", "k"),
             C("SELECT", "1"), C("SET", "k", "v"), C("FLUSHDB"), multi),
        Case("WATCH, FLUSHALL with the key in another database", C("WATCH", "k"),
             C("SELECT", "1"), C("SET", "k", "v"), C("FLUSHALL"), multi),
        Case("WATCH, SWAPDB with the key in the other database", C("SELECT", "1"),
             C("SET", "k", "v"), C("SELECT", "0"), C("WATCH", "k"), C("SWAPDB", "0", "1"), multi),
        Case("WATCH, SWAPDB with the key in the watched database", C("SET", "k", "v"),
             C("WATCH", "k"), C("SWAPDB", "0", "1"), multi),
        Case("WATCH, SWAPDB with the key in neither", C("SET", "j", "v"), C("WATCH", "k"),
             C("SWAPDB", "0", "1"), multi),
        Case("WATCH, SWAPDB of other databases", C("SET", "k", "v"), C("WATCH", "k"),
             C("SELECT", "2"), C("SET", "k", "v"), C("SWAPDB", "2", "3"), multi),
        Case("WATCH, SWAPDB of the same database", C("SET", "k", "v"), C("WATCH", "k"),
             C("SWAPDB", "0", "0"), multi),
        Case("WATCH, MOVE out of the watched database", C("SET", "k", "v"), C("WATCH", "k"),
             C("MOVE", "k", "1"), multi),
        Case("WATCH in 1, MOVE into it", C("SELECT", "1"), C("WATCH", "k"), C("SELECT", "0"),
             C("SET", "k", "v"), C("MOVE", "k", "1"), multi),
        Case("WATCH, failed MOVE", C("SET", "k", "v"), C("SELECT", "1"), C("SET", "k", "v"),
             C("SELECT", "0"), C("WATCH", "k"), C("MOVE", "k", "1"), multi),
        Case("WATCH, SELECT, EXEC sees the new database",
             C("SET", "k", "zero"), C("WATCH", "k"), C("SELECT", "1"),
             B(C("MULTI"), C("GET", "k"), C("EXEC"))),
        Case("WATCH key that expires in database 3", C("SELECT", "3"),
             C("SET", "k", "v", "PX", "30"), C("WATCH", "k"), Sleep(0.1), multi),
    ]


def info_keyspace_cases():
    return [
        Case("INFO keyspace empty", C("INFO", "keyspace")),
        Case("INFO keyspace db0", C("MSET", "a", "1", "b", "2") + C("INFO", "keyspace")),
        Case("INFO keyspace several databases",
             C("SET", "a", "1") + C("SELECT", "3") + C("MSET", "a", "1", "b", "2", "c", "3")
             + C("SELECT", "15") + C("SET", "z", "1") + C("INFO", "keyspace")),
        Case("INFO keyspace without db0", C("SELECT", "2") + C("SET", "a", "1")
             + C("INFO", "keyspace")),
        Case("INFO keyspace after FLUSHDB", C("SET", "a", "1") + C("SELECT", "2")
             + C("SET", "a", "1") + C("FLUSHDB") + C("INFO", "keyspace")),
        Case("INFO keyspace after MOVE", C("SET", "a", "1") + C("MOVE", "a", "7")
             + C("INFO", "keyspace")),
    ]
