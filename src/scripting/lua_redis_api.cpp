// The `redis` table scripts see, math.random and pcall, as Redis 7.0's script_lua.c and
// eval.c define them. Each C function finds its engine in upvalue 1.

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>

#include "lua_internal.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/scripting/sha1.hpp"

namespace respcache::scripting {
namespace {

LuaEngine& engine_of(lua_State* lua) {
  return *static_cast<LuaEngine*>(lua_touserdata(lua, lua_upvalueindex(1)));
}

// Pushes {err=...} for `text` and, for redis.call, raises it. The table is what redis.pcall
// returns; Redis marks command errors so that they are not counted twice in errorstats.
int fail(lua_State* lua, std::string_view text, bool raise, bool counted = false) {
  push_error_table(lua, text);
  if (counted) {
    lua_pushstring(lua, "ignore_error_stats_update");
    lua_pushboolean(lua, 1);
    lua_rawset(lua, -3);
  }
  return raise ? lua_error(lua) : 1;
}

// Copies the Lua arguments into the engine's argument vector; false if one is not a string
// or a number. Numbers become "%.17g", as Redis's luaArgsToRedisArgv makes them.
bool collect_arguments(lua_State* lua, LuaEngine& engine, int argc) {
  auto& args = LuaEngine::Access::call_args(engine);
  auto& views = LuaEngine::Access::call_views(engine);
  args.resize(static_cast<std::size_t>(argc));
  views.clear();
  for (int i = 1; i <= argc; ++i) {
    std::string& arg = args[static_cast<std::size_t>(i - 1)];
    if (lua_type(lua, i) == LUA_TNUMBER) {
      char digits[64];
      const int length =
          std::snprintf(digits, sizeof digits, "%.17g", static_cast<double>(lua_tonumber(lua, i)));
      arg.assign(digits, static_cast<std::size_t>(length));
    } else {
      std::size_t length = 0;
      const char* text = lua_tolstring(lua, i, &length);
      if (text == nullptr) return false;
      arg.assign(text, length);
    }
  }
  for (const std::string& arg : args) views.emplace_back(arg);
  return true;
}

int generic_call(lua_State* lua, bool raise) {
  LuaEngine& engine = engine_of(lua);
  ScriptRun* run = LuaEngine::Access::run(engine);
  if (run == nullptr) {
    return fail(lua, "redis.call/pcall can only be called inside a script invocation", true);
  }
  const int argc = lua_gettop(lua);
  if (argc == 0)
    return fail(lua, "Please specify at least one argument for this redis lib call", raise);
  const bool ok = collect_arguments(lua, engine, argc);
  lua_pop(lua, argc);
  if (!ok) return fail(lua, "Lua redis lib command arguments must be strings or integers", raise);

  protocol::ReplyRecorder& reply = LuaEngine::Access::call_reply(engine);
  reply.clear();
  reply.set_protocol(run->resp);
  auto& refusal = LuaEngine::Access::refusal(engine);
  refusal =
      LuaEngine::Access::caller(engine)->call(*run, LuaEngine::Access::call_views(engine), reply);
  if (refusal) return fail(lua, *refusal, raise, true);
  push_recorded_reply(lua, reply, run->resp);
  const bool is_error = reply.top() != nullptr && reply.top()->type == protocol::ReplyType::kError;
  if (is_error) {
    lua_pushstring(lua, "ignore_error_stats_update");
    lua_pushboolean(lua, 1);
    lua_rawset(lua, -3);
    if (raise) return lua_error(lua);
  }
  return 1;
}

int redis_call(lua_State* lua) { return generic_call(lua, true); }
int redis_pcall(lua_State* lua) { return generic_call(lua, false); }

// Lua's pcall, except that a Redis error table comes back as its message, as in Redis 7.0.
int lua_pcall_compat(lua_State* lua) {
  const int argc = lua_gettop(lua);
  luaL_checkany(lua, 1);
  lua_pushboolean(lua, 1);
  lua_insert(lua, 1);
  if (lua_pcall(lua, argc - 1, LUA_MULTRET, 0) != 0) {
    lua_remove(lua, 1);
    if (lua_istable(lua, -1)) {
      lua_getfield(lua, -1, "err");
      if (lua_isstring(lua, -1) != 0) {
        lua_replace(lua, -2);
      } else {
        lua_pop(lua, 1);
      }
    }
    lua_pushboolean(lua, 0);
    lua_insert(lua, 1);
  }
  return lua_gettop(lua);
}

int redis_sha1hex(lua_State* lua) {
  if (lua_gettop(lua) != 1) return fail(lua, "wrong number of arguments", true);
  std::size_t length = 0;
  const char* text = lua_tolstring(lua, 1, &length);
  const auto digest =
      sha1_hex(text == nullptr ? std::string_view() : std::string_view(text, length));
  lua_pushlstring(lua, digest.data(), digest.size());
  return 1;
}

int redis_error_reply(lua_State* lua) {
  if (lua_gettop(lua) != 1 || lua_type(lua, -1) != LUA_TSTRING) {
    return fail(lua, "wrong number or type of arguments", false);
  }
  std::size_t length = 0;
  const char* text = lua_tolstring(lua, 1, &length);
  const std::string_view error(text, length);
  if (error.starts_with('-')) {
    push_error_table(lua, error);
  } else {
    lua_pushfstring(lua, "-%s", text);
    push_error_table(lua, std::string_view(lua_tostring(lua, -1), lua_strlen(lua, -1)));
  }
  return 1;
}

int redis_status_reply(lua_State* lua) {
  if (lua_gettop(lua) != 1 || lua_type(lua, -1) != LUA_TSTRING) {
    return fail(lua, "wrong number or type of arguments", false);
  }
  lua_newtable(lua);
  lua_pushstring(lua, "ok");
  lua_pushvalue(lua, -3);
  lua_rawset(lua, -3);
  return 1;
}

// Redis's log levels, and spdlog's for them.
constexpr int kLogDebug = 0, kLogVerbose = 1, kLogNotice = 2, kLogWarning = 3;

int redis_log(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc < 2) return fail(lua, "redis.log() requires two arguments or more.", true);
  if (lua_isnumber(lua, 1) == 0)
    return fail(lua, "First argument must be a number (log level).", true);
  const int level = lua_number_to<int>(lua_tonumber(lua, 1));
  if (level < kLogDebug || level > kLogWarning) return fail(lua, "Invalid debug level.", true);
  // The message is glued together on the Lua stack, so no C++ string is alive on error.
  int pieces = 0;
  for (int i = 2; i <= argc; ++i) {
    if (lua_isstring(lua, i) == 0) continue;
    if (pieces > 0) {
      lua_pushstring(lua, " ");
      ++pieces;
    }
    lua_pushvalue(lua, i);
    ++pieces;
  }
  lua_concat(lua, pieces);
  const spdlog::level::level_enum spd = level == kLogWarning  ? spdlog::level::warn
                                        : level == kLogNotice ? spdlog::level::info
                                                              : spdlog::level::debug;
  spdlog::log(spd, "script: {}", lua_tostring(lua, -1));
  return 0;
}

int redis_setresp(lua_State* lua) {
  ScriptRun* run = LuaEngine::Access::run(engine_of(lua));
  if (run == nullptr)
    return fail(lua, "redis.setresp can only be called inside a script invocation", true);
  if (lua_gettop(lua) != 1) return fail(lua, "redis.setresp() requires one argument.", true);
  const int resp = lua_number_to<int>(lua_tonumber(lua, 1));
  if (resp != 2 && resp != 3) return fail(lua, "RESP version must be 2 or 3.", true);
  run->resp = resp;
  return 0;
}

constexpr int kReplAof = 1, kReplReplica = 2;

int redis_set_repl(lua_State* lua) {
  if (LuaEngine::Access::run(engine_of(lua)) == nullptr) {
    return fail(lua, "redis.set_repl can only be called inside a script invocation", true);
  }
  if (lua_gettop(lua) != 1) return fail(lua, "redis.set_repl() requires two arguments.", true);
  const int flags = lua_number_to<int>(lua_tonumber(lua, -1));
  if ((flags & ~(kReplAof | kReplReplica)) != 0) {
    return fail(
        lua, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.", true);
  }
  return 0;  // accepted: there is nothing to replicate to
}

// redis.acl_check_cmd(command, args...): respcache has one user with every permission, so
// any command it has is allowed.
int redis_acl_check_cmd(lua_State* lua) {
  LuaEngine& engine = engine_of(lua);
  if (LuaEngine::Access::run(engine) == nullptr) {
    return fail(lua, "redis.acl_check_cmd can only be called inside a script invocation", true);
  }
  const int argc = lua_gettop(lua);
  if (argc == 0)
    return fail(lua, "Please specify at least one argument for this redis lib call", true);
  if (!collect_arguments(lua, engine, argc)) {
    return fail(lua, "Lua redis lib command arguments must be strings or integers", true);
  }
  if (!LuaEngine::Access::caller(engine)->knows(LuaEngine::Access::call_views(engine)[0])) {
    return fail(lua, "Invalid command passed to redis.acl_check_cmd()", true);
  }
  lua_pushboolean(lua, 1);
  return 1;
}

int redis_true(lua_State* lua) {
  lua_pushboolean(lua, 1);
  return 1;
}
int redis_false(lua_State* lua) {
  lua_pushboolean(lua, 0);
  return 1;
}
int redis_nothing(lua_State*) { return 0; }

// redisLrand48 / redisSrand48: the 48-bit linear congruential generator of rand48, with the
// initial state Redis starts from, so math.random gives Redis's sequence. Shared by every
// thread: scripts run one at a time (they hold the whole cache), which orders the accesses.
std::uint64_t g_rand48 = 0x1234ABCD330EULL;
constexpr std::uint64_t kRand48Mask = (1ULL << 48) - 1;
constexpr std::int32_t kRand48Max = 2147483647;

std::int32_t lrand48_next() {
  g_rand48 = (0x5DEECE66DULL * g_rand48 + 0xB) & kRand48Mask;
  return static_cast<std::int32_t>(g_rand48 >> 17);
}

int math_random(lua_State* lua) {
  if (LuaEngine::Access::run(engine_of(lua)) == nullptr) {
    return luaL_error(lua, "math.random can only be called inside a script invocation");
  }
  const lua_Number r =
      static_cast<lua_Number>(lrand48_next() % kRand48Max) / static_cast<lua_Number>(kRand48Max);
  switch (lua_gettop(lua)) {
    case 0:
      lua_pushnumber(lua, r);
      break;
    case 1: {
      const int upper = luaL_checkint(lua, 1);
      luaL_argcheck(lua, 1 <= upper, 1, "interval is empty");
      lua_pushnumber(lua, std::floor(r * upper) + 1);
      break;
    }
    case 2: {
      const int lower = luaL_checkint(lua, 1);
      const int upper = luaL_checkint(lua, 2);
      luaL_argcheck(lua, lower <= upper, 2, "interval is empty");
      lua_pushnumber(lua, std::floor(r * (upper - lower + 1)) + lower);
      break;
    }
    default:
      return luaL_error(lua, "wrong number of arguments");
  }
  return 1;
}

int math_randomseed(lua_State* lua) {
  if (LuaEngine::Access::run(engine_of(lua)) == nullptr) {
    return luaL_error(lua, "math.randomseed can only be called inside a script invocation");
  }
  const auto seed = static_cast<std::uint32_t>(luaL_checkint(lua, 1));
  g_rand48 = (static_cast<std::uint64_t>(seed) << 16) | 0x330E;
  return 0;
}

void set_function(lua_State* lua, const char* name, lua_CFunction fn, LuaEngine* engine) {
  lua_pushlightuserdata(lua, engine);
  lua_pushcclosure(lua, fn, 1);
  lua_setfield(lua, -2, name);
}

void set_number(lua_State* lua, const char* name, lua_Number value) {
  lua_pushnumber(lua, value);
  lua_setfield(lua, -2, name);
}

// 7.0.15 as Redis's REDIS_VERSION_NUM: 0x00MMmmpp.
lua_Number version_number(std::string_view version) {
  int major = 0, minor = 0, patch = 0;
  std::sscanf(std::string(version).c_str(), "%d.%d.%d", &major, &minor, &patch);
  return (major << 16) | (minor << 8) | patch;
}

}  // namespace

void register_redis_api(lua_State* lua, LuaEngine* engine) {
  lua_newtable(lua);
  set_function(lua, "call", redis_call, engine);
  set_function(lua, "pcall", redis_pcall, engine);
  set_function(lua, "log", redis_log, engine);
  set_number(lua, "LOG_DEBUG", kLogDebug);
  set_number(lua, "LOG_VERBOSE", kLogVerbose);
  set_number(lua, "LOG_NOTICE", kLogNotice);
  set_number(lua, "LOG_WARNING", kLogWarning);
  set_number(lua, "REDIS_VERSION_NUM", version_number(core::kCompatibleRedisVersion));
  lua_pushlstring(lua, core::kCompatibleRedisVersion.data(), core::kCompatibleRedisVersion.size());
  lua_setfield(lua, -2, "REDIS_VERSION");
  set_function(lua, "setresp", redis_setresp, engine);
  set_function(lua, "sha1hex", redis_sha1hex, engine);
  set_function(lua, "error_reply", redis_error_reply, engine);
  set_function(lua, "status_reply", redis_status_reply, engine);
  set_function(lua, "set_repl", redis_set_repl, engine);
  set_number(lua, "REPL_NONE", 0);
  set_number(lua, "REPL_AOF", kReplAof);
  set_number(lua, "REPL_SLAVE", kReplReplica);
  set_number(lua, "REPL_REPLICA", kReplReplica);
  set_number(lua, "REPL_ALL", kReplAof | kReplReplica);
  set_function(lua, "acl_check_cmd", redis_acl_check_cmd, engine);
  set_function(lua, "replicate_commands", redis_true, engine);
  set_function(lua, "breakpoint", redis_false, engine);
  set_function(lua, "debug", redis_nothing, engine);
  lua_setglobal(lua, "redis");

  lua_pushlightuserdata(lua, engine);
  lua_pushcclosure(lua, lua_pcall_compat, 1);
  lua_setglobal(lua, "pcall");

  lua_getglobal(lua, "math");
  set_function(lua, "random", math_random, engine);
  set_function(lua, "randomseed", math_randomseed, engine);
  lua_pop(lua, 1);
}

}  // namespace respcache::scripting
