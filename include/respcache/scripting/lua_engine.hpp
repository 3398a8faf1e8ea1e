#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/protocol/reply_builder.hpp"
#include "respcache/protocol/reply_recorder.hpp"
#include "respcache/scripting/command_caller.hpp"
#include "respcache/scripting/function_libraries.hpp"
#include "respcache/scripting/lua_heap.hpp"
#include "respcache/scripting/script_cache.hpp"

struct lua_State;

namespace respcache::scripting {

/// Limits that apply to every script.
struct EngineLimits {
  /// Bytes one thread's Lua state may hold (its heap: compiled scripts and what they build).
  std::size_t heap_bytes = 256ULL << 20;
  /// Lua instructions one run may execute before it fails; 0: no limit (a server relies on
  /// SCRIPT KILL, as Redis does; the fuzzer sets one so that no input runs for ever).
  std::uint64_t max_instructions = 0;
};

/// One Lua 5.1 state, sandboxed as Redis 7.0 sandboxes its own, with the `redis` API, cjson
/// and bit. Each thread that runs scripts owns one (see for_this_thread), so scripts on
/// different threads never share a state; they never run at the same time either, since
/// Cache::ScriptAccess lets one script run at a time. A script is compiled
/// once per state and kept in its registry as f_<sha>, as Redis does.
class LuaEngine {
 public:
  LuaEngine(ScriptCache& scripts, const EngineLimits& limits, std::atomic<std::int64_t>* meter);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  /// The calling thread's engine, made on first use.
  static LuaEngine& for_this_thread(ScriptCache& scripts, const EngineLimits& limits,
                                    std::atomic<std::int64_t>* meter);

  /// Compiles `body` (after its shebang) into this state as the script named `script.sha`.
  /// On a compile error, returns false with Redis's text ("Error compiling script (new
  /// function): user_script:1: ...") in `error`.
  bool compile(const Script& script, std::string& error);

  /// Runs a compiled script (compile() first, or it is compiled here from `script`) with
  /// KEYS and ARGV, calling commands through `caller`, and makes exactly one reply.
  void run(const Script& script, ScriptRun& run, std::span<const std::string_view> keys,
           std::span<const std::string_view> argv, CommandCaller& caller,
           protocol::ReplyBuilder& reply);

  /// FUNCTION LOAD's check: runs library `code` (after its shebang line, `skip` bytes) in
  /// the load-time sandbox, where `redis` has only register_function, log and LOG_*.
  /// Returns false with Redis's error text; else the functions it registered, in order.
  /// Nothing stays in this state: sync_functions() loads libraries for FCALL.
  bool load_library(std::string_view code, std::size_t skip, std::vector<FunctionInfo>& functions,
                    std::string& error);
  /// Loads every library of `libraries` into this state, unless it did for `generation`.
  void sync_functions(const FunctionLibraries::Snapshot& libraries, std::uint64_t generation);
  /// FCALL: runs function `name` (sync_functions() first) with its keys and args as its two
  /// arguments, and makes exactly one reply.
  void call_function(std::string_view name, ScriptRun& run, std::span<const std::string_view> keys,
                     std::span<const std::string_view> argv, CommandCaller& caller,
                     protocol::ReplyBuilder& reply);

  /// Asks the script running on this engine (if any) to stop at its next hook.
  void request_kill() { kill_requested_.store(true, std::memory_order_relaxed); }

  std::size_t heap_used() const { return heap_.used(); }

  // The redis.* functions reach the engine through these; not for other callers.
  struct Access;

 private:
  void open_state();
  void drop_stale_functions();
  void reply_from_lua(protocol::ReplyBuilder& reply);
  // Runs the function below `nargs` arguments on the stack, the error handler at base + 1.
  void execute(int base, int nargs, ScriptRun& run, CommandCaller& caller,
               protocol::ReplyBuilder& reply);
  bool run_library(std::string_view code, std::size_t skip, std::vector<FunctionInfo>& functions,
                   std::string& error);

  ScriptCache& scripts_;
  EngineLimits limits_;
  LuaHeap heap_;
  lua_State* lua_ = nullptr;
  std::uint64_t generation_ = 0;
  std::uint64_t flushes_ = 0;
  std::uint64_t function_generation_ = 0;         // of the libraries loaded; 0: none
  std::vector<FunctionInfo>* loading_ = nullptr;  // register_function's output, while loading
  std::atomic<bool> kill_requested_{false};
  std::uint64_t hook_calls_ = 0;  // instruction-count hooks in this run

  // State of the script being run, for the redis.* functions. Members rather than locals
  // because a Lua error unwinds C frames with longjmp, which skips C++ destructors.
  ScriptRun* run_ = nullptr;
  CommandCaller* caller_ = nullptr;
  std::vector<std::string> call_args_;
  std::vector<std::string_view> call_views_;
  protocol::ReplyRecorder call_reply_;
  std::optional<std::string> refusal_;
  std::string text_;
  unsigned runs_since_gc_ = 0;
  std::size_t live_after_gc_ = 0;  // heap bytes after the last full collection
};

}  // namespace respcache::scripting
