#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace respcache::core {

/// One SLOWLOG entry, as Redis 7.0 keeps it.
struct SlowlogEntry {
  std::uint64_t id = 0;
  std::int64_t unix_time = 0;  ///< seconds
  std::uint64_t duration_us = 0;
  std::vector<std::string> args;  ///< trimmed (see Slowlog::trim)
  std::string client_addr;
  std::string client_name;
};

/// Redis's slowlog: the newest `slowlog-max-len` commands that ran for at least
/// `slowlog-log-slower-than` microseconds. The thresholds are relaxed atomics, read once per
/// command; the mutex is taken only when a command is slow enough to be logged, and by
/// SLOWLOG itself.
class Slowlog {
 public:
  static constexpr std::size_t kMaxArgs = 32;        ///< SLOWLOG_ENTRY_MAX_ARGC
  static constexpr std::size_t kMaxArgLength = 128;  ///< SLOWLOG_ENTRY_MAX_STRING
  static constexpr std::int64_t kDefaultSlowerThan = 10000;
  static constexpr std::uint64_t kDefaultMaxLength = 128;

  /// Microseconds; negative turns the log off, 0 logs every command.
  std::int64_t slower_than_us() const { return slower_than_us_.load(std::memory_order_relaxed); }
  void set_slower_than_us(std::int64_t us) { slower_than_us_.store(us, std::memory_order_relaxed); }
  std::uint64_t max_length() const { return max_length_.load(std::memory_order_relaxed); }
  /// Drops the oldest entries past the new length at once, as Redis does.
  void set_max_length(std::uint64_t length);

  /// Whether a command that took `duration_us` belongs in the log: one relaxed load.
  bool wants(std::uint64_t duration_us) const {
    const std::int64_t threshold = slower_than_us();
    return threshold >= 0 && duration_us >= static_cast<std::uint64_t>(threshold);
  }
  /// Logs a command (Redis's slowlogPushEntryIfNeeded after its checks).
  void add(std::span<const std::string_view> args, std::uint64_t duration_us,
           std::string client_addr, std::string client_name);

  /// The newest `count` entries, newest first.
  std::vector<SlowlogEntry> newest(std::size_t count) const;
  std::size_t size() const;
  void reset();

  /// Redis's trimming of an entry's arguments: at most kMaxArgs (the last one then says
  /// "... (N more arguments)"), each at most kMaxArgLength bytes ("... (N more bytes)").
  static std::vector<std::string> trim(std::span<const std::string_view> args);

 private:
  std::atomic<std::int64_t> slower_than_us_{kDefaultSlowerThan};
  std::atomic<std::uint64_t> max_length_{kDefaultMaxLength};
  mutable std::mutex mutex_;
  std::deque<SlowlogEntry> entries_;  // newest first
  std::uint64_t next_id_ = 0;
};

}  // namespace respcache::core
