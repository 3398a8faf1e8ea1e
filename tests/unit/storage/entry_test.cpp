#include "respcache/storage/entry.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace respcache::storage {
namespace {

using namespace std::string_literals;

struct Destroy {
  void operator()(Entry* entry) const { Entry::destroy(entry); }
};
using EntryPtr = std::unique_ptr<Entry, Destroy>;

TEST(Entry, HoldsKeyAndTheConcatenatedValue) {
  EntryPtr entry(Entry::create(0, "key", "head-", "tail", 1234, 9));
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->key(), "key");
  EXPECT_EQ(entry->value(), "head-tail");
  EXPECT_EQ(entry->key_len(), 3u);
  EXPECT_EQ(entry->value_len(), 9u);
  EXPECT_EQ(entry->expire_at_ms(), 1234);
  EXPECT_EQ(entry->access_tick.load(), 9u);
}

TEST(Entry, EmptyAndBinaryParts) {
  EntryPtr empty(Entry::create(0, "", "", "", 0, 0));
  EXPECT_EQ(empty->key(), "");
  EXPECT_EQ(empty->value(), "");

  EntryPtr binary(Entry::create(0, "k\0\r\n"s, "\0"s, "\xff\0"s, 0, 0));
  EXPECT_EQ(binary->key(), "k\0\r\n"s);
  EXPECT_EQ(binary->value(), "\0\xff\0"s);
}

TEST(Entry, ExpiresOnlyStrictlyAfterItsExpiryTime) {
  EntryPtr entry(Entry::create(0, "k", "v", "", 1000, 0));
  EXPECT_TRUE(entry->has_expiry());
  EXPECT_FALSE(entry->expired_at(999));
  EXPECT_FALSE(entry->expired_at(1000));
  EXPECT_TRUE(entry->expired_at(1001));

  EntryPtr forever(Entry::create(0, "k", "v", "", 0, 0));
  EXPECT_FALSE(forever->has_expiry());
  EXPECT_EQ(forever->expire_at_ms(), 0);
  EXPECT_FALSE(forever->expired_at(INT64_MAX));
}

// The layout the memory target rests on: a 12-byte header, and the 8 bytes of expiry only for
// keys with a TTL.
TEST(Entry, OnlyKeysWithATtlPayForIt) {
  EXPECT_EQ(Entry::bytes_for(12, 64, false), 88u);
  EXPECT_EQ(Entry::bytes_for(12, 64, true), 96u);
  EntryPtr forever(Entry::create(0, "k", "v", "", 0, 0));
  EntryPtr expiring(Entry::create(0, "k", "v", "", 5, 0));
  EXPECT_EQ(forever->key().data(), reinterpret_cast<const char*>(forever.get()) + 12);
  EXPECT_EQ(expiring->key().data(), reinterpret_cast<const char*>(expiring.get()) + 20);
}

TEST(Entry, FootprintCoversTheWholeAllocation) {
  EntryPtr small(Entry::create(0, "k", "v", "", 0, 0));
  EntryPtr large(Entry::create(0, "k", std::string(10000, 'x'), "", 0, 0));
  EXPECT_GE(small->footprint(), sizeof(Entry) + 2);
  EXPECT_GE(large->footprint(), sizeof(Entry) + 10001);
  EXPECT_GT(large->footprint(), small->footprint());
}

TEST(Entry, AssignInPlaceOverwritesASameSizeValue) {
  EntryPtr entry(Entry::create(0, "key", std::string(64, 'a'), "", 0, 0));
  const std::string fresh(64, 'b');
  ASSERT_TRUE(entry->assign_in_place(fresh, "", 0));
  EXPECT_EQ(entry->key(), "key");
  EXPECT_EQ(entry->value(), fresh);
  EXPECT_FALSE(entry->has_expiry());
}

TEST(Entry, AssignInPlaceRefusesWhatDoesNotFitOrWouldWasteHalf) {
  EntryPtr entry(Entry::create(0, "key", std::string(64, 'a'), "", 0, 0));
  EXPECT_FALSE(entry->assign_in_place(std::string(200, 'b'), "", 0));
  EXPECT_FALSE(entry->assign_in_place("b", "", 0));
  EXPECT_EQ(entry->value(), std::string(64, 'a'));  // unchanged
}

// Adding or dropping a TTL moves key and value by 8 bytes; the value may be the entry's own
// (APPEND's head). The entry starts with a TTL so that the allocation has room for one under any
// allocator's rounding (ASan's is exact).
TEST(Entry, AssignInPlaceDropsAndAddsATtlKeepingAnAliasedValue) {
  const std::string value = "0123456789abcdef0123456789abcdef01234567";
  EntryPtr entry(Entry::create(0, "some-key", value, "", 777, 0));
  ASSERT_TRUE(entry->assign_in_place(entry->value(), "", 0));
  EXPECT_FALSE(entry->has_expiry());
  EXPECT_EQ(entry->expire_at_ms(), 0);
  EXPECT_EQ(entry->key(), "some-key");
  EXPECT_EQ(entry->value(), value);

  ASSERT_TRUE(entry->assign_in_place(entry->value(), "", 888));
  EXPECT_EQ(entry->expire_at_ms(), 888);
  EXPECT_EQ(entry->key(), "some-key");
  EXPECT_EQ(entry->value(), value);

  ASSERT_TRUE(entry->assign_in_place(entry->value().substr(0, 39), "+", 0));  // drop, append
  EXPECT_FALSE(entry->has_expiry());
  EXPECT_EQ(entry->key(), "some-key");
  EXPECT_EQ(entry->value(), value.substr(0, 39) + "+");

  ASSERT_TRUE(entry->assign_in_place("fresh", std::string(35, 'z'), 99));  // not aliased
  EXPECT_EQ(entry->expire_at_ms(), 99);
  EXPECT_EQ(entry->key(), "some-key");
  EXPECT_EQ(entry->value(), "fresh" + std::string(35, 'z'));
}

TEST(Entry, AssignInPlaceRefusesATailInsideItself) {
  EntryPtr entry(Entry::create(0, "key", std::string(64, 'a'), "", 0, 0));
  const std::string_view own = entry->value();
  EXPECT_FALSE(entry->assign_in_place("x", own.substr(0, 60), 0));
  EXPECT_EQ(entry->value(), std::string(64, 'a'));
}

}  // namespace
}  // namespace respcache::storage
