#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/commands/replies.hpp"
#include "respcache/core/server_core.hpp"
#include "respcache/scripting/function_libraries.hpp"
#include "respcache/scripting/lua_engine.hpp"
#include "respcache/scripting/script_cache.hpp"
#include "respcache/storage/shard_lock.hpp"

namespace respcache::commands {

/// The command layer's side of scripting: the shared script cache, and which script is
/// running now (one at a time: Cache::ScriptAccess), so that SCRIPT KILL on
/// another connection can reach it and other clients can be told -BUSY.
///
/// As the BusyCheck of the threads that run commands, it lets a command that waits for a
/// shard lock give up once a script has held the cache past busy-reply-threshold.
class ScriptRunner final : public storage::BusyCheck {
 public:
  explicit ScriptRunner(core::ServerCore& core)
      : core_(core), meter_(&core.buffer_bytes), scripts_(meter_), functions_(meter_) {
    limits_.heap_bytes = core.settings.startup().lua_heap_limit;
    limits_.max_instructions = core.settings.startup().lua_max_instructions;
  }

  scripting::ScriptCache& scripts() { return scripts_; }
  /// FUNCTION LOAD's libraries.
  scripting::FunctionLibraries& functions() { return functions_; }
  /// The calling thread's Lua state.
  scripting::LuaEngine& engine() {
    return scripting::LuaEngine::for_this_thread(scripts_, limits_, meter_);
  }

  /// Marks `engine` as running a script from now until finished().
  /// `function`: an FCALL, which FUNCTION KILL stops and SCRIPT KILL does not (and the
  /// other way round for EVAL), as in Redis.
  /// For a function, `name` and `command` (its FCALL) are what FUNCTION STATS shows while it
  /// runs; they must outlive finished().
  void started(scripting::LuaEngine& engine, bool function, std::string_view name = {},
               std::span<const std::string_view> command = {}) {
    wrote_.store(false, std::memory_order_relaxed);
    function_.store(function, std::memory_order_relaxed);
    started_ms_.store(steady_ms(), std::memory_order_relaxed);
    if (function) {
      const std::lock_guard lock(function_mutex_);
      function_name_ = name;
      function_command_ = command;
    }
    running_.store(&engine, std::memory_order_release);
  }
  void finished() {
    running_.store(nullptr, std::memory_order_release);
    if (function_.load(std::memory_order_relaxed)) {
      const std::lock_guard lock(function_mutex_);
      function_name_ = {};
      function_command_ = {};
    }
  }

  /// FUNCTION STATS's running_script: the running function's name, FCALL and milliseconds
  /// so far; false when no function runs.
  bool running_function_info(std::string& name, std::vector<std::string>& command,
                             std::int64_t& duration_ms) {
    const std::lock_guard lock(function_mutex_);
    if (running_.load(std::memory_order_acquire) == nullptr || function_command_.empty()) {
      return false;
    }
    name.assign(function_name_);
    command.assign(function_command_.begin(), function_command_.end());
    duration_ms = steady_ms() - started_ms_.load(std::memory_order_relaxed);
    return true;
  }
  void wrote() { wrote_.store(true, std::memory_order_relaxed); }

  enum class KillResult { kKilled, kNotBusy, kUnkillable };
  /// SCRIPT KILL: asks the running script to stop, unless it has written.
  KillResult kill(bool function) {
    scripting::LuaEngine* engine = running_.load(std::memory_order_acquire);
    if (engine == nullptr || function_.load(std::memory_order_relaxed) != function) {
      return KillResult::kNotBusy;
    }
    if (wrote_.load(std::memory_order_relaxed)) return KillResult::kUnkillable;
    engine->request_kill();
    return KillResult::kKilled;
  }

  /// At shutdown: stops the running script even if it has written, as Redis's SHUTDOWN
  /// NOSAVE does by exiting; otherwise an endless script would keep its thread for ever.
  void kill_for_shutdown() {
    scripting::LuaEngine* engine = running_.load(std::memory_order_acquire);
    if (engine != nullptr) engine->request_kill();
  }

  /// Whether a script has been running for longer than busy-reply-threshold: other clients
  /// then get -BUSY. Never true on the script's own thread (its commands hold the cache).
  bool busy() const {
    if (running_.load(std::memory_order_acquire) == nullptr) return false;
    if (storage::in_atomic_section()) return false;
    const auto threshold = static_cast<std::int64_t>(core_.settings.busy_reply_threshold_ms());
    if (threshold == 0) return false;
    // The steady clock, not the coarse one: the thread that ticks that waits for the shards
    // too while a script holds them.
    return steady_ms() - started_ms_.load(std::memory_order_relaxed) > threshold;
  }
  /// Whether what runs now (or ran last) is a function.
  bool running_function() const { return function_.load(std::memory_order_relaxed); }
  /// What other clients are told while busy(): Redis names the KILL that would work.
  std::string_view busy_error() const {
    return running_function() ? replies::kBusyFunction : replies::kBusyScript;
  }
  bool give_up() const override { return busy(); }

  static std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

 private:
  core::ServerCore& core_;
  std::atomic<std::int64_t>* meter_;
  scripting::ScriptCache scripts_;
  scripting::FunctionLibraries functions_;
  scripting::EngineLimits limits_;
  std::atomic<scripting::LuaEngine*> running_{nullptr};
  std::atomic<bool> wrote_{false};
  std::atomic<bool> function_{false};
  std::atomic<std::int64_t> started_ms_{0};
  std::mutex function_mutex_;  // guards the two below, set while a function runs
  std::string_view function_name_;
  std::span<const std::string_view> function_command_;
};

}  // namespace respcache::commands
