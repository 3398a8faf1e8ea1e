#pragma once
// The pieces of the scripting module that work on a lua_State directly. Private to
// src/scripting/.
//
// Every function here that can raise a Lua error (lua_error, or a failed allocation inside
// any lua_* call) must keep no C++ object with a destructor in its frame: Debian's liblua5.1
// is C, and its errors unwind with longjmp.

#include <limits>
#include <string_view>

#include "respcache/protocol/reply_builder.hpp"
#include "respcache/protocol/reply_recorder.hpp"
#include "respcache/scripting/lua_engine.hpp"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

namespace respcache::scripting {

/// What the redis.* functions need of the engine running them.
struct LuaEngine::Access {
  static ScriptRun* run(LuaEngine& engine) { return engine.run_; }
  static CommandCaller* caller(LuaEngine& engine) { return engine.caller_; }
  static std::vector<std::string>& call_args(LuaEngine& engine) { return engine.call_args_; }
  static std::vector<std::string_view>& call_views(LuaEngine& engine) { return engine.call_views_; }
  static protocol::ReplyRecorder& call_reply(LuaEngine& engine) { return engine.call_reply_; }
  static std::optional<std::string>& refusal(LuaEngine& engine) { return engine.refusal_; }
  static std::vector<FunctionInfo>* loading(LuaEngine& engine) { return engine.loading_; }
  static bool kill_requested(LuaEngine& engine) {
    return engine.kill_requested_.load(std::memory_order_relaxed);
  }
  /// Counts one instruction-count hook; true once the run is past its instruction budget.
  static bool over_instruction_budget(LuaEngine& engine, std::uint64_t per_hook) {
    ++engine.hook_calls_;
    const std::uint64_t limit = engine.limits_.max_instructions;
    return limit != 0 && engine.hook_calls_ * per_hook > limit;
  }
};

/// A Lua number as Redis's (long long) / (int) casts give it on x86-64, without their
/// undefined behaviour: truncated toward zero, and the type's minimum for NaN or a value out
/// of range (what cvttsd2si yields; `return 2e22` answers -9223372036854775808 on Redis).
template <class Integer>
Integer lua_number_to(lua_Number number) {
  constexpr auto kMin = static_cast<lua_Number>(std::numeric_limits<Integer>::min());
  // max + 1 is a power of two, so exact as a double, unlike max itself.
  constexpr auto kPastMax = -kMin;
  if (!(number >= kMin && number < kPastMax)) return std::numeric_limits<Integer>::min();
  return static_cast<Integer>(number);
}

/// Loads the libraries Redis gives scripts (base, table, string, math, cjson, bit, and debug
/// for the error handler only), without dofile, loadfile and print.
void open_sandboxed_libraries(lua_State* lua);
/// Makes the global table read-only, raising Redis's errors on a write or on a read of a
/// global that does not exist; library tables become read-only views.
void protect_globals(lua_State* lua);
/// Sets a global past the protection (KEYS and ARGV before each run).
void set_protected_global(lua_State* lua, const char* name);

/// The `redis` table, math.random / math.randomseed, and pcall as Redis 7.0 defines them.
void register_redis_api(lua_State* lua, LuaEngine* engine);

/// Stores in the registry the `redis` table that library code sees while it loads.
void register_load_api(lua_State* lua, LuaEngine* engine);

/// Pushes a command's recorded reply as the Lua value Redis 7.0 makes of it for a script
/// speaking `resp` (2 or 3): integers become numbers, nulls false (RESP2) or nil (RESP3), a
/// status {ok=...}, an error {err=...}, and RESP3 types their tables ({map=...}, ...).
void push_recorded_reply(lua_State* lua, const protocol::ReplyRecorder& recorder, int resp);
/// Pushes Redis's error table {err="CODE message"} for `text`, which may start with "-CODE"
/// (the code is kept) or not (ERR is added), as luaPushErrorBuff does.
void push_error_table(lua_State* lua, std::string_view text);
/// Pops the value on top of the stack and writes it as the script's reply, as Redis 7.0's
/// luaReplyToRedisReply does; `script_resp` decides what a boolean becomes. Runs inside
/// lua_cpcall (run_protected_reply), since reading tables can fail on memory.
void write_lua_reply(lua_State* lua, protocol::ReplyBuilder& reply, int script_resp);

}  // namespace respcache::scripting
