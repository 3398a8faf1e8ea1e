#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "respcache/config/config.hpp"
#include "respcache/storage/cache.hpp"

namespace respcache::commands {

/// Adds to a counter that only one thread writes: a plain load and store, no locked
/// instruction, while other threads may still read it safely.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

/// Room for per-command counters; the command table asserts it fits.
inline constexpr std::size_t kMaxCommands = 64;
/// Upper bounds, in microseconds, of the command latency histogram's buckets (Prometheus
/// `le` labels); one more bucket counts everything slower.
inline constexpr std::array<std::uint64_t, 14> kLatencyBucketsUs{
    1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 100000};
inline constexpr std::size_t kLatencyBucketCount = kLatencyBucketsUs.size() + 1;

/// Counters owned by one event-loop thread, summed by INFO and /metrics. Aligned to a cache
/// line, so threads never write to a line another thread writes.
struct alignas(64) WorkerStats {
  std::atomic<std::uint64_t> commands_processed{0};
  std::atomic<std::uint64_t> keyspace_hits{0};
  std::atomic<std::uint64_t> keyspace_misses{0};
  std::atomic<std::uint64_t> net_input_bytes{0};
  std::atomic<std::uint64_t> net_output_bytes{0};
  /// Indexed by the command's position in the command table.
  std::array<std::atomic<std::uint64_t>, kMaxCommands> command_calls{};
  std::array<std::atomic<std::uint64_t>, kMaxCommands> command_nanos{};
  /// Time spent executing each command, bucketed by kLatencyBucketsUs.
  std::array<std::atomic<std::uint64_t>, kLatencyBucketCount> latency_buckets{};
};

/// State shared by every connection: the configuration, the cache, counters. Created by app,
/// outlives the server.
class ServerState {
 public:
  ServerState(config::Config config, storage::Cache& cache);

  const config::Config& config() const { return config_; }
  storage::Cache& cache() { return cache_; }
  const storage::Cache& cache() const { return cache_; }

  WorkerStats& worker_stats(std::size_t worker) { return workers_[worker]; }

  struct Totals {
    std::uint64_t commands_processed = 0;
    std::uint64_t keyspace_hits = 0;
    std::uint64_t keyspace_misses = 0;
    std::uint64_t net_input_bytes = 0;
    std::uint64_t net_output_bytes = 0;
    std::array<std::uint64_t, kMaxCommands> command_calls{};
    std::array<std::uint64_t, kMaxCommands> command_nanos{};
    std::array<std::uint64_t, kLatencyBucketCount> latency_buckets{};
    std::uint64_t evicted_keys = 0;  ///< since the last RESETSTAT, like every field here
    std::uint64_t expired_keys = 0;
  };
  Totals totals() const;

  std::uint64_t next_client_id() { return next_client_id_.fetch_add(1, std::memory_order_relaxed); }

  std::atomic<std::int64_t> connected_clients{0};
  /// The subset of connected_clients that speak HTTP; the rest speak RESP (or have not sent
  /// anything yet).
  std::atomic<std::int64_t> http_clients{0};
  std::atomic<std::uint64_t> total_connections_received{0};
  std::atomic<std::uint64_t> rejected_connections{0};
  /// Bytes held by connection buffers (in use or pooled); part of the memory budget.
  std::atomic<std::int64_t> buffer_bytes{0};

  /// Whether clients must AUTH: a password is set (at start-up or by CONFIG SET requirepass).
  bool auth_required() const { return auth_required_.load(std::memory_order_relaxed); }
  /// Compares with the password in time independent of where they differ.
  bool password_matches(std::string_view candidate) const;
  std::string password() const;
  /// An empty password turns AUTH off. Clients already connected keep their state.
  void set_password(std::string password);

  /// Settings that CONFIG SET changes while clients run; read with relaxed loads.
  std::atomic<std::uint64_t> timeout_seconds{0};
  std::atomic<std::uint64_t> query_buffer_limit{0};
  /// Milliseconds on a monotonic clock, refreshed by the server's periodic job (every 100
  /// ms): connections stamp their last interaction with it without reading the clock.
  std::atomic<std::int64_t> coarse_now_ms{0};
  /// Reads the clock into coarse_now_ms.
  void tick_clock();

  /// Records the command count for instantaneous_ops_per_sec; called every 100 ms.
  void sample_ops();
  std::uint64_t instantaneous_ops_per_sec() const;
  /// Zeroes what CONFIG RESETSTAT resets.
  void reset_stats();

  const std::string& run_id() const { return run_id_; }
  std::chrono::steady_clock::time_point started() const { return started_; }

 private:
  config::Config config_;
  storage::Cache& cache_;
  std::unique_ptr<WorkerStats[]> workers_;
  std::atomic<std::uint64_t> next_client_id_{1};
  std::string run_id_;
  // The cache's own eviction and expiry counters never go back; RESETSTAT records where they
  // stood, and totals() reports the difference.
  std::atomic<std::uint64_t> evicted_keys_at_reset_{0};
  std::atomic<std::uint64_t> expired_keys_at_reset_{0};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  mutable std::mutex password_mutex_;
  std::string password_;
  std::atomic<bool> auth_required_{false};

  static constexpr std::size_t kOpsSamples = 16;
  mutable std::mutex ops_mutex_;
  std::array<std::uint64_t, kOpsSamples> ops_per_sec_samples_{};
  std::size_t ops_sample_index_ = 0;
  std::uint64_t last_ops_ = 0;
  std::chrono::steady_clock::time_point last_sample_ = started_;
};

}  // namespace respcache::commands
