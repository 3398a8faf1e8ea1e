#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "respcache/config/config.hpp"
#include "respcache/core/authentication.hpp"
#include "respcache/core/client_pause.hpp"
#include "respcache/core/client_registry.hpp"
#include "respcache/core/coarse_clock.hpp"
#include "respcache/core/error_stats.hpp"
#include "respcache/core/monitor_feed.hpp"
#include "respcache/core/settings.hpp"
#include "respcache/core/shutdown_request.hpp"
#include "respcache/core/slowlog.hpp"
#include "respcache/core/statistics.hpp"

namespace respcache::core {

/// The Redis version respcache answers as (INFO redis_version, HELLO's version): the one whose
/// replies it copies.
inline constexpr std::string_view kCompatibleRedisVersion = "7.0.15";

/// The state every connection shares, apart from the cache: settings, statistics,
/// authentication, the coarse clock, and who this server is. Made by app, outlives the
/// server. Each part is its own type and thread-safe on its own.
struct ServerCore {
  explicit ServerCore(const config::Config& config);

  Settings settings;
  Statistics statistics;
  Authentication authentication;
  CoarseClock clock;
  /// Bytes held by connection buffers (in use or pooled); part of the memory budget.
  std::atomic<std::int64_t> buffer_bytes{0};
  ClientRegistry clients;
  ClientPause pause;
  Slowlog slowlog;
  ErrorStats errors;
  MonitorFeed monitors{buffer_bytes};
  ShutdownRequest shutdown;

  std::uint64_t next_client_id() { return next_client_id_.fetch_add(1, std::memory_order_relaxed); }
  /// 40 random hex digits, as Redis's run_id.
  const std::string& run_id() const { return run_id_; }
  std::chrono::steady_clock::time_point started() const { return started_; }
  /// Unix seconds at start-up: LASTSAVE's answer while there are no snapshots.
  std::int64_t started_unix() const { return started_unix_; }

 private:
  std::atomic<std::uint64_t> next_client_id_{1};
  std::string run_id_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::int64_t started_unix_ = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
};

}  // namespace respcache::core
