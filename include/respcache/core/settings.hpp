#pragma once

#include <atomic>
#include <cstdint>

#include "respcache/config/config.hpp"

namespace respcache::core {

/// The configuration: what was given at start-up, and the settings that CONFIG SET changes
/// while clients run. A changeable setting is an atomic read with a relaxed load wherever it
/// is used, so a change takes effect at each reader's next use.
///
/// Settings owned by another component live there, not here: the memory budget and the
/// eviction policy in storage::Cache, the password in Authentication.
class Settings {
 public:
  explicit Settings(config::Config startup);

  /// The configuration as parsed at start-up (flags). Never changes.
  const config::Config& startup() const { return startup_; }

  /// --timeout: seconds a client may stay idle; 0: forever.
  std::uint64_t timeout_seconds() const { return timeout_seconds_.load(std::memory_order_relaxed); }
  void set_timeout_seconds(std::uint64_t seconds) {
    timeout_seconds_.store(seconds, std::memory_order_relaxed);
  }
  /// client-query-buffer-limit: bytes of unparsed input a client may have.
  std::uint64_t query_buffer_limit() const {
    return query_buffer_limit_.load(std::memory_order_relaxed);
  }
  void set_query_buffer_limit(std::uint64_t bytes) {
    query_buffer_limit_.store(bytes, std::memory_order_relaxed);
  }
  /// busy-reply-threshold: milliseconds before a running script makes others get -BUSY.
  std::uint64_t busy_reply_threshold_ms() const {
    return busy_reply_threshold_ms_.load(std::memory_order_relaxed);
  }
  void set_busy_reply_threshold_ms(std::uint64_t ms) {
    busy_reply_threshold_ms_.store(ms, std::memory_order_relaxed);
  }

 private:
  const config::Config startup_;
  std::atomic<std::uint64_t> busy_reply_threshold_ms_;
  std::atomic<std::uint64_t> timeout_seconds_;
  std::atomic<std::uint64_t> query_buffer_limit_;
};

}  // namespace respcache::core
