"""Differential cases for the introspection and server commands: CLIENT (LIST, INFO, KILL,
PAUSE, UNPAUSE, REPLY, NO-EVICT, NO-TOUCH, HELP), SLOWLOG, TIME, ROLE, WAIT, LASTSAVE,
MONITOR, CONFIG GET/SET/HELP and INFO errorstats.

Byte-exact cases cover what does not describe the server: errors, arity, HELP texts, ROLE,
WAIT, replies to settings changes. What does (CLIENT LIST fields, TIME, SLOWLOG entries,
MONITOR lines, INFO sections) is checked by shape in introspection_shape_checks().

A case that changes a setting restores it in its last step, since both servers live for the
whole run.
"""
import re
import socket
import time

from differential.cases import C, Case, Sleep


def B(*steps):
    """Several commands as one step: CLIENT REPLY OFF would swallow the runner's sentinel, so
    everything from OFF to ON goes in one step."""
    return b"".join(steps)


def client_cases():
    return [
        Case("CLIENT HELP", C("CLIENT", "HELP")),
        Case("client help lower case", C("client", "help")),
        Case("CLIENT HELP extra", C("CLIENT", "HELP", "x")),
        Case("CLIENT INFO extra", C("CLIENT", "INFO", "x")),
        # LIST
        Case("CLIENT LIST TYPE bogus", C("CLIENT", "LIST", "TYPE", "bogus")),
        Case("CLIENT LIST TYPE pubsub is empty", C("CLIENT", "LIST", "TYPE", "pubsub")),
        Case("CLIENT LIST TYPE master is empty", C("CLIENT", "LIST", "TYPE", "master")),
        Case("CLIENT LIST TYPE replica is empty", C("CLIENT", "LIST", "TYPE", "replica")),
        Case("CLIENT LIST TYPE slave is empty", C("CLIENT", "LIST", "TYPE", "SLAVE")),
        Case("CLIENT LIST TYPE without a type", C("CLIENT", "LIST", "TYPE")),
        Case("CLIENT LIST TYPE normal extra", C("CLIENT", "LIST", "TYPE", "normal", "x")),
        Case("CLIENT LIST bogus", C("CLIENT", "LIST", "bogus")),
        Case("CLIENT LIST ID abc", C("CLIENT", "LIST", "ID", "abc")),
        Case("CLIENT LIST ID of nobody", C("CLIENT", "LIST", "ID", "0", "-5", "99999999")),
        Case("CLIENT LIST ID then a bad one", C("CLIENT", "LIST", "ID", "99999999", "x")),
        Case("CLIENT LIST ID without ids", C("CLIENT", "LIST", "ID")),
        # KILL
        Case("CLIENT KILL no args", C("CLIENT", "KILL")),
        Case("CLIENT KILL old form, nobody", C("CLIENT", "KILL", "1.2.3.4:5")),
        Case("CLIENT KILL old form, not an address", C("CLIENT", "KILL", "ID")),
        Case("CLIENT KILL ID abc", C("CLIENT", "KILL", "ID", "abc")),
        Case("CLIENT KILL ID 0", C("CLIENT", "KILL", "ID", "0")),
        Case("CLIENT KILL ID -1", C("CLIENT", "KILL", "ID", "-1")),
        Case("CLIENT KILL ID of nobody", C("CLIENT", "KILL", "ID", "99999999")),
        Case("CLIENT KILL TYPE bogus", C("CLIENT", "KILL", "TYPE", "bogus")),
        Case("CLIENT KILL TYPE pubsub kills nobody", C("CLIENT", "KILL", "TYPE", "pubsub")),
        Case("CLIENT KILL TYPE master kills nobody", C("CLIENT", "KILL", "TYPE", "master")),
        Case("CLIENT KILL ADDR of nobody", C("CLIENT", "KILL", "ADDR", "1.2.3.4:5")),
        Case("CLIENT KILL LADDR of nobody", C("CLIENT", "KILL", "LADDR", "1.2.3.4:5")),
        Case("CLIENT KILL USER nobody", C("CLIENT", "KILL", "USER", "nobody")),
        Case("CLIENT KILL USER default, ID of nobody",
             C("CLIENT", "KILL", "USER", "default", "ID", "99999999")),
        Case("CLIENT KILL SKIPME maybe", C("CLIENT", "KILL", "SKIPME", "maybe")),
        Case("CLIENT KILL SKIPME no, ID of nobody",
             C("CLIENT", "KILL", "SKIPME", "no", "ID", "99999999")),
        Case("CLIENT KILL bogus option", C("CLIENT", "KILL", "bogus", "x")),
        Case("CLIENT KILL odd options", C("CLIENT", "KILL", "ADDR", "1.2.3.4:5", "ID")),
        Case("CLIENT KILL bad option after a good one",
             C("CLIENT", "KILL", "ID", "99999999", "TYPE", "bogus")),
        Case("client kill lower case", C("client", "kill", "id", "99999999")),
        # PAUSE / UNPAUSE
        Case("CLIENT PAUSE no args", C("CLIENT", "PAUSE")),
        Case("CLIENT PAUSE abc", C("CLIENT", "PAUSE", "abc")),
        Case("CLIENT PAUSE -1", C("CLIENT", "PAUSE", "-1")),
        Case("CLIENT PAUSE 1.5", C("CLIENT", "PAUSE", "1.5")),
        Case("CLIENT PAUSE bad mode", C("CLIENT", "PAUSE", "10", "BOGUS")),
        Case("CLIENT PAUSE bad mode before a bad timeout", C("CLIENT", "PAUSE", "abc", "BOGUS")),
        Case("CLIENT PAUSE too many args", C("CLIENT", "PAUSE", "10", "ALL", "x")),
        Case("CLIENT PAUSE 0", C("CLIENT", "PAUSE", "0"), C("PING")),
        Case("CLIENT PAUSE WRITE holds a write, not a read",
             C("CLIENT", "PAUSE", "150", "WRITE"), C("GET", "k"), C("SET", "k", "v"),
             C("GET", "k")),
        Case("CLIENT PAUSE ALL holds everything", C("CLIENT", "PAUSE", "150", "all"),
             C("PING"), C("SET", "k", "v") + C("GET", "k")),
        Case("CLIENT PAUSE then UNPAUSE", C("CLIENT", "PAUSE", "5000", "WRITE"),
             C("CLIENT", "UNPAUSE"), C("SET", "k", "v")),
        Case("CLIENT PAUSE WRITE holds an EXEC with a write",
             C("CLIENT", "PAUSE", "150", "WRITE"),
             C("MULTI") + C("GET", "k") + C("EXEC"),
             C("MULTI") + C("SET", "k", "1") + C("EXEC")),
        Case("CLIENT PAUSE pipelined", C("CLIENT", "PAUSE", "100", "WRITE") + C("INCR", "n")
             + C("INCR", "n") + C("GET", "n")),
        Case("CLIENT UNPAUSE extra", C("CLIENT", "UNPAUSE", "x")),
        Case("CLIENT UNPAUSE without a pause", C("CLIENT", "UNPAUSE")),
        # REPLY
        Case("CLIENT REPLY no mode", C("CLIENT", "REPLY")),
        Case("CLIENT REPLY bogus", C("CLIENT", "REPLY", "MAYBE")),
        Case("CLIENT REPLY ON extra", C("CLIENT", "REPLY", "ON", "x")),
        Case("CLIENT REPLY ON", C("CLIENT", "REPLY", "ON")),
        Case("CLIENT REPLY OFF then ON", B(C("CLIENT", "REPLY", "OFF"), C("SET", "k", "v"),
                                          C("PING"), C("GET", "nope"), C("CLIENT", "REPLY", "ON"),
                                          C("GET", "k"))),
        Case("CLIENT REPLY SKIP", C("CLIENT", "REPLY", "SKIP") + C("PING", "skipped")
             + C("PING", "sent")),
        Case("CLIENT REPLY SKIP skips errors", C("CLIENT", "REPLY", "SKIP") + C("NOSUCH")
             + C("PING")),
        Case("CLIENT REPLY SKIP twice", C("CLIENT", "REPLY", "SKIP") + C("CLIENT", "REPLY", "SKIP")
             + C("ECHO", "a") + C("ECHO", "b")),
        Case("CLIENT REPLY OFF then SKIP then ON",
             B(C("CLIENT", "REPLY", "OFF"), C("CLIENT", "REPLY", "SKIP"), C("PING"),
               C("CLIENT", "REPLY", "ON"), C("PING"))),
        Case("CLIENT REPLY SKIP then ON", C("CLIENT", "REPLY", "SKIP") + C("CLIENT", "REPLY", "ON")
             + C("PING")),
        Case("client reply lower case", B(C("client", "reply", "off"), C("ping"),
                                          C("client", "reply", "on"))),
        # NO-EVICT, NO-TOUCH (NO-TOUCH is Redis 7.2's: respcache is sent it where Redis 7.0
        # gets NO-EVICT, whose replies are the same)
        Case("CLIENT NO-EVICT on", C("CLIENT", "NO-EVICT", "on"), C("CLIENT", "NO-EVICT", "OFF")),
        Case("CLIENT NO-EVICT maybe", C("CLIENT", "NO-EVICT", "maybe")),
        Case("CLIENT NO-EVICT no arg", C("CLIENT", "NO-EVICT")),
        Case("CLIENT NO-EVICT extra", C("CLIENT", "NO-EVICT", "on", "x")),
        Case("CLIENT NO-TOUCH on, reads still read",
             C("SET", "k", "v"), C("CLIENT", "NO-EVICT", "on"), C("GET", "k"),
             C("CLIENT", "NO-EVICT", "off"),
             candidate=[C("SET", "k", "v"), C("CLIENT", "NO-TOUCH", "on"), C("GET", "k"),
                        C("CLIENT", "NO-TOUCH", "off")]),
        Case("CLIENT NO-TOUCH maybe", C("CLIENT", "NO-EVICT", "maybe"),
             candidate=[C("CLIENT", "NO-TOUCH", "maybe")]),
        Case("CLIENT NO-TOUCH no arg", C("CLIENT", "NO-EVICT"),
             candidate=[C("CLIENT", "NO-EVICT")]),
    ]


def slowlog_cases():
    restore = C("CONFIG", "SET", "slowlog-log-slower-than", "10000", "slowlog-max-len", "128")
    return [
        Case("SLOWLOG no args", C("SLOWLOG")),
        Case("SLOWLOG bogus", C("SLOWLOG", "bogus")),
        Case("SLOWLOG HELP", C("SLOWLOG", "HELP")),
        Case("slowlog help lower case", C("slowlog", "help")),
        Case("SLOWLOG HELP extra", C("SLOWLOG", "HELP", "x")),
        Case("SLOWLOG GET abc", C("SLOWLOG", "GET", "abc")),
        Case("SLOWLOG GET -2", C("SLOWLOG", "GET", "-2")),
        Case("SLOWLOG GET 1 2", C("SLOWLOG", "GET", "1", "2")),
        Case("SLOWLOG LEN extra", C("SLOWLOG", "LEN", "x")),
        Case("SLOWLOG RESET extra", C("SLOWLOG", "RESET", "x")),
        Case("SLOWLOG off: nothing logged",
             C("CONFIG", "SET", "slowlog-log-slower-than", "-1"), C("SLOWLOG", "RESET"),
             C("SET", "k", "v"), C("SLOWLOG", "LEN"), C("SLOWLOG", "GET"),
             C("SLOWLOG", "GET", "-1"), restore),
        Case("SLOWLOG 0 logs everything, RESET included",
             C("CONFIG", "SET", "slowlog-log-slower-than", "0"), C("SLOWLOG", "RESET"),
             C("SLOWLOG", "LEN"), C("SLOWLOG", "GET", "0"), restore),
        Case("SLOWLOG max-len 0 keeps nothing",
             C("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "0"),
             C("SET", "k", "v"), C("SLOWLOG", "LEN"), restore),
        Case("SLOWLOG max-len 2", C("CONFIG", "SET", "slowlog-log-slower-than", "0"),
             C("CONFIG", "SET", "slowlog-max-len", "2"), C("PING"), C("PING"), C("PING"),
             C("SLOWLOG", "LEN"), restore),
        Case("CONFIG GET slowlog-log-slower-than", C("CONFIG", "GET", "slowlog-log-slower-than")),
        Case("CONFIG GET slowlog-max-len", C("CONFIG", "GET", "slowlog-max-len")),
        Case("CONFIG SET slowlog-log-slower-than abc",
             C("CONFIG", "SET", "slowlog-log-slower-than", "abc")),
        Case("CONFIG SET slowlog-log-slower-than -5",
             C("CONFIG", "SET", "slowlog-log-slower-than", "-5")),
        Case("CONFIG SET slowlog-max-len -1", C("CONFIG", "SET", "slowlog-max-len", "-1")),
        Case("CONFIG SET slowlog-max-len abc", C("CONFIG", "SET", "slowlog-max-len", "abc")),
    ]


def server_info_cases():
    return [
        Case("TIME extra", C("TIME", "x")),
        Case("ROLE", C("ROLE")),
        Case("role lower case", C("role")),
        Case("ROLE extra", C("ROLE", "x")),
        Case("WAIT 0 0", C("WAIT", "0", "0")),
        Case("WAIT 1 10", C("WAIT", "1", "10")),
        Case("WAIT -1 0", C("WAIT", "-1", "0")),
        Case("WAIT no args", C("WAIT")),
        Case("WAIT one arg", C("WAIT", "0")),
        Case("WAIT extra", C("WAIT", "0", "0", "x")),
        Case("WAIT abc 0", C("WAIT", "abc", "0")),
        Case("WAIT 0 abc", C("WAIT", "0", "abc")),
        Case("WAIT 0 -1", C("WAIT", "0", "-1")),
        Case("WAIT abc -1", C("WAIT", "abc", "-1")),
        Case("WAIT in MULTI", C("MULTI") + C("WAIT", "0", "0") + C("EXEC")),
        Case("LASTSAVE extra", C("LASTSAVE", "x")),
        Case("MONITOR extra", C("MONITOR", "x")),
        Case("MONITOR inside MULTI", C("MULTI") + C("MONITOR") + C("EXEC") + C("PING")),
        Case("INFO errorstats after RESETSTAT", C("CONFIG", "RESETSTAT"), C("NOSUCH"),
             C("SET", "k"), C("SET", "s", "x") + C("INCR", "s"), C("AUTH", "x"),
             C("INFO", "errorstats")),
        Case("INFO errorstats empty after RESETSTAT", C("NOSUCH"), C("CONFIG", "RESETSTAT"),
             C("INFO", "ERRORSTATS")),
        # SHUTDOWN's refusals only: one that succeeds would stop the servers (shutdown_test
        # and script_busy_test check those).
        Case("SHUTDOWN ABORT", C("SHUTDOWN", "ABORT")),
        Case("SHUTDOWN abort lower case", C("shutdown", "abort")),
        Case("SHUTDOWN bogus", C("SHUTDOWN", "bogus")),
        Case("SHUTDOWN NOSAVE SAVE", C("SHUTDOWN", "NOSAVE", "SAVE")),
        Case("SHUTDOWN ABORT NOSAVE", C("SHUTDOWN", "ABORT", "NOSAVE")),
        Case("SHUTDOWN NOW bogus", C("SHUTDOWN", "NOW", "bogus")),
        Case("SHUTDOWN in MULTI", C("MULTI") + C("SHUTDOWN") + C("SET", "k", "v") + C("EXEC"),
             C("GET", "k")),
        Case("SHUTDOWN NOSAVE in MULTI then DISCARD", C("MULTI") + C("SHUTDOWN", "NOSAVE")
             + C("DISCARD"), C("PING")),
        Case("SHUTDOWN from a script", C("EVAL", "return redis.call('shutdown')", "0")),
        Case("SHUTDOWN from a script by pcall",
             C("EVAL", "return redis.pcall('shutdown', 'abort')", "0")),
    ]


def config_cases():
    return [
        Case("CONFIG HELP", C("CONFIG", "HELP")),
        Case("CONFIG HELP extra", C("CONFIG", "HELP", "x")),
        Case("CONFIG RESETSTAT extra", C("CONFIG", "RESETSTAT", "x")),
        Case("CONFIG SET no value", C("CONFIG", "SET", "timeout")),
        Case("CONFIG SET odd arguments", C("CONFIG", "SET", "timeout", "0", "maxmemory")),
        Case("CONFIG SET unknown", C("CONFIG", "SET", "no-such-thing", "1")),
        Case("CONFIG SET unknown after a bad value",
             C("CONFIG", "SET", "timeout", "abc", "no-such-thing", "1")),
        Case("CONFIG SET unknown after a duplicate",
             C("CONFIG", "SET", "timeout", "0", "timeout", "0", "no-such-thing", "1")),
        Case("CONFIG SET immutable", C("CONFIG", "SET", "databases", "2")),
        Case("CONFIG SET immutable before unknown",
             C("CONFIG", "SET", "databases", "2", "no-such-thing", "1")),
        Case("CONFIG SET unknown before immutable",
             C("CONFIG", "SET", "no-such-thing", "1", "databases", "2")),
        Case("CONFIG SET unknown before a duplicate",
             C("CONFIG", "SET", "timeout", "0", "no-such-thing", "1", "timeout", "0")),
        Case("CONFIG SET duplicate before immutable",
             C("CONFIG", "SET", "timeout", "0", "timeout", "0", "databases", "1")),
        Case("CONFIG SET duplicate", C("CONFIG", "SET", "maxclients", "10", "maxclients", "20")),
        Case("CONFIG SET duplicate in other case",
             C("CONFIG", "SET", "TIMEOUT", "0", "timeout", "1")),
        Case("CONFIG SET duplicate after a bad value",
             C("CONFIG", "SET", "timeout", "abc", "timeout", "0")),
        Case("CONFIG SET timeout -1", C("CONFIG", "SET", "timeout", "-1")),
        Case("CONFIG SET timeout abc", C("CONFIG", "SET", "timeout", "abc")),
        Case("CONFIG SET timeout 2^31", C("CONFIG", "SET", "timeout", "2147483648")),
        Case("CONFIG SET timeout 0", C("CONFIG", "SET", "timeout", "0"), C("CONFIG", "GET", "timeout")),
        Case("CONFIG GET name as given", C("CONFIG", "GET", "TIMEOUT")),
        Case("CONFIG GET same name twice", C("CONFIG", "GET", "timeout", "TIMEOUT")),
        Case("CONFIG SET several", C("CONFIG", "SET", "timeout", "0", "slowlog-max-len", "128",
                                     "slowlog-log-slower-than", "10000"),
             C("CONFIG", "GET", "slowlog-max-len")),
        Case("CONFIG SET several, one bad, changes nothing",
             C("CONFIG", "SET", "slowlog-max-len", "7", "timeout", "-1"),
             C("CONFIG", "GET", "slowlog-max-len")),
        Case("CONFIG SET tcp-keepalive -1", C("CONFIG", "SET", "tcp-keepalive", "-1")),
        Case("CONFIG SET tcp-keepalive abc", C("CONFIG", "SET", "tcp-keepalive", "abc")),
        Case("CONFIG SET tcp-keepalive and GET it", C("CONFIG", "SET", "tcp-keepalive", "120"),
             C("CONFIG", "GET", "tcp-keepalive"), C("CONFIG", "SET", "tcp-keepalive", "300")),
        Case("CONFIG SET maxclients 0", C("CONFIG", "SET", "maxclients", "0")),
        Case("CONFIG SET maxclients abc", C("CONFIG", "SET", "maxclients", "abc")),
        Case("CONFIG SET maxclients 2^32", C("CONFIG", "SET", "maxclients", "4294967296")),
        Case("CONFIG SET maxmemory abc", C("CONFIG", "SET", "maxmemory", "abc")),
        Case("CONFIG SET client-output-buffer-limit short",
             C("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0")),
        Case("CONFIG SET client-output-buffer-limit bad class",
             C("CONFIG", "SET", "client-output-buffer-limit", "bogus 0 0 0")),
        Case("CONFIG SET client-output-buffer-limit master class",
             C("CONFIG", "SET", "client-output-buffer-limit", "master 0 0 0")),
        Case("CONFIG SET client-output-buffer-limit bad hard",
             C("CONFIG", "SET", "client-output-buffer-limit", "normal x 0 0")),
        Case("CONFIG SET client-output-buffer-limit negative seconds",
             C("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 -1")),
        Case("CONFIG SET client-output-buffer-limit bad second class",
             C("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0 pubsub 1 x 1")),
        # Redis's default normal class is "0 0 0" (no limit), respcache's a hard limit; set
        # and read back the same value on both, then put each back.
        Case("CONFIG SET client-output-buffer-limit and GET it",
             C("CONFIG", "SET", "client-output-buffer-limit",
               "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60"),
             C("CONFIG", "GET", "client-output-buffer-limit"),
             C("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0"),
             candidate=[C("CONFIG", "SET", "client-output-buffer-limit",
                          "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60"),
                        C("CONFIG", "GET", "client-output-buffer-limit"),
                        C("CONFIG", "SET", "client-output-buffer-limit", "normal 64mb 0 0")]),
    ]


# respcache's commands that Redis 7.0 has with the same subcommands: COMMAND INFO and
# COMMAND DOCS of each must be Redis's, byte for byte. (CLIENT, COMMAND, CONFIG and SLOWLOG
# list only the subcommands respcache has; PUT is respcache's own.)
SAME_AS_REDIS = """get set mget mset getdel append strlen incr decr incrby decrby setnx getset
msetnx incrbyfloat getrange substr setrange lcs setbit getbit bitcount bitpos bitop bitfield
bitfield_ro setex psetex getex expire pexpire expireat pexpireat ttl pttl persist del unlink
exists dbsize flushall flushdb select ping echo quit multi exec discard watch unwatch auth
hello info time role wait lastsave monitor""".split()


def command_cases():
    cases = []
    for name in SAME_AS_REDIS:
        cases.append(Case(f"COMMAND INFO {name}", C("COMMAND", "INFO", name)))
        cases.append(Case(f"COMMAND DOCS {name}", C("COMMAND", "DOCS", name)))
    cases += [
        Case("COMMAND INFO several, one unknown", C("COMMAND", "INFO", "GET", "nosuch", "Set")),
        Case("COMMAND INFO a subcommand", C("COMMAND", "INFO", "client|kill", "config|get",
                                            "slowlog|len", "command|info", "client|nosuch")),
        Case("COMMAND DOCS several, one unknown", C("COMMAND", "DOCS", "nosuch", "incr", "GET")),
        Case("COMMAND DOCS a subcommand", C("COMMAND", "DOCS", "client|list", "config|set")),
        Case("COMMAND DOCS only unknown", C("COMMAND", "DOCS", "nosuch")),
        Case("COMMAND HELP", C("COMMAND", "HELP")),
        Case("COMMAND COUNT extra", C("COMMAND", "COUNT", "x")),
        Case("COMMAND GETKEYS no command", C("COMMAND", "GETKEYS")),
        Case("COMMAND GETKEYS too short", C("COMMAND", "GETKEYS", "get")),
        Case("COMMAND GETKEYS unknown", C("COMMAND", "GETKEYS", "nosuch", "a")),
        Case("COMMAND GETKEYS no keys", C("COMMAND", "GETKEYS", "ping", "x")),
        Case("COMMAND GETKEYS GET", C("COMMAND", "GETKEYS", "GET", "k")),
        Case("COMMAND GETKEYS SET", C("COMMAND", "GETKEYS", "set", "k", "v", "EX", "10")),
        Case("COMMAND GETKEYS MSET", C("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2")),
        Case("COMMAND GETKEYS MSET odd", C("COMMAND", "GETKEYS", "MSET", "a", "1", "b")),
        Case("COMMAND GETKEYS MGET", C("COMMAND", "GETKEYS", "MGET", "a", "b", "c")),
        Case("COMMAND GETKEYS DEL", C("COMMAND", "GETKEYS", "DEL", "a", "b")),
        Case("COMMAND GETKEYS BITOP", C("COMMAND", "GETKEYS", "BITOP", "AND", "d", "s1", "s2")),
        Case("COMMAND GETKEYS LCS", C("COMMAND", "GETKEYS", "LCS", "a", "b", "LEN")),
        Case("COMMAND GETKEYS WATCH", C("COMMAND", "GETKEYS", "WATCH", "a", "b")),
        Case("COMMAND GETKEYS wrong arity", C("COMMAND", "GETKEYS", "GET", "a", "b")),
        Case("COMMAND GETKEYS container", C("COMMAND", "GETKEYS", "CLIENT", "LIST")),
        Case("COMMAND GETKEYS unknown subcommand", C("COMMAND", "GETKEYS", "CLIENT", "BOGUS")),
        Case("COMMAND GETKEYS container alone", C("COMMAND", "GETKEYS", "CONFIG", "x")),
        Case("COMMAND LIST bad filter", C("COMMAND", "LIST", "FILTERBY", "bogus", "x")),
        Case("COMMAND LIST FILTERBY short", C("COMMAND", "LIST", "FILTERBY")),
        Case("COMMAND LIST not FILTERBY", C("COMMAND", "LIST", "x", "y", "z")),
        Case("COMMAND LIST FILTERBY MODULE", C("COMMAND", "LIST", "FILTERBY", "MODULE", "x")),
        Case("COMMAND LIST FILTERBY unknown ACLCAT",
             C("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch")),
        Case("COMMAND LIST FILTERBY PATTERN", C("COMMAND", "LIST", "FILTERBY", "PATTERN",
                                                "getr*")),
        Case("COMMAND LIST FILTERBY PATTERN subcommand",
             C("COMMAND", "LIST", "FILTERBY", "PATTERN", "slowlog|l*")),
    ]
    return cases


# --------------------------------------------------------------------------------------
# Shape checks
# --------------------------------------------------------------------------------------

# Redis 7.0.15's CLIENT LIST fields, in its order; respcache may add later versions' fields
# after them.
CLIENT_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub",
                 "psub", "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs",
                 "rbp", "obl", "oll", "omem", "tot-mem", "events", "cmd", "user", "redir",
                 "resp"]
RESPCACHE_EXTRA_CLIENT_FIELDS = ["lib-name", "lib-ver", "tot-net-in", "tot-net-out", "tot-cmds"]


def parse_client_line(line):
    return [tuple(kv.split("=", 1)) for kv in line.split(" ")]


def introspection_shape_checks(servers, candidate_is_respcache, query, info_sections,
                               connect):
    """Returns (number of checks, list of problems). `query(server, *commands)` sends on a
    fresh connection; `connect(server)` opens one."""
    problems, count = [], 0
    names = list(servers)

    def each(label, fn):
        nonlocal count
        for name in names:
            count += 1
            try:
                problems.extend(fn(servers[name], name, f"{label} on {name}"))
            except (OSError, ConnectionError, ValueError, AttributeError, TypeError, IndexError,
                    KeyError) as e:
                problems.append(f"{label} on {name}: {type(e).__name__}: {e}")

    def client_info(s, name, label):
        _, info, listing = query(s, ["CLIENT", "SETNAME", "shape"], ["CLIENT", "INFO"],
                                 ["CLIENT", "LIST"])
        out = []
        if not (isinstance(info, bytes) and info.endswith(b"\n")):
            return [f"{label}: CLIENT INFO is not one line: {info!r:.200}"]
        fields = parse_client_line(info.decode().rstrip("\n"))
        keys = [k for k, _ in fields]
        expected = CLIENT_FIELDS + (RESPCACHE_EXTRA_CLIENT_FIELDS
                                    if name != "redis" and candidate_is_respcache else [])
        if keys != expected:
            out.append(f"{label}: fields {keys} != {expected}")
        values = dict(fields)
        if values.get("name") != "shape":
            out.append(f"{label}: name={values.get('name')!r}")
        if values.get("cmd") != "client|info":
            out.append(f"{label}: cmd={values.get('cmd')!r}")
        if values.get("multi") != "-1" or values.get("flags") != "N":
            out.append(f"{label}: multi={values.get('multi')} flags={values.get('flags')}")
        if not re.fullmatch(r"127\.0\.0\.1:\d+", values.get("addr", "")):
            out.append(f"{label}: addr={values.get('addr')!r}")
        if int(values.get("qbuf", "-1")) <= 0:
            out.append(f"{label}: qbuf={values.get('qbuf')} while the command is in it")
        if "tot-cmds" in values and int(values["tot-cmds"]) < 1:
            out.append(f"{label}: tot-cmds={values['tot-cmds']} after CLIENT SETNAME")
        lines = [l for l in listing.decode().split("\n") if l]
        ours = [l for l in lines if dict(parse_client_line(l)).get("id") == values.get("id")]
        if len(ours) != 1 or dict(parse_client_line(ours[0])).get("cmd") != "client|list":
            out.append(f"{label}: CLIENT LIST does not show this client once: {ours!r:.300}")
        return out

    each("CLIENT INFO/LIST fields", client_info)

    def client_list_id(s, name, label):
        [my_id] = query(s, ["CLIENT", "ID"])
        with connect(s) as sock:
            sock.sendall(C("CLIENT", "ID"))
            other = int(read_line(sock)[1:])
            [listing] = query(s, ["CLIENT", "LIST", "ID", str(other), "99999999", str(other)])
        lines = [l for l in listing.decode().split("\n") if l]
        ids = [dict(parse_client_line(l))["id"] for l in lines]
        return [] if ids == [str(other), str(other)] else [f"{label}: ids {ids}"]

    each("CLIENT LIST ID", client_list_id)

    def client_multi(s, name, label):
        with connect(s) as sock:
            sock.sendall(C("MULTI") + C("SET", "a", "1") + C("GET", "a"))
            for _ in range(3):
                read_line(sock)
            sock.sendall(C("CLIENT", "ID"))
            read_line(sock)  # +QUEUED
            sock.sendall(C("DISCARD"))
            read_line(sock)
            sock.sendall(C("MULTI") + C("SET", "a", "1") + C("CLIENT", "INFO") + C("EXEC"))
            data = read_until(sock, b"\n\r\n")
        m = re.search(rb"flags=(\S+) .* multi=(-?\d+)", data)
        if not m or m.group(1) != b"x" or m.group(2) != b"2":
            return [f"{label}: inside EXEC: {data!r:.300}"]
        return []

    each("CLIENT INFO in MULTI", client_multi)

    def client_kill(s, name, label):
        out = []
        with connect(s) as victim:
            victim.sendall(C("CLIENT", "ID"))
            victim_id = read_line(victim)[1:].decode()
            [killed] = query(s, ["CLIENT", "KILL", "ID", victim_id])
            if killed != 1:
                out.append(f"{label}: CLIENT KILL ID answered {killed!r}")
            if not closed(victim):
                out.append(f"{label}: the killed client is still open")
        with connect(s) as victim:
            victim.sendall(C("CLIENT", "INFO"))
            info = read_until(victim, b"\n\r\n").decode()
            addr = re.search(r" addr=(\S+)", info).group(1)
            [reply] = query(s, ["CLIENT", "KILL", addr])
            if reply != b"OK":
                out.append(f"{label}: CLIENT KILL {addr} answered {reply!r}")
            if not closed(victim):
                out.append(f"{label}: the client killed by address is still open")
        with connect(s) as me:
            me.sendall(C("CLIENT", "INFO"))
            info = read_until(me, b"\n\r\n").decode()
            my_id = re.search(r"\nid=(\d+)", info).group(1)
            me.sendall(C("CLIENT", "KILL", "ID", my_id, "SKIPME", "no"))
            reply = read_line(me)
            if reply != b":1" or not closed(me):
                out.append(f"{label}: killing itself: {reply!r}")
        return out

    each("CLIENT KILL", client_kill)

    def time_shape(s, name, label):
        [reply] = query(s, ["TIME"])
        if not (isinstance(reply, list) and len(reply) == 2 and all(
                isinstance(x, bytes) and x.isdigit() for x in reply)):
            return [f"{label}: {reply!r}"]
        if abs(int(reply[0]) - time.time()) > 5 or int(reply[1]) >= 1000000:
            return [f"{label}: {reply!r} is not now"]
        return []

    each("TIME", time_shape)

    def lastsave_shape(s, name, label):
        [reply] = query(s, ["LASTSAVE"])
        if not isinstance(reply, int) or not time.time() - 86400 < reply <= time.time() + 1:
            return [f"{label}: {reply!r}"]
        return []

    each("LASTSAVE", lastsave_shape)

    def slowlog_shape(s, name, label):
        long_arg = "x" * 200
        replies = query(s, ["CONFIG", "SET", "slowlog-log-slower-than", "0"],
                        ["SLOWLOG", "RESET"], ["CLIENT", "SETNAME", "slow"],
                        ["ECHO", long_arg], ["MGET", *[f"k{i}" for i in range(40)]],
                        ["SLOWLOG", "GET", "3"],
                        ["CONFIG", "SET", "slowlog-log-slower-than", "10000"])
        entries = replies[5]
        out = []
        if not isinstance(entries, list) or len(entries) != 3:
            return [f"{label}: SLOWLOG GET 3 gave {entries!r:.300}"]
        for e in entries:
            if not (isinstance(e, list) and len(e) == 6 and all(isinstance(x, int) for x in e[:3])
                    and isinstance(e[3], list) and isinstance(e[4], bytes)
                    and isinstance(e[5], bytes)):
                out.append(f"{label}: entry {e!r:.200}")
        mget, echo = entries[0][3], entries[1][3]
        if len(mget) != 32 or mget[-1] != b"... (10 more arguments)":
            out.append(f"{label}: MGET of 41 arguments logged as {mget!r:.200}")
        if echo != [b"ECHO", b"x" * 128 + b"... (72 more bytes)"]:
            out.append(f"{label}: long ECHO logged as {echo!r:.200}")
        if entries[0][5] != b"slow" or not re.fullmatch(rb"127\.0\.0\.1:\d+", entries[0][4]):
            out.append(f"{label}: client {entries[0][4:]!r}")
        if not entries[0][0] > entries[1][0] > entries[2][0]:
            out.append(f"{label}: ids not newest first: {[e[0] for e in entries]}")
        return out

    each("SLOWLOG entries", slowlog_shape)

    def monitor_shape(s, name, label):
        with connect(s) as monitor:
            monitor.sendall(C("MONITOR"))
            if read_line(monitor) != b"+OK":
                return [f"{label}: MONITOR did not answer +OK"]
            query(s, ["SET", "mon:k", "a b\"\n\x01"], ["CLIENT", "LIST"], ["GET", "mon:k"],
                  ["AUTH", "secret"])
            lines = [read_line(monitor) for _ in range(3)]
        pattern = rb'\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] '
        expected = [b'"SET" "mon:k" "a b\\"\\n\\x01"', b'"GET" "mon:k"',
                    b'"AUTH" "(redacted)"']
        out = []
        for line, tail in zip(lines, expected):
            if not re.fullmatch(pattern + re.escape(tail), line):
                out.append(f"{label}: {line!r} does not end with {tail!r}")
        return out

    each("MONITOR lines", monitor_shape)

    def info_fields(s, name, label):
        [info] = query(s, ["INFO", "everything"])
        sections = info_sections(info)
        out = []
        for section, fields in (("Server", ["redis_git_sha1", "redis_build_id"]),
                                ("Stats", ["total_error_replies"]),
                                ("CPU", ["used_cpu_sys", "used_cpu_user", "used_cpu_sys_children",
                                         "used_cpu_user_children", "used_cpu_sys_main_thread",
                                         "used_cpu_user_main_thread"])):
            missing = [f for f in fields if f not in sections.get(section, {})]
            if missing:
                out.append(f"{label}: # {section} lacks {missing}")
        if "Errorstats" not in sections:
            out.append(f"{label}: no # Errorstats section")
        [bare] = query(s, ["INFO"])
        if b"# Errorstats" not in bare:
            out.append(f"{label}: a bare INFO lacks # Errorstats")
        return out

    each("INFO fields", info_fields)

    def latencystats(s, name, label):
        _, stats, bare = query(s, ["GET", "lat:k"], ["INFO", "latencystats"], ["INFO"])
        fields = info_sections(stats).get("Latencystats", {})
        value = fields.get("latency_percentiles_usec_get", "")
        keys = [kv.split("=")[0] for kv in value.split(",")]
        out = []
        if keys != ["p50", "p99", "p99.9"] or not all(
                re.fullmatch(r"\d+\.\d{3}", kv.split("=")[1]) for kv in value.split(",")):
            out.append(f"{label}: latency_percentiles_usec_get is {value!r}")
        if b"# Latencystats" in bare:
            out.append(f"{label}: a bare INFO shows Latencystats")
        return out

    each("INFO latencystats", latencystats)

    def config_glob(s, name, label):
        [reply] = query(s, ["CONFIG", "GET", "slowlog*", "maxclients", "time*"])
        pairs = dict(zip(reply[0::2], reply[1::2]))
        want = {b"slowlog-log-slower-than", b"slowlog-max-len", b"maxclients", b"timeout"}
        return [] if want <= set(pairs) else [f"{label}: {sorted(pairs)}"]

    each("CONFIG GET patterns", config_glob)

    return count, problems


def read_line(sock, limit=5.0):
    sock.settimeout(limit)
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError("closed while reading a line")
        data += chunk
    return data[:-2]


def read_until(sock, end, limit=5.0):
    sock.settimeout(limit)
    data = b""
    while not data.endswith(end):
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def closed(sock, limit=3.0):
    sock.settimeout(limit)
    try:
        while True:
            if not sock.recv(4096):
                return True
    except socket.timeout:
        return False
    except OSError:
        return True
