#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "respcache/config/config.hpp"

namespace respcache::core {

/// client-output-buffer-limit: hard limit, soft limit and its seconds, per client class.
/// respcache enforces the normal class's hard limit (0: none); its clients are all normal, and
/// the soft limits and other classes are kept for CONFIG GET and CONFIG SET only.
struct OutputBufferLimits {
  struct Class {
    std::uint64_t hard = 0;
    std::uint64_t soft = 0;
    std::uint64_t seconds = 0;
  };
  Class normal;
  Class replica{268435456, 67108864, 60};
  Class pubsub{33554432, 8388608, 60};
};
/// "normal H S T slave H S T pubsub H S T", as Redis's CONFIG GET.
std::string format_output_buffer_limits(const OutputBufferLimits& limits);

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

  /// client-output-buffer-limit's hard limit for normal clients, in bytes; 0: none (as Redis).
  std::uint64_t output_buffer_limit() const {
    return output_buffer_limit_.load(std::memory_order_relaxed);
  }
  /// The limit as a ByteBuffer size limit (0 meaning none).
  std::size_t output_buffer_size_limit() const {
    const std::uint64_t limit = output_buffer_limit();
    return limit == 0 ? static_cast<std::size_t>(-1) : static_cast<std::size_t>(limit);
  }
  void set_output_buffer_limit(std::uint64_t bytes) {
    output_buffer_limit_.store(bytes, std::memory_order_relaxed);
  }
  /// Every class's client-output-buffer-limit, as CONFIG GET shows it.
  OutputBufferLimits output_buffer_limits() const {
    const std::lock_guard lock(limits_mutex_);
    return output_buffer_limits_;
  }
  void set_output_buffer_limits(const OutputBufferLimits& limits) {
    const std::lock_guard lock(limits_mutex_);
    output_buffer_limits_ = limits;
    set_output_buffer_limit(limits.normal.hard);
  }
  /// tcp-keepalive: seconds of idle before keepalive probes on connections accepted from now
  /// on; 0: off.
  unsigned tcp_keepalive() const { return tcp_keepalive_.load(std::memory_order_relaxed); }
  void set_tcp_keepalive(unsigned seconds) {
    tcp_keepalive_.store(seconds, std::memory_order_relaxed);
  }
  /// maxclients: connections accepted past it are refused.
  std::uint64_t max_clients() const { return max_clients_.load(std::memory_order_relaxed); }
  void set_max_clients(std::uint64_t clients) {
    max_clients_.store(clients, std::memory_order_relaxed);
  }

 private:
  const config::Config startup_;
  std::atomic<std::uint64_t> timeout_seconds_;
  std::atomic<std::uint64_t> query_buffer_limit_;
  std::atomic<std::uint64_t> output_buffer_limit_;
  mutable std::mutex limits_mutex_;
  OutputBufferLimits output_buffer_limits_;
  std::atomic<std::uint64_t> max_clients_;
  std::atomic<unsigned> tcp_keepalive_;
};

}  // namespace respcache::core
