// HashTable::scan: each step visits exactly the entries whose hash positions lie in the range it
// reports, from both arrays, whatever the table's state (clusters that wrap round the end,
// long collision runs, a resize half done), so consecutive steps see every stable entry once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "respcache/storage/entry.hpp"
#include "respcache/storage/hash_table.hpp"
#include "respcache/storage/scan_cursor.hpp"

namespace respcache::storage {
namespace {

constexpr std::uint64_t kEnd = ScanCursor::kPositionEnd;
constexpr std::uint64_t kLowMask = kEnd - 1;

// Hashers that put positions where the walk is hardest. The high 32 bits stay xxh3's, so tags
// still differ.
std::uint64_t same_hash(std::string_view, std::uint64_t) { return 0xABCD'EF01'2345'6789ULL; }
std::uint64_t few_hashes(std::string_view key, std::uint64_t seed) {
  return (KeyHasher::xxh3(key, seed) % 5) * 0x9E37'79B9'7F4A'7C15ULL;
}
// 64 positions either side of the wrap: one cluster that runs off the end into slot 0.
std::uint64_t around_the_wrap(std::string_view key, std::uint64_t seed) {
  const std::uint64_t hash = KeyHasher::xxh3(key, seed);
  return (hash & ~kLowMask) | ((hash % 128 - 64) & kLowMask);
}
// A thousand positions in the middle: long runs in one place, many keys per position.
std::uint64_t narrow_band(std::string_view key, std::uint64_t seed) {
  const std::uint64_t hash = KeyHasher::xxh3(key, seed);
  return (hash & ~kLowMask) | (0x8000'0000U + hash % 1000);
}

std::string key_of(std::size_t i) { return "key:" + std::to_string(i); }

struct Step {
  std::uint64_t from = 0;
  std::uint64_t to = 0;
  std::vector<const Entry*> visited;
};

// Owns the entries of one table and mirrors them in `live_`, so every step can be checked
// against a brute-force answer.
class HashTableScanTest : public testing::Test {
 protected:
  void TearDown() override {
    table_.clear([](Entry* entry) { Entry::destroy(entry); });
  }

  void use(KeyHasher hasher, std::size_t keys = 0) {
    table_.clear([](Entry* entry) { Entry::destroy(entry); });
    live_.clear();
    ASSERT_TRUE(table_.reset(hasher, keys));
  }
  std::uint64_t position(const Entry* entry) const {
    return HashTable::position_of(table_.hash_of(entry));
  }
  bool add(const std::string& key, std::string_view value = "v") {
    Entry* entry = Entry::create(0, key, value, {}, 0, 0);
    if (!table_.insert(table_.hasher()(key), entry)) {
      Entry::destroy(entry);
      return false;
    }
    live_[key] = entry;
    return true;
  }
  void erase(const std::string& key) {
    Entry* entry = live_.at(key);
    table_.remove(table_.hash_of(entry), entry);
    Entry::destroy(entry);
    live_.erase(key);
  }
  // Adds keys from `first` on until a resize starts; returns the next unused index.
  std::size_t fill_until_resizing(std::size_t first = 0) {
    while (!table_.resizing()) EXPECT_TRUE(add(key_of(first++)));
    return first;
  }

  Step step(std::uint64_t from, ScanBudget& budget) const {
    Step s;
    s.from = from;
    s.to = table_.scan(from, budget, [&s](const Entry* entry) { s.visited.push_back(entry); });
    return s;
  }
  Step step(std::uint64_t from, std::size_t entries) const {
    ScanBudget budget{entries};
    return step(from, budget);
  }

  // The step visited each entry with a position in [from, to) exactly once, and nothing else.
  void expect_exact(const Step& s) const {
    ASSERT_LT(s.from, s.to);
    ASSERT_LE(s.to, kEnd);
    std::multiset<const Entry*> seen(s.visited.begin(), s.visited.end());
    for (const Entry* entry : s.visited) {
      EXPECT_GE(position(entry), s.from) << entry->key();
      EXPECT_LT(position(entry), s.to) << entry->key();
    }
    for (const auto& [key, entry] : live_) {
      const bool in_range = position(entry) >= s.from && position(entry) < s.to;
      EXPECT_EQ(seen.count(entry), in_range ? 1u : 0u)
          << key << " at " << position(entry) << " in [" << s.from << ", " << s.to << ")";
    }
  }
  // At most `entries` visited, unless they all share one position (which is never split).
  void expect_within(const Step& s, std::size_t entries) const {
    if (s.visited.size() <= entries) return;
    for (const Entry* entry : s.visited) EXPECT_EQ(position(entry), position(s.visited[0]));
  }

  // Scans from 0 to the end in steps of `entries`; counts how often each key was visited.
  std::map<std::string, int> full_scan(std::size_t entries, std::size_t* steps = nullptr) const {
    std::map<std::string, int> seen;
    std::uint64_t from = 0;
    std::size_t taken = 0;
    while (from < kEnd) {
      const Step s = step(from, entries);
      EXPECT_GT(s.to, from);
      expect_within(s, entries);
      for (const Entry* entry : s.visited) ++seen[std::string(entry->key())];
      from = s.to;
      ++taken;
    }
    if (steps != nullptr) *steps = taken;
    return seen;
  }
  void expect_each_once(const std::map<std::string, int>& seen) const {
    EXPECT_EQ(seen.size(), live_.size());
    for (const auto& [key, entry] : live_) {
      const auto it = seen.find(key);
      EXPECT_TRUE(it != seen.end() && it->second == 1) << key;
    }
  }

  HashTable table_;
  std::map<std::string, Entry*> live_;
};

TEST_F(HashTableScanTest, AnEmptyTableIsDoneInOneStep) {
  const Step s = step(0, 10);
  EXPECT_EQ(s.to, kEnd);
  EXPECT_TRUE(s.visited.empty());
}

TEST_F(HashTableScanTest, ASpentBudgetVisitsNothingAndStaysPut) {
  for (std::size_t i = 0; i < 100; ++i) add(key_of(i));
  ScanBudget budget{0};
  const Step s = step(12345, budget);
  EXPECT_EQ(s.to, 12345u);
  EXPECT_TRUE(s.visited.empty());
}

TEST_F(HashTableScanTest, AQuietFullScanVisitsEveryEntryOnceWithinTheBudget) {
  use({}, 4000);
  for (std::size_t i = 0; i < 3000; ++i) add(key_of(i));
  std::size_t steps = 0;
  expect_each_once(full_scan(10, &steps));
  // Steps use most of their budget: on average at least 4/5 of it.
  EXPECT_LE(steps, 3000u / 10 * 5 / 4);
}

TEST_F(HashTableScanTest, EachStepIsExactlyItsRange) {
  use({}, 0);
  for (std::size_t i = 0; i < 2000; ++i) add(key_of(i));
  for (std::uint64_t from = 0; from < kEnd;) {
    const Step s = step(from, 7);
    expect_exact(s);
    from = s.to;
  }
}

TEST_F(HashTableScanTest, OnePositionIsNeverSplitEvenPastTheBudget) {
  use({&same_hash, 0});
  for (std::size_t i = 0; i < 50; ++i) add(key_of(i));
  const Step s = step(0, 4);
  EXPECT_EQ(s.visited.size(), 50u);
  expect_exact(s);
  EXPECT_TRUE(step(s.to, 4).visited.empty());
}

TEST_F(HashTableScanTest, TheByteBudgetBoundsAStep) {
  use({}, 0);
  std::mt19937_64 rng(7);
  for (std::size_t i = 0; i < 1000; ++i) add(key_of(i), std::string(rng() % 150, 'v'));
  std::set<const Entry*> seen;
  for (std::uint64_t from = 0; from < kEnd;) {
    ScanBudget budget{SIZE_MAX, 600};
    const Step s = step(from, budget);
    std::size_t bytes = 0;
    for (const Entry* entry : s.visited) bytes += entry->key().size() + entry->value().size();
    EXPECT_LE(bytes, 600u);
    expect_exact(s);
    seen.insert(s.visited.begin(), s.visited.end());
    from = s.to;
  }
  EXPECT_EQ(seen.size(), live_.size());
}

// The heart of it: random inserts, removes and resize steps in every hasher's worst layout, and
// after every few operations a step from a random point (often a live entry's own position, or
// just past it) checked against brute force.
TEST_F(HashTableScanTest, RandomStepsAreExactInEveryLayoutAndResizeState) {
  const KeyHasher::Function hashers[] = {&KeyHasher::xxh3, &few_hashes, &around_the_wrap,
                                         &narrow_band, &same_hash};
  std::mt19937_64 rng(42);
  std::size_t steps_mid_resize = 0;
  for (KeyHasher::Function function : hashers) {
    use({function, 99});
    std::size_t next_key = 0;
    for (int op = 0; op < 4000; ++op) {
      const std::uint64_t dice = rng() % 10;
      if (dice < 6 && live_.size() < 600) {
        add(key_of(next_key++));
      } else if (dice < 9 && !live_.empty()) {
        auto it = live_.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(rng() % live_.size()));
        erase(it->first);
      } else {
        table_.migrate_some(rng() % 8);
      }
      if (op % 5 != 0) continue;
      std::uint64_t from = rng() & kLowMask;
      if (!live_.empty() && rng() % 2 == 0) {
        auto it = live_.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(rng() % live_.size()));
        from = std::min(position(it->second) + rng() % 2, kEnd - 1);
      }
      const std::size_t entries = 1 + rng() % 40;
      const Step s = step(from, entries);
      expect_exact(s);
      expect_within(s, entries);
      if (table_.resizing()) ++steps_mid_resize;
    }
    expect_each_once(full_scan(1 + rng() % 16));
  }
  EXPECT_GT(steps_mid_resize, 100u);
}

// A scan that starts as a resize does and moves a few entries between arrays between steps, with
// no other writes: each entry is in one array or the other at every step, and seen once.
TEST_F(HashTableScanTest, EntriesMovingBetweenArraysBetweenStepsAreSeenOnce) {
  use({}, 2000);
  fill_until_resizing();
  std::map<std::string, int> seen;
  std::size_t steps_mid_resize = 0;
  for (std::uint64_t from = 0; from < kEnd;) {
    if (table_.resizing()) ++steps_mid_resize;
    const Step s = step(from, 8);
    expect_exact(s);
    for (const Entry* entry : s.visited) ++seen[std::string(entry->key())];
    table_.migrate_some(7);
    from = s.to;
  }
  EXPECT_GT(steps_mid_resize, 50u);
  expect_each_once(seen);
}

// Keys present throughout are seen exactly once while keys come and go between steps and the
// table grows from its smallest size through several resizes.
TEST_F(HashTableScanTest, StableKeysAreSeenOnceThroughChurnAndResizes) {
  use({}, 0);
  std::size_t next = 0;
  while (live_.size() < 3000 || table_.resizing()) add(key_of(next++));
  next = fill_until_resizing(next);  // a resize that has only just begun
  const std::map<std::string, Entry*> stable = live_;
  std::vector<std::string> churn;
  std::map<std::string, int> seen;
  std::size_t steps = 0;
  std::size_t steps_mid_resize = 0;
  for (std::uint64_t from = 0; from < kEnd; ++steps) {
    if (table_.resizing()) ++steps_mid_resize;
    const Step s = step(from, 16);
    expect_exact(s);
    for (const Entry* entry : s.visited) ++seen[std::string(entry->key())];
    for (int i = 0; i < 4; ++i) {
      churn.push_back("churn:" + std::to_string(next++));
      add(churn.back());
    }
    for (int i = 0; i < 2; ++i) {
      erase(churn.front());
      churn.erase(churn.begin());
    }
    from = s.to;
  }
  EXPECT_GT(steps_mid_resize, 10u);
  EXPECT_GT(steps, 100u);
  for (const auto& [key, entry] : stable) EXPECT_EQ(seen[key], 1) << key;
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
}

}  // namespace
}  // namespace respcache::storage
