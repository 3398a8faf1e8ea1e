#include "respcache/storage/cache.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/storage/clock.hpp"
#include "respcache/storage/entry.hpp"

namespace respcache::storage {
namespace {

using namespace std::string_literals;

constexpr std::uint64_t kSeed = 0x5eed5eed;

std::optional<std::string> get(Cache& cache, std::string_view key) {
  std::optional<std::string> value;
  cache.read(key, [&](const EntryView& entry) { value.emplace(entry.value); });
  return value;
}

std::string key_of(std::size_t i) { return "key:" + std::to_string(i); }
std::string value_of(std::size_t i, std::size_t size = 16) {
  std::string value = "value:" + std::to_string(i) + ":";
  value.resize(std::max(size, value.size()), 'v');
  return value;
}

// A cache with a fixed hash seed (so runs repeat) sized so that its tables never grow in
// these tests, and a clock that moves only when told.
class CacheTest : public testing::Test {
 protected:
  static CacheOptions options(const Clock* clock, std::size_t max_memory = 0) {
    CacheOptions options;
    options.shard_count = 4;
    options.initial_capacity = 4096;
    options.max_memory = max_memory;
    options.clock = clock;
    options.hash_seed = kSeed;
    return options;
  }

  ManualClock clock_;
  Cache cache_{options(&clock_)};
};

// ---------------------------------------------------------------------------------------------
// Basic semantics

TEST_F(CacheTest, ReadOfAMissingKeyDoesNotCallBack) {
  bool called = false;
  EXPECT_FALSE(cache_.read("missing", [&](const EntryView&) { called = true; }));
  EXPECT_FALSE(called);
  EXPECT_FALSE(cache_.contains("missing"));
  EXPECT_EQ(cache_.size(), 0u);
}

TEST_F(CacheTest, SetThenRead) {
  EXPECT_EQ(cache_.set("k", "v"), WriteStatus::kOk);
  int calls = 0;
  EXPECT_TRUE(cache_.read("k", [&](const EntryView& entry) {
    ++calls;
    EXPECT_EQ(entry.key, "k");
    EXPECT_EQ(entry.value, "v");
    EXPECT_EQ(entry.expire_at_ms, 0);
  }));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(cache_.contains("k"));
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(CacheTest, SetReplacesTheValue) {
  cache_.set("k", "first");
  cache_.set("k", "second, and longer");
  EXPECT_EQ(get(cache_, "k"), "second, and longer");
  cache_.set("k", "");
  EXPECT_EQ(get(cache_, "k"), "");
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(CacheTest, KeysAndValuesAreBinarySafe) {
  cache_.set("a", "1");
  cache_.set("a\0"s, "2");
  cache_.set("", "empty key");
  cache_.set("\r\n\xff"s, "\0\0"s);
  EXPECT_EQ(get(cache_, "a"), "1");
  EXPECT_EQ(get(cache_, "a\0"s), "2");
  EXPECT_EQ(get(cache_, ""), "empty key");
  EXPECT_EQ(get(cache_, "\r\n\xff"s), "\0\0"s);
  EXPECT_EQ(cache_.size(), 4u);
}

TEST_F(CacheTest, EraseRemovesOnlyThatKey) {
  cache_.set("a", "1");
  cache_.set("b", "2");
  EXPECT_TRUE(cache_.erase("a"));
  EXPECT_FALSE(cache_.erase("a"));
  EXPECT_FALSE(cache_.erase("never"));
  EXPECT_FALSE(cache_.contains("a"));
  EXPECT_EQ(get(cache_, "a"), std::nullopt);
  EXPECT_EQ(get(cache_, "b"), "2");
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(CacheTest, ManyKeysKeepTheirOwnValues) {
  for (std::size_t i = 0; i < 2000; ++i) cache_.set(key_of(i), value_of(i));
  EXPECT_EQ(cache_.size(), 2000u);
  EXPECT_EQ(cache_.stats().keys, 2000u);
  for (std::size_t i = 0; i < 2000; ++i) ASSERT_EQ(get(cache_, key_of(i)), value_of(i)) << i;
}

TEST_F(CacheTest, ClearRemovesEverythingAndReturnsTheMemory) {
  const std::size_t empty_usage = cache_.used_memory();
  for (std::size_t i = 0; i < 500; ++i)
    cache_.set(key_of(i), value_of(i, 100), i % 2 ? 0 : clock_.now_ms() + 1000);
  EXPECT_GT(cache_.used_memory(), empty_usage + 500 * 100);
  cache_.clear();
  EXPECT_EQ(cache_.size(), 0u);
  EXPECT_EQ(cache_.used_memory(), empty_usage);
  EXPECT_EQ(cache_.stats().keys_with_expiry, 0u);
  for (std::size_t i = 0; i < 500; ++i) ASSERT_FALSE(cache_.contains(key_of(i)));
  cache_.set("after", "clear");
  EXPECT_EQ(get(cache_, "after"), "clear");
}

TEST_F(CacheTest, UsedMemoryFollowsWritesAndErases) {
  const std::size_t empty_usage = cache_.used_memory();
  EXPECT_GT(empty_usage, 0u);  // the slot arrays
  cache_.set("k", std::string(1000, 'x'));
  const std::size_t with_one = cache_.used_memory();
  EXPECT_GE(with_one, empty_usage + 1000 + 1);
  cache_.set("k", std::string(10, 'x'));
  EXPECT_LT(cache_.used_memory(), with_one);
  cache_.erase("k");
  EXPECT_EQ(cache_.used_memory(), empty_usage);
  EXPECT_EQ(cache_.stats().used_memory, empty_usage);
}

TEST(Cache, ShardCountMustBeAPowerOfTwo) {
  CacheOptions options;
  options.shard_count = 3;
  EXPECT_THROW(Cache{options}, std::invalid_argument);
  options.shard_count = 0;
  EXPECT_THROW(Cache{options}, std::invalid_argument);
  options.shard_count = 1;
  options.initial_capacity = 16;
  Cache one(options);  // a random seed and the system clock
  EXPECT_EQ(one.shard_count(), 1u);
  one.set("k", "v");
  EXPECT_EQ(get(one, "k"), "v");
}

// ---------------------------------------------------------------------------------------------
// update() and Mutation

TEST_F(CacheTest, UpdateSeesNullForAMissingKeyAndKeepStoresNothing) {
  int calls = 0;
  EXPECT_EQ(cache_.update("k",
                          [&](const EntryView* current) {
                            ++calls;
                            EXPECT_EQ(current, nullptr);
                            return Mutation::keep();
                          }),
            WriteStatus::kOk);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(cache_.contains("k"));
  EXPECT_EQ(cache_.size(), 0u);
}

TEST_F(CacheTest, UpdateStoresAndSeesTheCurrentEntry) {
  const std::int64_t expiry = clock_.now_ms() + 5000;
  cache_.update("k", [&](const EntryView*) { return Mutation::store("one", expiry); });
  bool seen = false;
  cache_.update("k", [&](const EntryView* current) {
    seen = current != nullptr;
    if (current != nullptr) {
      EXPECT_EQ(current->key, "k");
      EXPECT_EQ(current->value, "one");
      EXPECT_EQ(current->expire_at_ms, expiry);
    }
    return Mutation::keep();
  });
  EXPECT_TRUE(seen);
  EXPECT_EQ(get(cache_, "k"), "one");  // kKeep changed nothing
  EXPECT_EQ(cache_.stats().keys_with_expiry, 1u);
}

TEST_F(CacheTest, UpdateCanErase) {
  cache_.set("k", "v");
  EXPECT_EQ(cache_.update("k", [](const EntryView*) { return Mutation::erase(); }),
            WriteStatus::kOk);
  EXPECT_FALSE(cache_.contains("k"));
  EXPECT_EQ(cache_.size(), 0u);
  // Erasing a missing key is harmless.
  EXPECT_EQ(cache_.update("k", [](const EntryView*) { return Mutation::erase(); }),
            WriteStatus::kOk);
}

TEST_F(CacheTest, AppendBuildsTheNewValueFromTheCurrentOne) {
  cache_.set("k", "abc");
  cache_.update("k", [](const EntryView* current) {
    return Mutation::store(current->value, "def", current->expire_at_ms);
  });
  EXPECT_EQ(get(cache_, "k"), "abcdef");

  // Growing one byte at a time: each new value is copied out of the entry it replaces.
  std::string expected = "abcdef";
  for (int i = 0; i < 300; ++i) {
    const std::string tail(1, static_cast<char>('a' + i % 26));
    cache_.update(
        "k", [&](const EntryView* current) { return Mutation::store(current->value, tail, 0); });
    expected += tail;
  }
  EXPECT_EQ(get(cache_, "k"), expected);
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(CacheTest, HeadAndTailMayBothPointIntoTheCurrentValue) {
  cache_.set("k", "0123456789");
  cache_.update("k", [](const EntryView* current) {
    return Mutation::store(current->value.substr(5), current->value.substr(0, 5), 0);
  });
  EXPECT_EQ(get(cache_, "k"), "5678901234");
  cache_.update("k", [](const EntryView* current) {
    return Mutation::store(current->value, current->value, 0);
  });
  EXPECT_EQ(get(cache_, "k"), "56789012345678901234");
  cache_.update("k", [](const EntryView* current) {
    return Mutation::store(current->value.substr(2, 3), 0);  // a shrinking rewrite
  });
  EXPECT_EQ(get(cache_, "k"), "789");
}

TEST_F(CacheTest, UpdateOnAMissingKeyCanCreateItWithHeadAndTail) {
  cache_.update("k", [](const EntryView* current) {
    EXPECT_EQ(current, nullptr);
    return Mutation::store("head", "tail", 0);
  });
  EXPECT_EQ(get(cache_, "k"), "headtail");
}

// ---------------------------------------------------------------------------------------------
// Expiry

TEST_F(CacheTest, KeyLivesUntilItsExpiryTimeInclusive) {
  const std::int64_t expiry = clock_.now_ms() + 100;
  cache_.set("k", "v", expiry);
  EXPECT_EQ(get(cache_, "k"), "v");
  clock_.set(expiry);
  EXPECT_EQ(get(cache_, "k"), "v");  // expired only once the clock is strictly past it
  EXPECT_TRUE(cache_.contains("k"));
  clock_.advance(1);
  EXPECT_EQ(get(cache_, "k"), std::nullopt);
  EXPECT_FALSE(cache_.contains("k"));
}

TEST_F(CacheTest, ExpiredKeyIsNeverReturned) {
  cache_.set("k", "v", clock_.now_ms() + 10);
  clock_.advance(11);
  bool called = false;
  EXPECT_FALSE(cache_.read("k", [&](const EntryView&) { called = true; }));
  EXPECT_FALSE(called);
  cache_.update("k", [](const EntryView* current) {
    EXPECT_EQ(current, nullptr);
    return Mutation::keep();
  });
  EXPECT_FALSE(cache_.erase("k"));
  EXPECT_EQ(cache_.stats().expired_keys, 1u);  // the write reclaimed it
  EXPECT_EQ(cache_.size(), 0u);
}

TEST_F(CacheTest, ReadingAnExpiredKeyReclaimsIt) {
  cache_.set("a", "v", clock_.now_ms() + 10);
  cache_.set("b", "v", clock_.now_ms() + 10);
  const std::size_t with_both = cache_.used_memory();
  clock_.advance(11);
  EXPECT_EQ(cache_.size(), 2u);
  EXPECT_EQ(get(cache_, "a"), std::nullopt);
  EXPECT_EQ(cache_.size(), 1u);
  EXPECT_FALSE(cache_.contains("b"));
  EXPECT_EQ(cache_.size(), 0u);
  const CacheStats stats = cache_.stats();
  EXPECT_EQ(stats.expired_keys, 2u);
  EXPECT_EQ(stats.keys_with_expiry, 0u);
  EXPECT_LT(cache_.used_memory(), with_both);
}

TEST_F(CacheTest, ExpiredKeyCountsInSizeUntilReclaimed) {
  cache_.set("k", "v", clock_.now_ms() + 10);
  clock_.advance(1000);
  EXPECT_EQ(cache_.size(), 1u);
  EXPECT_EQ(cache_.expire_some(10), 1u);
  EXPECT_EQ(cache_.size(), 0u);
  EXPECT_EQ(cache_.stats().expired_keys, 1u);
  EXPECT_EQ(cache_.stats().keys_with_expiry, 0u);
}

TEST_F(CacheTest, WritingOverAnExpiredKeyStartsAFreshEntry) {
  cache_.set("k", "old", clock_.now_ms() + 10);
  clock_.advance(11);
  cache_.update("k", [](const EntryView* current) {
    EXPECT_EQ(current, nullptr);  // APPEND on an expired key appends to nothing
    return Mutation::store("new", 0);
  });
  EXPECT_EQ(get(cache_, "k"), "new");
  const CacheStats stats = cache_.stats();
  EXPECT_EQ(stats.expired_keys, 1u);
  EXPECT_EQ(stats.keys_with_expiry, 0u);
  EXPECT_EQ(stats.keys, 1u);
}

TEST_F(CacheTest, KeysWithExpiryCountsLiveTtls) {
  const std::int64_t later = clock_.now_ms() + 60000;
  cache_.set("a", "1", later);
  cache_.set("b", "2", later);
  cache_.set("c", "3", later);
  cache_.set("d", "4");
  EXPECT_EQ(cache_.stats().keys_with_expiry, 3u);
  cache_.set("a", "1");  // a plain SET drops the TTL
  EXPECT_EQ(cache_.stats().keys_with_expiry, 2u);
  cache_.erase("b");
  EXPECT_EQ(cache_.stats().keys_with_expiry, 1u);
  cache_.set("d", "4", later);
  EXPECT_EQ(cache_.stats().keys_with_expiry, 2u);
  cache_.update("c", [](const EntryView* current) {
    return Mutation::store(current->value, "+", current->expire_at_ms);  // keeps the TTL
  });
  EXPECT_EQ(cache_.stats().keys_with_expiry, 2u);
  cache_.clear();
  EXPECT_EQ(cache_.stats().keys_with_expiry, 0u);
}

TEST_F(CacheTest, ExpireSomeLeavesLiveKeysAlone) {
  for (std::size_t i = 0; i < 200; ++i) cache_.set(key_of(i), value_of(i), clock_.now_ms() + 1000);
  for (std::size_t i = 200; i < 300; ++i) cache_.set(key_of(i), value_of(i));
  EXPECT_EQ(cache_.expire_some(1000), 0u);
  EXPECT_EQ(cache_.size(), 300u);
  EXPECT_EQ(cache_.stats().expired_keys, 0u);
}

TEST_F(CacheTest, ExpireSomeEventuallyReclaimsEveryExpiredKey) {
  // Keys written once with a TTL, long before the keys that outlive them.
  for (std::size_t i = 0; i < 1000; ++i) cache_.set(key_of(i), value_of(i), clock_.now_ms() + 10);
  for (std::size_t i = 1000; i < 2000; ++i) cache_.set(key_of(i), value_of(i));
  EXPECT_EQ(cache_.stats().keys_with_expiry, 1000u);
  clock_.advance(11);

  std::size_t reclaimed = 0;
  for (int round = 0; round < 10000 && cache_.size() > 1000; ++round) {
    reclaimed += cache_.expire_some(50);
  }
  EXPECT_EQ(cache_.size(), 1000u);
  EXPECT_EQ(reclaimed, 1000u);
  const CacheStats stats = cache_.stats();
  EXPECT_EQ(stats.expired_keys, 1000u);
  EXPECT_EQ(stats.keys_with_expiry, 0u);
  for (std::size_t i = 1000; i < 2000; ++i) ASSERT_EQ(get(cache_, key_of(i)), value_of(i));
}

// ---------------------------------------------------------------------------------------------
// Eviction

CacheOptions eviction_options(std::size_t max_memory, std::size_t shard_count = 8) {
  CacheOptions options;
  options.shard_count = shard_count;
  options.initial_capacity = 64;  // small: the tables grow while the tests fill them
  options.max_memory = max_memory;
  options.hash_seed = kSeed;
  return options;
}

// What an entry may cost beyond its header, key and value: allocator rounding and chunk header.
constexpr std::size_t kAllocatorSlack = 64;

TEST(CacheEviction, NothingIsEvictedBelowTheBudget) {
  CacheOptions options = eviction_options(0);
  options.initial_capacity = 2048;  // no table growth in this test
  Cache cache(options);
  const std::size_t budget = cache.used_memory() + 48 * 1024;
  cache.set_max_memory(budget);

  std::size_t keys = 0;
  bool evicted = false;
  for (; keys < 1000 && !evicted; ++keys) {
    const std::size_t before = cache.used_memory();
    const std::string value = value_of(keys, 100);
    cache.set(key_of(keys), value);
    evicted = cache.stats().evicted_keys > 0;
    if (evicted) {
      // The first eviction comes from the write that would have crossed the budget.
      EXPECT_GT(before + sizeof(Entry) + key_of(keys).size() + value.size() + kAllocatorSlack,
                budget);
      EXPECT_LE(cache.used_memory(), budget);
    }
  }
  ASSERT_TRUE(evicted);
  EXPECT_GT(keys, 200u);  // about 48 KiB of entries went in first
  const std::uint64_t evicted_keys = cache.stats().evicted_keys;
  EXPECT_LE(evicted_keys, 2u);  // room for one entry, whatever the allocator's rounding
  EXPECT_EQ(cache.size() + evicted_keys, keys);
  std::size_t readable = 0;
  for (std::size_t i = 0; i < keys; ++i) readable += get(cache, key_of(i)) == value_of(i, 100);
  EXPECT_EQ(readable, cache.size());
}

TEST(CacheEviction, FillingFourTimesTheBudgetStaysWithinIt) {
  const std::size_t budget = 256 * 1024;
  Cache cache(eviction_options(budget));
  std::size_t written = 0;
  std::size_t keys = 0;
  for (; written < 4 * budget; ++keys) {
    const std::string value = value_of(keys, 50 + keys % 200);
    ASSERT_EQ(cache.set(key_of(keys), value), WriteStatus::kOk);
    written += key_of(keys).size() + value.size();
    ASSERT_LE(cache.used_memory(), budget) << "after key " << keys;
    ASSERT_EQ(get(cache, key_of(keys)), value) << "the key just written was evicted";
  }

  const CacheStats stats = cache.stats();
  EXPECT_GT(stats.evicted_keys, 0u);
  EXPECT_EQ(stats.keys + stats.evicted_keys, keys);
  EXPECT_EQ(stats.expired_keys, 0u);
  std::size_t readable = 0;
  for (std::size_t i = 0; i < keys; ++i) {
    const auto value = get(cache, key_of(i));
    if (!value) continue;
    ++readable;
    ASSERT_EQ(*value, value_of(i, 50 + i % 200));
  }
  EXPECT_EQ(readable, cache.size());
  EXPECT_GT(readable, keys / 8);  // the budget is still put to use
}

// Recency is wall-clock time at the LRU clock's resolution, so the clock moves a tick per
// write here: what counts is that reads, not only writes, renew it.
TEST(CacheEviction, RecentlyReadKeysSurvive) {
  const std::size_t budget = 256 * 1024;
  ManualClock clock;
  CacheOptions options = eviction_options(budget, 4);
  options.clock = &clock;
  Cache cache(options);
  constexpr std::size_t kHot = 100;
  for (std::size_t i = 0; i < kHot; ++i) cache.set("hot:" + std::to_string(i), value_of(i, 100));

  std::size_t keys = 0;
  for (std::size_t written = 0; written < 4 * budget; ++keys) {
    clock.advance(kLruClockResolutionMs);
    cache.set(key_of(keys), value_of(keys, 100));
    written += 100;
    if (keys % 20 == 0) {
      for (std::size_t i = 0; i < kHot; ++i) get(cache, "hot:" + std::to_string(i));
    }
  }
  ASSERT_GT(cache.stats().evicted_keys, keys / 2);

  std::size_t hot_left = 0;
  for (std::size_t i = 0; i < kHot; ++i) hot_left += cache.contains("hot:" + std::to_string(i));
  std::size_t early_cold_left = 0;  // written just after the hot keys, never read again
  for (std::size_t i = 0; i < kHot; ++i) early_cold_left += cache.contains(key_of(i));
  // Sampled LRU is approximate: a strong majority, not all, of the hot keys must stay.
  EXPECT_GE(hot_left, kHot * 9 / 10);
  EXPECT_LE(early_cold_left, kHot / 10);
}

// CLIENT NO-TOUCH: the same reads inside a NoTouchScope renew nothing, so the hot keys,
// written first, go first.
TEST(CacheEviction, ReadsUnderNoTouchDoNotRenewRecency) {
  const std::size_t budget = 256 * 1024;
  ManualClock clock;
  CacheOptions options = eviction_options(budget, 4);
  options.clock = &clock;
  Cache cache(options);
  constexpr std::size_t kHot = 100;
  for (std::size_t i = 0; i < kHot; ++i) cache.set("hot:" + std::to_string(i), value_of(i, 100));

  std::size_t keys = 0;
  for (std::size_t written = 0; written < 4 * budget; ++keys) {
    clock.advance(kLruClockResolutionMs);
    cache.set(key_of(keys), value_of(keys, 100));
    written += 100;
    if (keys % 20 == 0) {
      const Cache::NoTouchScope no_touch;
      for (std::size_t i = 0; i < kHot; ++i) get(cache, "hot:" + std::to_string(i));
    }
  }
  EXPECT_FALSE(Cache::NoTouchScope::active());
  std::size_t hot_left = 0;
  for (std::size_t i = 0; i < kHot; ++i) hot_left += cache.contains("hot:" + std::to_string(i));
  EXPECT_LE(hot_left, kHot / 10);
}

TEST(CacheEviction, ExpiredEntriesGoFirst) {
  ManualClock clock;
  CacheOptions options = eviction_options(0, 4);
  options.clock = &clock;
  Cache cache(options);
  for (std::size_t i = 0; i < 400; ++i) {
    cache.set(key_of(i), value_of(i, 100), clock.now_ms() + 10);
  }
  cache.set_max_memory(cache.used_memory());
  clock.advance(11);
  for (std::size_t i = 1000; i < 1100; ++i) cache.set(key_of(i), value_of(i, 100));

  const CacheStats stats = cache.stats();
  EXPECT_GE(stats.expired_keys, 50u);
  EXPECT_LE(stats.evicted_keys, stats.expired_keys / 10);
  for (std::size_t i = 1000; i < 1100; ++i) ASSERT_TRUE(cache.contains(key_of(i))) << i;
}

TEST(CacheEviction, EntryLargerThanTheWholeBudgetIsRefused) {
  Cache cache(eviction_options(16 * 1024, 1));
  ASSERT_EQ(cache.set("small", "value"), WriteStatus::kOk);
  ASSERT_EQ(cache.set("k", "old"), WriteStatus::kOk);

  EXPECT_EQ(cache.set("big", std::string(16 * 1024, 'x')), WriteStatus::kTooLarge);
  EXPECT_FALSE(cache.contains("big"));
  EXPECT_EQ(cache.set("k", std::string(20 * 1024, 'x')), WriteStatus::kTooLarge);
  EXPECT_EQ(get(cache, "k"), "old");  // a refused write leaves the old value
  EXPECT_EQ(cache.update("k",
                         [](const EntryView* current) {
                           return Mutation::store(current->value, std::string(16 * 1024, 'y'), 0);
                         }),
            WriteStatus::kTooLarge);
  EXPECT_EQ(get(cache, "k"), "old");
  EXPECT_EQ(cache.stats().evicted_keys, 0u);  // refusing evicts nothing
  EXPECT_EQ(cache.size(), 2u);

  EXPECT_EQ(cache.set("fits", std::string(4 * 1024, 'x')), WriteStatus::kOk);
  EXPECT_TRUE(cache.contains("fits"));
}

TEST(CacheEviction, LoweringTheBudgetEvictsAtOnce) {
  Cache cache(eviction_options(0));
  for (std::size_t i = 0; i < 1000; ++i) cache.set(key_of(i), value_of(i, 100));
  const std::size_t full = cache.used_memory();
  EXPECT_EQ(cache.stats().evicted_keys, 0u);

  cache.set_max_memory(full / 2);
  EXPECT_EQ(cache.max_memory(), full / 2);
  EXPECT_LE(cache.used_memory(), full / 2);
  const CacheStats stats = cache.stats();
  EXPECT_GT(stats.evicted_keys, 0u);
  EXPECT_EQ(stats.keys + stats.evicted_keys, 1000u);
  EXPECT_EQ(stats.max_memory, full / 2);

  // Raising it again evicts nothing more.
  cache.set_max_memory(full);
  EXPECT_EQ(cache.stats().evicted_keys, stats.evicted_keys);
  EXPECT_EQ(cache.size(), stats.keys);
}

TEST(CacheEviction, ZeroBudgetMeansNoLimit) {
  Cache cache(eviction_options(8 * 1024));
  cache.set_max_memory(0);
  for (std::size_t i = 0; i < 2000; ++i) cache.set(key_of(i), value_of(i, 100));
  EXPECT_EQ(cache.size(), 2000u);
  EXPECT_EQ(cache.stats().evicted_keys, 0u);
}

// ---------------------------------------------------------------------------------------------
// Table growth

TEST(CacheGrowth, HundredThousandKeysThroughIncrementalRehash) {
  CacheOptions options;
  options.shard_count = 4;
  options.initial_capacity = 16;  // every shard's table doubles many times
  options.hash_seed = kSeed;
  Cache cache(options);
  constexpr std::size_t kKeys = 100000;

  for (std::size_t i = 0; i < kKeys; ++i) {
    ASSERT_EQ(cache.set(key_of(i), value_of(i)), WriteStatus::kOk);
  }
  EXPECT_EQ(cache.size(), kKeys);
  for (std::size_t i = 0; i < kKeys; ++i) ASSERT_EQ(get(cache, key_of(i)), value_of(i)) << i;

  for (std::size_t i = 0; i < kKeys; i += 2) ASSERT_TRUE(cache.erase(key_of(i))) << i;
  EXPECT_EQ(cache.size(), kKeys / 2);
  for (std::size_t i = 0; i < kKeys; ++i) {
    if (i % 2 == 0) {
      ASSERT_FALSE(cache.contains(key_of(i))) << i;
    } else {
      ASSERT_EQ(get(cache, key_of(i)), value_of(i)) << i;
    }
  }
}

}  // namespace
}  // namespace respcache::storage
