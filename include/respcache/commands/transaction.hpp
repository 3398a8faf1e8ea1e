#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace respcache::commands {

/// The commands a client queued after MULTI, copied out of the input buffer (which moves on)
/// into one arena. A queue of N commands costs its argument bytes plus 16 bytes per argument.
class QueuedCommands {
 public:
  void push(std::span<const std::string_view> args);
  std::size_t size() const { return commands_.size(); }
  /// The bytes this queue holds, as counted against client-query-buffer-limit.
  std::size_t bytes() const { return arena_.size() + 16 * args_.size() + 8 * commands_.size(); }
  /// The i-th command's arguments, into `out` (views valid until the queue changes).
  void get(std::size_t i, std::vector<std::string_view>& out) const;
  void clear();

 private:
  struct Arg {
    std::size_t offset;
    std::size_t length;
  };
  std::string arena_;
  std::vector<Arg> args_;
  std::vector<std::size_t> commands_;  // index of each command's first Arg
};

/// A client between MULTI and EXEC or DISCARD. The queue's bytes count against the memory
/// budget through `meter` while it lives.
struct Transaction {
  explicit Transaction(std::atomic<std::int64_t>& meter) : meter_(meter) {}
  ~Transaction() { meter_.fetch_sub(charged_, std::memory_order_relaxed); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void push(std::span<const std::string_view> args) {
    queue.push(args);
    const auto now = static_cast<std::int64_t>(queue.bytes());
    meter_.fetch_add(now - charged_, std::memory_order_relaxed);
    charged_ = now;
  }

  QueuedCommands queue;
  /// A command was refused while queueing (unknown, wrong arity, NOAUTH, too large): EXEC
  /// answers -EXECABORT and runs nothing, as Redis's CLIENT_DIRTY_EXEC.
  bool aborted = false;
  /// A write command is queued: CLIENT PAUSE WRITE holds the EXEC, as Redis's mstate.cmd_flags.
  bool has_write = false;

 private:
  std::atomic<std::int64_t>& meter_;
  std::int64_t charged_ = 0;
};

}  // namespace respcache::commands
