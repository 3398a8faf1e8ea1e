// Redis 7.0 functions in a Lua state: the load-time `redis` table with register_function,
// loading library code, and calling a registered function.
//
// Registry layout: respcache_functions maps each function name to its callback, for every
// library this state has loaded; respcache_loading collects one library's callbacks while
// its code runs; respcache_load_api is the `redis` table that code sees.

#include <chrono>
#include <cstring>

#include "lua_internal.hpp"

namespace respcache::scripting {
namespace {

// Redis's LOAD_TIMEOUT_MS: a library's top level (run by FUNCTION LOAD and RESTORE, and again
// by each thread that loads it) may take this long, so that a loop there cannot hold a thread.
constexpr auto kLoadTimeout = std::chrono::milliseconds(500);
constexpr int kLoadHookInstructions = 100000;
thread_local std::chrono::steady_clock::time_point t_load_deadline;

void load_timeout_hook(lua_State* lua, lua_Debug*) {
  if (std::chrono::steady_clock::now() < t_load_deadline) return;
  lua_sethook(lua, load_timeout_hook, LUA_MASKLINE, 0);  // a pcall cannot catch it for good
  push_error_table(lua, "FUNCTION LOAD timeout");
  lua_error(lua);
}

constexpr const char* kFunctions = "respcache_functions";
constexpr const char* kLoading = "respcache_loading";
constexpr const char* kLoadApi = "respcache_load_api";
constexpr std::size_t kUnlimited = static_cast<std::size_t>(-1);

[[noreturn]] void raise(lua_State* lua, const char* text) {
  push_error_table(lua, text);
  lua_error(lua);
  __builtin_unreachable();
}

bool valid_name(const char* name, std::size_t length) {
  if (length == 0) return false;
  for (std::size_t i = 0; i < length; ++i) {
    const char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

// Reads the flags table at `index` into ScriptFlag bits.
std::uint32_t read_flags(lua_State* lua, int index) {
  if (!lua_istable(lua, index))
    raise(lua,
          "flags argument to redis.register_function must be a table representing function flags");
  std::uint32_t flags = 0;
  lua_pushnil(lua);
  while (lua_next(lua, index) != 0) {
    std::size_t length = 0;
    const char* name = lua_type(lua, -1) == LUA_TSTRING ? lua_tolstring(lua, -1, &length) : nullptr;
    const std::uint32_t flag = name != nullptr ? flag_named({name, length}) : 0;
    if (flag == 0) raise(lua, "unknown flag given");
    flags |= flag;
    lua_pop(lua, 1);
  }
  return flags;
}

// redis.register_function(name, callback) or redis.register_function{function_name=...,
// callback=..., flags=..., description=...}. No C++ object lives across a Lua error here.
int register_function(lua_State* lua) {
  auto* engine = static_cast<LuaEngine*>(lua_touserdata(lua, lua_upvalueindex(1)));
  std::vector<FunctionInfo>* loading = LuaEngine::Access::loading(*engine);
  if (loading == nullptr)
    raise(lua, "redis.register_function can only be called on FUNCTION LOAD command");
  const int argc = lua_gettop(lua);
  int name_index = 0, callback_index = 0, description_index = 0;
  std::uint32_t flags = 0;
  if (argc == 1) {
    if (!lua_istable(lua, 1))
      raise(lua,
            "calling redis.register_function with a single argument is only applicable to Lua "
            "table (representing named arguments).");
    lua_pushnil(lua);
    while (lua_next(lua, 1) != 0) {
      if (lua_type(lua, -2) != LUA_TSTRING)
        raise(lua, "named argument key given to redis.register_function is not a string");
      const char* key = lua_tostring(lua, -2);
      const int value = lua_gettop(lua);
      if (std::strcmp(key, "function_name") == 0) {
        if (lua_type(lua, value) != LUA_TSTRING)
          raise(lua, "function_name argument given to redis.register_function must be a string");
        name_index = value;
      } else if (std::strcmp(key, "description") == 0) {
        if (lua_type(lua, value) != LUA_TSTRING)
          raise(lua, "description argument given to redis.register_function must be a string");
        description_index = value;
      } else if (std::strcmp(key, "callback") == 0) {
        if (!lua_isfunction(lua, value))
          raise(lua, "callback argument given to redis.register_function must be a function");
        callback_index = value;
      } else if (std::strcmp(key, "flags") == 0) {
        flags = read_flags(lua, value);
      } else {
        raise(lua, "unknown argument given to redis.register_function");
      }
      lua_pushvalue(lua, -2);  // the key again for lua_next; the value stays on the stack
    }
    if (name_index == 0) raise(lua, "redis.register_function must get a function name argument");
    if (callback_index == 0) raise(lua, "redis.register_function must get a callback argument");
  } else if (argc == 2) {
    if (lua_type(lua, 1) != LUA_TSTRING)
      raise(lua, "first argument to redis.register_function must be a string");
    if (!lua_isfunction(lua, 2))
      raise(lua, "second argument to redis.register_function must be a function");
    name_index = 1;
    callback_index = 2;
  } else {
    raise(lua, "wrong number of arguments to redis.register_function");
  }
  std::size_t length = 0;
  const char* name = lua_tolstring(lua, name_index, &length);
  if (!valid_name(name, length))
    raise(lua,
          "Library names can only contain letters, numbers, or underscores(_) and must be at least "
          "one character long");
  lua_getfield(lua, LUA_REGISTRYINDEX, kLoading);
  lua_pushvalue(lua, name_index);
  lua_rawget(lua, -2);
  if (!lua_isnil(lua, -1)) raise(lua, "Function already exists in the library");
  lua_pop(lua, 1);
  lua_pushvalue(lua, name_index);
  lua_pushvalue(lua, callback_index);
  lua_rawset(lua, -3);
  FunctionInfo& info = loading->emplace_back();
  info.name.assign(name, length);
  info.flags = flags;
  if (description_index != 0) {
    std::size_t description_length = 0;
    const char* description = lua_tolstring(lua, description_index, &description_length);
    info.description.emplace(description, description_length);
  }
  return 0;
}

// The load-time redis table's __index: what a script's global lookup raises.
int missing_field(lua_State* lua) {
  luaL_where(lua, 1);
  lua_pushfstring(lua, "Script attempted to access nonexistent global variable '%s'",
                  luaL_optstring(lua, 2, "?"));
  lua_concat(lua, 2);
  return lua_error(lua);
}

}  // namespace

void register_load_api(lua_State* lua, LuaEngine* engine) {
  lua_newtable(lua);
  lua_pushlightuserdata(lua, engine);
  lua_pushcclosure(lua, register_function, 1);
  lua_setfield(lua, -2, "register_function");
  lua_getglobal(lua, "redis");
  for (const char* name : {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
                           "REDIS_VERSION", "REDIS_VERSION_NUM", "setresp"}) {
    lua_getfield(lua, -1, name);
    lua_setfield(lua, -3, name);
  }
  lua_pop(lua, 1);
  lua_newtable(lua);
  lua_pushcfunction(lua, missing_field);
  lua_setfield(lua, -2, "__index");
  lua_setmetatable(lua, -2);
  lua_setfield(lua, LUA_REGISTRYINDEX, kLoadApi);
  lua_newtable(lua);
  lua_setfield(lua, LUA_REGISTRYINDEX, kFunctions);
}

bool LuaEngine::run_library(std::string_view code, std::size_t skip,
                            std::vector<FunctionInfo>& functions, std::string& error) {
  functions.clear();
  const int base = lua_gettop(lua_);
  lua_getfield(lua_, LUA_GLOBALSINDEX, "__redis__err__handler");
  const std::string_view body = code.substr(skip);
  heap_.set_limit(limits_.heap_bytes);
  const int loaded = luaL_loadbuffer(lua_, body.data(), body.size(), "@user_function");
  heap_.set_limit(kUnlimited);
  if (loaded != 0) {
    const char* message = lua_tostring(lua_, -1);
    error = "Error compiling function: ";
    error += message != nullptr ? message : "?";
    lua_settop(lua_, base);
    return false;
  }
  lua_newtable(lua_);
  lua_setfield(lua_, LUA_REGISTRYINDEX, kLoading);
  // The library's code sees the load-time redis table; its functions, once called, the
  // real one, as Redis swaps the global around the load.
  lua_getglobal(lua_, "redis");
  const int real_redis = luaL_ref(lua_, LUA_REGISTRYINDEX);
  lua_getfield(lua_, LUA_REGISTRYINDEX, kLoadApi);
  set_protected_global(lua_, "redis");
  loading_ = &functions;
  heap_.set_limit(limits_.heap_bytes);
  t_load_deadline = std::chrono::steady_clock::now() + kLoadTimeout;
  lua_sethook(lua_, load_timeout_hook, LUA_MASKCOUNT, kLoadHookInstructions);
  const int status = lua_pcall(lua_, 0, 0, base + 1);
  lua_sethook(lua_, nullptr, 0, 0);
  heap_.set_limit(kUnlimited);
  loading_ = nullptr;
  lua_rawgeti(lua_, LUA_REGISTRYINDEX, real_redis);
  set_protected_global(lua_, "redis");
  luaL_unref(lua_, LUA_REGISTRYINDEX, real_redis);
  if (status != 0) {
    error = "Error registering functions: ";
    if (lua_istable(lua_, -1)) {
      lua_pushstring(lua_, "err");
      lua_rawget(lua_, -2);
      error += lua_isstring(lua_, -1) != 0 ? lua_tostring(lua_, -1) : "ERR unknown error";
    } else {
      error += lua_isstring(lua_, -1) != 0 ? lua_tostring(lua_, -1) : "execution failure";
    }
    lua_settop(lua_, base);
    return false;
  }
  lua_settop(lua_, base);
  return true;
}

bool LuaEngine::load_library(std::string_view code, std::size_t skip,
                             std::vector<FunctionInfo>& functions, std::string& error) {
  drop_stale_functions();
  return run_library(code, skip, functions, error);
}

void LuaEngine::sync_functions(const FunctionLibraries::Snapshot& libraries,
                               std::uint64_t generation) {
  drop_stale_functions();
  if (generation == function_generation_) return;
  function_generation_ = generation;
  lua_newtable(lua_);
  const int table = lua_gettop(lua_);
  std::vector<FunctionInfo> functions;
  std::string error;
  for (const auto& [name, library] : *libraries) {
    const std::size_t line_end = library->code.find('\n');
    if (!run_library(library->code, line_end, functions, error)) continue;  // loaded once already
    lua_getfield(lua_, LUA_REGISTRYINDEX, kLoading);
    lua_pushnil(lua_);
    while (lua_next(lua_, -2) != 0) {
      lua_pushvalue(lua_, -2);
      lua_insert(lua_, -2);
      lua_rawset(lua_, table);
    }
    lua_pop(lua_, 1);
  }
  lua_setfield(lua_, LUA_REGISTRYINDEX, kFunctions);
  lua_pushnil(lua_);
  lua_setfield(lua_, LUA_REGISTRYINDEX, kLoading);
}

void LuaEngine::call_function(std::string_view name, ScriptRun& run,
                              std::span<const std::string_view> keys,
                              std::span<const std::string_view> argv, CommandCaller& caller,
                              protocol::ReplyBuilder& reply) {
  const int base = lua_gettop(lua_);
  lua_getfield(lua_, LUA_GLOBALSINDEX, "__redis__err__handler");
  lua_getfield(lua_, LUA_REGISTRYINDEX, kFunctions);
  lua_pushlstring(lua_, name.data(), name.size());
  lua_rawget(lua_, -2);
  lua_remove(lua_, -2);
  if (!lua_isfunction(lua_, -1)) {
    lua_settop(lua_, base);
    return reply.error("ERR Function not found");
  }
  for (const auto values : {keys, argv}) {
    lua_createtable(lua_, static_cast<int>(values.size()), 0);
    for (std::size_t i = 0; i < values.size(); ++i) {
      lua_pushlstring(lua_, values[i].data(), values[i].size());
      lua_rawseti(lua_, -2, static_cast<int>(i + 1));
    }
  }
  execute(base, 2, run, caller, reply);
}

}  // namespace respcache::scripting
