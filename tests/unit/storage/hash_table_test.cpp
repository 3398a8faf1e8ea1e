#include "respcache/storage/hash_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/storage/entry.hpp"

namespace respcache::storage {
namespace {

// Owns the entries of one table: everything left in it is freed through clear() at the end,
// as a shard does.
class HashTableTest : public testing::Test {
 protected:
  void TearDown() override {
    table_.clear([](Entry* entry) { Entry::destroy(entry); });
  }

  static Entry* make(std::uint32_t hash, std::string_view key, std::string_view value = "v") {
    return Entry::create(hash, key, value, {}, 0, 0);
  }
  Entry* add(std::uint32_t hash, std::string_view key, std::string_view value = "v") {
    Entry* entry = make(hash, key, value);
    table_.insert(entry);
    return entry;
  }
  void erase(Entry* entry) {
    table_.remove(entry);
    Entry::destroy(entry);
  }

  HashTable table_{16};
};

std::uint32_t spread(std::uint32_t i) { return i * 2654435761U; }

TEST_F(HashTableTest, StartsEmpty) {
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.find(0, "a"), nullptr);
  std::minstd_rand rng(1);
  EXPECT_EQ(table_.sample(rng), nullptr);
  EXPECT_EQ(table_.bucket_bytes(), 16 * sizeof(Entry*));
}

TEST_F(HashTableTest, FindsByHashAndKey) {
  Entry* a = add(1, "a");
  Entry* b = add(2, "b");
  Entry* empty = add(3, "");
  EXPECT_EQ(table_.size(), 3u);
  EXPECT_EQ(table_.find(1, "a"), a);
  EXPECT_EQ(table_.find(2, "b"), b);
  EXPECT_EQ(table_.find(3, ""), empty);
  EXPECT_EQ(table_.find(2, "a"), nullptr);  // right key, wrong hash
  EXPECT_EQ(table_.find(1, "b"), nullptr);  // right hash, wrong key
  EXPECT_EQ(table_.find(1, "ab"), nullptr);
}

TEST_F(HashTableTest, CollidingKeysAreTellApartByTheirBytes) {
  Entry* abc = add(7, "abc");
  Entry* abd = add(7, "abd");
  Entry* ab = add(7, "ab");
  Entry* other_bucket = add(7 + 16, "abc");  // same bucket, different full hash
  EXPECT_EQ(table_.find(7, "abc"), abc);
  EXPECT_EQ(table_.find(7, "abd"), abd);
  EXPECT_EQ(table_.find(7, "ab"), ab);
  EXPECT_EQ(table_.find(7 + 16, "abc"), other_bucket);
  EXPECT_EQ(table_.find(7, "abe"), nullptr);

  erase(abd);  // from the middle of the chain
  EXPECT_EQ(table_.find(7, "abd"), nullptr);
  EXPECT_EQ(table_.find(7, "abc"), abc);
  EXPECT_EQ(table_.find(7, "ab"), ab);
  EXPECT_EQ(table_.size(), 3u);
}

TEST_F(HashTableTest, ReplacePutsTheNewEntryInTheOldOnesPlace) {
  add(4, "x");
  Entry* old = add(4, "key", "old");
  add(4, "y");
  Entry* fresh = make(4, "key", "new");
  table_.replace(old, fresh);
  Entry::destroy(old);
  EXPECT_EQ(table_.size(), 3u);
  ASSERT_EQ(table_.find(4, "key"), fresh);
  EXPECT_EQ(fresh->value(), "new");
  EXPECT_NE(table_.find(4, "x"), nullptr);
  EXPECT_NE(table_.find(4, "y"), nullptr);
}

TEST_F(HashTableTest, RemovingEverythingLeavesItEmpty) {
  std::vector<Entry*> entries;
  for (std::uint32_t i = 0; i < 10; ++i) entries.push_back(add(i % 3, "k" + std::to_string(i)));
  for (Entry* entry : entries) erase(entry);
  EXPECT_EQ(table_.size(), 0u);
  std::minstd_rand rng(1);
  EXPECT_EQ(table_.sample(rng), nullptr);
  EXPECT_EQ(table_.find(0, "k0"), nullptr);
}

TEST_F(HashTableTest, DoublesOnceFullAndMovesBucketsAFewPerWrite) {
  for (std::uint32_t i = 0; i < 16; ++i) add(i, "k" + std::to_string(i));
  EXPECT_EQ(table_.bucket_bytes(), 16 * sizeof(Entry*));  // one entry per bucket: not yet full

  add(16, "k16");  // more entries than buckets: a 32-bucket array joins the old one
  EXPECT_EQ(table_.bucket_bytes(), (16 + 32) * sizeof(Entry*));
  const std::size_t writes_to_finish = 16 / HashTable::kRehashBucketsPerWrite;
  for (std::uint32_t i = 17; i < 16 + writes_to_finish; ++i) {
    EXPECT_EQ(table_.bucket_bytes(), (16 + 32) * sizeof(Entry*));
    add(i, "k" + std::to_string(i));
  }
  EXPECT_EQ(table_.bucket_bytes(), 32 * sizeof(Entry*));  // the old array is gone
  for (std::uint32_t i = 0; i < 16 + writes_to_finish; ++i) {
    EXPECT_NE(table_.find(i, "k" + std::to_string(i)), nullptr) << i;
  }
}

TEST_F(HashTableTest, RemovalsAlsoMoveBuckets) {
  std::vector<Entry*> entries;
  for (std::uint32_t i = 0; i < 17; ++i) entries.push_back(add(i, "k" + std::to_string(i)));
  EXPECT_GT(table_.bucket_bytes(), 32 * sizeof(Entry*));
  for (std::size_t i = 0; i < 16 / HashTable::kRehashBucketsPerWrite; ++i) erase(entries[i]);
  EXPECT_EQ(table_.bucket_bytes(), 32 * sizeof(Entry*));
  for (std::size_t i = 16 / HashTable::kRehashBucketsPerWrite; i < entries.size(); ++i) {
    EXPECT_EQ(table_.find(entries[i]->hash, entries[i]->key()), entries[i]);
  }
}

TEST_F(HashTableTest, EveryEntryStaysFindableThroughManyResizes) {
  std::vector<Entry*> entries;
  for (std::uint32_t i = 0; i < 2000; ++i) {
    entries.push_back(add(spread(i), "key:" + std::to_string(i)));
    // Check a rotating subset after each insert, and everything at the power-of-two sizes.
    const bool full_check = (i & (i + 1)) == 0;
    for (std::size_t j = full_check ? 0 : i % 7; j <= i; j += full_check ? 1 : 7) {
      ASSERT_EQ(table_.find(entries[j]->hash, entries[j]->key()), entries[j]) << i << " " << j;
    }
  }
  EXPECT_EQ(table_.size(), 2000u);
  EXPECT_GE(table_.bucket_bytes(), 2000 * sizeof(Entry*));

  std::mt19937 rng(7);
  std::shuffle(entries.begin(), entries.end(), rng);
  while (!entries.empty()) {
    erase(entries.back());
    entries.pop_back();
    for (std::size_t j = entries.size() % 11; j < entries.size(); j += 11) {
      ASSERT_EQ(table_.find(entries[j]->hash, entries[j]->key()), entries[j]);
    }
  }
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(HashTableTest, ReplaceAndFindWorkMidRehash) {
  std::vector<Entry*> entries;
  for (std::uint32_t i = 0; i < 17; ++i) entries.push_back(add(i * 3, "k" + std::to_string(i)));
  ASSERT_GT(table_.bucket_bytes(), 32 * sizeof(Entry*));  // a move is under way
  for (Entry*& entry : entries) {
    Entry* fresh = make(entry->hash, entry->key(), "replaced");
    table_.replace(entry, fresh);
    Entry::destroy(entry);
    entry = fresh;
  }
  for (Entry* entry : entries) {
    Entry* found = table_.find(entry->hash, entry->key());
    ASSERT_EQ(found, entry);
    EXPECT_EQ(found->value(), "replaced");
  }
  EXPECT_EQ(table_.size(), 17u);
}

TEST(HashTable, ReserveSizesAnEmptyTableOnly) {
  HashTable table(1000);
  EXPECT_EQ(table.bucket_bytes(), 1024 * sizeof(Entry*));
  table.reserve(5000);
  EXPECT_EQ(table.bucket_bytes(), 8192 * sizeof(Entry*));
  HashTable tiny(0);
  EXPECT_EQ(tiny.bucket_bytes(), 16 * sizeof(Entry*));

  Entry* entry = Entry::create(1, "k", "v", {}, 0, 0);
  table.insert(entry);
  table.reserve(100000);  // not empty: ignored
  EXPECT_EQ(table.bucket_bytes(), 8192 * sizeof(Entry*));
  EXPECT_EQ(table.find(1, "k"), entry);
  table.clear([](Entry* e) { Entry::destroy(e); });
}

TEST_F(HashTableTest, ClearVisitsEveryEntryOnceAndTheTableStaysUsable) {
  std::set<Entry*> inserted;
  for (std::uint32_t i = 0; i < 17; ++i) inserted.insert(add(i % 5, "k" + std::to_string(i)));
  ASSERT_GT(table_.bucket_bytes(), 32 * sizeof(Entry*));  // clear in the middle of a move

  std::multiset<Entry*> visited;
  table_.clear([&](Entry* entry) {
    visited.insert(entry);
    Entry::destroy(entry);
  });
  EXPECT_EQ(visited, (std::multiset<Entry*>(inserted.begin(), inserted.end())));
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.bucket_bytes(), 32 * sizeof(Entry*));  // keeps the larger array
  EXPECT_EQ(table_.find(0, "k0"), nullptr);

  Entry* again = add(0, "k0");
  EXPECT_EQ(table_.find(0, "k0"), again);
}

TEST_F(HashTableTest, SampleReturnsOnlyMembers) {
  std::set<Entry*> members;
  for (std::uint32_t i = 0; i < 100; ++i) members.insert(add(spread(i), std::to_string(i)));
  std::minstd_rand rng(3);
  for (int i = 0; i < 1000; ++i) {
    Entry* sampled = table_.sample(rng);
    ASSERT_NE(sampled, nullptr);
    EXPECT_TRUE(members.contains(sampled));
  }
}

// Eviction and the active expiry sweep see the table only through sample(): an entry that it
// can never return is never evicted and, once expired, never reclaimed.
TEST_F(HashTableTest, SampleReachesEveryEntryIncludingThoseDeepInAChain) {
  std::set<Entry*> members;
  for (std::uint32_t i = 0; i < 4; ++i) members.insert(add(5, "chained" + std::to_string(i)));
  for (std::uint32_t i = 0; i < 6; ++i) members.insert(add(i + 8, "alone" + std::to_string(i)));
  std::set<Entry*> seen;
  std::minstd_rand rng(11);
  for (int i = 0; i < 20000 && seen.size() < members.size(); ++i) seen.insert(table_.sample(rng));
  EXPECT_EQ(seen, members);
}

TEST_F(HashTableTest, SampleReachesEntriesInBothArraysMidRehash) {
  std::set<Entry*> members;
  for (std::uint32_t i = 0; i < 17; ++i) members.insert(add(i, "k" + std::to_string(i)));
  ASSERT_GT(table_.bucket_bytes(), 32 * sizeof(Entry*));
  std::set<Entry*> seen;
  std::minstd_rand rng(5);
  for (int i = 0; i < 20000 && seen.size() < members.size(); ++i) seen.insert(table_.sample(rng));
  EXPECT_EQ(seen, members);
}

}  // namespace
}  // namespace respcache::storage
