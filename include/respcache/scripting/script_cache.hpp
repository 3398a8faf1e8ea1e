#pragma once

#include <array>
#include <functional>
#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "respcache/scripting/script_flags.hpp"

namespace respcache::scripting {

/// One script body as EVAL or SCRIPT LOAD gave it, with what its shebang declares.
struct Script {
  std::array<char, 40> sha;
  std::string body;
  Shebang shebang;

  std::string_view name() const { return {sha.data(), sha.size()}; }
};

/// SHA1 -> script body, shared by every thread: EVALSHA on one thread finds what EVAL or
/// SCRIPT LOAD stored on another, and each thread's Lua state compiles a body the first time
/// it runs it. Bounded as Redis 7.4 bounds it: scripts that came through EVAL are evicted,
/// least recently used first, past `kMaxEvalScripts`; SCRIPT LOAD's stay until SCRIPT FLUSH.
/// The bytes it holds are counted in a meter that the memory budget includes.
class ScriptCache {
 public:
  static constexpr std::size_t kMaxEvalScripts = 500;

  explicit ScriptCache(std::atomic<std::int64_t>* meter) : meter_(meter) {}
  ~ScriptCache();
  ScriptCache(const ScriptCache&) = delete;
  ScriptCache& operator=(const ScriptCache&) = delete;

  /// The script named `sha` (any case), or null. An EVAL script found counts as used.
  std::shared_ptr<const Script> find(std::string_view sha);
  bool contains(std::string_view sha);
  /// Stores a script (compiled and checked by the caller); returns what the cache holds
  /// under that name, which is the existing entry when there is one. `pinned`: it came from
  /// SCRIPT LOAD, and is never evicted (an EVAL script loaded again becomes pinned).
  std::shared_ptr<const Script> add(std::shared_ptr<const Script> script, bool pinned);
  /// SCRIPT FLUSH: forgets every script, and tells each thread's Lua state to drop what it
  /// compiled (generation() changes).
  void flush();

  /// Changes on every flush and eviction; a thread whose Lua state compiled under another
  /// generation checks its compiled functions against the cache again.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  /// Changes on every flush: each thread's Lua state is then made anew, as Redis's
  /// scriptingReset makes its one state anew.
  std::uint64_t flushes() const { return flushes_.load(std::memory_order_acquire); }
  std::size_t size() const;
  std::size_t memory() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  struct Slot {
    std::shared_ptr<const Script> script;
    bool pinned = false;
    std::list<std::string>::iterator in_eval_order;  // valid while !pinned
  };
  static std::size_t cost(const Script& script);
  void charge(std::int64_t bytes);
  void evict_if_over_bound();

  mutable std::mutex mutex_;
  // Looked up by string_view, so that EVALSHA's lookup allocates nothing.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  std::unordered_map<std::string, Slot, NameHash, std::equal_to<>> scripts_;
  std::list<std::string> eval_order_;  // least recently used first
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> flushes_{0};
  std::atomic<std::size_t> bytes_{0};
  std::atomic<std::int64_t>* meter_;
};

/// A script's name in lowercase, as Redis compares them, in `out`; false when `sha` has not
/// a name's 40 characters (it then names no script).
bool lowercase_sha(std::string_view sha, std::array<char, 40>& out);

}  // namespace respcache::scripting
