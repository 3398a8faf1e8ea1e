"""Differential cases for MULTI, EXEC, DISCARD, WATCH and UNWATCH (one connection each)."""
from differential.cases import C, Case, I, Sleep


def B(*steps):
    """Several commands as one step. The runner follows each step with an ECHO sentinel,
    which MULTI would queue, so everything from MULTI to EXEC or DISCARD goes in one step."""
    return b"".join(steps)


def transaction_cases():
    return [
        Case("MULTI EXEC", B(C("MULTI"), C("SET", "a", "1"), C("INCR", "a"), C("GET", "a"), C("EXEC")), C("GET", "a")),
        Case("MULTI in one write",
             C("MULTI") + C("INCRBY", "bal", "100") + C("GET", "bal") + C("EXEC")),
        Case("empty EXEC", B(C("MULTI"), C("EXEC"))),
        Case("runtime error in its own slot", C("SET", "s", "x"), B(C("MULTI"), C("INCR", "s"), C("SET", "t", "1"), C("EXEC")), C("GET", "t")),
        Case("unknown command aborts, nothing runs",
             C("MULTI") + C("SET", "b", "1") + C("NOSUCH", "x") + C("GET", "b") + C("EXEC") + C("GET", "b")),
        Case("wrong arity aborts", B(C("MULTI"), C("SET", "c"), C("INCR", "c"), C("EXEC")), C("GET", "c")),
        Case("retried INCRBY after an abort",
             C("MULTI") + C("INCRBY", "bal", "100") + C("NOSUCH") + C("EXEC") + C("MULTI") + C("INCRBY", "bal", "100") + C("EXEC") + C("GET", "bal")),
        Case("EXEC without MULTI", C("EXEC")),
        Case("DISCARD without MULTI", C("DISCARD")),
        Case("DISCARD drops the queue", B(C("MULTI"), C("SET", "d", "1"), C("DISCARD")), C("GET", "d"), C("EXEC")),
        Case("nested MULTI", B(C("MULTI"), C("MULTI"), C("SET", "e", "1"), C("EXEC")), C("GET", "e")),
        Case("WATCH inside MULTI", B(C("MULTI"), C("WATCH", "x"), C("SET", "x", "1"), C("EXEC"))),
        Case("WATCH arity", C("WATCH")),
        Case("UNWATCH arity", C("UNWATCH", "x")),
        Case("MULTI arity", C("MULTI", "x")),
        Case("EXEC arity", B(C("MULTI"), C("EXEC", "x"), C("EXEC"))),
        Case("WATCH untouched key", C("WATCH", "w"), B(C("MULTI"), C("SET", "w", "1"), C("EXEC"))),
        Case("WATCH key written by self", C("WATCH", "w"), C("SET", "w", "2"), B(C("MULTI"), C("GET", "w"), C("EXEC")), C("GET", "w")),
        Case("WATCH key deleted", C("SET", "w", "1"), C("WATCH", "w"), C("DEL", "w"), B(C("MULTI"), C("PING"), C("EXEC"))),
        Case("WATCH missing key then DEL of it", C("WATCH", "w"), C("DEL", "w"), B(C("MULTI"), C("PING"), C("EXEC"))),
        Case("WATCH then failed SET NX", C("SET", "w", "1"), C("WATCH", "w"), C("SET", "w", "2", "NX"), B(C("MULTI"), C("GET", "w"), C("EXEC"))),
        Case("WATCH then UNWATCH", C("WATCH", "w"), C("SET", "w", "1"), C("UNWATCH"), B(C("MULTI"), C("GET", "w"), C("EXEC"))),
        Case("WATCH then FLUSHALL of a present key", C("SET", "w", "1"), C("WATCH", "w"), C("FLUSHALL"), B(C("MULTI"), C("PING"), C("EXEC"))),
        Case("WATCH then FLUSHALL of a missing key", C("WATCH", "w"), C("FLUSHALL"), B(C("MULTI"), C("PING"), C("EXEC"))),
        Case("WATCH then EXPIRE", C("SET", "w", "1"), C("WATCH", "w"), C("EXPIRE", "w", "100"), B(C("MULTI"), C("PING"), C("EXEC"))),
        Case("WATCH key that expires", C("SET", "w", "1", "PX", "50"), C("WATCH", "w"), Sleep(0.2), B(C("MULTI"), C("PING"), C("EXEC"))),
        Case("DISCARD unwatches", C("WATCH", "w"), C("SET", "w", "1"), B(C("MULTI"), C("DISCARD")), B(C("MULTI"), C("GET", "w"), C("EXEC"))),
        Case("EXEC unwatches", C("WATCH", "w"), B(C("MULTI"), C("EXEC")), C("SET", "w", "1"), B(C("MULTI"), C("GET", "w"), C("EXEC"))),
        Case("WATCH many keys", C("WATCH", "a", "b", "c", "a"), C("SET", "c", "1"), B(C("MULTI"), C("PING"), C("EXEC"))),
        Case("inline MULTI", B(I("MULTI"), I("SET f 1"), I("GET f"), I("EXEC"))),
        Case("commands inside", B(C("MULTI"), C("MSET", "m1", "a", "m2", "b"), C("MGET", "m1", "m2"), C("DEL", "m1"), C("EXISTS", "m1", "m2"), C("APPEND", "m2", "c"), C("TTL", "m2"), C("ECHO", "hi"), C("EXEC"))),
        Case("QUIT inside MULTI", B(C("MULTI"), C("SET", "q", "1"), C("QUIT")), closes=True),
    ]
