// Many threads on one cache, then a check that every counter still adds up. These are also the
// ThreadSanitizer suite (ctest label "concurrent"), so their work is bounded by iteration
// counts, never by time, and stays small.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "respcache/storage/cache.hpp"
#include "respcache/storage/clock.hpp"
#include "respcache/storage/eviction_policy.hpp"

namespace respcache::storage {
namespace {

constexpr std::size_t kThreads = 8;
constexpr std::uint64_t kSeed = 0xc0ffee;
// More than the largest entry these tests write (key, value, header, allocator rounding).
constexpr std::size_t kEntrySlack = 1024;

std::string key_of(std::size_t i) { return "k" + std::to_string(i); }

// Every value is its key, a '|', then only 'x': a torn or misplaced value is detectable.
std::string value_for(std::string_view key, std::size_t x_count) {
  std::string value(key);
  value += '|';
  value.append(x_count, 'x');
  return value;
}

bool well_formed(std::string_view key, std::string_view value) {
  return value.size() > key.size() && value.substr(0, key.size()) == key &&
         value[key.size()] == '|' &&
         value.find_first_not_of('x', key.size() + 1) == std::string_view::npos;
}

template <class Body>
void run_threads(std::size_t count, Body body) {
  std::vector<std::thread> threads;
  threads.reserve(count);
  for (std::size_t t = 0; t < count; ++t) threads.emplace_back(body, t);
  for (std::thread& thread : threads) thread.join();
}

struct Census {
  std::size_t live = 0;
  std::size_t with_expiry = 0;
  std::size_t malformed = 0;
};

// Reads every key of the key space (single-threaded, after the workers have joined); reading
// also reclaims the expired entries it meets.
Census take_census(Cache& cache, std::size_t keys) {
  Census census;
  for (std::size_t i = 0; i < keys; ++i) {
    const std::string key = key_of(i);
    cache.read(key, [&](const EntryView& entry) {
      ++census.live;
      census.with_expiry += entry.expire_at_ms != 0 ? 1 : 0;
      census.malformed += well_formed(key, entry.value) && entry.key == key ? 0 : 1;
    });
  }
  return census;
}

// One worker's mix of operations on random keys of [0, keys).
void mixed_operations(Cache& cache, std::size_t keys, int ops, std::uint32_t seed,
                      const ManualClock& clock, std::int64_t max_ttl_ms,
                      std::atomic<std::size_t>& malformed) {
  std::minstd_rand rng(seed);
  for (int op = 0; op < ops; ++op) {
    const std::string key = key_of(rng() % keys);
    const unsigned dice = rng() % 100;
    if (dice < 40) {
      cache.read(key, [&](const EntryView& entry) {
        if (!well_formed(key, entry.value) || entry.key != key) ++malformed;
      });
    } else if (dice < 60) {
      const std::int64_t expiry =
          dice % 3 == 0 ? clock.now_ms() + 1 + static_cast<std::int64_t>(rng() % max_ttl_ms) : 0;
      cache.set(key, value_for(key, rng() % 200), expiry);
    } else if (dice < 75) {
      const std::string fresh = value_for(key, 0);  // outlives the Mutation that views it
      cache.update(key, [&](const EntryView* current) {
        if (current == nullptr) return Mutation::store(fresh, 0);
        if (!well_formed(key, current->value)) ++malformed;
        if (current->value.size() > 400) return Mutation::erase();
        return Mutation::store(current->value, "xxxx", current->expire_at_ms);  // APPEND
      });
    } else if (dice < 85) {
      cache.erase(key);
    } else if (dice < 95) {
      cache.contains(key);
    } else {
      const CacheStats stats = cache.stats();
      if (stats.keys > keys) ++malformed;  // more keys than the key space holds
    }
  }
}

TEST(CacheConcurrency, MixedOperationsOnOneShardUnderEvictionKeepTheAccountsExact) {
  constexpr std::size_t kKeys = 512;
  ManualClock clock;  // never moves here: nothing expires
  CacheOptions options;
  options.shard_count = 1;
  options.initial_capacity = 2 * kKeys;  // the table never grows, so usage returns to its start
  options.clock = &clock;
  options.hash_seed = kSeed;
  Cache cache(options);
  const std::size_t empty_usage = cache.used_memory();
  const std::size_t budget = empty_usage + 24 * 1024;  // about a quarter of the key space
  cache.set_max_memory(budget);

  std::atomic<std::size_t> malformed{0};
  run_threads(kThreads, [&](std::size_t t) {
    mixed_operations(cache, kKeys, 5000, static_cast<std::uint32_t>(t + 1), clock, 1'000'000'000,
                     malformed);
  });

  EXPECT_EQ(malformed.load(), 0u);
  EXPECT_LE(cache.used_memory(), budget + kEntrySlack);
  const CacheStats stats = cache.stats();
  EXPECT_GT(stats.evicted_keys, 0u);
  EXPECT_EQ(stats.expired_keys, 0u);

  const Census census = take_census(cache, kKeys);
  EXPECT_EQ(census.malformed, 0u);
  EXPECT_EQ(cache.size(), census.live);
  EXPECT_EQ(stats.keys, census.live);
  EXPECT_EQ(stats.keys_with_expiry, census.with_expiry);

  // Erasing key by key must bring every counter back to where it started.
  std::size_t erased = 0;
  for (std::size_t i = 0; i < kKeys; ++i) erased += cache.erase(key_of(i)) ? 1 : 0;
  EXPECT_EQ(erased, census.live);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.used_memory(), empty_usage);
  EXPECT_EQ(cache.stats().keys_with_expiry, 0u);
}

TEST(CacheConcurrency, ReadersSeeWholeValuesWhileWritersReplaceThem) {
  constexpr std::size_t kKeys = 8;  // heavy contention on a handful of keys
  CacheOptions options;
  options.shard_count = 1;
  options.initial_capacity = 16;
  options.hash_seed = kSeed;
  Cache cache(options);

  std::atomic<std::size_t> torn{0};
  std::atomic<std::size_t> hits{0};
  run_threads(kThreads, [&](std::size_t t) {
    std::minstd_rand rng(static_cast<std::uint32_t>(t + 100));
    for (int op = 0; op < 5000; ++op) {
      const std::string key = key_of(rng() % kKeys);
      if (t % 2 == 0) {
        // A value of one repeated letter, of a length that changes every time.
        const char letter = static_cast<char>('a' + rng() % 26);
        cache.set(key, key + "=" + std::string(rng() % 300, letter));
      } else {
        cache.read(key, [&](const EntryView& entry) {
          ++hits;
          const std::string_view value = entry.value;
          const bool whole =
              value.size() > key.size() && value.substr(0, key.size()) == key &&
              value[key.size()] == '=' &&
              (value.size() == key.size() + 1 ||
               value.find_first_not_of(value.back(), key.size() + 1) == std::string_view::npos);
          if (!whole) ++torn;
        });
      }
    }
  });
  EXPECT_EQ(torn.load(), 0u);
  EXPECT_GT(hits.load(), 0u);
  EXPECT_EQ(cache.size(), kKeys);
}

TEST(CacheConcurrency, ExpiryRacesWithWritesAndEvictionOnOneShard) {
  constexpr std::size_t kKeys = 512;
  ManualClock clock;
  CacheOptions options;
  options.shard_count = 1;
  options.initial_capacity = 2 * kKeys;
  options.clock = &clock;
  options.hash_seed = kSeed;
  Cache cache(options);
  const std::size_t empty_usage = cache.used_memory();
  const std::size_t budget = empty_usage + 24 * 1024;
  cache.set_max_memory(budget);

  std::atomic<std::size_t> malformed{0};
  std::atomic<std::size_t> swept{0};
  run_threads(kThreads, [&](std::size_t t) {
    if (t == 0) {  // the active expiry cycle, with time moving on
      for (int round = 0; round < 2000; ++round) {
        clock.advance(1);
        swept += cache.expire_some(8);
      }
      return;
    }
    mixed_operations(cache, kKeys, 5000, static_cast<std::uint32_t>(t + 1), clock, 20, malformed);
  });

  EXPECT_EQ(malformed.load(), 0u);
  EXPECT_LE(cache.used_memory(), budget + kEntrySlack);
  EXPECT_LE(swept.load(), cache.stats().expired_keys);

  // Once every TTL has passed, only keys without one are live; erasing the whole key space
  // reclaims the rest and must leave no memory or expiry counted.
  clock.advance(1'000'000);
  const Census census = take_census(cache, kKeys);
  EXPECT_EQ(census.malformed, 0u);
  EXPECT_EQ(census.with_expiry, 0u);
  EXPECT_LE(census.live, cache.size());
  std::size_t erased = 0;
  for (std::size_t i = 0; i < kKeys; ++i) erased += cache.erase(key_of(i)) ? 1 : 0;
  EXPECT_EQ(erased, census.live);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.used_memory(), empty_usage);
  EXPECT_EQ(cache.stats().keys_with_expiry, 0u);
}

TEST(CacheConcurrency, ManyShardsShareOneBudget) {
  constexpr std::size_t kKeys = 4096;
  ManualClock clock;
  CacheOptions options;
  options.shard_count = 8;
  options.initial_capacity = 2 * kKeys;
  options.clock = &clock;
  options.hash_seed = kSeed;
  Cache cache(options);
  const std::size_t empty_usage = cache.used_memory();
  const std::size_t budget = empty_usage + 64 * 1024;
  cache.set_max_memory(budget);

  std::atomic<std::size_t> malformed{0};
  run_threads(kThreads, [&](std::size_t t) {
    mixed_operations(cache, kKeys, 5000, static_cast<std::uint32_t>(t + 7), clock, 1'000'000'000,
                     malformed);
  });

  EXPECT_EQ(malformed.load(), 0u);
  // Writers on different shards evict concurrently: each may overshoot by its own entry.
  EXPECT_LE(cache.used_memory(), budget + kThreads * kEntrySlack);
  EXPECT_GT(cache.stats().evicted_keys, 0u);
  const Census census = take_census(cache, kKeys);
  EXPECT_EQ(census.malformed, 0u);
  EXPECT_EQ(cache.size(), census.live);
  EXPECT_EQ(cache.stats().keys_with_expiry, census.with_expiry);

  for (std::size_t i = 0; i < kKeys; ++i) cache.erase(key_of(i));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.used_memory(), empty_usage);
}

// One thread switches the eviction policy through all of them while the others read, write and
// evict: every policy reads the same access stamps, so a switch is only a relaxed store, and
// whatever was refused or evicted on the way, the accounts must still add up.
TEST(CacheConcurrency, PolicySwitchesDuringTrafficKeepTheAccountsExact) {
  constexpr std::size_t kKeys = 2048;
  ManualClock clock;
  CacheOptions options;
  options.shard_count = 4;
  options.initial_capacity = 2 * kKeys;
  options.clock = &clock;
  options.hash_seed = kSeed;
  Cache cache(options);
  const std::size_t empty_usage = cache.used_memory();
  const std::size_t budget = empty_usage + 48 * 1024;
  cache.set_max_memory(budget);

  std::atomic<std::size_t> malformed{0};
  std::atomic<bool> done{false};
  std::atomic<std::size_t> running{kThreads - 1};
  run_threads(kThreads, [&](std::size_t t) {
    if (t == 0) {  // the policy switcher, with time moving on
      for (std::size_t round = 0; !done.load(); ++round) {
        cache.set_eviction_policy(kEvictionPolicies[round % kEvictionPolicies.size()]);
        clock.advance(kLruClockResolutionMs);
        std::this_thread::yield();
      }
      return;
    }
    mixed_operations(cache, kKeys, 5000, static_cast<std::uint32_t>(t + 31), clock, 1'000'000'000,
                     malformed);
    if (running.fetch_sub(1) == 1) done.store(true);
  });

  EXPECT_EQ(malformed.load(), 0u);
  EXPECT_LE(cache.used_memory(), budget + kThreads * kEntrySlack);
  const Census census = take_census(cache, kKeys);
  EXPECT_EQ(census.malformed, 0u);
  EXPECT_EQ(cache.size(), census.live);
  EXPECT_EQ(cache.stats().keys_with_expiry, census.with_expiry);

  cache.set_eviction_policy(EvictionPolicy::kAllKeysLru);
  for (std::size_t i = 0; i < kKeys; ++i) cache.erase(key_of(i));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.used_memory(), empty_usage);
}

}  // namespace
}  // namespace respcache::storage
