#include "respcache/commands/server_state.hpp"

#include <algorithm>
#include <random>

namespace respcache::commands {

ServerState::ServerState(config::Config config, storage::Cache& cache)
    : config_(std::move(config)),
      cache_(cache),
      workers_(std::make_unique<WorkerStats[]>(config_.threads == 0 ? 1 : config_.threads)) {
  cache_.count_in_budget(&buffer_bytes);
  timeout_seconds.store(config_.timeout);
  query_buffer_limit.store(config_.client_query_buffer_limit);
  set_password(config_.requirepass);
  tick_clock();
  std::random_device random;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 40; ++i) run_id_.push_back(kHex[random() % 16]);
}

ServerState::Totals ServerState::totals() const {
  Totals t;
  for (std::size_t i = 0; i < std::max<std::size_t>(1, config_.threads); ++i) {
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
    for (std::size_t b = 0; b < kLatencyBucketCount; ++b) {
      t.latency_buckets[b] += w.latency_buckets[b].load(std::memory_order_relaxed);
    }
  }
  const storage::CacheStats cache = cache_.stats();
  t.evicted_keys =
      cache.evicted_keys -
      std::min(cache.evicted_keys, evicted_keys_at_reset_.load(std::memory_order_relaxed));
  t.expired_keys =
      cache.expired_keys -
      std::min(cache.expired_keys, expired_keys_at_reset_.load(std::memory_order_relaxed));
  return t;
}

bool ServerState::password_matches(std::string_view candidate) const {
  std::lock_guard lock(password_mutex_);
  // Every byte of the longer string is compared, so the time taken does not tell how long a
  // prefix was right.
  const std::size_t n = std::max(candidate.size(), password_.size());
  unsigned char diff = candidate.size() == password_.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const auto a = static_cast<unsigned char>(i < candidate.size() ? candidate[i] : 0);
    const auto b = static_cast<unsigned char>(i < password_.size() ? password_[i] : 0);
    diff |= static_cast<unsigned char>(a ^ b);
  }
  return diff == 0;
}

std::string ServerState::password() const {
  std::lock_guard lock(password_mutex_);
  return password_;
}

void ServerState::set_password(std::string password) {
  std::lock_guard lock(password_mutex_);
  password_ = std::move(password);
  auth_required_.store(!password_.empty(), std::memory_order_relaxed);
}

void ServerState::tick_clock() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  coarse_now_ms.store(std::chrono::duration_cast<std::chrono::milliseconds>(now).count(),
                      std::memory_order_relaxed);
}

void ServerState::sample_ops() {
  const auto now = std::chrono::steady_clock::now();
  const std::uint64_t ops = totals().commands_processed;
  std::lock_guard lock(ops_mutex_);
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now - last_sample_).count();
  if (elapsed_ms <= 0) return;
  // After CONFIG RESETSTAT the total can go backwards; count that interval as zero.
  const std::uint64_t delta = ops >= last_ops_ ? ops - last_ops_ : 0;
  ops_per_sec_samples_[ops_sample_index_] = delta * 1000 / static_cast<std::uint64_t>(elapsed_ms);
  ops_sample_index_ = (ops_sample_index_ + 1) % kOpsSamples;
  last_ops_ = ops;
  last_sample_ = now;
}

std::uint64_t ServerState::instantaneous_ops_per_sec() const {
  std::lock_guard lock(ops_mutex_);
  std::uint64_t sum = 0;
  for (std::uint64_t s : ops_per_sec_samples_) sum += s;
  return sum / kOpsSamples;
}

void ServerState::reset_stats() {
  // Each counter is written by its own worker thread; a store of zero from here races only
  // with an increment that may be lost, which RESETSTAT tolerates.
  for (std::size_t i = 0; i < std::max<std::size_t>(1, config_.threads); ++i) {
    WorkerStats& w = workers_[i];
    w.commands_processed.store(0, std::memory_order_relaxed);
    w.keyspace_hits.store(0, std::memory_order_relaxed);
    w.keyspace_misses.store(0, std::memory_order_relaxed);
    w.net_input_bytes.store(0, std::memory_order_relaxed);
    w.net_output_bytes.store(0, std::memory_order_relaxed);
    for (auto& c : w.command_calls) c.store(0, std::memory_order_relaxed);
    for (auto& c : w.command_nanos) c.store(0, std::memory_order_relaxed);
    for (auto& b : w.latency_buckets) b.store(0, std::memory_order_relaxed);
  }
  total_connections_received.store(0, std::memory_order_relaxed);
  rejected_connections.store(0, std::memory_order_relaxed);
  const storage::CacheStats cache = cache_.stats();
  evicted_keys_at_reset_.store(cache.evicted_keys, std::memory_order_relaxed);
  expired_keys_at_reset_.store(cache.expired_keys, std::memory_order_relaxed);
}

}  // namespace respcache::commands
