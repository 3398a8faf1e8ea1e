// Databases: independent keyspaces in one cache, MOVE, SWAPDB, FLUSHDB, per-database counters,
// RANDOMKEY, and what the key observer is told.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "respcache/storage/cache.hpp"
#include "respcache/storage/clock.hpp"
#include "respcache/storage/database.hpp"

namespace respcache::storage {
namespace {

std::string key_of(std::size_t i) { return "key:" + std::to_string(i); }

CacheOptions options(const Clock* clock, std::size_t initial_capacity = 64) {
  CacheOptions options;
  options.shard_count = 4;
  options.initial_capacity = initial_capacity;
  options.clock = clock;
  options.hash_seed = 0x5eed;
  return options;
}

std::string get(Cache& cache, unsigned db, std::string_view key) {
  std::string out = "<none>";
  cache.read(db, key, [&](const EntryView& e) { out.assign(e.value); });
  return out;
}

struct Recorder final : KeyObserver {
  void key_changed(unsigned db, std::string_view key) override {
    changes.emplace_back(db, std::string(key));
  }
  std::vector<std::pair<unsigned, std::string>> changes;
};

class CacheDatabaseTest : public testing::Test {
 protected:
  ManualClock clock_{1'000'000};
  Cache cache_{options(&clock_)};
};

TEST_F(CacheDatabaseTest, TheSameKeyIsIndependentInEachDatabase) {
  for (unsigned db = 0; db < 16; ++db) cache_.set(db, "k", "v" + std::to_string(db));
  for (unsigned db = 0; db < 16; ++db) EXPECT_EQ(get(cache_, db, "k"), "v" + std::to_string(db));
  EXPECT_TRUE(cache_.erase(3, "k"));
  EXPECT_FALSE(cache_.contains(3, "k"));
  EXPECT_TRUE(cache_.contains(4, "k"));
  EXPECT_EQ(cache_.size(), 15u);
  EXPECT_EQ(cache_.db_size(3), 0u);
  EXPECT_EQ(cache_.db_size(4), 1u);
  EXPECT_EQ(get(cache_, 0, "k"), "v0");  // the forms without a database are database 0
}

TEST_F(CacheDatabaseTest, CountsKeysAndTtlsPerDatabase) {
  cache_.set(1, "a", "x", 2'000'000);
  cache_.set(1, "b", "x");
  cache_.set(2, "a", "x", 2'000'000);
  EXPECT_EQ(cache_.db_size(1), 2u);
  EXPECT_EQ(cache_.db_keys_with_expiry(1), 1u);
  EXPECT_EQ(cache_.db_keys_with_expiry(2), 1u);
  cache_.set(1, "a", "y");  // the TTL goes
  EXPECT_EQ(cache_.db_keys_with_expiry(1), 0u);
  EXPECT_EQ(cache_.stats().keys_with_expiry, 1u);
  clock_.advance(2'000'000);
  EXPECT_FALSE(cache_.contains(2, "a"));
  EXPECT_EQ(cache_.db_size(2), 0u);
}

TEST_F(CacheDatabaseTest, MoveKeepsValueAndTtlAndRefusesAnOccupiedTarget) {
  cache_.set(0, "k", "value", 5'000'000);
  EXPECT_EQ(cache_.move(0, 7, "k"), MoveStatus::kMoved);
  EXPECT_FALSE(cache_.contains(0, "k"));
  std::int64_t expiry = 0;
  cache_.read(7, "k", [&](const EntryView& e) { expiry = e.expire_at_ms; });
  EXPECT_EQ(expiry, 5'000'000);
  EXPECT_EQ(cache_.db_keys_with_expiry(7), 1u);
  EXPECT_EQ(cache_.db_keys_with_expiry(0), 0u);
  EXPECT_EQ(cache_.move(0, 7, "k"), MoveStatus::kNoSource);
  cache_.set(0, "k", "other");
  EXPECT_EQ(cache_.move(0, 7, "k"), MoveStatus::kTargetExists);
  EXPECT_EQ(get(cache_, 0, "k"), "other");
  EXPECT_EQ(cache_.move(7, 7, "k"), MoveStatus::kTargetExists);
}

TEST_F(CacheDatabaseTest, MoveOntoAnExpiredKeyReplacesIt) {
  cache_.set(1, "k", "old", 1'000'010);
  cache_.set(0, "k", "new");
  clock_.advance(100);
  EXPECT_EQ(cache_.move(0, 1, "k"), MoveStatus::kMoved);
  EXPECT_EQ(get(cache_, 1, "k"), "new");
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(CacheDatabaseTest, SwapExchangesContentsAndLaterWritesFollowTheSwap) {
  for (std::size_t i = 0; i < 100; ++i) cache_.set(0, key_of(i), "zero");
  cache_.set(1, "only-in-one", "one", 9'000'000);
  cache_.swap_databases(0, 1);
  EXPECT_EQ(cache_.db_size(0), 1u);
  EXPECT_EQ(cache_.db_size(1), 100u);
  EXPECT_EQ(cache_.db_keys_with_expiry(0), 1u);
  EXPECT_EQ(get(cache_, 0, "only-in-one"), "one");
  EXPECT_EQ(get(cache_, 1, key_of(5)), "zero");
  cache_.set(0, "fresh", "f");
  cache_.clear_db(1);
  EXPECT_EQ(cache_.db_size(1), 0u);
  EXPECT_EQ(get(cache_, 0, "fresh"), "f");
  std::set<std::string> keys;
  cache_.for_each(0, [&](const EntryView& e) { keys.emplace(e.key); });
  EXPECT_EQ(keys, (std::set<std::string>{"fresh", "only-in-one"}));
  cache_.swap_databases(0, 1);
  EXPECT_EQ(get(cache_, 1, "fresh"), "f");
  EXPECT_EQ(cache_.db_size(0), 0u);
}

// FLUSHDB of one database among others, while a table resize is in flight (the pass runs over
// both arrays): the rest all stay readable and the counters match.
TEST_F(CacheDatabaseTest, ClearingOneDatabaseDuringAResizeKeepsTheOthers) {
  Cache cache(options(&clock_, 16));
  for (std::size_t i = 0; i < 3000; ++i) cache.set(static_cast<unsigned>(i % 3), key_of(i), "v");
  for (std::size_t i = 0; i < 3000; ++i) cache.set(1, key_of(i), "one");
  cache.clear_db(1);
  EXPECT_EQ(cache.db_size(1), 0u);
  EXPECT_EQ(cache.size(), 2000u);
  for (std::size_t i = 0; i < 3000; ++i) {
    const auto db = static_cast<unsigned>(i % 3);
    EXPECT_EQ(cache.contains(db, key_of(i)), db != 1) << i;
  }
  std::size_t walked = 0;
  cache.for_each(0, [&](const EntryView&) { ++walked; });
  EXPECT_EQ(walked, 1000u);
  cache.clear_db(0);
  cache.clear_db(2);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.stats().keys, 0u);
}

TEST_F(CacheDatabaseTest, AvgTtlIsEstimatedPerDatabaseBySweepsAndFollowsASwap) {
  EXPECT_EQ(cache_.db_avg_ttl(2), 0);
  for (std::size_t i = 0; i < 50; ++i) cache_.set(2, key_of(i), "v", 1'000'000 + 100'000);
  for (std::size_t i = 0; i < 50; ++i) cache_.set(3, key_of(i), "v");
  cache_.expire_some(1000);
  EXPECT_EQ(cache_.db_avg_ttl(2), 100'000);  // the first sweep sets it: every TTL is 100 s
  EXPECT_EQ(cache_.db_avg_ttl(3), 0);
  clock_.advance(50'000);
  cache_.expire_some(1000);
  EXPECT_EQ(cache_.db_avg_ttl(2), 100'000 / 50 * 49 + 50'000 / 50);  // Redis's 1/50 weight
  cache_.swap_databases(2, 7);
  EXPECT_EQ(cache_.db_avg_ttl(2), 0);
  EXPECT_EQ(cache_.db_avg_ttl(7), 100'000 / 50 * 49 + 50'000 / 50);
  cache_.clear_db(7);
  EXPECT_EQ(cache_.db_avg_ttl(7), 0);
}

TEST_F(CacheDatabaseTest, RandomKeyComesFromTheDatabase) {
  std::string key;
  EXPECT_FALSE(cache_.random_key(0, key));
  for (std::size_t i = 0; i < 500; ++i) cache_.set(0, key_of(i), "v");
  cache_.set(9, "lonely", "v");
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(cache_.random_key(9, key));
    EXPECT_EQ(key, "lonely");
  }
  std::set<std::string> drawn;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(cache_.random_key(0, key));
    drawn.insert(key);
  }
  EXPECT_GT(drawn.size(), 50u);
  EXPECT_FALSE(cache_.random_key(3, key));
}

TEST_F(CacheDatabaseTest, TheObserverHearsLogicalDatabases) {
  Recorder recorder;
  cache_.set_key_observer(&recorder);
  cache_.observe_keys(true);
  cache_.set(2, "k", "v");
  cache_.swap_databases(2, 5);  // the entry's physical database is still 2
  cache_.set(5, "k", "w");
  EXPECT_EQ(cache_.move(5, 6, "k"), MoveStatus::kMoved);
  cache_.clear_db(6);
  const std::vector<std::pair<unsigned, std::string>> expected = {
      {2, "k"}, {5, "k"}, {5, "k"}, {6, "k"}, {6, "k"}};
  EXPECT_EQ(recorder.changes, expected);
  cache_.observe_keys(false);
  cache_.set_key_observer(nullptr);
}

TEST_F(CacheDatabaseTest, TheDatabaseViewBindsItsIndex) {
  const Database db(cache_, 4);
  db.set("k", "v");
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(cache_.db_size(4), 1u);
  EXPECT_TRUE(db.contains("k"));
  EXPECT_EQ(db.move_to(5, "k"), MoveStatus::kMoved);
  EXPECT_EQ(Database(cache_, 5).size(), 1u);
}

// The encoding a write asks for is kept beside the value length, in place or not, and a
// mutation that keeps it (EXPIRE, PERSIST) does.
TEST_F(CacheDatabaseTest, WritesCarryTheirValueEncoding) {
  auto encoding = [&](std::string_view key) {
    ValueEncoding out{};
    cache_.read(key, [&](const EntryView& e) { out = e.entry->encoding(); });
    return out;
  };
  cache_.update(
      "k", [](const EntryView*) { return Mutation::store("12", 0).encoded(ValueEncoding::kRaw); });
  EXPECT_EQ(encoding("k"), ValueEncoding::kRaw);
  cache_.update("k", [](const EntryView* current) {
    return Mutation::store(current->value, 9'000'000).keeping_encoding();  // adds a TTL
  });
  EXPECT_EQ(encoding("k"), ValueEncoding::kRaw);
  const std::string tail(500, 'x');  // outlives the update: the mutation holds a view of it
  cache_.update("k", [&](const EntryView* current) {
    return Mutation::store(current->value, tail, 0).keeping_encoding();
  });
  EXPECT_EQ(encoding("k"), ValueEncoding::kRaw);  // a new, larger allocation
  std::string value;
  cache_.read("k", [&](const EntryView& e) { value.assign(e.value); });
  EXPECT_EQ(value.size(), 502u);
  cache_.set("k", "12");
  EXPECT_EQ(encoding("k"), ValueEncoding::kAsSet);
  cache_.update("k", [](const EntryView*) {
    return Mutation::store("3", 0).encoded(ValueEncoding::kString);
  });
  EXPECT_EQ(encoding("k"), ValueEncoding::kString);
  EXPECT_EQ(cache_.move(0, 1, "k"), MoveStatus::kMoved);
  ValueEncoding moved{};
  cache_.read(1, "k", [&](const EntryView& e) { moved = e.entry->encoding(); });
  EXPECT_EQ(moved, ValueEncoding::kString);
}

TEST(CacheDatabaseOptions, RejectsZeroAndMoreThanAnEntryHolds) {
  for (std::size_t databases : {std::size_t{0}, Entry::kMaxDatabases + 1}) {
    CacheOptions bad;
    bad.databases = databases;
    bad.initial_capacity = 0;
    EXPECT_THROW(Cache{bad}, std::invalid_argument) << databases;
  }
  CacheOptions most;
  most.databases = Entry::kMaxDatabases;
  most.initial_capacity = 0;
  Cache cache(most);
  cache.set(127, "k", "v");
  EXPECT_TRUE(cache.contains(127, "k"));
  EXPECT_FALSE(cache.contains(0, "k"));
}

}  // namespace
}  // namespace respcache::storage
