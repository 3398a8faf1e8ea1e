// The script sandbox: Redis 7.0's libraries and its read-only globals.
//
// Redis 7.0 patches its Lua with read-only tables (lua_enablereadonlytable). Debian's Lua 5.1
// has no such patch, so the same effect comes from metatables: the global table stays empty
// of writes through a __newindex that raises Redis's "Attempt to modify a readonly table",
// its __index raises "Script attempted to access nonexistent global variable", and each
// library table (string, math, redis, ...) is replaced by an empty proxy that reads through
// to it and refuses writes. A script can still rawset() into a proxy or the globals, which
// Redis's patch refuses; what it sets that way is dropped with the thread's state on SCRIPT
// FLUSH.

#include <array>

#include "lua_internal.hpp"

extern "C" {
#include <lua-bitop.h>
#include <lua-cjson.h>
}

namespace respcache::scripting {
namespace {

int refuse_write(lua_State* lua) { return luaL_error(lua, "Attempt to modify a readonly table"); }

int refuse_missing_global(lua_State* lua) {
  const char* name = lua_tostring(lua, 2);
  return luaL_error(lua, "Script attempted to access nonexistent global variable '%s'",
                    name != nullptr ? name : "?");
}

void load_library(lua_State* lua, const char* name, lua_CFunction open) {
  lua_pushcfunction(lua, open);
  lua_pushstring(lua, name);
  lua_call(lua, 1, 0);
}

// Replaces the table at globals[name] by a read-only proxy of it.
void make_read_only_view(lua_State* lua, const char* name) {
  lua_getglobal(lua, name);
  if (!lua_istable(lua, -1)) {
    lua_pop(lua, 1);
    return;
  }
  lua_newtable(lua);  // the proxy
  lua_newtable(lua);  // its metatable
  lua_pushvalue(lua, -3);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, refuse_write);
  lua_setfield(lua, -2, "__newindex");
  lua_pushboolean(lua, 0);
  lua_setfield(lua, -2, "__metatable");  // getmetatable() cannot reach the real table
  lua_setmetatable(lua, -2);
  lua_setglobal(lua, name);
  lua_pop(lua, 1);
}

}  // namespace

void open_sandboxed_libraries(lua_State* lua) {
  load_library(lua, "", luaopen_base);
  load_library(lua, LUA_TABLIBNAME, luaopen_table);
  load_library(lua, LUA_STRLIBNAME, luaopen_string);
  load_library(lua, LUA_MATHLIBNAME, luaopen_math);
  load_library(lua, LUA_DBLIBNAME, luaopen_debug);
  load_library(lua, "bit", luaopen_bit);  // registers the global `bit` itself
  // Debian's lua-cjson leaves setting a global to its caller (require would); Redis's sets
  // `cjson`.
  lua_pushcfunction(lua, luaopen_cjson);
  lua_call(lua, 0, 1);
  lua_setglobal(lua, "cjson");
  // Not loaded, as in Redis: package (require, module), os and io. Removed from base:
  for (const char* name : {"dofile", "loadfile", "print"}) {
    lua_pushnil(lua);
    lua_setglobal(lua, name);
  }
}

void protect_globals(lua_State* lua) {
  for (const char* name : {"string", "math", "table", "cjson", "bit", "coroutine", "redis"}) {
    make_read_only_view(lua, name);
  }
  lua_pushvalue(lua, LUA_GLOBALSINDEX);
  lua_newtable(lua);
  lua_pushcfunction(lua, refuse_missing_global);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, refuse_write);
  lua_setfield(lua, -2, "__newindex");
  lua_pushboolean(lua, 0);
  lua_setfield(lua, -2, "__metatable");
  lua_setmetatable(lua, -2);
  lua_pop(lua, 1);
}

void set_protected_global(lua_State* lua, const char* name) {
  // The value is on top; rawset goes past __newindex.
  lua_pushstring(lua, name);
  lua_insert(lua, -2);
  lua_rawset(lua, LUA_GLOBALSINDEX);
}

}  // namespace respcache::scripting
