#include "respcache/storage/eviction_policy.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/storage/cache.hpp"
#include "respcache/storage/clock.hpp"

namespace respcache::storage {
namespace {

constexpr std::uint64_t kSeed = 0x5eed5eed;
constexpr std::int64_t kMinute = 60'000;

// ---------------------------------------------------------------------------------------------
// Names

TEST(EvictionPolicyNames, EveryPolicyRoundTripsThroughItsRedisName) {
  std::vector<std::string> names;
  for (const EvictionPolicy policy : kEvictionPolicies) {
    const std::string_view name = eviction_policy_name(policy);
    names.emplace_back(name);
    EXPECT_EQ(parse_eviction_policy(name), policy) << name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"allkeys-lru", "allkeys-lfu", "allkeys-random",
                                             "volatile-lru", "volatile-lfu", "volatile-random",
                                             "volatile-ttl", "noeviction"}));
  EXPECT_EQ(eviction_policy_names(),
            "allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, "
            "volatile-random, volatile-ttl, noeviction");
}

TEST(EvictionPolicyNames, ParsingIgnoresCaseAndRefusesAnythingElse) {
  EXPECT_EQ(parse_eviction_policy("AllKeys-LFU"), EvictionPolicy::kAllKeysLfu);
  EXPECT_EQ(parse_eviction_policy("NOEVICTION"), EvictionPolicy::kNoEviction);
  for (const char* bad : {"", "lru", "allkeys-lru ", "allkeys_lru", "allkeys-sieve", "volatile"}) {
    EXPECT_EQ(parse_eviction_policy(bad), std::nullopt) << bad;
  }
}

// ---------------------------------------------------------------------------------------------
// The LRU clock and the LFU counter

TEST(LruClock, TicksAtItsResolutionAndWrapsAt24Bits) {
  EXPECT_EQ(lru_clock(0), 0u);
  EXPECT_EQ(lru_clock(kLruClockResolutionMs - 1), 0u);
  EXPECT_EQ(lru_clock(kLruClockResolutionMs), 1u);
  EXPECT_EQ(lru_clock(kLruClockWrapMs - kLruClockResolutionMs), kLruClockMax);
  EXPECT_EQ(lru_clock(kLruClockWrapMs), 0u);
  EXPECT_EQ(lru_clock(5 * kLruClockWrapMs + 7 * kLruClockResolutionMs), 7u);
}

TEST(LruClock, IdleTimeIsRightAcrossOneWrap) {
  EXPECT_EQ(lru_idle_ticks(100, 130), 30u);
  EXPECT_EQ(lru_idle_ticks(130, 130), 0u);
  // Stamped 6 ticks before the wrap, read 4 after it: 10 ticks, not "in the future".
  EXPECT_EQ(lru_idle_ticks(kLruClockMax - 5, 4), 10u);
  // More than a whole wrap is the documented blind spot: it looks like the remainder.
  EXPECT_EQ(lru_idle_ticks(lru_clock(0), lru_clock(kLruClockWrapMs + 30)), 3u);
}

TEST(LfuCounter, NewKeysStartAtFiveAndIncrementLogarithmically) {
  EXPECT_EQ(access_stamp::counter_of(access_stamp::fresh(123)), kLfuInitCounter);
  EXPECT_EQ(access_stamp::clock_of(access_stamp::fresh(123)), 123u);
  // At or below 5 every access counts.
  EXPECT_EQ(access_stamp::log_increment(0, 0xFFFFFFFF), 1u);
  EXPECT_EQ(access_stamp::log_increment(5, 0xFFFFFFFF), 6u);
  // At 15, p = 1 / ((15 - 5) * 10 + 1) = 1/101 of the 32-bit range.
  const std::uint32_t threshold = static_cast<std::uint32_t>((std::uint64_t{1} << 32) / 101);
  EXPECT_EQ(access_stamp::log_increment(15, threshold), 16u);
  EXPECT_EQ(access_stamp::log_increment(15, threshold + 1), 15u);
  EXPECT_EQ(access_stamp::log_increment(255, 0), 255u);
}

TEST(LfuCounter, DecaysOnePerMinuteWithoutAccess) {
  const std::uint32_t now = lru_clock(100 * kMinute);
  const auto at = [](std::int64_t ms) { return lru_clock(ms); };
  EXPECT_EQ(access_stamp::decayed_counter(access_stamp::make(20, at(100 * kMinute - 59'000)), now),
            20u);
  EXPECT_EQ(access_stamp::decayed_counter(access_stamp::make(20, at(97 * kMinute)), now), 17u);
  EXPECT_EQ(access_stamp::decayed_counter(access_stamp::make(20, at(30 * kMinute)), now), 0u);
}

TEST(AccessStamp, LruAccessKeepsTheCounterAndLfuAccessDecaysThenCounts) {
  const std::uint32_t old = access_stamp::make(9, lru_clock(10 * kMinute));
  const std::uint32_t now = lru_clock(12 * kMinute);
  const std::uint32_t lru = access_stamp::touched(EvictionPolicy::kAllKeysLru, old, now);
  EXPECT_EQ(access_stamp::counter_of(lru), 9u);
  EXPECT_EQ(access_stamp::clock_of(lru), now);
  const std::uint32_t lfu = access_stamp::touched(EvictionPolicy::kVolatileLfu, old, now);
  EXPECT_EQ(access_stamp::clock_of(lfu), now);
  // Two minutes of decay, then at most one increment.
  EXPECT_GE(access_stamp::counter_of(lfu), 7u);
  EXPECT_LE(access_stamp::counter_of(lfu), 8u);
}

// ---------------------------------------------------------------------------------------------
// The policies in a Cache

// One shard and 64 samples: with a handful of keys every eviction sees every candidate, so
// each policy's choice is exact and the tests can name the victim.
class PolicyTest : public testing::Test {
 protected:
  void make_cache(EvictionPolicy policy, std::int64_t start_ms = 1'700'000'000'000) {
    clock_.set(start_ms);
    CacheOptions options;
    options.shard_count = 1;
    options.initial_capacity = 1024;  // no table growth
    options.eviction_samples = 64;
    options.eviction_policy = policy;
    options.clock = &clock_;
    options.hash_seed = kSeed;
    cache_.emplace(options);
  }
  Cache& cache() { return *cache_; }
  bool read(std::string_view key) {
    return cache().read(key, [](const EntryView&) {});
  }
  WriteStatus set(std::string_view key, std::int64_t expire_at_ms = 0) {
    return cache().set(key, std::string(64, 'v'), expire_at_ms);
  }
  /// Writes keys k0..k{n-1}, then fixes the budget at their usage plus half an entry: the next
  /// new key of the same size needs one eviction, even if the allocator serves one of them
  /// from a larger chunk than the 96 bytes they ask for.
  void fill(std::size_t n, std::int64_t ttl_ms = 0) {
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(set(key(i), ttl_ms != 0 ? clock_.now_ms() + ttl_ms : 0), WriteStatus::kOk);
    }
    cache().set_max_memory(cache().used_memory() + kHalfEntry);
  }
  static constexpr std::size_t kHalfEntry = 48;
  static std::string key(std::size_t i) { return "k" + std::to_string(i); }
  /// The keys of k0..k{n-1} no longer present.
  std::vector<std::string> gone(std::size_t n) {
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < n; ++i) {
      if (!cache().contains(key(i))) missing.push_back(key(i));
    }
    return missing;
  }

  ManualClock clock_;
  std::optional<Cache> cache_;
};

TEST_F(PolicyTest, LruEvictsTheLeastRecentlyReadKeyWithNoWritesBetweenReads) {
  make_cache(EvictionPolicy::kAllKeysLru);
  fill(5);
  // Read order k3, k0, k4, k1, k2, a second apart: k3 is the least recently read.
  for (const std::size_t i : {3, 0, 4, 1, 2}) {
    clock_.advance(1000);
    ASSERT_TRUE(read(key(i)));
  }
  clock_.advance(1000);
  ASSERT_EQ(set("new"), WriteStatus::kOk);
  EXPECT_EQ(gone(5), std::vector<std::string>{"k3"});
  EXPECT_EQ(cache().stats().evicted_keys, 1u);
}

TEST_F(PolicyTest, LruOrderSurvivesTheClockWrap) {
  // Start 3 ticks before the 24-bit clock wraps.
  const std::int64_t wrap = 40 * kLruClockWrapMs;
  make_cache(EvictionPolicy::kAllKeysLru, wrap - 3 * kLruClockResolutionMs);
  fill(4);
  ASSERT_TRUE(read(key(2)));  // stamped kLruClockMax - 2, the largest raw value
  clock_.advance(10 * kLruClockResolutionMs);
  ASSERT_LT(lru_clock(clock_.now_ms()), 10u);  // wrapped
  for (const std::size_t i : {0, 1, 3}) ASSERT_TRUE(read(key(i)));
  clock_.advance(kLruClockResolutionMs);
  ASSERT_EQ(set("new"), WriteStatus::kOk);
  // A naive comparison of raw stamps would call k2 the freshest.
  EXPECT_EQ(gone(4), std::vector<std::string>{"k2"});
}

TEST_F(PolicyTest, LfuKeepsAFrequentlyReadKeyThroughAScanAndLruDoesNot) {
  for (const EvictionPolicy policy : {EvictionPolicy::kAllKeysLfu, EvictionPolicy::kAllKeysLru}) {
    make_cache(policy);
    ASSERT_EQ(set("hot"), WriteStatus::kOk);
    for (int i = 0; i < 200; ++i) {
      clock_.advance(kLruClockResolutionMs);
      ASSERT_TRUE(read("hot"));
    }
    fill(20, 0);  // hot and 20 scan keys fill the budget
    // A scan: 500 keys, each written once and never read again, 10 ms apart (5 s in all,
    // well under the minute that takes one off a counter).
    for (int i = 0; i < 500; ++i) {
      clock_.advance(kLruClockResolutionMs);
      ASSERT_EQ(set("scan:" + std::to_string(i)), WriteStatus::kOk);
    }
    EXPECT_GT(cache().stats().evicted_keys, 450u);
    EXPECT_EQ(read("hot"), policy == EvictionPolicy::kAllKeysLfu) << eviction_policy_name(policy);
  }
}

TEST_F(PolicyTest, LfuForgetsAnOldPopularityAsTheCounterDecays) {
  make_cache(EvictionPolicy::kAllKeysLfu);
  ASSERT_EQ(set("was-hot"), WriteStatus::kOk);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(read("was-hot"));
  fill(3);
  clock_.advance(30 * kMinute);  // was-hot's counter decays to 0 ...
  for (std::size_t i = 0; i < 3; ++i) ASSERT_TRUE(read(key(i)));  // ... the others are read
  ASSERT_EQ(set("new"), WriteStatus::kOk);
  EXPECT_FALSE(read("was-hot"));
  EXPECT_TRUE(gone(3).empty());
}

TEST_F(PolicyTest, VolatilePoliciesEvictOnlyKeysWithATtl) {
  for (const EvictionPolicy policy :
       {EvictionPolicy::kVolatileLru, EvictionPolicy::kVolatileLfu, EvictionPolicy::kVolatileRandom,
        EvictionPolicy::kVolatileTtl}) {
    make_cache(policy);
    // k0..k9 without TTL, read often (the best keys to keep by any ranking but the TTL rule),
    // then v0..v9 with one.
    fill(10);
    for (int round = 0; round < 20; ++round) {
      for (std::size_t i = 0; i < 10; ++i) read(key(i));
    }
    cache().set_max_memory(0);
    for (std::size_t i = 0; i < 10; ++i) {
      ASSERT_EQ(set("v" + std::to_string(i), clock_.now_ms() + (i + 1) * kMinute),
                WriteStatus::kOk);
    }
    cache().set_max_memory(cache().used_memory() + kHalfEntry);
    for (int i = 0; i < 8; ++i) {
      clock_.advance(kLruClockResolutionMs);
      ASSERT_EQ(set("w" + std::to_string(i), clock_.now_ms() + 60 * kMinute), WriteStatus::kOk)
          << eviction_policy_name(policy);
    }
    // One per write, give or take one for the allocator's rounding of some entries.
    EXPECT_NEAR(static_cast<double>(cache().stats().evicted_keys), 8, 1)
        << eviction_policy_name(policy);
    if (policy != EvictionPolicy::kVolatileRandom) {  // the older v keys go first
      for (int i = 0; i < 8; ++i) EXPECT_TRUE(cache().contains("w" + std::to_string(i)));
    }
    EXPECT_TRUE(gone(10).empty()) << eviction_policy_name(policy);
  }
}

TEST_F(PolicyTest, VolatileTtlEvictsTheNearestExpiry) {
  make_cache(EvictionPolicy::kVolatileTtl);
  // Expiries in the order 3, 1, 4, 2, 5 minutes from now.
  const std::vector<int> minutes = {3, 1, 4, 2, 5};
  for (std::size_t i = 0; i < minutes.size(); ++i) {
    ASSERT_EQ(set(key(i), clock_.now_ms() + minutes[i] * kMinute), WriteStatus::kOk);
  }
  cache().set_max_memory(cache().used_memory() + kHalfEntry);
  ASSERT_EQ(set("n1", clock_.now_ms() + 10 * kMinute), WriteStatus::kOk);
  EXPECT_EQ(gone(5), std::vector<std::string>{"k1"});
  ASSERT_EQ(set("n2", clock_.now_ms() + 10 * kMinute), WriteStatus::kOk);
  EXPECT_EQ(gone(5), (std::vector<std::string>{"k1", "k3"}));
}

TEST_F(PolicyTest, VolatilePolicyWithoutTtlKeysRefusesWritesAsRedisDoes) {
  make_cache(EvictionPolicy::kVolatileLru);
  fill(5);
  EXPECT_EQ(set("new"), WriteStatus::kOutOfMemory);
  EXPECT_FALSE(cache().contains("new"));
  // A key with a TTL does not help itself: it is the one being written.
  EXPECT_EQ(set("new", clock_.now_ms() + kMinute), WriteStatus::kOutOfMemory);
  EXPECT_EQ(cache().stats().evicted_keys, 0u);
  EXPECT_TRUE(gone(5).empty());
  for (std::size_t i = 0; i < 5; ++i) EXPECT_TRUE(read(key(i)));
  EXPECT_LE(cache().used_memory(), cache().max_memory());
}

TEST_F(PolicyTest, NoEvictionRefusesGrowingWritesAndKeepsReads) {
  make_cache(EvictionPolicy::kNoEviction);
  fill(5);
  const std::size_t budget = cache().max_memory();
  EXPECT_EQ(set("new"), WriteStatus::kOutOfMemory);
  EXPECT_FALSE(cache().contains("new"));
  EXPECT_EQ(cache().set(key(0), std::string(4096, 'x')), WriteStatus::kOutOfMemory);
  EXPECT_EQ(cache().stats().evicted_keys, 0u);
  EXPECT_LE(cache().used_memory(), budget);
  for (std::size_t i = 0; i < 5; ++i) {
    std::string value;
    EXPECT_TRUE(cache().read(key(i), [&](const EntryView& e) { value = e.value; }));
    EXPECT_EQ(value, std::string(64, 'v'));
  }
  // An overwrite that does not grow is no reason to refuse; a delete makes room.
  EXPECT_EQ(cache().set(key(1), std::string(64, 'w')), WriteStatus::kOk);
  EXPECT_TRUE(cache().erase(key(2)));
  EXPECT_EQ(set("new"), WriteStatus::kOk);
  EXPECT_EQ(cache().stats().evicted_keys, 0u);
}

TEST_F(PolicyTest, AdmittedWritesGoOverTheBudgetWhenTheCallerAdmitsCommands) {
  // commands::Service refuses denyoom commands up front while over the budget (Redis's
  // rule), so the cache lets an admitted command's writes through; nothing is evicted.
  make_cache(EvictionPolicy::kNoEviction);
  fill(5);
  ASSERT_EQ(set("new"), WriteStatus::kOutOfMemory);
  cache().admit_over_budget(true);
  EXPECT_FALSE(cache().out_of_memory());
  EXPECT_EQ(set("new"), WriteStatus::kOk);
  EXPECT_EQ(set("newer"), WriteStatus::kOk);
  EXPECT_GT(cache().used_memory(), cache().max_memory());
  EXPECT_TRUE(cache().out_of_memory());
  EXPECT_EQ(cache().stats().evicted_keys, 0u);
  EXPECT_EQ(cache().size(), 7u);
  // An entry larger than the whole budget is still refused.
  EXPECT_EQ(cache().set("huge", std::string(cache().max_memory(), 'x')), WriteStatus::kTooLarge);
}

TEST_F(PolicyTest, OutOfMemoryOnlyWhenOverTheBudgetWithNothingThePolicyMayEvict) {
  make_cache(EvictionPolicy::kAllKeysLru);
  fill(5);
  EXPECT_FALSE(cache().out_of_memory());
  cache().set_eviction_policy(EvictionPolicy::kNoEviction);
  cache().set_max_memory(cache().used_memory() - 3 * kHalfEntry);  // over by 1.5 entries
  EXPECT_TRUE(cache().out_of_memory());
  cache().set_eviction_policy(EvictionPolicy::kVolatileLru);  // no key has a TTL
  EXPECT_TRUE(cache().out_of_memory());
  EXPECT_EQ(cache().stats().evicted_keys, 0u);
  cache().set_eviction_policy(EvictionPolicy::kAllKeysLru);  // evicts down to the budget
  EXPECT_FALSE(cache().out_of_memory());
  EXPECT_EQ(cache().stats().evicted_keys, 2u);
  EXPECT_LE(cache().used_memory(), cache().max_memory());
}

TEST_F(PolicyTest, NoEvictionDoesNotEvictWhenTheBudgetIsLowered) {
  make_cache(EvictionPolicy::kNoEviction);
  fill(5);
  cache().set_max_memory(cache().used_memory() / 2);
  EXPECT_EQ(cache().size(), 5u);
  EXPECT_EQ(cache().stats().evicted_keys, 0u);
  EXPECT_EQ(set("new"), WriteStatus::kOutOfMemory);
}

TEST_F(PolicyTest, SwitchingPolicyAtRunTimeTakesEffectAtOnce) {
  make_cache(EvictionPolicy::kNoEviction);
  fill(5);
  ASSERT_EQ(set("n1"), WriteStatus::kOutOfMemory);
  EXPECT_EQ(cache().eviction_policy(), EvictionPolicy::kNoEviction);

  cache().set_eviction_policy(EvictionPolicy::kAllKeysLru);
  EXPECT_EQ(cache().eviction_policy(), EvictionPolicy::kAllKeysLru);
  EXPECT_EQ(cache().stats().evicted_keys, 0u);  // within budget: the switch evicts nothing
  for (const std::size_t i : {4, 3, 2, 0}) {
    clock_.advance(1000);
    ASSERT_TRUE(read(key(i)));
  }
  ASSERT_EQ(set("n1"), WriteStatus::kOk);
  EXPECT_EQ(gone(5), std::vector<std::string>{"k1"});  // the stamps from noeviction count

  // To LFU, with the counters the LRU reads left alone: every key at 5, so recency decides.
  cache().set_eviction_policy(EvictionPolicy::kAllKeysLfu);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(read(key(4)));
  clock_.advance(1000);
  ASSERT_EQ(set("n2"), WriteStatus::kOk);
  EXPECT_EQ(gone(5), (std::vector<std::string>{"k1", "k3"}));

  // Over budget when switched from noeviction to an evicting policy: evicts at once (two or
  // three entries for 200 bytes, as the allocator rounded them).
  cache().set_eviction_policy(EvictionPolicy::kNoEviction);
  cache().set_max_memory(cache().used_memory() - 200);
  ASSERT_EQ(cache().stats().evicted_keys, 2u);
  cache().set_eviction_policy(EvictionPolicy::kAllKeysRandom);
  EXPECT_GE(cache().stats().evicted_keys, 4u);
  EXPECT_LE(cache().used_memory(), cache().max_memory());
}

TEST_F(PolicyTest, RandomPoliciesEvictSomethingEligible) {
  make_cache(EvictionPolicy::kVolatileRandom);
  fill(6);
  cache().set_max_memory(0);
  ASSERT_EQ(set("ttl", clock_.now_ms() + kMinute), WriteStatus::kOk);
  cache().set_max_memory(cache().used_memory() + kHalfEntry);
  ASSERT_EQ(set("new"), WriteStatus::kOk);
  EXPECT_FALSE(cache().contains("ttl"));  // the only key volatile-random may take
  cache().set_eviction_policy(EvictionPolicy::kAllKeysRandom);
  ASSERT_EQ(set("newer"), WriteStatus::kOk);  // takes a key without a TTL, or "new"
  EXPECT_EQ(cache().stats().evicted_keys, 2u);
  EXPECT_TRUE(cache().contains("newer"));
}

// Every evicting policy: keys go in with no eviction until a write would cross the budget,
// then each write evicts about one key (same-size entries), never the one just written.
TEST_F(PolicyTest, NoPolicyEvictsBelowTheBudget) {
  for (const EvictionPolicy policy : kEvictionPolicies) {
    if (policy == EvictionPolicy::kNoEviction) continue;
    make_cache(policy);
    const std::size_t budget = cache().used_memory() + 16 * 1024;
    cache().set_max_memory(budget);
    std::size_t written = 0;
    while (cache().stats().evicted_keys == 0) {
      const std::size_t before = cache().used_memory();
      clock_.advance(kLruClockResolutionMs);
      ASSERT_EQ(set(key(written), clock_.now_ms() + (1000 - written % 1000) * kMinute),
                WriteStatus::kOk);
      ++written;
      if (cache().stats().evicted_keys == 0) {
        ASSERT_LE(cache().used_memory(), budget);
      } else {
        // The write would have crossed: one entry (96 or 112 bytes, as the allocator had
        // chunks) did not fit.
        EXPECT_GT(before + 112, budget) << eviction_policy_name(policy);
      }
    }
    EXPECT_GT(written, 100u);
    for (std::size_t i = 0; i < 100; ++i) {
      clock_.advance(kLruClockResolutionMs);
      ASSERT_EQ(set(key(written), clock_.now_ms() + kMinute), WriteStatus::kOk);
      ASSERT_TRUE(cache().contains(key(written))) << eviction_policy_name(policy);
      ++written;
      ASSERT_LE(cache().used_memory(), budget) << eviction_policy_name(policy);
    }
    EXPECT_EQ(cache().size() + cache().stats().evicted_keys, written);
    EXPECT_LE(cache().stats().evicted_keys, 102u) << eviction_policy_name(policy);
  }
}

}  // namespace
}  // namespace respcache::storage
