#pragma once

#include <atomic>
#include <cstdint>

#include "respcache/scripting/lua_engine.hpp"
#include "respcache/scripting/script_cache.hpp"

namespace respcache::commands {

/// The command layer's side of scripting: the shared script cache, and which script is
/// running now (one at a time: a script holds the whole cache), so that SCRIPT KILL on
/// another connection can reach it and other clients can be told -BUSY.
class ScriptRunner {
 public:
  explicit ScriptRunner(std::atomic<std::int64_t>* meter) : meter_(meter), scripts_(meter) {}

  scripting::ScriptCache& scripts() { return scripts_; }
  /// The calling thread's Lua state.
  scripting::LuaEngine& engine() {
    return scripting::LuaEngine::for_this_thread(scripts_, limits_, meter_);
  }

  /// Marks `engine` as running a script from now until finished().
  void started(scripting::LuaEngine& engine, std::int64_t now_ms) {
    wrote_.store(false, std::memory_order_relaxed);
    started_ms_.store(now_ms, std::memory_order_relaxed);
    running_.store(&engine, std::memory_order_release);
  }
  void finished() { running_.store(nullptr, std::memory_order_release); }
  void wrote() { wrote_.store(true, std::memory_order_relaxed); }

  enum class KillResult { kKilled, kNotBusy, kUnkillable };
  /// SCRIPT KILL: asks the running script to stop, unless it has written.
  KillResult kill() {
    scripting::LuaEngine* engine = running_.load(std::memory_order_acquire);
    if (engine == nullptr) return KillResult::kNotBusy;
    if (wrote_.load(std::memory_order_relaxed)) return KillResult::kUnkillable;
    engine->request_kill();
    return KillResult::kKilled;
  }

  /// Whether a script has been running for longer than `threshold_ms` (other clients then
  /// get -BUSY).
  bool busy(std::int64_t now_ms, std::int64_t threshold_ms) const {
    if (running_.load(std::memory_order_acquire) == nullptr) return false;
    return now_ms - started_ms_.load(std::memory_order_relaxed) > threshold_ms;
  }

 private:
  std::atomic<std::int64_t>* meter_;
  scripting::ScriptCache scripts_;
  scripting::EngineLimits limits_;
  std::atomic<scripting::LuaEngine*> running_{nullptr};
  std::atomic<bool> wrote_{false};
  std::atomic<std::int64_t> started_ms_{0};
};

}  // namespace respcache::commands
