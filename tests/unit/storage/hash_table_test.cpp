#include "respcache/storage/hash_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/storage/entry.hpp"

namespace respcache::storage {
namespace {

// Hashers that force collisions: every key one hash (same home slot and same tag), or only
// a handful of hashes.
std::uint64_t same_hash(std::string_view, std::uint64_t) { return 0xABCD'EF01'2345'6789ULL; }
std::uint64_t few_hashes(std::string_view key, std::uint64_t seed) {
  return (KeyHasher::xxh3(key, seed) % 5) * 0x9E37'79B9'7F4A'7C15ULL;
}

std::string key_of(std::size_t i) { return "key:" + std::to_string(i); }

// Owns the entries of one table: everything left in it is freed through clear() at the end,
// as a shard does.
class HashTableTest : public testing::Test {
 protected:
  void TearDown() override {
    table_.clear([](Entry* entry) { Entry::destroy(entry); });
  }

  void use(KeyHasher hasher, std::size_t keys) { ASSERT_TRUE(table_.reset(hasher, keys)); }
  std::uint64_t hash(std::string_view key) const { return table_.hasher()(key); }
  Entry* add(std::string_view key, std::string_view value = "v") {
    Entry* entry = Entry::create(0, key, value, {}, 0, 0);
    EXPECT_TRUE(table_.insert(hash(key), entry)) << key;
    return entry;
  }
  void erase(Entry* entry) {
    table_.remove(hash(entry->key()), entry);
    Entry::destroy(entry);
  }
  Entry* find(std::string_view key) const { return table_.find(hash(key), 0, key); }
  // Adds keys until a resize starts; returns them.
  std::vector<Entry*> fill_until_resizing() {
    std::vector<Entry*> entries;
    while (!table_.resizing()) entries.push_back(add(key_of(entries.size())));
    return entries;
  }

  HashTable table_;
};

TEST_F(HashTableTest, StartsEmpty) {
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(find("a"), nullptr);
  std::minstd_rand rng(1);
  EXPECT_EQ(table_.sample(rng), nullptr);
  EXPECT_EQ(table_.capacity(), HashTable::kMinCapacity);
  EXPECT_GE(table_.index_bytes(), HashTable::kMinCapacity * sizeof(std::uint64_t));
}

TEST_F(HashTableTest, FindsByKey) {
  Entry* a = add("a");
  Entry* b = add("b");
  Entry* empty = add("");
  EXPECT_EQ(table_.size(), 3u);
  EXPECT_EQ(find("a"), a);
  EXPECT_EQ(find("b"), b);
  EXPECT_EQ(find(""), empty);
  EXPECT_EQ(find("ab"), nullptr);
  EXPECT_EQ(table_.find(hash("b"), 0, "a"), nullptr);  // right key, wrong hash
}

// Every key has the same home slot and tag, so each lookup walks the cluster and tells keys
// apart by their bytes; removals from the middle shift the rest back.
TEST_F(HashTableTest, OneHashForEveryKey) {
  use({&same_hash, 0}, 1000);
  std::vector<Entry*> entries;
  for (std::size_t i = 0; i < 300; ++i) entries.push_back(add(key_of(i)));
  for (std::size_t i = 0; i < 300; ++i) ASSERT_EQ(find(key_of(i)), entries[i]) << i;
  EXPECT_EQ(find("key:"), nullptr);
  EXPECT_EQ(find("key:300"), nullptr);

  for (std::size_t i = 0; i < 300; i += 3) erase(entries[i]);
  for (std::size_t i = 0; i < 300; ++i) {
    ASSERT_EQ(find(key_of(i)), i % 3 == 0 ? nullptr : entries[i]) << i;
  }
  for (std::size_t i = 0; i < 300; i += 3) entries[i] = add(key_of(i), "again");
  for (std::size_t i = 0; i < 300; ++i) ASSERT_EQ(find(key_of(i)), entries[i]) << i;
  EXPECT_EQ(table_.size(), 300u);
}

// A slot records its distance from home in 10 bits; past that an insert is refused and the
// table is left as it was. (Unreachable with the seeded hash; it takes a constant one.)
TEST_F(HashTableTest, RefusesAnInsertPastTheLongestDistanceChangingNothing) {
  use({&same_hash, 0}, 2000);  // room for all without a resize
  std::vector<Entry*> entries;
  for (std::size_t i = 0; i <= HashTable::kMaxDistance; ++i) entries.push_back(add(key_of(i)));
  Entry* extra = Entry::create(0, "one-too-many", "v", {}, 0, 0);
  EXPECT_FALSE(table_.insert(hash("one-too-many"), extra));
  Entry::destroy(extra);
  EXPECT_EQ(table_.size(), HashTable::kMaxDistance + 1);
  for (std::size_t i = 0; i < entries.size(); ++i) ASSERT_EQ(find(key_of(i)), entries[i]);
}

TEST_F(HashTableTest, RefusesAnAddressBeyond48Bits) {
  auto* far = reinterpret_cast<Entry*>(std::uintptr_t{1} << 50);  // never dereferenced
  EXPECT_FALSE(table_.insert(1, far));
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(HashTableTest, ReplacePutsTheNewEntryInTheOldOnesPlace) {
  use({&few_hashes, 7}, 100);
  for (std::size_t i = 0; i < 40; ++i) add(key_of(i));
  Entry* old = find(key_of(17));
  Entry* fresh = Entry::create(0, key_of(17), "new", {}, 0, 0);
  ASSERT_TRUE(table_.replace(hash(key_of(17)), old, fresh));
  Entry::destroy(old);
  EXPECT_EQ(table_.size(), 40u);
  ASSERT_EQ(find(key_of(17)), fresh);
  EXPECT_EQ(fresh->value(), "new");
  for (std::size_t i = 0; i < 40; ++i) ASSERT_NE(find(key_of(i)), nullptr) << i;
}

TEST_F(HashTableTest, RemovingEverythingLeavesItEmpty) {
  use({&few_hashes, 3}, 0);
  std::vector<Entry*> entries;
  for (std::size_t i = 0; i < 10; ++i) entries.push_back(add(key_of(i)));
  for (Entry* entry : entries) erase(entry);
  EXPECT_EQ(table_.size(), 0u);
  std::minstd_rand rng(1);
  EXPECT_EQ(table_.sample(rng), nullptr);
  EXPECT_EQ(find(key_of(0)), nullptr);
}

// Sized for 1000 keys: the 1001st starts a resize to 5/4 of the capacity; each write then moves
// 16 old slots, and lookups, removals and replacements find entries in either array meanwhile.
TEST_F(HashTableTest, GrowsPastSevenEighthsAndMovesSlotsAFewPerWrite) {
  use({}, 1000);
  const std::size_t old_capacity = table_.capacity();
  EXPECT_EQ(old_capacity, (1000 * 8 + 6) / 7);
  std::vector<Entry*> entries = fill_until_resizing();
  EXPECT_EQ(entries.size(), 1001u);
  EXPECT_EQ(table_.capacity(), old_capacity + old_capacity * 5 / 4);
  const std::size_t both_bytes = table_.index_bytes();
  EXPECT_GE(both_bytes, table_.capacity() * sizeof(std::uint64_t));

  // Most entries are still in the old array: remove some, replace some, find the rest.
  for (std::size_t i = 0; i < 100; i += 2) erase(entries[i]);
  for (std::size_t i = 1; i < 100; i += 2) {
    Entry* fresh = Entry::create(0, entries[i]->key(), "replaced", {}, 0, 0);
    ASSERT_TRUE(table_.replace(hash(fresh->key()), entries[i], fresh));
    Entry::destroy(entries[i]);
    entries[i] = fresh;
  }
  ASSERT_TRUE(table_.resizing());
  // New keys go to the new array; remove some of those too.
  for (std::size_t i = 1001; i < 1011; ++i) entries.push_back(add(key_of(i)));
  for (std::size_t i = 1001; i < 1011; i += 2) erase(entries[i]);
  ASSERT_TRUE(table_.resizing());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const bool removed = (i < 100 && i % 2 == 0) || (i >= 1001 && i % 2 == 1);
    ASSERT_EQ(find(key_of(i)), removed ? nullptr : entries[i]) << i;
    if (i < 100 && !removed) {
      EXPECT_EQ(entries[i]->value(), "replaced");
    }
  }
  EXPECT_EQ(table_.size(), 1011u - 50 - 5);

  // Each write took 16 steps (a step moves one entry or passes one old slot), so the whole move
  // takes at most (1,001 + 1,143) / 16 = 134 writes; 66 are done.
  std::size_t erased = 0;
  for (std::size_t i = 101; table_.resizing(); i += 2, ++erased) erase(entries[i]);
  EXPECT_LE(66 + erased, 134u);
  EXPECT_EQ(table_.capacity(), old_capacity * 5 / 4);
  EXPECT_LT(table_.index_bytes(), both_bytes);
  EXPECT_EQ(table_.size(), 1011u - 50 - 5 - erased);
  for (std::size_t i = 102; i < 1001; i += 2) ASSERT_EQ(find(key_of(i)), entries[i]) << i;
}

// The work a write does for a resize is bounded: 16 steps, each moving one entry or passing
// one old slot, so moving 1,000 entries takes at least 63 writes, and 1,001 entries and 1,143
// slots at most 134.
TEST_F(HashTableTest, EachWriteMovesAtMostSixteenSlots) {
  use({}, 1000);
  fill_until_resizing();
  std::size_t writes = 1;  // the insert that started the resize
  for (std::size_t i = 0; table_.resizing(); ++i, ++writes) add("more:" + std::to_string(i));
  EXPECT_GE(writes, 1000 / HashTable::kMigrateStepsPerWrite);
  EXPECT_LE(writes, (1001 + 1143) / HashTable::kMigrateStepsPerWrite);
}

TEST_F(HashTableTest, MigrateSomeFinishesAResizeWithoutWrites) {
  use({}, 1000);
  std::vector<Entry*> entries = fill_until_resizing();
  table_.migrate_some(100);
  EXPECT_TRUE(table_.resizing());
  table_.migrate_some(1 << 20);
  EXPECT_FALSE(table_.resizing());
  for (std::size_t i = 0; i < entries.size(); ++i) ASSERT_EQ(find(key_of(i)), entries[i]);
  table_.migrate_some(16);  // nothing to do
  EXPECT_EQ(table_.size(), entries.size());
}

// The old array's pages behind the move go back to the OS, and the accounting follows.
TEST_F(HashTableTest, AResizeGivesBackTheOldArrayAsItGoes) {
  use({}, 100000);
  std::vector<Entry*> entries = fill_until_resizing();
  const std::size_t old_bytes = 114286 * sizeof(std::uint64_t);
  const std::size_t at_start = table_.index_bytes();
  table_.migrate_some(100000);  // about half of the old slots
  ASSERT_TRUE(table_.resizing());
  EXPECT_LT(table_.index_bytes(), at_start - old_bytes / 3);
  for (std::size_t i = 0; i < entries.size(); ++i) ASSERT_EQ(find(key_of(i)), entries[i]) << i;
  std::minstd_rand rng(2);
  for (int i = 0; i < 1000; ++i) ASSERT_NE(table_.sample(rng), nullptr);
  for (std::size_t i = 0; i < entries.size(); i += 3) erase(entries[i]);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(find(key_of(i)), i % 3 == 0 ? nullptr : entries[i]) << i;
  }
  table_.migrate_some(1 << 20);
  EXPECT_FALSE(table_.resizing());
}

TEST_F(HashTableTest, EveryEntryStaysFindableThroughManyResizes) {
  for (KeyHasher hasher : {KeyHasher{}, KeyHasher{&few_hashes, 9}}) {
    SCOPED_TRACE(hasher.function == &few_hashes ? "few hashes" : "xxh3");
    table_.clear([](Entry* entry) { Entry::destroy(entry); });
    use(hasher, 0);
    const std::size_t n = hasher.function == &few_hashes ? 900 : 5000;
    std::vector<Entry*> entries;
    for (std::size_t i = 0; i < n; ++i) {
      entries.push_back(add(key_of(i)));
      // Check a rotating subset after each insert, and everything at the powers of two.
      const bool full_check = (i & (i + 1)) == 0;
      for (std::size_t j = full_check ? 0 : i % 7; j <= i; j += full_check ? 1 : 7) {
        ASSERT_EQ(find(key_of(j)), entries[j]) << i << " " << j;
      }
    }
    EXPECT_EQ(table_.size(), n);
    EXPECT_GE(table_.capacity() * HashTable::kMaxLoadNum, n * HashTable::kMaxLoadDen - 8);

    std::mt19937 rng(7);
    std::shuffle(entries.begin(), entries.end(), rng);
    while (!entries.empty()) {
      erase(entries.back());
      entries.pop_back();
      for (std::size_t j = entries.size() % 11; j < entries.size(); j += 11) {
        ASSERT_EQ(find(entries[j]->key()), entries[j]);
      }
    }
    EXPECT_EQ(table_.size(), 0u);
  }
}

TEST_F(HashTableTest, ResetSizesAnEmptyTableOnly) {
  use({}, 7000);
  EXPECT_EQ(table_.capacity(), 8000u);
  use({}, 0);
  EXPECT_EQ(table_.capacity(), HashTable::kMinCapacity);
  Entry* entry = add("k");
  EXPECT_FALSE(table_.reset({}, 100000));  // not empty: ignored
  EXPECT_EQ(table_.capacity(), HashTable::kMinCapacity);
  EXPECT_EQ(find("k"), entry);
}

TEST_F(HashTableTest, ClearVisitsEveryEntryOnceMidResizeAndTheTableStaysUsable) {
  use({}, 1000);
  std::vector<Entry*> entries = fill_until_resizing();
  const std::size_t new_capacity = ((1000 * 8 + 6) / 7) * 5 / 4;
  std::multiset<Entry*> visited;
  table_.clear([&](Entry* entry) {
    visited.insert(entry);
    Entry::destroy(entry);
  });
  EXPECT_EQ(visited, (std::multiset<Entry*>(entries.begin(), entries.end())));
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_FALSE(table_.resizing());
  EXPECT_EQ(table_.capacity(), new_capacity);  // keeps the larger array
  EXPECT_EQ(find(key_of(0)), nullptr);
  Entry* again = add(key_of(0));
  EXPECT_EQ(find(key_of(0)), again);
}

TEST_F(HashTableTest, SampleReturnsOnlyMembers) {
  std::set<Entry*> members;
  for (std::size_t i = 0; i < 100; ++i) members.insert(add(key_of(i)));
  std::minstd_rand rng(3);
  for (int i = 0; i < 1000; ++i) {
    Entry* sampled = table_.sample(rng);
    ASSERT_NE(sampled, nullptr);
    EXPECT_TRUE(members.contains(sampled));
  }
}

// Eviction and the active expiry sweep see the table only through sample(): an entry that it
// can never return is never evicted and, once expired, never reclaimed. Entries deep in a long
// cluster count as much as any other; so do entries in a nearly empty table.
TEST_F(HashTableTest, SampleReachesEveryEntryOfAClusterOrOfANearlyEmptyTable) {
  use({&same_hash, 0}, 1000);
  std::set<Entry*> members;
  for (std::size_t i = 0; i < 30; ++i) members.insert(add(key_of(i)));
  std::set<Entry*> seen;
  std::minstd_rand rng(11);
  for (int i = 0; i < 20000 && seen.size() < members.size(); ++i) seen.insert(table_.sample(rng));
  EXPECT_EQ(seen, members);
}

// Sampled LRU relies on every entry being equally likely: with the table half full, each of
// 500 entries is drawn close to 1/500 of the time.
TEST_F(HashTableTest, SampleIsCloseToUniform) {
  use({}, 875);  // 1000 slots
  for (std::size_t i = 0; i < 500; ++i) add(key_of(i));
  std::map<Entry*, int> counts;
  std::minstd_rand rng(5);
  constexpr int kDraws = 200000;
  for (int i = 0; i < kDraws; ++i) ++counts[table_.sample(rng)];
  ASSERT_EQ(counts.size(), 500u);
  const int expected = kDraws / 500;
  for (const auto& [entry, count] : counts) {
    EXPECT_GT(count, expected / 2) << entry->key();
    EXPECT_LT(count, expected * 3 / 2) << entry->key();
  }
}

TEST_F(HashTableTest, SampleReachesEntriesInBothArraysMidResize) {
  use({}, 1000);
  std::vector<Entry*> entries = fill_until_resizing();
  for (std::size_t i = 0; i < 5; ++i) entries.push_back(add("new:" + std::to_string(i)));
  ASSERT_TRUE(table_.resizing());
  std::set<Entry*> members(entries.begin(), entries.end());
  std::set<Entry*> seen;
  std::minstd_rand rng(5);
  for (int i = 0; i < 200000 && seen.size() < members.size(); ++i) {
    seen.insert(table_.sample(rng));
  }
  EXPECT_EQ(seen, members);
}

}  // namespace
}  // namespace respcache::storage
