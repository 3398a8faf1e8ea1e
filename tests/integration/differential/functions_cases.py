"""Differential cases for Redis 7.0 functions: FUNCTION LOAD/LIST/DELETE/FLUSH, FCALL and
FCALL_RO. Each case starts with FUNCTION FLUSH, since libraries outlive a case (and FLUSHALL)."""

from differential.cases import C, Case

FLUSH = C("FUNCTION", "FLUSH")
LIB = ("#!lua name=mylib\n"
       "redis.register_function('f1', function(keys, args) return keys[1] end)\n"
       "redis.register_function{function_name='f2', callback=function(k, a)"
       " return redis.call('get', k[1]) end, flags={'no-writes'}, description='reads'}\n"
       "redis.register_function('w', function(k, a) return redis.call('set', k[1], a[1]) end)\n")


# One function per library where the reply lists functions: Redis lists them in its dict's
# order, which respcache does not copy.
LIB1 = ("#!lua name=mylib\n"
        "redis.register_function{function_name='f2', callback=function(k, a)"
        " return redis.call('get', k[1]) end, flags={'no-writes'}, description='reads'}\n")


def L(code, *options):
    return C("FUNCTION", "LOAD", *options, code)


def lib(body, name="y"):
    return "#!lua name=" + name + "\n" + body


def function_cases():
    return [
        Case("load and list", FLUSH, L(LIB1), C("FUNCTION", "LIST")),
        Case("list withcode", FLUSH, L(LIB1), C("FUNCTION", "LIST", "WITHCODE")),
        Case("list libraryname", FLUSH, L(LIB1), L(lib("redis.register_function('g', function() return 1 end)")),
             C("FUNCTION", "LIST", "LIBRARYNAME", "my*"), C("FUNCTION", "LIST", "LIBRARYNAME", "zz")),
        Case("list bad argument", C("FUNCTION", "LIST", "FOO")),
        Case("load twice", FLUSH, L(LIB), L(LIB)),
        Case("load replace", FLUSH, L(LIB), L(LIB, "REPLACE"), C("FCALL", "f1", "1", "k")),
        Case("function in another library", FLUSH, L(LIB),
             L(lib("redis.register_function('f1', function() return 1 end)"))),
        Case("fcall keys and args", FLUSH, L(LIB), C("FCALL", "w", "1", "k", "v"),
             C("FCALL", "f2", "1", "k"), C("FCALL_RO", "f2", "1", "k")),
        Case("fcall_ro of a writer", FLUSH, L(LIB), C("FCALL_RO", "w", "1", "k", "v")),
        Case("no-writes function writes", FLUSH,
             L(lib("redis.register_function{function_name='g', callback=function()"
                   " return redis.call('set','a','b') end, flags={'no-writes'}}")),
             C("FCALL", "g", "0")),
        Case("fcall unknown", FLUSH, C("FCALL", "nope", "0"), C("FCALL_RO", "nope", "0")),
        Case("fcall numkeys errors", FLUSH, L(LIB), C("FCALL", "f1", "5", "a"),
             C("FCALL", "f1", "-1"), C("FCALL", "f1", "x")),
        Case("runtime error", FLUSH, L(lib("redis.register_function('g', function() error('boom') end)")),
             C("FCALL", "g", "0")),
        Case("bad library name", L(lib("redis.register_function('g', function() end)", "a-b"))),
        Case("bad function name", L(lib("redis.register_function('a b', function() end)"))),
        Case("no functions", L(lib("return 1"))),
        Case("no metadata", L("return 1")),
        Case("no name", L("#!lua\nreturn 1")),
        Case("duplicate in library", L(lib("redis.register_function('g', function() end)\n"
                                           "redis.register_function('g', function() end)"))),
        Case("unknown flag", L(lib("redis.register_function{function_name='g',"
                                   " callback=function() end, flags={'bad'}}"))),
        Case("table form without callback", L(lib("redis.register_function{function_name='g'}"))),
        Case("table form unknown key", L(lib("redis.register_function{function_name='g',"
                                             " callback=function() end, x=1}"))),
        Case("wrong argument count", L(lib("redis.register_function('g')"))),
        Case("compile error", L(lib("this is not lua"))),
        Case("delete", FLUSH, L(LIB), C("FUNCTION", "DELETE", "mylib"), C("FUNCTION", "DELETE", "mylib"),
             C("FCALL", "f1", "0")),
        Case("help", C("FUNCTION", "HELP")),
        # Redis LZF-compresses library code (always past 20 bytes) and respcache does not, so
        # only the empty payload is byte-exact; a respcache payload restoring in redis-server is
        # checked by hand (see the commit).
        Case("dump empty", FLUSH, C("FUNCTION", "DUMP")),
        Case("stats", FLUSH, C("FUNCTION", "STATS"), L(LIB), C("FUNCTION", "STATS")),
        Case("flush options", C("FUNCTION", "FLUSH", "SYNC"), C("FUNCTION", "FLUSH", "ASYNC"),
             C("FUNCTION", "FLUSH", "FOO"), C("FUNCTION", "LIST")),
    ]
