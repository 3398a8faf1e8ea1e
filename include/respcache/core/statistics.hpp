#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

namespace respcache::core {

/// Adds to a counter that only one thread writes: a plain load and store, no locked
/// instruction, while other threads may still read it safely.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

/// Room for per-command counters; the command table asserts it fits.
inline constexpr std::size_t kMaxCommands = 256;
/// Upper bounds, in microseconds, of the command latency histogram's buckets (Prometheus
/// `le` labels); one more bucket counts everything slower.
inline constexpr std::array<std::uint64_t, 14> kLatencyBucketsUs{
    1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 100000};
inline constexpr std::size_t kLatencyBucketCount = kLatencyBucketsUs.size() + 1;

/// Counters owned by one event-loop thread, summed by INFO and /metrics. Aligned to a cache
/// line, so threads never write to a line another thread writes. Only the owning thread
/// writes them (with bump), and nobody ever zeroes them: a reset is a new baseline kept by
/// Statistics, so it cannot race with an increment.
struct alignas(64) WorkerStats {
  std::atomic<std::uint64_t> commands_processed{0};
  std::atomic<std::uint64_t> keyspace_hits{0};
  std::atomic<std::uint64_t> keyspace_misses{0};
  std::atomic<std::uint64_t> net_input_bytes{0};
  std::atomic<std::uint64_t> net_output_bytes{0};
  /// Indexed by the command's position in the command table.
  std::array<std::atomic<std::uint64_t>, kMaxCommands> command_calls{};
  std::array<std::atomic<std::uint64_t>, kMaxCommands> command_nanos{};
  /// Time spent executing each command, bucketed by kLatencyBucketsUs, per command: one
  /// counter per call, as one histogram for all commands would be, and INFO latencystats and
  /// /metrics sum what they need.
  std::array<std::array<std::atomic<std::uint64_t>, kLatencyBucketCount>, kMaxCommands>
      command_latency{};
};

/// Everything CONFIG RESETSTAT resets, summed over threads.
struct Totals {
  std::uint64_t commands_processed = 0;
  std::uint64_t keyspace_hits = 0;
  std::uint64_t keyspace_misses = 0;
  std::uint64_t net_input_bytes = 0;
  std::uint64_t net_output_bytes = 0;
  std::array<std::uint64_t, kMaxCommands> command_calls{};
  std::array<std::uint64_t, kMaxCommands> command_nanos{};
  /// command_latency summed over commands.
  std::array<std::uint64_t, kLatencyBucketCount> latency_buckets{};
  std::array<std::array<std::uint64_t, kLatencyBucketCount>, kMaxCommands> command_latency{};
  std::uint64_t total_connections_received = 0;
  std::uint64_t rejected_connections = 0;
  /// Counted by storage, which never resets them; passed in by the caller (see totals()).
  std::uint64_t evicted_keys = 0;
  std::uint64_t expired_keys = 0;

  /// Field by field a - b; every field of a baseline is at most the current value.
  friend Totals operator-(const Totals& a, const Totals& b);
};

/// The server's statistics: per-thread counters, connection counters and gauges, and the
/// operations-per-second meter. Thread-safe.
///
/// Reset (CONFIG RESETSTAT) never writes a counter: it records the current sums as a
/// baseline, and totals() reports the difference. Counters only grow, so a concurrent
/// increment is either before the baseline (and reset) or after it (and counted), never lost
/// or undone.
class Statistics {
 public:
  explicit Statistics(std::size_t threads);

  WorkerStats& worker(std::size_t thread) { return workers_[thread]; }
  std::size_t threads() const { return threads_; }

  /// Sums since the last reset. `evicted_keys` and `expired_keys` are storage's running
  /// counts now; the result holds them relative to the reset too.
  Totals totals(std::uint64_t evicted_keys = 0, std::uint64_t expired_keys = 0) const;
  /// CONFIG RESETSTAT, with storage's running counts now.
  void reset(std::uint64_t evicted_keys, std::uint64_t expired_keys);

  /// Records the command count for instantaneous_ops_per_sec; called every 100 ms.
  void sample_ops();
  std::uint64_t instantaneous_ops_per_sec() const;

  /// Connections (both protocols) open now.
  std::atomic<std::int64_t> connected_clients{0};
  /// The subset of connected_clients that speak HTTP; the rest speak RESP (or have not sent
  /// anything yet).
  std::atomic<std::int64_t> http_clients{0};
  std::atomic<std::uint64_t> total_connections_received{0};
  std::atomic<std::uint64_t> rejected_connections{0};

 private:
  Totals running_totals(std::uint64_t evicted_keys, std::uint64_t expired_keys) const;

  std::size_t threads_;
  std::unique_ptr<WorkerStats[]> workers_;
  mutable std::mutex baseline_mutex_;
  Totals baseline_;

  static constexpr std::size_t kOpsSamples = 16;
  mutable std::mutex ops_mutex_;
  std::array<std::uint64_t, kOpsSamples> ops_per_sec_samples_{};
  std::size_t ops_sample_index_ = 0;
  std::uint64_t last_ops_ = 0;
  std::chrono::steady_clock::time_point last_sample_ = std::chrono::steady_clock::now();
};

}  // namespace respcache::core
