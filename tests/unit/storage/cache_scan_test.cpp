// Cache::scan, for_each_chunked and for_each: the SCAN guarantee across shards while keys come
// and go and tables grow between steps, COUNT and chunk bounds, garbage cursors. The
// CacheScanConcurrency tests are also in the ThreadSanitizer suite (ctest label "concurrent"),
// so their work is bounded by iteration counts (the writer's), never by time.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "respcache/storage/cache.hpp"
#include "respcache/storage/clock.hpp"
#include "respcache/storage/scan_cursor.hpp"

namespace respcache::storage {
namespace {

constexpr std::uint64_t kSeed = 0x5ca9;
constexpr std::size_t kShards = 4;

std::string key_of(std::size_t i) { return "key:" + std::to_string(i); }
std::string churn_of(std::size_t i) { return "churn:" + std::to_string(i); }

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

// `initial_capacity` small by default, so that the tables grow while the tests scan.
CacheOptions options(const Clock* clock, std::size_t initial_capacity = 64) {
  CacheOptions options;
  options.shard_count = kShards;
  options.initial_capacity = initial_capacity;
  options.clock = clock;
  options.hash_seed = kSeed;
  return options;
}

// One call of Cache::scan and the keys it passed.
struct Step {
  std::uint64_t next = 0;
  std::vector<std::string> keys;
};
Step scan_step(Cache& cache, std::uint64_t cursor, std::size_t count) {
  Step step;
  step.next = cache.scan(cursor, count,
                         [&step](const EntryView& entry) { step.keys.emplace_back(entry.key); });
  return step;
}

class CacheScanTest : public testing::Test {
 protected:
  void fill(std::size_t keys) {
    for (std::size_t i = 0; i < keys; ++i) cache_.set(key_of(i), value_for(key_of(i), i % 40));
  }
  // Scans to the end with `count`, calling `between` after each step; how often each key was
  // passed, and the number of calls.
  template <class Between>
  std::map<std::string, int> full_scan(std::size_t count, Between between, std::size_t& calls) {
    std::map<std::string, int> seen;
    std::uint64_t cursor = 0;
    calls = 0;
    do {
      const Step step = scan_step(cache_, cursor, count);
      EXPECT_LE(step.keys.size(), count);
      for (const std::string& key : step.keys) ++seen[key];
      cursor = step.next;
      ++calls;
      between();
    } while (cursor != 0);
    return seen;
  }

  ManualClock clock_;
  Cache cache_{options(&clock_)};
};

TEST_F(CacheScanTest, AnEmptyCacheIsDoneInOneCall) {
  const Step step = scan_step(cache_, 0, 10);
  EXPECT_EQ(step.next, 0u);
  EXPECT_TRUE(step.keys.empty());
}

TEST_F(CacheScanTest, AQuietScanReturnsEveryKeyOnceAndCountBoundsEachCall) {
  constexpr std::size_t kKeys = 2000;
  fill(kKeys);
  for (std::size_t count : {1, 10, 97, 5000}) {
    std::size_t calls = 0;
    const std::map<std::string, int> seen = full_scan(
        count, [] {}, calls);
    EXPECT_EQ(seen.size(), kKeys) << count;
    for (std::size_t i = 0; i < kKeys; ++i) EXPECT_EQ(seen.at(key_of(i)), 1) << key_of(i);
    // Calls use most of their budget (crossing shards while budget remains): on average at
    // least 4/5 of it.
    EXPECT_LE(calls, kKeys / count * 5 / 4 + 1) << count;
  }
}

TEST_F(CacheScanTest, ACountOfZeroCountsAsOne) {
  fill(10);
  std::map<std::string, int> seen;
  std::uint64_t cursor = 0;
  do {
    const Step step = scan_step(cache_, cursor, 0);
    EXPECT_LE(step.keys.size(), 1u);
    for (const std::string& key : step.keys) ++seen[key];
    cursor = step.next;
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 10u);
}

TEST_F(CacheScanTest, ExpiredEntriesAreNotReturned) {
  for (std::size_t i = 0; i < 300; ++i) {
    cache_.set(key_of(i), "v", i % 2 == 0 ? clock_.now_ms() + 10 : 0);
  }
  clock_.advance(11);
  std::size_t calls = 0;
  const std::map<std::string, int> seen = full_scan(
      20, [] {}, calls);
  EXPECT_EQ(seen.size(), 150u);
  for (std::size_t i = 1; i < 300; i += 2) EXPECT_EQ(seen.count(key_of(i)), 1u) << key_of(i);
}

// Between calls: keys added and removed, stable keys overwritten, tables growing from 16 slots a
// shard through several resizes. Every stable key is returned exactly once, and no key twice.
TEST_F(CacheScanTest, StableKeysAreReturnedOnceWhileKeysComeAndGoBetweenCalls) {
  constexpr std::size_t kKeys = 1500;
  fill(kKeys);
  std::size_t next_churn = 0;
  std::size_t oldest_churn = 0;
  std::size_t calls = 0;
  const std::map<std::string, int> seen = full_scan(
      8,
      [&] {
        for (int i = 0; i < 6; ++i) {
          cache_.set(churn_of(next_churn), "c");
          ++next_churn;
        }
        for (int i = 0; i < 3; ++i) cache_.erase(churn_of(oldest_churn++));
        cache_.set(key_of(next_churn % kKeys), value_for(key_of(next_churn % kKeys), 3));
      },
      calls);
  EXPECT_GT(next_churn - oldest_churn, kKeys / 3);  // a third more keys: every table grew
  for (std::size_t i = 0; i < kKeys; ++i) EXPECT_EQ(seen.count(key_of(i)), 1u) << key_of(i);
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
}

// A cursor the cache never handed out: each decodes to some point and the scan ends from there,
// having made progress with every call.
TEST_F(CacheScanTest, GarbageCursorsTerminate) {
  constexpr std::size_t kKeys = 500;
  fill(kKeys);
  std::mt19937_64 rng(3);
  std::vector<std::uint64_t> cursors = {
      UINT64_MAX,
      std::uint64_t{1} << 63,
      std::uint64_t{kShards} << 32,
      (std::uint64_t{kShards - 1} << 32) | 0xFFFF'FFFFU,
      0xFFFF'FFFFU,
      1,
  };
  for (int i = 0; i < 20; ++i) cursors.push_back(rng());
  for (int i = 0; i < 20; ++i) cursors.push_back(rng() % (std::uint64_t{kShards} << 32));
  for (const std::uint64_t start : cursors) {
    std::uint64_t cursor = start;
    std::size_t calls = 0;
    std::size_t returned = 0;
    do {
      const Step step = scan_step(cache_, cursor, 10);
      returned += step.keys.size();
      cursor = step.next;
      ASSERT_LE(++calls, kKeys / 10 * 5 / 4 + kShards + 1) << start;
    } while (cursor != 0);
    EXPECT_LE(returned, kKeys);
  }
  // Past the last shard: done at once.
  EXPECT_EQ(scan_step(cache_, std::uint64_t{kShards} << 32, 10).next, 0u);
  EXPECT_EQ(scan_step(cache_, UINT64_MAX, 10).keys.size(), 0u);
}

// A cursor from the middle of a scan resumes it: the two halves together are the whole.
TEST_F(CacheScanTest, ACursorResumesWhereTheLastCallStopped) {
  fill(400);
  Step first = scan_step(cache_, 0, 150);
  ASSERT_NE(first.next, 0u);
  std::map<std::string, int> seen;
  for (const std::string& key : first.keys) ++seen[key];
  for (std::uint64_t cursor = first.next; cursor != 0;) {
    const Step step = scan_step(cache_, cursor, 150);
    for (const std::string& key : step.keys) ++seen[key];
    cursor = step.next;
  }
  EXPECT_EQ(seen.size(), 400u);
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
}

// Every key once; no chunk above its entry or byte bound; and chunk_done runs with no lock
// held, since it writes to the cache (a write under the walk's shared lock would deadlock).
TEST_F(CacheScanTest, AChunkedWalkVisitsEveryKeyWithinTheChunkBounds) {
  constexpr std::size_t kKeys = 3000;
  fill(kKeys);
  constexpr ScanBudget kChunk{50, 1500};
  std::map<std::string, int> seen;
  std::size_t chunk_entries = 0;
  std::size_t chunk_bytes = 0;
  std::size_t chunks = 0;
  std::size_t largest = 0;
  cache_.for_each_chunked(
      kChunk,
      [&](const EntryView& entry) {
        ++seen[std::string(entry.key)];
        ++chunk_entries;
        chunk_bytes += entry.key.size() + entry.value.size();
      },
      [&] {
        EXPECT_LE(chunk_entries, kChunk.entries);
        EXPECT_LE(chunk_bytes, kChunk.bytes);
        largest = std::max(largest, chunk_entries);
        chunk_entries = chunk_bytes = 0;
        cache_.set(churn_of(chunks++), "written between chunks");
      });
  for (std::size_t i = 0; i < kKeys; ++i) EXPECT_EQ(seen[key_of(i)], 1) << key_of(i);
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
  EXPECT_GE(chunks, kKeys / kChunk.entries);
  EXPECT_GT(largest, kChunk.entries / 4);  // the bound is used, not undercut to nothing
}

TEST_F(CacheScanTest, ForEachVisitsEveryLiveKeyOnce) {
  fill(5000);
  cache_.set("gone", "v", clock_.now_ms() + 1);
  clock_.advance(2);
  std::map<std::string, int> seen;
  std::size_t malformed = 0;
  cache_.for_each([&](const EntryView& entry) {
    ++seen[std::string(entry.key)];
    if (!well_formed(entry.key, entry.value)) ++malformed;
  });
  EXPECT_EQ(seen.size(), 5000u);
  EXPECT_EQ(seen.count("gone"), 0u);
  EXPECT_EQ(malformed, 0u);
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
}

TEST(CacheScanOptions, RejectsMoreShardsThanACursorHolds) {
  CacheOptions too_many;
  too_many.shard_count = Cache::kMaxShards * 2;
  too_many.initial_capacity = 0;
  EXPECT_THROW(Cache{too_many}, std::invalid_argument);
}

// A writer thread adds, removes and overwrites keys, its tables growing from 16 slots a shard
// to thousands, while the scanner runs full scans from the writer's first write to its last:
// every scan sees every stable key exactly once, with a well-formed value, and no key twice.
TEST(CacheScanConcurrency, EveryScanSeesEveryStableKeyWhileAWriterChurns) {
  constexpr std::size_t kStable = 1000;
  constexpr std::size_t kWrites = 20000;
  ManualClock clock;
  Cache cache(options(&clock));
  for (std::size_t i = 0; i < kStable; ++i) cache.set(key_of(i), value_for(key_of(i), 1));

  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  std::thread writer([&] {
    std::minstd_rand rng(11);
    for (std::size_t op = 0; op < kWrites; ++op) {
      const std::string churn = churn_of(op);
      cache.set(churn, value_for(churn, rng() % 30));
      started.store(true, std::memory_order_release);
      if (op % 2 == 1 && op > 64) cache.erase(churn_of(op - 1 - rng() % 32 * 2));
      const std::string stable = key_of(rng() % kStable);
      cache.set(stable, value_for(stable, rng() % 50));
    }
    finished.store(true, std::memory_order_release);
  });

  while (!started.load(std::memory_order_acquire)) std::this_thread::yield();
  std::size_t scans = 0;
  std::size_t missing = 0;
  std::size_t repeated = 0;
  std::size_t malformed = 0;
  do {
    std::map<std::string, int> seen;
    std::uint64_t cursor = 0;
    do {
      cursor = cache.scan(cursor, 16, [&](const EntryView& entry) {
        ++seen[std::string(entry.key)];
        if (!well_formed(entry.key, entry.value)) ++malformed;
      });
    } while (cursor != 0);
    for (std::size_t i = 0; i < kStable; ++i) missing += seen.count(key_of(i)) == 1 ? 0 : 1;
    for (const auto& [key, count] : seen) repeated += count > 1 ? 1 : 0;
    ++scans;
  } while (!finished.load(std::memory_order_acquire));
  writer.join();
  EXPECT_GT(cache.size(), kStable + kWrites / 4);  // the tables did grow many times over
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(repeated, 0u);
  EXPECT_EQ(malformed, 0u);
  RecordProperty("scans", static_cast<int>(scans));
}

// Per database: the writer churns databases 0, 1 and 2 with the same key names in each, while
// full scans of database 1 run. Every stable key of database 1 is passed exactly once, and never
// an entry of another database (each value carries its database).
TEST(CacheScanConcurrency, AScanOfOneDatabaseSeesItsOwnKeysOnlyWhileAWriterChurnsAll) {
  constexpr std::size_t kStable = 500;
  constexpr std::size_t kWrites = 15000;
  constexpr unsigned kDatabases = 3;
  ManualClock clock;
  Cache cache(options(&clock));
  auto tagged = [](unsigned db, std::string_view key, std::size_t x) {
    return std::to_string(db) + "/" + value_for(key, x);
  };
  for (unsigned db = 0; db < kDatabases; ++db) {
    for (std::size_t i = 0; i < kStable; ++i) cache.set(db, key_of(i), tagged(db, key_of(i), 1));
  }

  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  std::thread writer([&] {
    std::minstd_rand rng(17);
    for (std::size_t op = 0; op < kWrites; ++op) {
      const auto db = static_cast<unsigned>(op % kDatabases);
      const std::string churn = churn_of(op / kDatabases);
      cache.set(db, churn, tagged(db, churn, rng() % 30));
      started.store(true, std::memory_order_release);
      if (op % 2 == 1 && op > 192) cache.erase(db, churn_of(op / kDatabases - 1 - rng() % 32));
      const std::string stable = key_of(rng() % kStable);
      const auto other = static_cast<unsigned>(rng() % kDatabases);
      cache.set(other, stable, tagged(other, stable, rng() % 50));
    }
    finished.store(true, std::memory_order_release);
  });

  while (!started.load(std::memory_order_acquire)) std::this_thread::yield();
  std::size_t missing = 0;
  std::size_t repeated = 0;
  std::size_t foreign = 0;
  do {
    std::map<std::string, int> seen;
    std::uint64_t cursor = 0;
    do {
      cursor = cache.scan(1, cursor, 16, [&](const EntryView& entry) {
        ++seen[std::string(entry.key)];
        if (entry.value.substr(0, 2) != "1/" || !well_formed(entry.key, entry.value.substr(2))) {
          ++foreign;
        }
      });
    } while (cursor != 0);
    for (std::size_t i = 0; i < kStable; ++i) missing += seen.count(key_of(i)) == 1 ? 0 : 1;
    for (const auto& [key, count] : seen) repeated += count > 1 ? 1 : 0;
  } while (!finished.load(std::memory_order_acquire));
  writer.join();
  EXPECT_GT(cache.db_size(1), kStable + kWrites / kDatabases / 4);  // the tables grew
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(repeated, 0u);
  EXPECT_EQ(foreign, 0u);
}

// A small database beside a large one: each call walks further in the shared shards, so a
// COUNT still brings about that many of the small database's keys.
TEST_F(CacheScanTest, ASmallDatabaseBesideALargeOneScansAtItsOwnCount) {
  for (std::size_t i = 0; i < 4000; ++i) cache_.set(0, key_of(i), "zero");
  for (std::size_t i = 0; i < 400; ++i) cache_.set(1, key_of(i), "one");
  std::map<std::string, int> seen;
  std::size_t calls = 0;
  std::uint64_t cursor = 0;
  do {
    cursor = cache_.scan(1, cursor, 10, [&](const EntryView& entry) {
      ++seen[std::string(entry.key)];
      EXPECT_EQ(entry.value, "one");
    });
    ++calls;
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 400u);
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
  EXPECT_LE(calls, 400u / 10 * 3 / 2);  // without the scaling: about 440
}

TEST_F(CacheScanTest, ForEachChunkedOfOneDatabase) {
  for (std::size_t i = 0; i < 300; ++i) cache_.set(0, key_of(i), "zero");
  for (std::size_t i = 0; i < 300; i += 3) cache_.set(2, key_of(i), "two");
  std::map<std::string, int> seen;
  std::size_t chunks = 0;
  cache_.for_each_chunked(
      2, ScanBudget{16},
      [&](const EntryView& entry) {
        ++seen[std::string(entry.key)];
        EXPECT_EQ(entry.value, "two");
      },
      [&] { ++chunks; });
  EXPECT_EQ(seen.size(), 100u);
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
  // Database 2 holds a quarter of the entries, so a chunk walks up to 4 x 16 of them.
  EXPECT_GE(chunks, 400u / 64);
  std::size_t empty = 0;
  cache_.for_each(5, [&](const EntryView&) { ++empty; });
  EXPECT_EQ(empty, 0u);
}

}  // namespace
}  // namespace respcache::storage
