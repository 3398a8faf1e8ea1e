#include "respcache/core/statistics.hpp"

namespace respcache::core {

Totals operator-(const Totals& a, const Totals& b) {
  Totals d;
  d.commands_processed = a.commands_processed - b.commands_processed;
  d.keyspace_hits = a.keyspace_hits - b.keyspace_hits;
  d.keyspace_misses = a.keyspace_misses - b.keyspace_misses;
  d.net_input_bytes = a.net_input_bytes - b.net_input_bytes;
  d.net_output_bytes = a.net_output_bytes - b.net_output_bytes;
  for (std::size_t c = 0; c < kMaxCommands; ++c) {
    d.command_calls[c] = a.command_calls[c] - b.command_calls[c];
    d.command_nanos[c] = a.command_nanos[c] - b.command_nanos[c];
  }
  for (std::size_t i = 0; i < kLatencyBucketCount; ++i) {
    d.latency_buckets[i] = a.latency_buckets[i] - b.latency_buckets[i];
    for (std::size_t c = 0; c < kMaxCommands; ++c) {
      d.command_latency[c][i] = a.command_latency[c][i] - b.command_latency[c][i];
    }
  }
  d.total_connections_received = a.total_connections_received - b.total_connections_received;
  d.rejected_connections = a.rejected_connections - b.rejected_connections;
  d.evicted_keys = a.evicted_keys - b.evicted_keys;
  d.expired_keys = a.expired_keys - b.expired_keys;
  return d;
}

Statistics::Statistics(std::size_t threads)
    : threads_(threads == 0 ? 1 : threads), workers_(std::make_unique<WorkerStats[]>(threads_)) {}

Totals Statistics::running_totals(std::uint64_t evicted_keys, std::uint64_t expired_keys) const {
  Totals t;
  for (std::size_t i = 0; i < threads_; ++i) {
    const WorkerStats& w = workers_[i];
    t.commands_processed += w.commands_processed.load(std::memory_order_relaxed);
    t.keyspace_hits += w.keyspace_hits.load(std::memory_order_relaxed);
    t.keyspace_misses += w.keyspace_misses.load(std::memory_order_relaxed);
    t.net_input_bytes += w.net_input_bytes.load(std::memory_order_relaxed);
    t.net_output_bytes += w.net_output_bytes.load(std::memory_order_relaxed);
    for (std::size_t c = 0; c < kMaxCommands; ++c) {
      t.command_calls[c] += w.command_calls[c].load(std::memory_order_relaxed);
      t.command_nanos[c] += w.command_nanos[c].load(std::memory_order_relaxed);
    }
    for (std::size_t c = 0; c < kMaxCommands; ++c) {
      for (std::size_t b = 0; b < kLatencyBucketCount; ++b) {
        const std::uint64_t n = w.command_latency[c][b].load(std::memory_order_relaxed);
        t.command_latency[c][b] += n;
        t.latency_buckets[b] += n;
      }
    }
  }
  t.total_connections_received = total_connections_received.load(std::memory_order_relaxed);
  t.rejected_connections = rejected_connections.load(std::memory_order_relaxed);
  t.evicted_keys = evicted_keys;
  t.expired_keys = expired_keys;
  return t;
}

Totals Statistics::totals(std::uint64_t evicted_keys, std::uint64_t expired_keys) const {
  // The baseline lock is held while reading, so a reset cannot slip in between the read and
  // the subtraction and leave a counter below its baseline.
  std::lock_guard lock(baseline_mutex_);
  Totals now = running_totals(evicted_keys, expired_keys);
  // Storage's counts are passed in, so a caller could pass older ones than a reset saw.
  if (now.evicted_keys < baseline_.evicted_keys) now.evicted_keys = baseline_.evicted_keys;
  if (now.expired_keys < baseline_.expired_keys) now.expired_keys = baseline_.expired_keys;
  return now - baseline_;
}

void Statistics::reset(std::uint64_t evicted_keys, std::uint64_t expired_keys) {
  std::lock_guard lock(baseline_mutex_);
  baseline_ = running_totals(evicted_keys, expired_keys);
}

void Statistics::sample_ops() {
  const auto now = std::chrono::steady_clock::now();
  const std::uint64_t ops = running_totals(0, 0).commands_processed;
  std::lock_guard lock(ops_mutex_);
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now - last_sample_).count();
  if (elapsed_ms <= 0) return;
  // Running totals never go back, not even across a reset.
  const std::uint64_t delta = ops - last_ops_;
  ops_per_sec_samples_[ops_sample_index_] = delta * 1000 / static_cast<std::uint64_t>(elapsed_ms);
  ops_sample_index_ = (ops_sample_index_ + 1) % kOpsSamples;
  last_ops_ = ops;
  last_sample_ = now;
}

std::uint64_t Statistics::instantaneous_ops_per_sec() const {
  std::lock_guard lock(ops_mutex_);
  std::uint64_t sum = 0;
  for (std::uint64_t s : ops_per_sec_samples_) sum += s;
  return sum / kOpsSamples;
}

}  // namespace respcache::core
