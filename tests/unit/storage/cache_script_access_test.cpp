// Cache::ScriptAccess: what a script holds. Its declared keys' shards from the start, any
// other shard from first touch to its end, taken out of the shard order that KeysAccess and
// ExclusiveAccess keep; threads taking several shards in order back off meanwhile, so nothing
// deadlocks and nothing is seen half-done. The ScriptAccessConcurrency tests are in the
// ThreadSanitizer suite (ctest label "concurrent"); their work is bounded by counts.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "respcache/storage/cache.hpp"
#include "respcache/storage/clock.hpp"

namespace respcache::storage {
namespace {

CacheOptions options(const Clock* clock) {
  CacheOptions options;
  options.shard_count = 8;
  options.initial_capacity = 256;
  options.clock = clock;
  options.hash_seed = 0x5c1;
  return options;
}

const std::vector<std::string> kKeys = {"a", "b", "c", "d", "e", "f", "g", "h"};

std::string value_of(Cache& cache, std::string_view key) {
  std::string value = "0";
  cache.read(key, [&](const EntryView& e) { value.assign(e.value); });
  return value;
}

void increment(Cache& cache, std::string_view key) {
  cache.set(key, std::to_string(std::stoll(value_of(cache, key)) + 1));
}

// Every key holds the same count (read under whatever the caller holds).
bool all_same(Cache& cache) {
  const std::string first = value_of(cache, kKeys[0]);
  for (const std::string& key : kKeys) {
    if (value_of(cache, key) != first) return false;
  }
  return true;
}

TEST(ScriptAccess, HoldsDeclaredShardsAndThenEveryShardItTouches) {
  ManualClock clock;
  Cache cache(options(&clock));
  const std::string_view declared[] = {"a"};
  const Cache::ScriptAccess access(cache, declared);
  for (const std::string& key : kKeys) increment(cache, key);  // undeclared ones extend it
  for (const std::string& key : kKeys) EXPECT_EQ(value_of(cache, key), "1");
  // Nested accesses inside a script take what they lack instead of deadlocking on it.
  const std::string_view pair[] = {"b", "zz"};
  { const Cache::KeysAccess nested(cache, pair); }
  { const Cache::ExclusiveAccess nested(cache); }
}

// Two scripts touch every key undeclared, in opposite orders; KeysAccess and ExclusiveAccess
// take them all in order to increment and to check. Nothing tears, no count is lost, and
// every thread finishes.
TEST(ScriptAccessConcurrency, UndeclaredKeysInAnyOrderBesideOrderedHolders) {
  constexpr int kRounds = 3000;
  ManualClock clock;
  Cache cache(options(&clock));
  std::atomic<int> torn{0};
  std::vector<std::thread> threads;
  for (const bool reverse : {false, true}) {
    threads.emplace_back([&, reverse] {
      for (int i = 0; i < kRounds; ++i) {
        const Cache::ScriptAccess access(cache, {});
        if (!all_same(cache)) torn.fetch_add(1);
        for (std::size_t k = 0; k < kKeys.size(); ++k) {
          increment(cache, kKeys[reverse ? kKeys.size() - 1 - k : k]);
        }
      }
    });
  }
  const std::vector<std::string_view> all(kKeys.begin(), kKeys.end());
  threads.emplace_back([&] {
    for (int i = 0; i < kRounds; ++i) {
      const Cache::KeysAccess access(cache, all);
      if (!all_same(cache)) torn.fetch_add(1);
      for (const std::string& key : kKeys) increment(cache, key);
    }
  });
  threads.emplace_back([&] {
    for (int i = 0; i < kRounds; ++i) {
      const Cache::ExclusiveAccess access(cache);
      if (!all_same(cache)) torn.fetch_add(1);
    }
  });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(torn.load(), 0);
  for (const std::string& key : kKeys) EXPECT_EQ(value_of(cache, key), std::to_string(3 * kRounds));
}

}  // namespace
}  // namespace respcache::storage
