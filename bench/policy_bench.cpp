// Throughput of the Cache's two eviction-sensitive paths under each eviction policy: a read
// hit (which renews the entry's access stamp) and a SET of a new key into a full budget (which
// evicts one entry chosen by the policy). Same key set, value size and shard count as
// micro_bench's Cache benchmarks, so the allkeys-lru rows compare with its CacheReadHit and
// CacheSetEvict.
//
// Usage: policy_bench [Google Benchmark flags]

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "respcache/storage/cache.hpp"
#include "respcache/storage/eviction_policy.hpp"

namespace {

using respcache::storage::Cache;
using respcache::storage::CacheOptions;
using respcache::storage::EntryView;
using respcache::storage::EvictionPolicy;

constexpr std::size_t kKeyCount = 100'000;
constexpr std::uint64_t kHashSeed = 0x5EED5EED5EED5EEDULL;
constexpr std::int64_t kTtlMs = 24 * 3600 * 1000;
const std::string kValue(64, 'v');

const std::vector<std::string>& keys() {
  static const auto keys = [] {
    std::vector<std::string> k;
    k.reserve(kKeyCount);
    char buf[32];
    for (std::size_t i = 0; i < kKeyCount; ++i) {
      const int len = std::snprintf(buf, sizeof buf, "key:%zu", i);
      k.emplace_back(buf, static_cast<std::size_t>(len));
    }
    std::shuffle(k.begin(), k.end(), std::mt19937_64(7));
    return k;
  }();
  return keys;
}

CacheOptions options_for(EvictionPolicy policy, std::size_t max_memory, std::size_t capacity) {
  CacheOptions options;
  options.shard_count = 64;
  options.max_memory = max_memory;
  options.initial_capacity = capacity;
  options.hash_seed = kHashSeed;
  options.eviction_policy = policy;
  return options;
}

/// Volatile policies evict only keys with a TTL, so their runs give every key one.
std::int64_t expiry_for(EvictionPolicy policy, const Cache& cache) {
  return respcache::storage::evicts_only_volatile(policy) ? cache.clock().now_ms() + kTtlMs : 0;
}

void BM_ReadHit(benchmark::State& state) {
  const auto policy = static_cast<EvictionPolicy>(state.range(0));
  Cache cache(options_for(policy, 0, 2 * kKeyCount));
  for (const auto& key : keys()) cache.set(key, kValue, expiry_for(policy, cache));
  std::size_t i = 0;
  std::size_t hits = 0;
  for (auto _ : state) {
    std::size_t len = 0;
    hits += cache.read(keys()[i], [&len](const EntryView& e) { len = e.value.size(); }) ? 1 : 0;
    benchmark::DoNotOptimize(len);
    if (++i == keys().size()) i = 0;
  }
  if (hits != static_cast<std::size_t>(state.iterations())) state.SkipWithError("a read missed");
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(respcache::storage::eviction_policy_name(policy)));
}

// SET of new keys into a full 1 MiB budget: every SET evicts about one entry.
void BM_SetEvict(benchmark::State& state) {
  const auto policy = static_cast<EvictionPolicy>(state.range(0));
  Cache cache(options_for(policy, 1 << 20, 16 * 1024));
  std::size_t i = 0;
  while (cache.stats().evicted_keys == 0) {
    cache.set(keys()[i++], kValue, expiry_for(policy, cache));
  }
  const std::uint64_t evicted_before = cache.stats().evicted_keys;
  for (auto _ : state) {
    cache.set(keys()[i], kValue, expiry_for(policy, cache));
    if (++i == keys().size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["evictions_per_set"] =
      static_cast<double>(cache.stats().evicted_keys - evicted_before) /
      static_cast<double>(state.iterations());
  state.SetLabel(std::string(respcache::storage::eviction_policy_name(policy)));
}

void every_evicting_policy(benchmark::internal::Benchmark* b) {
  for (const EvictionPolicy policy : respcache::storage::kEvictionPolicies) {
    if (policy != EvictionPolicy::kNoEviction) b->Arg(static_cast<int>(policy));
  }
}
BENCHMARK(BM_ReadHit)->Apply(every_evicting_policy);
BENCHMARK(BM_SetEvict)->Apply(every_evicting_policy);

}  // namespace

BENCHMARK_MAIN();
