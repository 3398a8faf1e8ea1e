#include "respcache/scripting/lua_engine.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>
#include <utility>

#include "lua_internal.hpp"

namespace respcache::scripting {
namespace {

// Redis 7.0's pcall error handler: a Redis error table gets the script's source and line;
// anything else becomes one, with ERR in front. It needs `debug`, which no script may reach
// afterwards.
constexpr const char* kErrorHandler =
    "local dbg = debug\n"
    "debug = nil\n"
    "function __redis__err__handler(err)\n"
    "  local i = dbg.getinfo(2,'nSl')\n"
    "  if i and i.what == 'C' then\n"
    "    i = dbg.getinfo(3,'nSl')\n"
    "  end\n"
    "  if type(err) ~= 'table' then\n"
    "    err = {err='ERR ' .. tostring(err)}"
    "  end"
    "  if i then\n"
    "    err['source'] = i.source\n"
    "    err['line'] = i.currentline\n"
    "  end"
    "  return err\n"
    "end\n";

// Lua calls this only for an error outside any protected call, which the engine never
// makes on purpose: log what Lua says and stop, rather than continue in an unknown state.
int on_panic(lua_State* lua) {
  spdlog::critical("Lua panic: {}", lua_tostring(lua, -1) != nullptr ? lua_tostring(lua, -1) : "?");
  std::abort();
}

// The instruction-count hook: stops a script that SCRIPT KILL asked to stop. After the first
// stop it fires on every line, so that a pcall in the script cannot catch it and go on.
void kill_hook(lua_State* lua, lua_Debug*);
constexpr int kHookInstructions = 100000;

LuaEngine* engine_in_registry(lua_State* lua) {
  lua_getfield(lua, LUA_REGISTRYINDEX, "respcache_engine");
  auto* engine = static_cast<LuaEngine*>(lua_touserdata(lua, -1));
  lua_pop(lua, 1);
  return engine;
}

void kill_hook(lua_State* lua, lua_Debug* debug) {
  LuaEngine* engine = engine_in_registry(lua);
  if (engine == nullptr) return;
  if (debug->event == LUA_HOOKCOUNT &&
      LuaEngine::Access::over_instruction_budget(*engine, kHookInstructions)) {
    push_error_table(lua, "Script exceeded its instruction budget");
    lua_error(lua);
  }
  if (!LuaEngine::Access::kill_requested(*engine)) return;
  lua_sethook(lua, kill_hook, LUA_MASKLINE, 0);
  push_error_table(lua, "Script killed by user with SCRIPT KILL...");
  lua_error(lua);
}

constexpr std::size_t kUnlimited = static_cast<std::size_t>(-1);
constexpr unsigned kRunsPerGcStep = 50;  // as Redis's LUA_GC_CYCLE_PERIOD
constexpr std::size_t kGarbageSlack = 4U << 20;

struct ReplyWrite {
  protocol::ReplyBuilder* reply;
  int script_resp;
  int result_ref;
};

int write_result(lua_State* lua) {
  auto* write = static_cast<ReplyWrite*>(lua_touserdata(lua, 1));
  lua_rawgeti(lua, LUA_REGISTRYINDEX, write->result_ref);
  write_lua_reply(lua, *write->reply, write->script_resp);
  return 0;
}

// Pushes table[name] without metamethods: a script's error table may have a metatable whose
// __index raises, and nothing here runs inside a protected call.
void push_raw_field(lua_State* lua, int table, const char* name) {
  table = table < 0 ? lua_gettop(lua) + table + 1 : table;
  lua_pushstring(lua, name);
  lua_rawget(lua, table);
}

// The function name Redis keeps a script under in the registry.
void push_function_name(lua_State* lua, const Script& script) {
  lua_pushstring(lua, "f_");
  lua_pushlstring(lua, script.sha.data(), script.sha.size());
  lua_concat(lua, 2);
}

}  // namespace

LuaEngine::LuaEngine(ScriptCache& scripts, const EngineLimits& limits,
                     std::atomic<std::int64_t>* meter)
    : scripts_(scripts), limits_(limits), heap_(kUnlimited, meter) {
  open_state();
}

void LuaEngine::open_state() {
  if (lua_ != nullptr) lua_close(lua_);
  flushes_ = scripts_.flushes();
  lua_ = lua_newstate(&LuaHeap::allocate, &heap_);
  if (lua_ == nullptr) throw std::bad_alloc();
  lua_atpanic(lua_, on_panic);
  lua_pushlightuserdata(lua_, this);
  lua_setfield(lua_, LUA_REGISTRYINDEX, "respcache_engine");
  open_sandboxed_libraries(lua_);
  register_redis_api(lua_, this);
  luaL_loadbuffer(lua_, kErrorHandler, std::strlen(kErrorHandler), "@err_handler_def");
  lua_pcall(lua_, 0, 0, 0);
  register_load_api(lua_, this);
  protect_globals(lua_);
  function_generation_ = 0;
  generation_ = scripts_.generation();
}

LuaEngine::~LuaEngine() {
  if (lua_ != nullptr) lua_close(lua_);
}

LuaEngine& LuaEngine::for_this_thread(ScriptCache& scripts, const EngineLimits& limits,
                                      std::atomic<std::int64_t>* meter) {
  thread_local std::unique_ptr<LuaEngine> engine;
  if (!engine || &engine->scripts_ != &scripts) {
    engine = std::make_unique<LuaEngine>(scripts, limits, meter);
  }
  return *engine;
}

void LuaEngine::drop_stale_functions() {
  if (scripts_.flushes() != flushes_) open_state();
  const std::uint64_t now = scripts_.generation();
  if (now == generation_) return;
  generation_ = now;
  // Every f_<sha> in the registry goes; the ones still cached are compiled again on use.
  lua_pushnil(lua_);
  while (lua_next(lua_, LUA_REGISTRYINDEX) != 0) {
    lua_pop(lua_, 1);
    std::size_t length = 0;
    const char* key =
        lua_type(lua_, -1) == LUA_TSTRING ? lua_tolstring(lua_, -1, &length) : nullptr;
    if (key != nullptr && length == 42 && key[0] == 'f' && key[1] == '_') {
      lua_pushvalue(lua_, -1);
      lua_pushnil(lua_);
      lua_rawset(lua_, LUA_REGISTRYINDEX);  // clearing a field during lua_next is allowed
    }
  }
  lua_gc(lua_, LUA_GCCOLLECT, 0);
  live_after_gc_ = heap_.used();
}

bool LuaEngine::compile(const Script& script, std::string& error) {
  drop_stale_functions();
  push_function_name(lua_, script);
  lua_rawget(lua_, LUA_REGISTRYINDEX);
  const bool compiled = lua_isfunction(lua_, -1);
  lua_pop(lua_, 1);
  if (compiled) return true;
  const std::string_view code = std::string_view(script.body).substr(script.shebang.length);
  heap_.set_limit(limits_.heap_bytes);
  const int status = luaL_loadbuffer(lua_, code.data(), code.size(), "@user_script");
  heap_.set_limit(kUnlimited);
  if (status != 0) {
    const char* message = lua_tostring(lua_, -1);
    error = "Error compiling script (new function): ";
    error += message != nullptr ? message : "?";
    lua_pop(lua_, 1);
    return false;
  }
  push_function_name(lua_, script);
  lua_insert(lua_, -2);
  lua_rawset(lua_, LUA_REGISTRYINDEX);
  return true;
}

void LuaEngine::run(const Script& script, ScriptRun& run, std::span<const std::string_view> keys,
                    std::span<const std::string_view> argv, CommandCaller& caller,
                    protocol::ReplyBuilder& reply) {
  std::string error;
  if (!compile(script, error)) return reply.error("ERR " + error);

  const int base = lua_gettop(lua_);
  lua_getfield(lua_, LUA_GLOBALSINDEX, "__redis__err__handler");  // raw: present at setup
  push_function_name(lua_, script);
  lua_rawget(lua_, LUA_REGISTRYINDEX);
  for (const auto& [name, values] : {std::pair{"KEYS", keys}, std::pair{"ARGV", argv}}) {
    lua_createtable(lua_, static_cast<int>(values.size()), 0);
    for (std::size_t i = 0; i < values.size(); ++i) {
      lua_pushlstring(lua_, values[i].data(), values[i].size());
      lua_rawseti(lua_, -2, static_cast<int>(i + 1));
    }
    set_protected_global(lua_, name);
  }

  execute(base, 0, run, caller, reply);
}

void LuaEngine::execute(int base, int nargs, ScriptRun& run, CommandCaller& caller,
                        protocol::ReplyBuilder& reply) {
  std::string error;
  run_ = &run;
  caller_ = &caller;
  kill_requested_.store(false, std::memory_order_relaxed);
  hook_calls_ = 0;
  lua_sethook(lua_, kill_hook, LUA_MASKCOUNT, kHookInstructions);
  // The heap is bounded while the script runs (a failed allocation is a Lua error the script
  // gets); outside that, in calls that are not protected, an allocation must not fail.
  heap_.set_limit(limits_.heap_bytes);
  const int status = lua_pcall(lua_, nargs, 1, base + 1);
  heap_.set_limit(kUnlimited);
  lua_sethook(lua_, nullptr, 0, 0);
  run_ = nullptr;
  caller_ = nullptr;

  if (status != 0) {
    // The error handler made a table {err=, source=, line=}; a memory error skips the handler
    // and leaves Lua's message.
    if (!lua_istable(lua_, -1)) {
      const char* message = lua_tostring(lua_, -1);
      error = "ERR Error running script ";
      error.append(run.name);
      error += ", ";
      error.append(
          std::string_view(message != nullptr ? message : "execution failure").substr(0, 100));
      reply.error(error);
    } else {
      push_raw_field(lua_, -1, "err");
      error = lua_isstring(lua_, -1) != 0 ? lua_tostring(lua_, -1) : "ERR unknown error";
      push_raw_field(lua_, -2, "source");
      push_raw_field(lua_, -3, "line");
      if (lua_isstring(lua_, -1) != 0 && lua_isstring(lua_, -2) != 0) {
        error += " script: ";
        error.append(run.name);
        error += ", on ";
        error += lua_tostring(lua_, -2);
        error += ":";
        error += lua_tostring(lua_, -1);
        error += ".";
      }
      lua_pop(lua_, 3);
      reply.error(error);
    }
  } else {
    ReplyWrite write{&reply, run.resp, luaL_ref(lua_, LUA_REGISTRYINDEX)};
    const std::size_t mark = reply.mark();
    if (lua_cpcall(lua_, write_result, &write) != 0) {
      reply.rollback(mark);
      reply.error("ERR Error running script: not enough memory to write its reply");
    }
    luaL_unref(lua_, LUA_REGISTRYINDEX, write.result_ref);
  }
  lua_settop(lua_, base);
  // The heap counts in used_memory, so a script's garbage would count against the budget
  // (and could evict keys) until Lua's collector got to it: past kGarbageSlack above what
  // was live after the last full collection, collect now.
  if (heap_.used() > live_after_gc_ + kGarbageSlack) {
    lua_gc(lua_, LUA_GCCOLLECT, 0);
    live_after_gc_ = heap_.used();
    runs_since_gc_ = 0;
  } else if (++runs_since_gc_ >= kRunsPerGcStep) {
    lua_gc(lua_, LUA_GCSTEP, static_cast<int>(kRunsPerGcStep));
    runs_since_gc_ = 0;
  }
}

}  // namespace respcache::scripting
