"""Differential cases for a server started with --requirepass PASSWORD: what a client may do
before AUTH, the AUTH and HELLO AUTH forms, and Redis's tight input limits for clients that
have not authenticated. Run by auth_differential_test.py on both servers; like cases.py,
nothing here says what the reply should be.
"""
from differential.cases import C, Case, Chunked, I

PASSWORD = "s3cret-pw"
NEW_PASSWORD = "other-pw"


def before_auth_cases():
    return [
        Case("PING before AUTH", C("PING")),
        Case("GET before AUTH", C("GET", "k")),
        Case("SET before AUTH", C("SET", "k", "v")),
        Case("inline PING before AUTH", I("PING")),
        Case("unknown command before AUTH", C("NOSUCH", "a")),
        Case("wrong arity before AUTH", C("GET")),
        Case("CONFIG GET before AUTH", C("CONFIG", "GET", "requirepass")),
        Case("CLIENT ID before AUTH", C("CLIENT", "ID")),
        Case("SELECT before AUTH", C("SELECT", "0")),
        Case("HELLO before AUTH", C("HELLO")),
        Case("HELLO 2 before AUTH", C("HELLO", "2")),
        Case("HELLO 2 SETNAME before AUTH", C("HELLO", "2", "SETNAME", "x")),
        Case("HELLO 2 bogus option before AUTH", C("HELLO", "2", "bogus")),
        Case("HELLO 4 before AUTH", C("HELLO", "4")),
        Case("HELLO 2 AUTH wrong password", C("HELLO", "2", "AUTH", "default", "nope")),
        Case("HELLO 2 AUTH other user", C("HELLO", "2", "AUTH", "bob", PASSWORD)),
        Case("QUIT before AUTH", C("QUIT"), closes=True),
    ]


def auth_forms_cases():
    return [
        Case("AUTH wrong password", C("AUTH", "wrong") + C("PING")),
        Case("AUTH default wrong password", C("AUTH", "default", "wrong") + C("PING")),
        Case("AUTH other user", C("AUTH", "bob", PASSWORD) + C("PING")),
        Case("AUTH password prefix", C("AUTH", PASSWORD[:-1])),
        Case("AUTH password longer", C("AUTH", PASSWORD + "x")),
        Case("AUTH empty password", C("AUTH", "")),
        Case("AUTH three args", C("AUTH", "a", "b", "c")),
        Case("AUTH no args", C("AUTH")),
        Case("AUTH then commands", C("AUTH", PASSWORD) + C("SET", "k", "v") + C("GET", "k")),
        Case("AUTH default then commands", C("AUTH", "default", PASSWORD) + C("PING")),
        Case("inline AUTH", I("AUTH " + PASSWORD) + I("PING")),
        Case("AUTH twice, then wrong: still authenticated",
             C("AUTH", PASSWORD) + C("AUTH", "wrong") + C("PING")),
        Case("AUTH split byte by byte", Chunked(C("AUTH", PASSWORD) + C("PING"), (1,))),
        Case("wrong then right", C("AUTH", "x") + C("GET", "k") + C("AUTH", PASSWORD)
             + C("GET", "k")),
    ]


def limits_cases():
    """Redis: before AUTH more than 10 arguments or a bulk over 16384 bytes is a protocol
    error; the limits lift for the command right after a successful AUTH in a pipeline."""
    mset11 = C("MSET", *["k%d" % (i // 2) if i % 2 == 0 else "v" for i in range(10)])
    return [
        Case("11 arguments before AUTH", b"*11\r\n", closes=True),
        Case("11-argument MSET before AUTH", mset11, closes=True),
        Case("10 arguments before AUTH", C("ECHO", *["a"] * 9)),
        Case("huge count before AUTH", b"*2147483648\r\n", closes=True),
        Case("count 1000000 before AUTH", b"*1000000\r\n", closes=True),
        Case("negative count before AUTH", b"*-5\r\n" + C("PING")),
        Case("bulk of 16385 before AUTH", b"*1\r\n$16385\r\n", closes=True),
        Case("bulk of 16384 before AUTH", C("ECHO", "x" * 16384)),
        Case("bulk of 10^9 before AUTH", b"*1\r\n$1000000000\r\n", closes=True),
        Case("negative bulk before AUTH", b"*1\r\n$-2\r\n", closes=True),
        Case("AUTH lifts the limits for the next command",
             C("AUTH", PASSWORD) + mset11 + C("GET", "k0")),
        Case("AUTH lifts the bulk limit", C("AUTH", PASSWORD) + C("ECHO", "y" * 20000)),
        Case("wrong AUTH keeps the limits", C("AUTH", "wrong") + mset11, closes=True),
        Case("long inline line before AUTH", I("ECHO " + "z" * 30000)),
    ]


def config_set_cases():
    """Changes the password and puts it back; the case runs last."""
    return [
        Case("CONFIG SET requirepass keeps this client authenticated",
             C("AUTH", PASSWORD) + C("CONFIG", "SET", "requirepass", NEW_PASSWORD) + C("PING")
             + C("AUTH", PASSWORD) + C("AUTH", NEW_PASSWORD)
             + C("CONFIG", "SET", "requirepass", PASSWORD) + C("PING")),
    ]


GROUPS = [
    ("before-auth", before_auth_cases),
    ("auth", auth_forms_cases),
    ("limits", limits_cases),
    ("config-set", config_set_cases),
]
