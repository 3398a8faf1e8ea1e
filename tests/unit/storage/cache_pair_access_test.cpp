// Cache::PairAccess: two keys' shards held at once (RENAME, COPY). Atomic to other threads,
// free of deadlock whichever order threads name the keys in, and eviction that would need a
// third shard is done once the pair is released. The PairAccessConcurrency tests are in the
// ThreadSanitizer suite (ctest label "concurrent"); their work is bounded by counts.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "respcache/storage/cache.hpp"
#include "respcache/storage/clock.hpp"

namespace respcache::storage {
namespace {

CacheOptions options(const Clock* clock, std::size_t max_memory = 0) {
  CacheOptions options;
  options.shard_count = 8;
  options.initial_capacity = 256;
  options.clock = clock;
  options.hash_seed = 0xfa1;
  options.max_memory = max_memory;
  return options;
}

// Moves the value from `from` to `to` the way RENAME does, under the pair's locks.
void rename(Cache& cache, const std::string& from, const std::string& to) {
  const Cache::PairAccess locked(cache, from, to);
  std::string value;
  if (!cache.read(from, [&](const EntryView& e) { value.assign(e.value); })) return;
  cache.set(to, value);
  cache.erase(from);
}

// For each of four key pairs (with 8 shards, most pairs span two), two renamers pass one
// value back and forth, naming the keys in opposite orders, while a checker holding the same
// pair sees exactly one of the two keys, every time.
TEST(PairAccessConcurrency, RenamesAreAtomicAndNeverDeadlock) {
  constexpr int kPairs = 4;
  constexpr int kRenames = 5000;
  ManualClock clock;
  Cache cache(options(&clock));
  std::vector<std::thread> threads;
  std::atomic<int> running{2 * kPairs};
  std::atomic<std::size_t> torn{0};
  std::atomic<std::size_t> checks{0};
  for (int p = 0; p < kPairs; ++p) {
    const std::string a = "left:" + std::to_string(p);
    const std::string b = "right:" + std::to_string(p);
    cache.set(a, "token");
    threads.emplace_back([&cache, &running, a, b] {
      for (int i = 0; i < kRenames; ++i) rename(cache, a, b);
      running.fetch_sub(1, std::memory_order_release);
    });
    threads.emplace_back([&cache, &running, a, b] {
      for (int i = 0; i < kRenames; ++i) rename(cache, b, a);
      running.fetch_sub(1, std::memory_order_release);
    });
  }
  std::thread checker([&] {
    while (running.load(std::memory_order_acquire) > 0) {
      for (int p = 0; p < kPairs; ++p) {
        const std::string a = "left:" + std::to_string(p);
        const std::string b = "right:" + std::to_string(p);
        const Cache::PairAccess locked(cache, b, a);
        const int present = (cache.contains(a) ? 1 : 0) + (cache.contains(b) ? 1 : 0);
        if (present != 1) torn.fetch_add(1, std::memory_order_relaxed);
        checks.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });
  for (std::thread& t : threads) t.join();
  checker.join();
  EXPECT_EQ(torn.load(), 0u);
  EXPECT_EQ(cache.size(), static_cast<std::size_t>(kPairs));
  RecordProperty("checks", static_cast<int>(checks.load()));
}

TEST(PairAccess, OneKeyOrTwoInOneShardTakeOneLock) {
  ManualClock clock;
  Cache cache(options(&clock));
  {
    const Cache::PairAccess locked(cache, "same", "same");
    cache.set("same", "v");  // would self-deadlock if the shard were locked twice
    EXPECT_TRUE(cache.contains("same"));
  }
  {
    const Cache::ExclusiveAccess all(cache);
    const Cache::PairAccess inside(cache, "same", "other");  // a no-op inside ExclusiveAccess
    cache.set("other", "v");
  }
  EXPECT_EQ(cache.size(), 2u);
}

// A write inside the pair that takes the cache over budget evicts what its own shard can at
// once; the rest (other shards) goes when the pair is released, so usage ends within budget.
TEST(PairAccess, EvictionElsewhereWaitsForTheRelease) {
  ManualClock clock;
  Cache cache(options(&clock, 256 * 1024));
  const std::string value(1000, 'v');
  for (int i = 0; cache.stats().evicted_keys == 0 && i < 100000; ++i) {
    cache.set("fill:" + std::to_string(i), value);
  }
  const std::size_t budget = cache.max_memory();
  {
    const Cache::PairAccess locked(cache, "big:a", "big:b");
    cache.set("big:a", std::string(64 * 1024, 'x'));
    cache.set("big:b", std::string(64 * 1024, 'y'));
  }
  // Each value is more than its shard held: the rest came from other shards, after release.
  EXPECT_LE(cache.used_memory(), budget);
  EXPECT_GT(cache.stats().evicted_keys, 0u);
}

}  // namespace
}  // namespace respcache::storage
