// The script sandbox: Redis 7.0's libraries and its read-only globals.
//
// Redis 7.0 patches its Lua with read-only tables (lua_enablereadonlytable) and refuses
// precompiled chunks. Debian's Lua 5.1 has neither patch, so the same effect comes from
// metatables and wrapped builtins:
//   - the global table refuses writes through a __newindex that raises Redis's "Attempt to
//     modify a readonly table", and its __index raises "Script attempted to access
//     nonexistent global variable";
//   - each library table (string, math, redis, ...) is replaced by an empty proxy that reads
//     through to it and refuses writes;
//   - rawset and setmetatable refuse every protected table (the globals, the proxies and
//     their metatables), which getmetatable cannot reach (it returns an empty, protected
//     decoy);
//   - loadstring and load refuse binary chunks, the way out of any Lua sandbox.
// What remains open: lua_rawseti, through table.insert and friends, can add numbered entries
// to a protected table. SCRIPT FLUSH replaces the whole state, as Redis's does.

#include <array>

#include "lua_internal.hpp"

extern "C" {
#include <lua-bitop.h>
#include <lua-cjson.h>
}

namespace respcache::scripting {
namespace {

constexpr const char* kProtectedTables = "respcache_protected";
constexpr const char* kReadOnly = "Attempt to modify a readonly table";

int refuse_write(lua_State* lua) { return luaL_error(lua, kReadOnly); }

void mark_protected(lua_State* lua, int index) {
  index = index < 0 ? lua_gettop(lua) + index + 1 : index;
  lua_getfield(lua, LUA_REGISTRYINDEX, kProtectedTables);
  lua_pushvalue(lua, index);
  lua_pushboolean(lua, 1);
  lua_rawset(lua, -3);
  lua_pop(lua, 1);
}

bool is_protected(lua_State* lua, int index) {
  lua_getfield(lua, LUA_REGISTRYINDEX, kProtectedTables);
  lua_pushvalue(lua, index);
  lua_rawget(lua, -2);
  const bool protected_table = lua_toboolean(lua, -1) != 0;
  lua_pop(lua, 2);
  return protected_table;
}

// The error Redis's patched Lua raises inside rawset: no script position, since the write
// happens in a C function.
int raise_read_only(lua_State* lua) {
  lua_pushstring(lua, kReadOnly);
  return lua_error(lua);
}

// rawset(t, k, v), refused for protected tables.
int safe_rawset(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  luaL_checkany(lua, 2);
  luaL_checkany(lua, 3);
  if (is_protected(lua, 1)) return raise_read_only(lua);
  lua_settop(lua, 3);
  lua_rawset(lua, 1);
  return 1;
}

// setmetatable(t, mt) through the original (upvalue 1), refused for protected tables.
int safe_setmetatable(lua_State* lua) {
  if (lua_istable(lua, 1) && is_protected(lua, 1)) return raise_read_only(lua);
  lua_pushvalue(lua, lua_upvalueindex(1));
  lua_insert(lua, 1);
  lua_call(lua, lua_gettop(lua) - 1, LUA_MULTRET);
  return lua_gettop(lua);
}

constexpr const char* kBinaryChunk = "attempt to load a binary chunk";

int refuse_binary(lua_State* lua) {
  lua_pushnil(lua);
  lua_pushstring(lua, kBinaryChunk);
  return 2;
}

// loadstring(s [, name]) through the original (upvalue 1), refusing bytecode.
int safe_loadstring(lua_State* lua) {
  std::size_t length = 0;
  const char* text = luaL_checklstring(lua, 1, &length);
  if (length > 0 && text[0] == LUA_SIGNATURE[0]) return refuse_binary(lua);
  lua_pushvalue(lua, lua_upvalueindex(1));
  lua_insert(lua, 1);
  lua_call(lua, lua_gettop(lua) - 1, LUA_MULTRET);
  return lua_gettop(lua);
}

// Lua 5.1's generic_reader for load(f), noting whether the first piece is bytecode (and then
// reading no further).
struct LoadReader {
  bool first = true;
  bool binary = false;
};

const char* read_piece(lua_State* lua, void* data, std::size_t* size) {
  auto* reader = static_cast<LoadReader*>(data);
  luaL_checkstack(lua, 2, "too many nested functions");
  lua_pushvalue(lua, 1);
  lua_call(lua, 0, 1);
  if (lua_isnil(lua, -1)) {
    *size = 0;
    return nullptr;
  }
  if (lua_isstring(lua, -1) == 0) {
    luaL_error(lua, "reader function must return a string");
    return nullptr;
  }
  lua_replace(lua, 3);
  const char* piece = lua_tolstring(lua, 3, size);
  if (reader->first && *size > 0) {
    reader->first = false;
    if (piece[0] == LUA_SIGNATURE[0]) {
      reader->binary = true;
      *size = 0;
      return nullptr;
    }
  }
  return piece;
}

// load(f [, name]), as Lua 5.1's luaB_load, refusing bytecode.
int safe_load(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TFUNCTION);
  const char* name = luaL_optstring(lua, 2, "=(load)");
  lua_settop(lua, 3);
  LoadReader reader;
  const int status = lua_load(lua, read_piece, &reader, name);
  if (reader.binary) return refuse_binary(lua);
  if (status == 0) return 1;
  lua_pushnil(lua);
  lua_insert(lua, -2);
  return 2;
}

void wrap_global(lua_State* lua, const char* name, lua_CFunction wrapper) {
  lua_getglobal(lua, name);
  lua_pushcclosure(lua, wrapper, 1);
  lua_setglobal(lua, name);
}

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

// What getmetatable() returns for a protected table: an empty table that refuses writes.
void push_decoy(lua_State* lua) {
  lua_newtable(lua);
  lua_newtable(lua);
  lua_pushcfunction(lua, refuse_write);
  lua_setfield(lua, -2, "__newindex");
  lua_pushboolean(lua, 0);
  lua_setfield(lua, -2, "__metatable");
  mark_protected(lua, -1);
  lua_setmetatable(lua, -2);
  mark_protected(lua, -1);
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
  push_decoy(lua);
  lua_setfield(lua, -2, "__metatable");  // getmetatable() cannot reach the real table
  mark_protected(lua, -1);
  lua_setmetatable(lua, -2);
  mark_protected(lua, -1);
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
  for (const char* name : {"dofile", "loadfile", "print", "newproxy"}) {
    lua_pushnil(lua);
    lua_setglobal(lua, name);
  }
}

void protect_globals(lua_State* lua) {
  lua_newtable(lua);
  lua_setfield(lua, LUA_REGISTRYINDEX, kProtectedTables);
  wrap_global(lua, "setmetatable", safe_setmetatable);
  wrap_global(lua, "loadstring", safe_loadstring);
  lua_pushcfunction(lua, safe_load);
  lua_setglobal(lua, "load");
  lua_pushcfunction(lua, safe_rawset);
  lua_setglobal(lua, "rawset");
  for (const char* name : {"string", "math", "table", "cjson", "bit", "coroutine", "redis"}) {
    make_read_only_view(lua, name);
  }
  lua_pushvalue(lua, LUA_GLOBALSINDEX);
  lua_newtable(lua);
  lua_pushcfunction(lua, refuse_missing_global);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, refuse_write);
  lua_setfield(lua, -2, "__newindex");
  push_decoy(lua);
  lua_setfield(lua, -2, "__metatable");
  mark_protected(lua, -1);
  lua_setmetatable(lua, -2);
  mark_protected(lua, -1);
  lua_pop(lua, 1);
}

void set_protected_global(lua_State* lua, const char* name) {
  // The value is on top; rawset goes past __newindex.
  lua_pushstring(lua, name);
  lua_insert(lua, -2);
  lua_rawset(lua, LUA_GLOBALSINDEX);
}

}  // namespace respcache::scripting
